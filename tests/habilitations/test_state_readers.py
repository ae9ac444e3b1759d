"""HAB-1, HAB-2, HAB-3, BO-2, BO-3 (#24): every reader reads the habilitation's one state — the work list, the
buttons of its page, the acts, the partner space, the access's messages: an access whose end has passed is
« Terminée » everywhere, not « active » in four places."""

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conventions.enums import CafRoleKind
from conventions.services import convention_terminate
from habilitations.access import compute_access
from habilitations.admin import HabilitationAdmin
from habilitations.enums import HabilitationState, HabilitationStatus, RevocationReason
from habilitations.models import Habilitation
from habilitations.services import (
    habilitation_grant,
    habilitation_password_reset,
    habilitation_reactivate,
    habilitation_revoke,
    habilitation_suspend,
)
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, caf_staff_logged_in, designated, log_in

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def ended(**kwargs):
    """An access whose removal date has passed: still « active » in the database, ended in fact."""
    return HabilitationFactory(
        ends_on=today() - dt.timedelta(days=2), revocation_reason=RevocationReason.REMOVAL_REQUEST, **kwargs
    )


@pytest.fixture
def caf_admin(client):
    return caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)


def work_list(client):
    return {label: (count, url) for label, count, url in client.get(reverse("admin:index")).context["lines"]}


UNUSED = "habilitations actives sans connexion depuis plus de 60 jours"
ENDING = "fins d'accès programmées (demandes de suppression)"


def test_the_work_list_counts_neither_an_ended_access_nor_one_granted_this_morning(client, caf_admin):
    """HAB-3 (#24): unused for 60 days means active, granted before, and not used since."""
    ended(user=UserFactory(identifier="T1001161"))
    HabilitationFactory(user=UserFactory(identifier="T1001162"), granted_on=today())
    old = HabilitationFactory(user=UserFactory(identifier="T1001163"), granted_on=today() - dt.timedelta(days=90))
    ending = HabilitationFactory(user=UserFactory(identifier="T1001164"), ends_on=today() + dt.timedelta(days=9))
    lines = work_list(client)
    assert lines[UNUSED][0] == 1
    assert list(client.get(lines[UNUSED][1]).context["cl"].queryset) == [old]
    assert lines[ENDING][0] == 1
    assert list(client.get(lines[ENDING][1]).context["cl"].queryset) == [ending]


def test_the_list_shows_the_state_and_filters_by_it(client, caf_admin):
    gone = ended(user=UserFactory(identifier="T1001161"))
    HabilitationFactory(user=UserFactory(identifier="T1001162"))
    url = reverse("admin:habilitations_habilitation_changelist")
    page = client.get(url)
    states = {h.user.identifier: h.state for h in page.context["cl"].result_list}
    assert states == {"T1001161": HabilitationState.ENDED, "T1001162": HabilitationState.ACTIVE}
    assert "Terminée" in html.unescape(page.content.decode())
    assert list(client.get(url, {"etat": "ended"}).context["cl"].queryset) == [gone]
    assert HabilitationAdmin.state_of(None, gone) == "Terminée"


def buttons(client, habilitation):
    page = client.get(reverse("admin:habilitations_habilitation_change", args=[habilitation.pk])).content.decode()
    names = ("grant", "refuse", "suspend", "reactivate", "revoke", "print_removal_request", "unlock", "reset_password")
    return {name for name in names if f"button_{name}" in page}


def test_the_page_offers_only_what_the_state_allows(client, caf_admin):
    """BO-3 (#24): no « Suspendre » nor « Nouveau mot de passe » on an ended access; « Débloquer » only for a
    locked identifier; « Imprimer la demande de suppression » only when a removal was requested."""
    gone = ended(user=UserFactory(identifier="T1001161"))
    assert buttons(client, gone) == {"print_removal_request"}
    active = HabilitationFactory(user=UserFactory(identifier="T1001162"))
    assert buttons(client, active) == {"suspend", "revoke", "reset_password"}
    page = reverse("admin:habilitations_habilitation_change", args=[active.pk])
    assert "identifiant bloqué" not in client.get(page).content.decode()
    for _ in range(3):
        Client().post("/", {"identifier": "T1001162", "password": "Wrong1"})
    assert "unlock" in buttons(client, active)
    # AUTH-3 (#24 walk): a locked identifier looked « Active » and nothing else; the header says it
    assert "identifiant bloqué après trois échecs" in html.unescape(client.get(page).content.decode())
    habilitation_revoke(
        habilitation=active, by=None, reason=RevocationReason.REMOVAL_REQUEST, ends_on=today() + dt.timedelta(5)
    )
    assert "print_removal_request" in buttons(client, Habilitation.objects.get(pk=active.pk))
    suspended = HabilitationFactory(user=UserFactory(identifier="T1001163"), suspended=True)
    assert buttons(client, suspended) == {"reactivate", "revoke"}


def test_a_stale_button_on_an_ended_access_is_explained(client, caf_admin):
    gone = ended(user=UserFactory(identifier="T1001161"))
    suspend = reverse("admin:habilitations_habilitation_actions", kwargs={"pk": gone.pk, "tool": "button_suspend"})
    client.post(suspend)
    gone.refresh_from_db()
    assert gone.status == HabilitationStatus.ACTIVE and not gone.history.exists()


