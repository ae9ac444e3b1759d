"""CONV-4: "après signature d'une convention" — a convention gives access only once signed by both parties (the
CAF's and the partner's signature dates, not in the future) and started; before that it is "En attente de
signature", and a habilitation under it can be requested but not granted."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conventions.enums import CafRoleKind, ConventionState
from conventions.models import Caf, CafRole, Convention
from habilitations.enums import GreffeFunction, HabilitationStatus
from habilitations.services import habilitation_grant, habilitation_request
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import UserFactory, log_in

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.mark.parametrize(
    "caf_signed_on, partner_signed_on, state",
    [
        (None, None, ConventionState.AWAITING_SIGNATURE),
        (dt.date(2024, 12, 2), None, ConventionState.AWAITING_SIGNATURE),
        (None, dt.date(2024, 12, 2), ConventionState.AWAITING_SIGNATURE),
        (dt.date(2024, 12, 2), TODAY + dt.timedelta(days=1), ConventionState.AWAITING_SIGNATURE),
        (dt.date(2024, 12, 2), dt.date(2024, 12, 9), ConventionState.RENEWED),
        (dt.date(2024, 12, 2), TODAY, ConventionState.RENEWED),
    ],
)
def test_a_convention_gives_access_once_signed_by_both_parties(caf_signed_on, partner_signed_on, state):
    convention = ConventionFactory(caf_signed_on=caf_signed_on, partner_signed_on=partner_signed_on)
    assert convention.state_on(TODAY) == state
    active = state != ConventionState.AWAITING_SIGNATURE
    assert convention.is_active_on(TODAY) == active
    assert Convention.objects.active_on(TODAY).filter(pk=convention.pk).exists() == active
    assert Convention.objects.awaiting_signature_on(TODAY).filter(pk=convention.pk).exists() == (not active)


def test_signed_but_not_started_is_not_in_force():
    convention = ConventionFactory(starts_on=dt.date(2027, 1, 1), first_period_ends_on=dt.date(2027, 12, 31))
    assert convention.state_on(TODAY) == ConventionState.NOT_STARTED
    assert not convention.is_active_on(TODAY)


def test_a_signature_is_never_dated_in_the_future():
    convention = ConventionFactory.build(
        caf=Caf.objects.get(number="161"), partner_signed_on=timezone.localdate() + dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        convention.clean()
    assert "partner_signed_on" in error.value.message_dict


def test_a_habilitation_can_be_requested_but_not_granted_before_the_signature():
    convention = ConventionFactory(unsigned=True)
    habilitation = habilitation_request(
        convention=convention, function=GreffeFunction.GREFFIER, last_name="Martin", first_name="Claire", by=None
    )
    with pytest.raises(ValidationError, match="pas encore signée"):
        habilitation_grant(habilitation=habilitation, by=None)
    habilitation.refresh_from_db()
    assert habilitation.status == HabilitationStatus.REQUESTED
    convention.partner_signed_on = timezone.localdate()
    convention.save()
    habilitation_grant(habilitation=habilitation, by=None)
    assert habilitation.status == HabilitationStatus.ACTIVE


def test_the_caf_records_the_partners_signature_in_the_administration(client):
    """The admin's form goes through the service: the history says who recorded which signature."""
    admin = UserFactory(identifier="CAF16101", staff=True)
    CafRole.objects.create(user=admin, caf=Caf.objects.get(number="161"), kind=CafRoleKind.ADMINISTRATOR)
    convention = ConventionFactory(unsigned=True)
    log_in(client, admin)
    url = reverse("admin:conventions_convention_change", args=[convention.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        partner_signed_on=f"{timezone.localdate():%d/%m/%Y}",
        caf_signed_on="02/12/2024",
        starts_on="01/01/2025",
        first_period_ends_on="31/12/2025",
        **{"history-TOTAL_FORMS": "0", "history-INITIAL_FORMS": "0"},
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    convention.refresh_from_db()
    assert convention.is_signed_on(timezone.localdate())
    entry = convention.history.get()
    assert (
        entry.by == admin
        and entry.action == "signature"
        and "signée par la juridiction le : — →" in entry.detail.lower()
    )
    line = JournalEntry.objects.get(event=JournalEvent.CONVENTION_SIGNED)
    assert (line.user, line.caf.number) == (admin, "161") and "→" in line.detail, "AUD-1: journaled for the CAF"


def test_the_national_overview_lists_signed_and_awaiting_conventions_apart(client):
    ConventionFactory(number="000042/2025")
    ConventionFactory(number="000043/2025", unsigned=True)
    ministry = UserFactory(identifier="SADJPV01", staff=True)
    ministry.user_permissions.add(Permission.objects.get(codename="view_national_overview"))
    log_in(client, ministry)
    page = client.get(reverse("conventions:national_overview"))
    assert [row[4] for row in page.context["signed"]] == ["000042/2025"]
    assert [row[4] for row in page.context["awaiting"]] == ["000043/2025"]
    html = page.content.decode()
    assert "Conventions en attente de signature" in html and "En attente de signature" in html


def test_the_national_page_lists_no_ended_convention_as_signed_and_puts_waiting_difficulties_first(client):
    """#24, ROLE-4, CONV-4: a convention terminated, ended by denunciation, or ended before its signature is not
    « signée » — each table follows `Convention.state_on`; the difficulties waiting for an answer come first; the
    page says who is connected."""
    from conventions.enums import ConventionEnd
    from conventions.models import Baj, DifficultyReport

    ConventionFactory(number="000042/2025")
    ConventionFactory(number="000044/2025", ended=True, end_kind=ConventionEnd.BREACH, end_reason="Manquement")
    ConventionFactory(number="000045/2025", ended=True, end_kind=ConventionEnd.DENUNCIATION)
    ConventionFactory(number="000046/2025", ended=True, unsigned=True)  # abandoned before the signature
    ministry = UserFactory(identifier="SADJPV01", staff=True, first_name="Service", last_name="SADJPV")
    ministry.user_permissions.add(Permission.objects.get(codename="view_national_overview"))
    DifficultyReport.objects.create(
        baj=Baj.objects.get(city="Angoulême", juridiction="tgi"), reported_by=ministry, subject="Lettre perdue",
        body="Une lettre d'ouverture n'est pas arrivée.",
    )  # fmt: skip
    log_in(client, ministry)
    page = client.get(reverse("conventions:national_overview"))
    assert [row[4] for row in page.context["signed"]] == ["000042/2025"]
    assert [row[4] for row in page.context["awaiting"]] == []
    assert [row[4] for row in page.context["ended"]] == ["000044/2025", "000045/2025", "000046/2025"]
    html = " ".join(page.content.decode().split())
    assert html.index("Lettre perdue") < html.index("Conventions signées"), "the waiting difficulty first"
    assert "Connecté : <strong>Service SADJPV</strong>" in html


def test_a_convention_signed_but_not_started_is_not_listed_as_running(client):
    """ROLE-4, CONV-2 (#24 walk: Cusset under « en cours »): the table of signed conventions says « en vigueur ou à
    venir », and the row says « pas encore en vigueur », as `Convention.state_on` does."""
    ConventionFactory(number="000047/2025", starts_on=dt.date(2099, 1, 1), first_period_ends_on=dt.date(2099, 12, 31))
    ministry = UserFactory(identifier="SADJPV01", staff=True)
    ministry.user_permissions.add(Permission.objects.get(codename="view_national_overview"))
    log_in(client, ministry)
    page = client.get(reverse("conventions:national_overview"))
    assert [(row[4], row[8]) for row in page.context["signed"]] == [("000047/2025", "Signée, pas encore en vigueur")]
    html = " ".join(page.content.decode().split())
    assert "Signées par les deux parties, en vigueur ou à venir : 1 convention" in html
    assert "en cours :" not in html
