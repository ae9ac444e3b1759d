"""CONS-5 (corrected), HAB-2: a habilitation is issued by one CAF and opens that CAF's dossiers only; the access is
kept in the session and stamped with a version the database bumps in the transaction of every change, so that a
suspension bites on the very next request — on that CAF only."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conventions.enums import CafRoleKind, JuridictionKind
from conventions.models import Baj, Caf, CafRole, Profile
from habilitations.access import compute_access
from habilitations.enums import HabilitationStatus
from habilitations.models import Habilitation, User
from habilitations.services import habilitation_reactivate, habilitation_suspend
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.allocataires.factories import DossierFactory
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in
from tests.helpers import open_dossier

pytestmark = pytest.mark.django_db


def version(user):
    return User.objects.values_list("access_version", flat=True).get(pk=user.pk)


def test_the_triggers_exist():
    """A later migration that rebuilds one of these tables on SQLite would drop its triggers: this fails then."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE '%%access_changed%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%access_changed%'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"convention_access_changed", "caf_access_changed", "profile_access_changed"} <= names
    assert any(name.startswith("habilitation_access_changed") for name in names)


def test_every_write_that_changes_an_access_bumps_the_version_in_the_database():
    habilitation = HabilitationFactory()
    user, convention = habilitation.user, habilitation.convention
    bystander = HabilitationFactory(convention=ConventionFactory(caf=Caf.objects.get(number="171"))).user
    steps = [
        lambda: Habilitation.objects.filter(pk=habilitation.pk).update(status=HabilitationStatus.SUSPENDED),
        lambda: type(convention).objects.filter(pk=convention.pk).update(ends_on=dt.date(2030, 1, 1)),
        lambda: Caf.objects.filter(number="161").update(offers_dialogue=True),
        lambda: Profile.objects.filter(code="T12").update(label="T12"),
        lambda: HabilitationFactory(user=user, convention=ConventionFactory(caf=Caf.objects.get(number="591"))),
        lambda: Habilitation.objects.filter(pk=habilitation.pk).delete(),
    ]
    for step in steps:
        before, untouched = version(user), version(bystander)
        step()
        assert version(user) > before, step
        if step is not steps[3]:  # every user of the profile T12: the bystander too
            assert version(bystander) == untouched, step


def test_an_unchanged_access_costs_no_query(client):
    user = HabilitationFactory().user
    log_in(client, user)
    client.get("/accueil/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accueil/").status_code == 200
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert not any("habilitations_habilitation" in sql or "conventions_" in sql for sql in statements), statements
    assert len(statements) == 3, statements  # the session, the user, the session saved


LILLE, ROUBAIX, VALENCIENNES = "595", "597", "599"
POSTAL_CODES = {LILLE: "59000", ROUBAIX: "59100", VALENCIENNES: "59300"}


def caf(number):
    return Caf.objects.get(number=number)


def convention(number, **kwargs):
    """A convention of the BAJ of Lille with the CAF `number`."""
    return ConventionFactory(
        baj=Baj.objects.get(city="Lille", juridiction=JuridictionKind.TGI), caf=caf(number), **kwargs
    )


def search_in(client, number, caf_number):
    """The search of `number` in the CAF `caf_number`, as the form asks it: with a postal code of that CAF (a
    local access ignores it)."""
    return open_dossier(client, number, postal_code=POSTAL_CODES[caf_number])


def test_a_habilitation_opens_its_conventions_caf_only(client):
    """The BAJ of Lille has conventions with the CAFs of Lille and of Roubaix; a habilitation issued by Lille
    opens Lille only."""
    user = UserFactory(identifier="T5900001")
    HabilitationFactory(user=user, convention=convention(LILLE))
    convention(ROUBAIX)
    access = compute_access(user, timezone.localdate())
    assert [caf.number for caf in access.cafs] == [LILLE] and access.local
    log_in(client, user)
    DossierFactory(number="5970001", caf=caf(ROUBAIX))
    assert "Dossier introuvable" in search_in(client, "5970001", ROUBAIX).content.decode()


@pytest.fixture
def two_cafs():
    """A greffier of the BAJ of Lille holding a habilitation from the CAF of Lille and one from the CAF of
    Roubaix, and a dossier in each."""
    user = UserFactory(identifier="T5900001")
    lille = HabilitationFactory(user=user, convention=convention(LILLE))
    roubaix = HabilitationFactory(user=user, convention=convention(ROUBAIX))
    dossiers = {
        LILLE: DossierFactory(number="5950001", caf=caf(LILLE)),
        ROUBAIX: DossierFactory(number="5970001", caf=caf(ROUBAIX)),
    }
    return user, lille, roubaix, dossiers


def rubrique(client, dossier):
    return client.get(reverse("allocataires:rubrique", args=[dossier.pk, "adresse"]))


