"""AUD-2: each line of the journal reaches the officers it concerns, and only them — over a journal generated with
every kind of line: consultations, refusals, connections and lockouts of users of one CAF or of several, staff
with a role, administrators of no CAF, identifiers matching no user."""

import datetime as dt
import itertools
import random

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from conventions.enums import CafRoleKind, JuridictionKind
from conventions.models import Baj, Caf, CafRole
from habilitations.irregularities import find
from habilitations.models import User, journal_visible_to_officer
from journal.enums import JournalEvent
from journal.models import JournalEntry
from journal.services import journal_record
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in

pytestmark = pytest.mark.django_db
NORD = ["591", "595", "597"]


class Request:
    def __init__(self, ip):
        self.META = {"REMOTE_ADDR": ip, "HTTP_USER_AGENT": "test"}


@pytest.fixture
def world():
    """Greffiers of one CAF and of two, CAF staff, an administrator of no CAF, and officers: one per CAF, one of
    an unrelated CAF (Charente), one national."""
    lille = Baj.objects.get(city="Lille", juridiction=JuridictionKind.TGI)
    cafs = {number: Caf.objects.get(number=number) for number in [*NORD, "161"]}
    conventions = {number: ConventionFactory(baj=lille, caf=cafs[number]) for number in NORD}
    greffiers = {}
    for identifier, numbers in [("T5910001", ["591"]), ("T5950001", ["595"]), ("T5900001", ["595", "597"])]:
        user = UserFactory(identifier=identifier)
        for number in numbers:
            HabilitationFactory(user=user, convention=conventions[number])
        greffiers[identifier] = (user, numbers)
    agent = UserFactory(identifier="AGENT597", staff=True)
    CafRole.objects.create(user=agent, caf=cafs["597"], kind=CafRoleKind.ADMINISTRATOR)
    greffiers["AGENT597"] = (agent, ["597"])
    admin = UserFactory(identifier="ADMIN001", staff=True)  # a user of no CAF
    greffiers["ADMIN001"] = (admin, [])
    officers = {}
    for number in [*NORD, "161"]:
        officer = UserFactory(identifier=f"RSSI{number}0", staff=True)
        CafRole.objects.create(user=officer, caf=cafs[number], kind=CafRoleKind.SECURITY_OFFICER)
        officers[number] = officer
    national = UserFactory(identifier="CNAFSEC1", staff=True)
    national.user_permissions.add(Permission.objects.get(codename="view_national_journal"))
    officers["national"] = national
    return cafs, greffiers, officers


def generate(cafs, greffiers):
    """A journal of every kind of line; returns {line: the officers it concerns}."""
    rng = random.Random(4)
    expected = {}
    events = [JournalEvent.LOGIN_SUCCESS, JournalEvent.LOGIN_FAILURE, JournalEvent.LOCKED_OUT_ATTEMPT]
    for (user, numbers), event in itertools.product(greffiers.values(), events):
        line = journal_record(event=event, user=user, request=Request(f"192.0.2.{rng.randrange(1, 250)}"))
        expected[line.pk] = set(numbers) or {"national"}
        for number in numbers:
            line = journal_record(event=JournalEvent.CONSULTATION, user=user, caf=cafs[number], rubrique="dossier")
            expected[line.pk] = {number}
        line = journal_record(event=JournalEvent.CONSULTATION_REFUSED, user=user, detail="accès direct")
        expected[line.pk] = set(numbers) or {"national"}
    for index in range(5):
        line = journal_record(
            event=JournalEvent.LOGIN_FAILURE, identifier=f"MDP{index:03d}X", request=Request("203.0.113.9")
        )
        expected[line.pk] = {"national"}
    return expected


def test_every_line_reaches_the_officers_it_concerns_and_no_other(world):
    cafs, greffiers, officers = world
    expected = generate(cafs, greffiers)
    seen = {
        name: set(journal_visible_to_officer(officer).filter(pk__in=expected).values_list("pk", flat=True))
        for name, officer in officers.items()
    }
    for pk, concerned in expected.items():
        reached = {name for name, pks in seen.items() if pk in pks}
        assert reached == concerned, (JournalEntry.objects.get(pk=pk), reached, concerned)
    assert not seen["161"], "an unrelated CAF's officer sees nothing of the Nord"


def test_a_cafs_officer_counts_unknown_identifiers_per_address_without_their_text(client, world):
    cafs, greffiers, officers = world
    for index in range(4):
        journal_record(event=JournalEvent.LOGIN_FAILURE, identifier=f"MDP{index:03d}X", request=Request("203.0.113.9"))
    today = timezone.localdate()
    findings = find(
        journal_visible_to_officer(officers["595"]),
        today,
        today + dt.timedelta(days=1),
        unknown=JournalEntry.objects.unknown_identifiers(),
    )
    assert [(f.rule, f.subject, f.count) for f in findings if f.rule == "unknown_identifiers"] == [
        ("unknown_identifiers", "203.0.113.9", 4)
    ]
    log_in(client, officers["595"])
    report = client.get(reverse("habilitations:officer_report")).content.decode()
    assert "203.0.113.9" in report and "MDP000X" not in report
    journal = client.get(reverse("habilitations:officer_journal"), {"adresse": "203.0.113.9"}).content.decode()
    assert "MDP000X" not in journal
    client.post(reverse("habilitations:logout"))
    log_in(client, officers["national"])
    journal = client.get(reverse("habilitations:officer_journal"), {"adresse": "203.0.113.9"}).content.decode()
    assert "MDP000X" in journal, "the national security officer sees them whole"
    assert User.objects.of_no_caf().filter(identifier="ADMIN001").exists()


def test_the_national_security_officer_lands_on_the_journal(world):
    from django.test import Client

    cafs, greffiers, officers = world
    response = Client().post("/", {"identifier": "CNAFSEC1", "password": "Un-mot-de-passe-long-9"})
    assert response["Location"] == reverse("habilitations:officer_journal")
