"""CONV-1, CONV-2, HAB-3: periods, tacit renewal, denunciation with 2 months' notice, termination for breach."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from conventions.enums import ConventionEnd, ConventionState, JuridictionKind, SignatoryCapacity
from conventions.models import Baj, Convention
from conventions.services import convention_denounce, convention_terminate
from core.dates import add_months
from tests.conventions.factories import ConventionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    """First period from 1 March 2025 to 31 December 2025, then 12-month renewals."""
    return ConventionFactory(starts_on=dt.date(2025, 3, 1), first_period_ends_on=dt.date(2025, 12, 31))


def test_add_months_clamps_to_the_month_end():
    assert add_months(dt.date(2026, 12, 31), -2) == dt.date(2026, 10, 31)
    assert add_months(dt.date(2026, 4, 30), -2) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


@pytest.mark.parametrize(
    "day, state",
    [
        (dt.date(2025, 2, 28), ConventionState.NOT_STARTED),
        (dt.date(2025, 3, 1), ConventionState.FIRST_PERIOD),
        (dt.date(2025, 12, 31), ConventionState.FIRST_PERIOD),
        (dt.date(2026, 1, 1), ConventionState.RENEWED),  # the anniversary: tacitly renewed
        (dt.date(2030, 6, 1), ConventionState.RENEWED),
    ],
)
def test_state_through_time(convention, day, state):
    assert convention.state_on(day) == state
    assert convention.is_active_on(day) == (state != ConventionState.NOT_STARTED)


def test_deadlines_are_the_ends_of_periods(convention):
    assert [convention.deadline(i) for i in range(3)] == [
        dt.date(2025, 12, 31),
        dt.date(2026, 12, 31),
        dt.date(2027, 12, 31),
    ]
    assert convention.period_index_on(dt.date(2026, 12, 31)) == 1
    assert convention.period_index_on(dt.date(2027, 1, 1)) == 2
    assert convention.next_deadline(dt.date(2026, 11, 28)) == dt.date(2026, 12, 31)


def test_denunciation_with_two_months_notice_exactly(convention):
    """CONV-2: notified on 31 October for the deadline of 31 December: accepted."""
    convention_denounce(
        convention=convention, by=None, notice_on=dt.date(2026, 10, 31), deadline=dt.date(2026, 12, 31)
    )
    convention.refresh_from_db()
    assert (convention.end_kind, convention.ends_on) == (ConventionEnd.DENUNCIATION, dt.date(2027, 1, 1))
    assert convention.state_on(dt.date(2026, 12, 31)) == ConventionState.DENOUNCED
    assert convention.is_active_on(dt.date(2026, 12, 31))
    assert convention.state_on(dt.date(2027, 1, 1)) == ConventionState.ENDED
    assert not Convention.objects.active_on(dt.date(2027, 1, 1)).filter(pk=convention.pk).exists()
    assert convention.history.get().action == "dénonciation"


def test_denunciation_one_day_late_is_refused_with_the_earliest_date(convention):
    """CONV-2: notified on 1 November, the 31 December deadline is too close: the next one is given."""
    with pytest.raises(ValidationError, match="au plus tôt le 31/12/2027"):
        convention_denounce(
            convention=convention, by=None, notice_on=dt.date(2026, 11, 1), deadline=dt.date(2026, 12, 31)
        )
    convention.refresh_from_db()
    assert convention.ends_on is None and not convention.history.exists()


def test_denunciation_without_deadline_takes_the_earliest(convention):
    convention_denounce(convention=convention, by=None, notice_on=dt.date(2026, 11, 1))
    assert convention.ends_on == dt.date(2028, 1, 1)


def test_denunciation_must_fall_on_a_deadline(convention):
    with pytest.raises(ValidationError, match="échéance annuelle"):
        convention_denounce(
            convention=convention, by=None, notice_on=dt.date(2026, 1, 5), deadline=dt.date(2026, 6, 30)
        )


def test_termination_for_breach_is_immediate_and_needs_a_reason(convention):
    with pytest.raises(ValidationError, match="motif du manquement est obligatoire"):
        convention_terminate(convention=convention, by=None, reason="  ")
    with time_machine.travel(dt.datetime(2026, 5, 12, 9, tzinfo=dt.UTC)):
        convention_terminate(convention=convention, by=None, reason="Codes d'accès transmis à un tiers")
        assert not convention.is_active_on(dt.date(2026, 5, 12))
        assert convention.state_on() == ConventionState.TERMINATED
    assert convention.history.get().detail.endswith("Codes d'accès transmis à un tiers")
    with pytest.raises(ValidationError, match="déjà pris fin"):
        convention_terminate(convention=convention, by=None, reason="encore")


def test_a_breach_without_reason_is_refused_by_the_database(convention):
    with pytest.raises(IntegrityError):
        Convention.objects.filter(pk=convention.pk).update(end_kind=ConventionEnd.BREACH, end_reason="")


def test_number_format_and_uniqueness(convention):
    bad = ConventionFactory.build(number="12345/2025")
    with pytest.raises(ValidationError, match="NNNNNN/AAAA"):
        bad.full_clean()
    with pytest.raises(IntegrityError):
        ConventionFactory(number=convention.number)


@pytest.mark.parametrize(
    "juridiction, city, capacity, title",
    [
        (JuridictionKind.TGI, "Angoulême", SignatoryCapacity.HEAD, "Président du tribunal de grande instance"),
        (
            JuridictionKind.TGI,
            "Angoulême",
            SignatoryCapacity.DELEGATE,
            "Délégataire du président du tribunal de grande instance",
        ),
        (JuridictionKind.CONSEIL_ETAT, "Paris", SignatoryCapacity.HEAD, "Vice-président du Conseil d'État"),
        (JuridictionKind.COUR_CASSATION, "Paris", SignatoryCapacity.HEAD, "Premier président de la Cour de cassation"),
        (
            JuridictionKind.COMMISSION_RECOURS_REFUGIES,
            "Montreuil",
            SignatoryCapacity.DELEGATE,
            "Délégataire du président de la Commission des recours des réfugiés",
        ),
    ],
)
def test_partner_signatory_title(juridiction, city, capacity, title):
    """CONV-1: the head of each kind of juridiction, or their delegate."""
    convention = ConventionFactory(
        baj=Baj.objects.get(juridiction=juridiction, city=city), partner_signatory_capacity=capacity
    )
    assert convention.partner_signatory_title == title
