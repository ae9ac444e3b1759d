"""CONV-2, CONV-4 (#24): one reading of a convention's signatures, dates and end — `Convention.state_on` — and its
twin for lists, `ConventionQuerySet.with_state`, equal on a grid of every case; `active_on` (the consultation path)
and `awaiting_signature_on` equal to the state they stand for."""

import datetime as dt
import itertools

import pytest

from conventions.enums import CONVENTION_GIVING_ACCESS, CONVENTION_SIGNED, ConventionEnd, ConventionState
from conventions.models import Convention
from tests.conventions.factories import ConventionFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 15)
# The grid is read on these days too: each date below falls before, on and after one of them.
DAYS = [DAY - dt.timedelta(days=11), DAY, DAY + dt.timedelta(days=11), DAY + dt.timedelta(days=31)]


def convention_grid():
    """Every combination: each signature missing, past or future; started or not; the first period or renewed;
    no end, an end passed, today or ahead; no end kind, a denunciation, a termination for breach."""
    signatures = [None, DAY - dt.timedelta(days=10), DAY + dt.timedelta(days=10)]
    periods = [  # (starts_on, first_period_ends_on)
        (dt.date(2025, 1, 1), DAY + dt.timedelta(days=30)),  # first period
        (dt.date(2025, 1, 1), DAY - dt.timedelta(days=30)),  # renewed
        (DAY + dt.timedelta(days=5), DAY + dt.timedelta(days=400)),  # not started
    ]
    ends = [None, DAY - dt.timedelta(days=5), DAY, DAY + dt.timedelta(days=20)]
    rows = []
    for n, (caf_signed, partner_signed, (starts, first_end), ends_on, end_kind) in enumerate(
        itertools.product(signatures, signatures, periods, ends, ["", *ConventionEnd.values])
    ):
        if ends_on is not None and ends_on < starts:
            continue  # convention_ends_after_start
        rows.append(
            ConventionFactory.build(
                number=f"{n + 1:06d}/2026",
                caf_signed_on=caf_signed,
                partner_signed_on=partner_signed,
                starts_on=starts,
                first_period_ends_on=first_end,
                ends_on=ends_on,
                end_kind=end_kind,
                end_reason="manquement" if end_kind == ConventionEnd.BREACH else "",
            )
        )
    return Convention.objects.bulk_create(rows)


@pytest.fixture
def grid():
    return convention_grid()


@pytest.mark.parametrize("day", DAYS)
def test_the_list_twin_reads_the_state_as_state_on_does(grid, day):
    conventions = Convention.objects.filter(pk__in=[c.pk for c in grid])
    expected = {c.pk: c.state_on(day) for c in conventions}
    assert dict(conventions.with_state(day).values_list("pk", "state")) == expected
    if day == DAY:
        assert set(expected.values()) == set(ConventionState), "the grid reaches every state"


@pytest.mark.parametrize("day", DAYS)
def test_the_predicates_and_filters_are_the_state(grid, day):
    """`active_on` stays a plain filter (no CASE on the consultation path) and equals « the state gives access »;
    `awaiting_signature_on`, `is_active_on`, `is_signed_on` read the state too."""
    conventions = list(Convention.objects.filter(pk__in=[c.pk for c in grid]))
    state = {c.pk: c.state_on(day) for c in conventions}
    giving = {pk for pk, s in state.items() if s in CONVENTION_GIVING_ACCESS}
    assert set(Convention.objects.active_on(day).values_list("pk", flat=True)) == giving
    assert "CASE" not in str(Convention.objects.active_on(day).query).upper()
    awaiting = {pk for pk, s in state.items() if s == ConventionState.AWAITING_SIGNATURE}
    assert set(Convention.objects.awaiting_signature_on(day).values_list("pk", flat=True)) == awaiting
    assert {c.pk for c in conventions if c.is_active_on(day)} == giving
    assert {c.pk for c in conventions if c.is_signed_on(day)} == {
        pk for pk, s in state.items() if s in CONVENTION_SIGNED
    }