def test_the_acts_refuse_what_the_state_no_longer_allows_and_say_why():
    """HAB-1 (#24): « L'accès a pris fin le 05/12/2026 : il ne peut plus être suspendu. »"""
    gone = ended()
    end = f"{gone.ends_on:%d/%m/%Y}"
    with pytest.raises(ValidationError, match=f"L'accès a pris fin le {end} : il ne peut plus être suspendu."):
        habilitation_suspend(habilitation=gone, by=None)
    with pytest.raises(ValidationError, match="il ne peut plus être retiré"):
        habilitation_revoke(habilitation=gone, by=None, reason=RevocationReason.END_OF_MISSION)
    with pytest.raises(ValidationError, match="Aucune lettre .* « terminée »"):
        habilitation_password_reset(habilitation=gone, by=None)
    suspended_then_ended = ended(status=HabilitationStatus.SUSPENDED)
    with pytest.raises(ValidationError, match="il ne peut plus être réactivé"):
        habilitation_reactivate(habilitation=suspended_then_ended, by=None)


def test_no_grant_under_a_convention_that_has_ended():
    """CONV-4 (#24): a request under a convention that has ended can no longer be granted."""
    request = HabilitationFactory(requested=True, convention=ConventionFactory(ended=True))
    assert request.state_on() == HabilitationState.ENDED
    with pytest.raises(ValidationError, match="il ne peut plus être accordé"):
        habilitation_grant(habilitation=request, by=None)


def test_a_convention_terminated_ends_its_habilitations_everywhere():
    habilitation = HabilitationFactory()
    convention_terminate(convention=habilitation.convention, by=None, reason="manquement")
    assert habilitation.state_on() == HabilitationState.ENDED
    assert not Habilitation.objects.in_force_on(today()).exists()


def test_the_greffier_is_told_of_a_suspension_not_of_an_ended_one():
    """BO-9 (#24): « votre accès … est suspendu » only for a suspension still standing."""
    suspended = HabilitationFactory(suspended=True)
    assert compute_access(suspended.user, today()).suspended == [suspended.convention.caf]
    Habilitation.objects.filter(pk=suspended.pk).update(ends_on=today())
    assert compute_access(suspended.user, today()).suspended == []


def test_the_gestionnaire_reads_the_state(client):
    """JUR-2 (#24): the BAJ's list says « Terminée » for an access whose end has passed, and offers no removal."""
    gone = ended(user=UserFactory(identifier="T1001161"))
    manager = UserFactory(identifier="G1600001", civility="madame")
    designated(user=manager, baj=gone.convention.baj, designated_on=dt.date(2026, 1, 5))
    log_in(client, manager)
    page = " ".join(html.unescape(client.get(reverse("habilitations:partner_home")).content.decode()).split())
    assert f"Terminée le {gone.ends_on:%d/%m/%Y}" in page
    assert reverse("habilitations:partner_removal", args=[gone.pk]) not in page
    assert client.get(reverse("habilitations:partner_removal", args=[gone.pk])).status_code == 404


def test_a_caf_whose_habilitation_has_ended_answers_for_no_credentials():
    """ROLE-7 (#24): a new password printed by one CAF asks a confirmation of the CAFs whose habilitation is open
    only — not of one whose habilitation has ended (its end date passed, its status still « active »)."""
    from conventions.models import Baj, Caf
    from habilitations.models import PendingConfirmation
    from habilitations.services import cafs_concerned

    ours = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    saintes = ConventionFactory(caf=Caf.objects.get(number="171"), baj=Baj.objects.get(city="Saintes"))
    ended(user=ours.user, convention=saintes)
    assert list(cafs_concerned(ours.user)) == [ours.convention.caf]
    habilitation_password_reset(habilitation=ours, by=None)
    assert not PendingConfirmation.objects.filter(user=ours.user).exists()


def test_the_daily_alert_lists_neither_an_ended_access_nor_one_granted_this_morning():
    """HAB-3 (#24): `habilitations_alerts` reads the same rule as the work list."""
    from io import StringIO

    from django.core.management import call_command

    ended(user=UserFactory(identifier="T1001161"))
    HabilitationFactory(user=UserFactory(identifier="T1001162"), granted_on=today())
    HabilitationFactory(user=UserFactory(identifier="T1001163"), granted_on=today() - dt.timedelta(days=90))
    out = StringIO()
    call_command("habilitations_alerts", "--days", "60", stdout=out)
    assert "T1001163" in out.getvalue()
    assert "T1001161" not in out.getvalue() and "T1001162" not in out.getvalue()


def test_a_closed_habilitation_is_a_record_with_nothing_to_save(client, caf_admin):
    """HAB-1 (#24 walk): a withdrawn habilitation kept its « Fonction » select and « Enregistrer »; saving said
    Django's « modifié avec succès »."""
    gone = ended(user=UserFactory(identifier="T1001161"))
    page = client.get(reverse("admin:habilitations_habilitation_change", args=[gone.pk])).content.decode()
    assert 'name="function"' not in page and 'name="_save"' not in page
    live = HabilitationFactory(user=UserFactory(identifier="T1001162"))
    page = client.get(reverse("admin:habilitations_habilitation_change", args=[live.pk])).content.decode()
    assert 'name="function"' in page and 'name="_save"' in page