def test_a_suspension_bites_on_the_next_request_of_every_open_session_on_that_caf_only(two_cafs):
    user, lille, roubaix, dossiers = two_cafs
    sessions = [Client(), Client()]
    for session in sessions:
        log_in(session, user)
        assert "Code postal" in session.get("/accueil/").content.decode(), "two CAFs: the multi-CAF search"
        for number, dossier in dossiers.items():
            assert search_in(session, dossier.number, number).status_code == 302
            assert rubrique(session, dossier).status_code == 200
    habilitation_suspend(habilitation=roubaix, by=None)
    for session in sessions:
        assert rubrique(session, dossiers[ROUBAIX]).status_code == 404, "the very next request to Roubaix's dossier"
        assert rubrique(session, dossiers[LILLE]).status_code == 200, "Lille's habilitation still works"
        assert "Code postal" not in session.get("/accueil/").content.decode(), "one CAF left: a local access"
    assert JournalEntry.objects.filter(event=JournalEvent.CONSULTATION_REFUSED, user=user).count() == 2
    habilitation_reactivate(habilitation=roubaix, by=None)
    assert rubrique(sessions[0], dossiers[ROUBAIX]).status_code == 200
    habilitation_suspend(habilitation=roubaix, by=None)
    habilitation_suspend(habilitation=lille, by=None)
    for session in sessions:
        response = session.get("/accueil/")
        assert response.status_code == 302 and response["Location"] == reverse("habilitations:access_withdrawn")


def test_each_cafs_staff_see_and_suspend_only_their_cafs_habilitations(two_cafs):
    user, lille, roubaix, _ = two_cafs
    admin = UserFactory(identifier="CAF59701", staff=True)
    CafRole.objects.create(user=admin, caf=caf(ROUBAIX), kind=CafRoleKind.ADMINISTRATOR)
    client = Client()
    log_in(client, admin)
    listing = client.get(reverse("admin:habilitations_habilitation_changelist"))
    assert list(listing.context["cl"].queryset) == [roubaix]
    assert client.get(reverse("admin:habilitations_habilitation_change", args=[lille.pk])).status_code == 302
    client.post(
        reverse("admin:habilitations_habilitation_changelist"),
        {"action": "suspend", "_selected_action": [lille.pk, roubaix.pk], "apply": "1", "reason": "Poste vacant"},
    )
    lille.refresh_from_db(), roubaix.refresh_from_db()
    assert (lille.status, roubaix.status) == (HabilitationStatus.ACTIVE, HabilitationStatus.SUSPENDED)


# CONS-5, CONV-2, CONV-4: user × CAF × habilitation state × convention state → reachable or refused.
HABILITATION_STATES = ["active", "suspended", "revoked", "requested", "removal_due", "removal_past"]
CONVENTION_STATES = ["running", "unsigned", "signed_tomorrow", "not_started", "ended", "terminated"]


def _convention(state, number):
    today = timezone.localdate()
    kwargs = {
        "unsigned": {"partner_signed_on": None},
        "signed_tomorrow": {"caf_signed_on": today + dt.timedelta(days=1)},
        "not_started": {
            "starts_on": today + dt.timedelta(days=3),
            "first_period_ends_on": today + dt.timedelta(days=300),
        },
        "ended": {"ends_on": today},
        "terminated": {"ends_on": today - dt.timedelta(days=2), "end_kind": "breach", "end_reason": "Manquement"},
    }.get(state, {})
    return convention(number, **kwargs)


def _habilitation(state, user, convention):
    today = timezone.localdate()
    status = {"suspended": "suspended", "revoked": "revoked", "requested": "requested"}.get(state, "active")
    ends_on = {"removal_due": today + dt.timedelta(days=1), "removal_past": today}.get(state)
    return HabilitationFactory(user=user, convention=convention, status=status, ends_on=ends_on)


def _answer(response):
    """What the greffier is told: the status and the text of the alert, whatever number was typed."""
    html = response.content.decode()
    alert = html[html.find('<div class="alert"') : html.find("</div>", html.find('<div class="alert"'))]
    return response.status_code, " ".join(alert.split())


@pytest.mark.parametrize("convention_state", CONVENTION_STATES)
@pytest.mark.parametrize("habilitation_state", HABILITATION_STATES)
def test_access_matrix(client, habilitation_state, convention_state):
    """A greffier holds a habilitation from the CAF of Lille in `habilitation_state` under a convention in
    `convention_state`, and an active one from Roubaix. Lille's dossier is reachable only when both states give
    access; Roubaix's always; Valenciennes' (where they hold nothing) never. Outside the access, a dossier that
    exists and a number that exists nowhere get the same answer, and both are journaled."""
    user = UserFactory(identifier="T5900001")
    _habilitation(habilitation_state, user, _convention(convention_state, LILLE))
    HabilitationFactory(user=user, convention=convention(ROUBAIX))
    for number in (LILLE, ROUBAIX, VALENCIENNES):
        DossierFactory(number=f"{number}0001", caf=caf(number))
    log_in(client, user)
    gives_access = habilitation_state in ("active", "removal_due") and convention_state == "running"
    assert (search_in(client, "5950001", LILLE).status_code == 302) == gives_access
    assert search_in(client, "5970001", ROUBAIX).status_code == 302
    outside = [LILLE, VALENCIENNES] if not gives_access else [VALENCIENNES]
    for number in outside:
        exists, nowhere = search_in(client, f"{number}0001", number), search_in(client, "9999999", number)
        assert exists.status_code == 200 and _answer(exists) == _answer(nowhere), number
    refused = JournalEntry.objects.filter(event=JournalEvent.CONSULTATION_REFUSED, user=user)
    assert refused.count() == (not gives_access) + 2 * len(outside)
