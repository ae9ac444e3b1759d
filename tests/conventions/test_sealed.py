"""CONV-4, CONV-2, BO-3 (#24): once signed by both parties, a convention's contract — number, parties, profile,
signatures, dates, end — is read-only in the administration and refused by `convention_save` whoever calls it; its
end goes only through « Dénoncer » / « Résilier »; an ended convention is read-only entirely. Before the
signatures, everything stays editable. The cover letter, which asks the BAJ to sign, is offered only while awaiting
the signature; « Dénoncer » and « Résilier » only once signed."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from conventions.enums import CafRoleKind, ConventionState
from conventions.models import Convention
from conventions.services import convention_denounce, convention_save, convention_terminate
from habilitations.enums import HabilitationState
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, caf_staff_logged_in

pytestmark = pytest.mark.django_db


def _page(client, convention):
    return client.get(reverse("admin:conventions_convention_change", args=[convention.pk]))


def _post(client, convention, **data):
    """The change form as the page shows it, with `data` on top."""
    form = _page(client, convention).context["adminform"].form
    values = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    values = {name: f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else value for name, value in values.items()}
    values.update(data, **{"history-TOTAL_FORMS": "0", "history-INITIAL_FORMS": "0"})
    return client.post(reverse("admin:conventions_convention_change", args=[convention.pk]), values)


def _terminated():
    convention = ConventionFactory()
    convention_terminate(convention=convention, by=None, reason="Codes communiqués à un tiers")
    return convention


@pytest.mark.parametrize("make", [ConventionFactory, _terminated, lambda: ConventionFactory(ended=True)])
def test_a_signed_or_ended_conventions_contract_is_read_only_in_the_administration(client, make):
    """The newcomer's walk: emptying « Signée par la juridiction le » on a convention in force cut every
    habilitation under it (« Convention non en vigueur »)."""
    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    convention = make()
    habilitation = HabilitationFactory(convention=convention)
    state = convention.state_on()
    assert state != ConventionState.AWAITING_SIGNATURE
    response = _page(client, convention)
    assert response.context["adminform"].form.fields == {}, "every field of the contract read-only"
    assert set(response.context["adminform"].readonly_fields) >= set(Convention.CONTRACT_FIELDS)
    page = response.content.decode()
    assert 'name="_save"' not in page and 'name="_continue"' not in page, "nothing to save"

    _post(client, convention, partner_signed_on="", number="999999/2025", caf_signatory="Mme Durand")
    stored = Convention.objects.get(pk=convention.pk)
    assert (stored.partner_signed_on, stored.number, stored.caf_signatory) == (
        convention.partner_signed_on,
        convention.number,
        convention.caf_signatory,
    )
    assert stored.state_on() == state
    if state not in (ConventionState.ENDED, ConventionState.TERMINATED):
        assert habilitation.state_on() == HabilitationState.ACTIVE


@pytest.mark.parametrize("data", [{}, {"caf_signatory": "Mme Durand", "partner_signed_on": ""}])
def test_a_post_to_a_signed_conventions_page_that_changes_nothing_writes_nothing(client, data):
    """CONV-4, AUD-1, HAB-3: a hand-made POST to a signed convention's page (it has no field to edit, nor a save
    button) wrote an empty « modification » in its history, an empty journal line and an admin log entry. Nothing
    changed — the contract's fields posted are not the form's — so nothing is written."""
    from django.contrib.admin.models import LogEntry

    from journal.models import JournalEntry

    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    convention = ConventionFactory()
    assert convention.is_sealed_on()
    journaled = JournalEntry.objects.count()

    response = _post(client, convention, **data)

    assert response.status_code == 302
    stored = Convention.objects.get(pk=convention.pk)
    assert (stored.caf_signatory, stored.partner_signed_on) == (convention.caf_signatory, convention.partner_signed_on)
    assert not stored.history.exists(), "no « modification » in its history"
    assert JournalEntry.objects.count() == journaled, "no journal line"
    assert not LogEntry.objects.exists(), "no admin log entry"


def test_an_unsigned_convention_stays_editable(client):
    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    convention = ConventionFactory(unsigned=True)
    fields = _page(client, convention).context["adminform"].form.fields
    assert {"number", "caf", "baj", "profile", "caf_signed_on", "partner_signed_on", "starts_on"} <= set(fields)
    assert not {"ends_on", "end_kind", "end_notice_on", "end_reason"} & set(fields), "the end: by the acts only"
    response = _post(client, convention, caf_signatory="Mme Durand", number="900105/2025")
    assert response.status_code == 302
    stored = Convention.objects.get(pk=convention.pk)
    assert (stored.caf_signatory, stored.number) == ("Mme Durand", "900105/2025")


@pytest.mark.parametrize(
    "field, value",
    [
        ("partner_signed_on", None),
        ("caf_signed_on", dt.date(2024, 12, 3)),
        ("number", "999999/2025"),
        ("caf_signatory", "Mme Durand"),
        ("starts_on", dt.date(2025, 2, 1)),
        ("first_period_ends_on", dt.date(2026, 1, 31)),
        ("ends_on", dt.date(2030, 1, 1)),
        ("partner_signatory_capacity", "delegate"),
    ],
)
def test_the_service_refuses_any_change_of_a_signed_contract(field, value):
    """Defence in depth: whoever calls `convention_save` (not only the admin's form)."""
    convention = ConventionFactory()
    setattr(convention, field, value)
    with pytest.raises(ValidationError, match="signée par les deux parties.*Dénoncer.*Résilier") as error:
        convention_save(convention=convention, by=None, form=None)
    label = str(Convention._meta.get_field(field).verbose_name)
    assert label in error.value.messages[0]
    stored = Convention.objects.get(pk=convention.pk)
    assert getattr(stored, field) != value and stored.history.count() == 0


def test_the_service_refuses_any_change_of_an_ended_convention():
    convention = _terminated()
    convention.end_reason = ""
    convention.caf_signatory = "Mme Durand"
    with pytest.raises(ValidationError, match="a pris fin"):
        convention_save(convention=convention, by=None, form=None)
    assert Convention.objects.get(pk=convention.pk).end_reason == "Codes communiqués à un tiers"


def test_the_service_accepts_a_change_before_the_signatures():
    convention = ConventionFactory(unsigned=True)
    convention.number, convention.partner_signed_on = "900105/2025", dt.date(2024, 12, 9)
    convention_save(convention=convention, by=None, form=SimpleNamespace(changed_data=[]))
    stored = Convention.objects.get(pk=convention.pk)
    assert stored.number == "900105/2025" and stored.is_signed_on(dt.date(2025, 6, 1))


@pytest.mark.parametrize(
    "make, buttons",
    [
        (lambda: ConventionFactory(unsigned=True), ("print_convention", "print_cover_letter")),
        (
            lambda: ConventionFactory(starts_on=dt.date(2099, 1, 1), first_period_ends_on=dt.date(2099, 12, 31)),
            ("print_convention", "denounce", "terminate"),
        ),
        (ConventionFactory, ("print_convention", "denounce", "terminate")),
        (_terminated, ("print_convention",)),
        (lambda: ConventionFactory(ended=True), ("print_convention",)),
        (lambda: ConventionFactory(unsigned=True, ended=True), ("print_convention",)),
    ],
)
def test_the_buttons_follow_the_signature(client, make, buttons):
    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    convention = make()
    assert tuple(admin.site._registry[Convention].buttons_for(convention, None)) == buttons
    page = _page(client, convention).content.decode()
    for name in ("print_cover_letter", "denounce", "terminate"):
        assert (f"button_{name}" in page) == (name in buttons), name


@pytest.mark.parametrize(
    "make, said",
    [
        (ConventionFactory, "signée par les deux parties (en vigueur ("),  # first period or renewed, by today
        (
            lambda: ConventionFactory(starts_on=dt.date(2099, 1, 1), first_period_ends_on=dt.date(2099, 12, 31)),
            "signée par les deux parties (signée, pas encore en vigueur),",
        ),
        (_terminated, "résiliée (manquement, article 5),"),
        (lambda: ConventionFactory(ended=True), "terminée (dénonciation),"),
    ],
)
def test_the_cover_letter_from_the_list_leaves_out_a_convention_no_longer_awaiting_its_signature(client, make, said):
    """BO-3, BO-5, CONV-4, AUD-1: the page offers the cover letter (which asks the BAJ to sign) only while awaiting
    the signature; the list's action printed it for any convention, journaled. A convention no longer awaiting its
    signature is left out — no letter, no journal line — and named in a message; one awaiting it is printed."""
    from journal.enums import JournalEvent
    from journal.models import JournalEntry

    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    listing = reverse("admin:conventions_convention_changelist")
    left_out = make()
    assert left_out.state_on() != ConventionState.AWAITING_SIGNATURE

    response = client.post(listing, {"action": "print_cover_letter", "_selected_action": [left_out.pk]}, follow=True)

    assert response.get("Content-Type") != "application/pdf"
    assert not JournalEntry.objects.filter(event=JournalEvent.DOCUMENT_PRINTED).exists()
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith(f"Convention n° {left_out.number} : {said}")
    assert message.endswith("elle n'attend plus de signature ; pas de lettre d'envoi.")

    awaiting = ConventionFactory(unsigned=True)
    selected = [left_out.pk, awaiting.pk]
    response = client.post(listing, {"action": "print_cover_letter", "_selected_action": selected})

    assert response["Content-Type"] == "application/pdf", "the other printed as before"
    printed = JournalEntry.objects.get(event=JournalEvent.DOCUMENT_PRINTED)
    assert awaiting.number in printed.detail and left_out.number not in printed.detail
    assert [str(m) for m in client.get(listing).context["messages"]] == [message]


def test_a_convention_not_yet_signed_is_not_denounced_whatever_the_path():
    """CONV-4 (#24): the button is not offered; the list's action, or any caller, gets a clear refusal."""
    convention = ConventionFactory(unsigned=True)
    with pytest.raises(ValidationError, match="pas encore signée par les deux parties"):
        convention_denounce(convention=convention, by=None)
    assert Convention.objects.get(pk=convention.pk).ends_on is None


@pytest.mark.parametrize("data", [{}, {"caf_signatory": "Mme Durand"}])
def test_a_change_of_profile_is_journaled_whatever_the_initial_value_posted(client, data):
    """AUD-1, HAB-3, CONS-6: the profile (what the greffiers open) has a computed default, so Django's form posts
    its « initial » value back from the page (`initial-profile`) and judged the change against it — a hand-made POST
    (or a page opened before someone else's edit) carrying the new profile as its initial changed the profile of
    the convention with a history row and a journal line that did not name it, and no admin log entry."""
    from django.contrib.admin.models import LogEntry

    from conventions.models import Profile
    from journal.models import JournalEntry

    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    convention = ConventionFactory(unsigned=True)
    other = Profile.objects.create(code="T99", label="Profil élargi", grants={})
    assert convention.profile != other

    response = _post(client, convention, profile=other.pk, **{"initial-profile": other.pk}, **data)

    assert response.status_code == 302
    assert Convention.objects.get(pk=convention.pk).profile == other
    history = convention.history.get()
    assert "Profil : T12" in history.detail and "→ T99" in history.detail, history.detail
    line = JournalEntry.objects.filter(detail__contains=convention.number).latest("pk")
    assert "T99" in line.detail, line.detail
    assert "Profil" in LogEntry.objects.get().get_change_message()
