"""AUTH-5: initial, changed, expired and reset passwords."""

import datetime as dt
import html

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from habilitations.services import password_generate, password_reset
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.habilitations.factories import PASSWORD, HabilitationFactory, UserFactory, log_in

pytestmark = pytest.mark.django_db

HOME = reverse("allocataires:home")
CHANGE = reverse("habilitations:password_change")


def change(client, new, old=PASSWORD):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def test_an_initial_password_must_be_changed_at_first_login(client, login):
    user = HabilitationFactory(user=UserFactory(identifier="T1001161", initial=True)).user
    assert login("T1001161")["Location"] == CHANGE
    assert client.get(HOME)["Location"] == CHANGE, "every page leads to the change form"
    response = change(client, "Kp7mw3")
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200, "the session stays open after the change"
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Kp7mw3")
    assert JournalEntry.objects.filter(event=JournalEvent.PASSWORD_CHANGE, user=user).exists()


@pytest.mark.parametrize(
    "new, message",
    [
        ("Kp7mw", "exactement 6 caractères"),
        ("Kp7mw3x", "exactement 6 caractères"),
        ("123456", "entièrement numérique"),
        (PASSWORD, "différent de l'actuel"),
    ],
)
def test_partner_password_rules(client, greffier, login, new, message):
    login("T1001161")
    response = change(client, new)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())


def test_staff_passwords_are_longer():
    staff = UserFactory(staff=True)
    with pytest.raises(ValidationError, match="au moins 12 caractères"):
        password_validation.validate_password("Kp7mw3", staff)
    password_validation.validate_password("Un-autre-mot-de-passe-8", staff)


@pytest.mark.parametrize("days, forced", [(89, False), (90, True)])
def test_a_password_expires_after_90_days(client, login, days, forced):
    UserFactory(identifier="T1001161", password_changed_at=timezone.now() - dt.timedelta(days=days))
    assert login("T1001161")["Location"] == (CHANGE if forced else HOME)


def test_the_expiry_age_is_configurable(settings, client, login):
    settings.CAFPRO_PASSWORD_MAX_AGE_DAYS = 30
    UserFactory(identifier="T1001161", password_changed_at=timezone.now() - dt.timedelta(days=30))
    assert login("T1001161")["Location"] == CHANGE


def test_generated_passwords_pass_the_partner_rules():
    user = UserFactory()
    passwords = {password_generate(user) for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 6
        password_validation.validate_password(password, user)


def test_a_reset_ends_every_open_session_and_forces_a_change(client, greffier, login, django_user_model):
    from django.test import Client

    login("T1001161")
    other_browser = Client()
    other_browser.post("/", {"identifier": "T1001161", "password": PASSWORD})
    admin = UserFactory(staff=True)
    new_password = password_reset(user=greffier, by=admin)
    assert client.get(HOME)["Location"] == reverse("habilitations:session_expired")
    assert other_browser.get(HOME)["Location"] == reverse("habilitations:session_expired")
    assert login("T1001161").status_code == 200, "the old password no longer works"
    assert login("T1001161", new_password)["Location"] == CHANGE
    entry = JournalEntry.objects.get(event=JournalEvent.PASSWORD_RESET)
    assert entry.user == admin and entry.detail.startswith("T1001161 :") and new_password not in str(entry.__dict__)


def test_the_admin_reset_shows_the_password_once_and_not_in_a_message(client, greffier):
    log_in(client, UserFactory(superuser=True))
    response = client.post(
        reverse("admin:habilitations_user_changelist"), {"action": "reset_password", "_selected_action": [greffier.pk]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    greffier.refresh_from_db()
    password = response.context["reset"][0][1]
    assert greffier.check_password(password) and greffier.must_change_password
    assert password in response.content.decode()
    assert password not in str(client.cookies)
