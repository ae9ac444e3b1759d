"""HAB-1, HAB-2, CONV-4 (#24): one state for a habilitation — `Habilitation.state_on` — and its twin for lists,
`HabilitationQuerySet.with_state`, equal on a grid of every case; the access rule (`in_force_on`, the consultation
path) equal to « the state gives access »."""

import datetime as dt
import itertools

import pytest

from conventions.enums import ConventionEnd
from habilitations.enums import HABILITATION_GIVING_ACCESS, HabilitationState, HabilitationStatus, RevocationReason
from habilitations.models import Habilitation
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 15)
DAYS = [DAY - dt.timedelta(days=11), DAY, DAY + dt.timedelta(days=11)]


def conventions():
    """A convention in each state on DAY."""
    later = {"starts_on": DAY + dt.timedelta(days=5), "first_period_ends_on": DAY + dt.timedelta(days=400)}
    return [
        ConventionFactory(),  # renewed
        ConventionFactory(first_period_ends_on=DAY + dt.timedelta(days=30)),  # first period
        ConventionFactory(end_kind=ConventionEnd.DENUNCIATION, ends_on=DAY + dt.timedelta(days=10)),  # denounced
        ConventionFactory(unsigned=True),  # awaiting signature
        ConventionFactory(**later),  # not started
        ConventionFactory(end_kind=ConventionEnd.DENUNCIATION, ends_on=DAY - dt.timedelta(days=3)),  # ended
        ConventionFactory(end_kind=ConventionEnd.BREACH, end_reason="manquement", ends_on=DAY),  # terminated
    ]


@pytest.fixture
def grid():
    """status × ends_on (none, passed, today, ahead) × convention state × revocation reason."""
    user = UserFactory()
    ends = [None, DAY - dt.timedelta(days=10), DAY, DAY + dt.timedelta(days=10)]
    reasons = ["", RevocationReason.REFUSED, RevocationReason.REMOVAL_REQUEST]
    rows = [
        HabilitationFactory.build(
            user=user, convention=convention, status=status, ends_on=ends_on, revocation_reason=reason
        )
        for convention, status, ends_on, reason in itertools.product(
            conventions(), HabilitationStatus.values, ends, reasons
        )
    ]
    return Habilitation.objects.bulk_create(rows)


@pytest.mark.parametrize("day", DAYS)
def test_the_list_twin_reads_the_state_as_state_on_does(grid, day):
    habilitations = Habilitation.objects.filter(pk__in=[h.pk for h in grid]).select_related("convention")
    expected = {h.pk: h.state_on(day) for h in habilitations}
    assert dict(habilitations.with_state(day).values_list("pk", "state")) == expected
    if day == DAY:
        assert set(expected.values()) == set(HabilitationState), "the grid reaches every state"


@pytest.mark.parametrize("day", DAYS)
def test_the_access_rule_is_the_state_giving_access(grid, day):
    """CONS-5: `in_force_on` stays a plain filter (no CASE on the consultation path) and equals the state."""
    habilitations = Habilitation.objects.filter(pk__in=[h.pk for h in grid]).select_related("convention")
    giving = {h.pk for h in habilitations if h.state_on(day) in HABILITATION_GIVING_ACCESS}
    assert set(habilitations.in_force_on(day).values_list("pk", flat=True)) == giving
    assert "CASE" not in str(Habilitation.objects.in_force_on(day).query).upper()
    ending = {h.pk for h in habilitations if h.state_on(day) == HabilitationState.ENDING}
    assert set(habilitations.in_state_on(day, HabilitationState.ENDING).values_list("pk", flat=True)) == ending


def test_an_access_whose_end_has_passed_is_ended_not_active():
    """#24: the end date of a removal request passes: « Terminée », no longer « Active »."""
    habilitation = HabilitationFactory(ends_on=DAY)
    assert habilitation.state_on(DAY - dt.timedelta(days=1)) == HabilitationState.ENDING
    assert habilitation.state_on(DAY) == HabilitationState.ENDED
    assert habilitation.ended_on() == DAY
