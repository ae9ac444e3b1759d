"""HAB-1, HAB-2, ROLE-1, AUTH-10: the habilitation lifecycle and its effect on open sessions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conventions.services import convention_terminate
from habilitations.enums import GreffeFunction, HabilitationStatus, RevocationReason
from habilitations.models import Habilitation
from habilitations.services import (
    habilitation_grant,
    habilitation_reactivate,
    habilitation_request,
    habilitation_revoke,
    habilitation_suspend,
)
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in

pytestmark = pytest.mark.django_db
HOME = reverse("allocataires:home")


@pytest.fixture
def admin_user():
    return UserFactory(identifier="CAF16101", staff=True)


def test_request_creates_a_nominative_identifier_and_no_access(admin_user):
    habilitation = habilitation_request(
        convention=ConventionFactory(),
        function=GreffeFunction.GREFFIER,
        last_name="Martin",
        first_name="Claire",
        by=admin_user,
    )
    user = habilitation.user
    assert len(user.identifier) == 8 and user.identifier.startswith("T161")
    assert not user.has_usable_password()
    assert habilitation.status == HabilitationStatus.REQUESTED
    assert not Habilitation.objects.giving_access_on(timezone.localdate()).exists()
    entry = habilitation.history.get()
    assert (entry.by, entry.action) == (admin_user, "demande")


@pytest.mark.parametrize("function", ["avocat", "assistant de service social", ""])
def test_only_greffiers_may_hold_a_t12_habilitation(admin_user, function):
    """ROLE-1: anything else is refused with a message."""
    with pytest.raises(ValidationError, match="Seuls les greffiers en chef"):
        habilitation_request(
            convention=ConventionFactory(), function=function, last_name="X", first_name="Y", by=admin_user
        )
    with pytest.raises(ValidationError, match="Seuls les greffiers en chef"):
        HabilitationFactory.build(function=function).clean()


def test_grant_gives_an_initial_password_that_must_be_changed(admin_user, client):
    habilitation = habilitation_request(
        convention=ConventionFactory(),
        function=GreffeFunction.GREFFIER_EN_CHEF,
        last_name="Martin",
        first_name="Claire",
        by=admin_user,
    )
    password = habilitation_grant(habilitation=habilitation, by=admin_user)
    habilitation.refresh_from_db()
    assert habilitation.status == HabilitationStatus.ACTIVE and habilitation.granted_on == timezone.localdate()
    response = client.post("/", {"identifier": habilitation.user.identifier, "password": password})
    assert response["Location"] == reverse("habilitations:password_change")
    assert [h.action for h in habilitation.history.order_by("pk")] == ["demande", "ouverture des droits"]
    assert password not in str(list(habilitation.history.values_list("detail", flat=True)))


@pytest.mark.parametrize(
    "status, service, allowed",
    [
        (HabilitationStatus.ACTIVE, habilitation_grant, False),
        (HabilitationStatus.REQUESTED, habilitation_suspend, False),
        (HabilitationStatus.SUSPENDED, habilitation_suspend, False),
        (HabilitationStatus.ACTIVE, habilitation_reactivate, False),
        (HabilitationStatus.SUSPENDED, habilitation_reactivate, True),
        (HabilitationStatus.REVOKED, habilitation_reactivate, False),
        (HabilitationStatus.REVOKED, habilitation_grant, False),
    ],
)
def test_transitions(admin_user, status, service, allowed):
    """HAB-1: requested → active → suspended ↔ active → revoked; nothing else."""
    habilitation = HabilitationFactory(status=status)
    if allowed:
        service(habilitation=habilitation, by=admin_user)
    else:
        with pytest.raises(ValidationError, match="Impossible (de |d')"):
            service(habilitation=habilitation, by=admin_user)


def test_revoking_twice_is_refused(admin_user):
    habilitation = HabilitationFactory()
    habilitation_revoke(habilitation=habilitation, by=admin_user, reason=RevocationReason.END_OF_MISSION)
    with pytest.raises(ValidationError, match="Impossible de retirer"):
        habilitation_revoke(habilitation=habilitation, by=admin_user, reason=RevocationReason.END_OF_MISSION)


@pytest.mark.parametrize(
    "action",
    [
        lambda h, by: habilitation_suspend(habilitation=h, by=by),
        lambda h, by: habilitation_revoke(habilitation=h, by=by, reason=RevocationReason.CHANGE_OF_ASSIGNMENT),
    ],
    ids=["suspension", "revocation"],
)
def test_suspension_and_revocation_end_open_sessions_at_once(admin_user, client, action):
    """HAB-2: the greffier's open session is refused on its next request, and journaled."""
    habilitation = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    log_in(client, habilitation.user)
    assert client.get(HOME).status_code == 200
    action(habilitation, admin_user)
    response = client.get(HOME)
    assert response["Location"] == reverse("habilitations:access_withdrawn")
    assert client.get(HOME)["Location"] == reverse("habilitations:session_expired"), "the session is gone"
    assert JournalEntry.objects.filter(event=JournalEvent.SESSION_REVOKED, user=habilitation.user).count() == 1


def test_a_removal_request_with_an_end_date_keeps_access_until_then(admin_user, client):
    habilitation = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    end = timezone.localdate() + dt.timedelta(days=10)
    habilitation_revoke(habilitation=habilitation, by=admin_user, reason=RevocationReason.REMOVAL_REQUEST, ends_on=end)
    habilitation.refresh_from_db()
    assert habilitation.status == HabilitationStatus.ACTIVE and habilitation.ends_on == end
    assert Habilitation.objects.giving_access_on(end - dt.timedelta(days=1)).filter(pk=habilitation.pk).exists()
    assert not Habilitation.objects.giving_access_on(end).filter(pk=habilitation.pk).exists()
    log_in(client, habilitation.user)
    assert client.get(HOME).status_code == 200
    assert "Demande de suppression" in habilitation.history.get(action="retrait").detail


def test_a_terminated_convention_stops_its_habilitations_at_once(admin_user, client):
    """CONV-2: when a convention stops being active, every habilitation under it stops giving access."""
    habilitation = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    log_in(client, habilitation.user)
    convention_terminate(convention=habilitation.convention, by=admin_user, reason="Manquement à l'article 4")
    assert client.get(HOME).status_code == 403
    other = Client()
    log_in(other, habilitation.user)
    assert other.get(HOME).status_code == 403


def test_reactivation_restores_access(admin_user, client):
    habilitation = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    habilitation_suspend(habilitation=habilitation, by=admin_user)
    log_in(client, habilitation.user)
    assert client.get(HOME).status_code == 403
    habilitation_reactivate(habilitation=habilitation, by=admin_user)
    assert client.get(HOME).status_code == 200, "a session opened after the suspension is not ended by it"
