"""AUTH-3, ROLE-7 (#22 §4): three anonymous attempts lock a staff identifier for a cool-off, not for good; the
national security officer lifts it at once (journaled); greffiers keep the manual's rule."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from conventions.enums import CafRoleKind
from habilitations.services import locked_identifiers
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.habilitations.factories import STAFF_PASSWORD, UserFactory, caf_staff_logged_in, log_in

pytestmark = pytest.mark.django_db
LOCKED = reverse("habilitations:locked_out")
URL = reverse("habilitations:officer_staff_lockouts")


def attempt(identifier, password="Wrong1-Wrong1"):
    return Client().post("/", {"identifier": identifier, "password": password})


def lock(identifier):
    for _ in range(3):
        attempt(identifier)
    assert attempt(identifier)["Location"] == LOCKED


@pytest.mark.parametrize("traits", [{"staff": True}, {"superuser": True}])
def test_a_staff_lockout_lifts_after_the_cool_off(settings, traits):
    settings.CAFPRO_STAFF_LOCKOUT_COOLOFF = 15 * 60
    UserFactory(identifier="ADMIN001", **traits)
    lock("ADMIN001")
    with time_machine.travel(dt.timedelta(minutes=14)):
        assert attempt("ADMIN001", STAFF_PASSWORD)["Location"] == LOCKED
        assert list(locked_identifiers()) == [{"username": "ADMIN001"}]
    with time_machine.travel(dt.timedelta(minutes=16)):
        assert list(locked_identifiers()) == [], "no longer on a work list"
        assert attempt("ADMIN001", STAFF_PASSWORD)["Location"] != LOCKED
    with time_machine.travel(dt.timedelta(minutes=17)):
        lock("ADMIN001")  # the count starts again: three new failures lock it again, for a cool-off again


def test_the_cool_off_is_a_setting(settings):
    settings.CAFPRO_STAFF_LOCKOUT_COOLOFF = 3600
    UserFactory(identifier="ADMIN001", staff=True)
    lock("ADMIN001")
    with time_machine.travel(dt.timedelta(minutes=59)):
        assert attempt("ADMIN001", STAFF_PASSWORD)["Location"] == LOCKED
    with time_machine.travel(dt.timedelta(minutes=61)):
        assert attempt("ADMIN001", STAFF_PASSWORD)["Location"] != LOCKED


def test_a_greffier_stays_locked_until_the_caf_unlocks():
    UserFactory(identifier="T1001161")
    lock("T1001161")
    with time_machine.travel(dt.timedelta(days=30)):
        assert attempt("T1001161", "Zq9xw4")["Location"] == LOCKED


@pytest.fixture
def national_officer(client):
    officer = UserFactory(identifier="CNAF0001", staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_national_journal"))
    return log_in(client, officer)


def test_the_national_security_officer_unlocks_a_staff_identifier(client, national_officer):
    UserFactory(identifier="ADMIN001", superuser=True)
    UserFactory(identifier="T1001161")
    lock("ADMIN001")
    lock("T1001161")
    page = client.get(URL).content.decode()
    assert "ADMIN001" in page and "T1001161" not in page, "staff only: a greffier is unlocked by their CAF"
    assert "Personnel bloqué" in client.get(reverse("habilitations:officer_journal")).content.decode()

    assert client.post(URL, {"identifier": "T1001161"}).status_code == 404
    response = client.post(URL, {"identifier": "ADMIN001"}, follow=True)
    assert "Indiquez le motif du déblocage de ADMIN001" in response.content.decode(), "BO-6: a reason first"
    assert attempt("ADMIN001", STAFF_PASSWORD)["Location"] == LOCKED
    response = client.post(URL, {"identifier": "ADMIN001", "reason": "appel de l'agent"}, follow=True)
    assert "Accès de ADMIN001 débloqué." in response.content.decode()
    assert attempt("ADMIN001", STAFF_PASSWORD)["Location"] != LOCKED
    unlock = JournalEntry.objects.get(event=JournalEvent.UNLOCK)
    assert unlock.user == national_officer and unlock.detail.startswith("ADMIN001 :"), "AUD-1: who acted, on which"
    assert "appel de l'agent" in unlock.detail, "BO-6: the reason in the journal line"
    assert attempt("T1001161", "Zq9xw4")["Location"] == LOCKED


@pytest.mark.parametrize("kind", [CafRoleKind.ADMINISTRATOR, CafRoleKind.SECURITY_OFFICER])
def test_a_cafs_staff_cannot_unlock_staff(client, kind):
    caf_staff_logged_in(client, "CAF16101", kind)
    UserFactory(identifier="ADMIN001", superuser=True)
    lock("ADMIN001")
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"identifier": "ADMIN001"}).status_code == 403
    assert attempt("ADMIN001", STAFF_PASSWORD)["Location"] == LOCKED
    assert "Personnel bloqué" not in client.get(reverse("habilitations:officer_journal")).content.decode()
