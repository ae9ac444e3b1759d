"""CONS-8: the period of the Paiements rubrique, its edge cases."""

import datetime as dt

import pytest

from allocataires.enums import PaymentPeriodMode as Mode
from allocataires.periods import PeriodError, history_start, parse_request_date, payment_period

TODAY = dt.date(2026, 11, 28)


def months(period):
    return (period.first, period.last, period.cut_at_history)


@pytest.mark.parametrize(
    "request_date, mode, expected",
    [
        (dt.date(2026, 3, 15), Mode.ANNEE_CIVILE, (dt.date(2025, 1, 1), dt.date(2025, 12, 1), False)),
        (dt.date(2026, 3, 15), Mode.DOUZE_MOIS, (dt.date(2025, 3, 1), dt.date(2026, 2, 1), False)),
        (dt.date(2026, 3, 15), Mode.ANNEE_EN_COURS, (dt.date(2026, 1, 1), dt.date(2026, 2, 1), False)),
        # A request on 1 January: the previous year, twice; nothing of the current year precedes it.
        (dt.date(2026, 1, 1), Mode.ANNEE_CIVILE, (dt.date(2025, 1, 1), dt.date(2025, 12, 1), False)),
        (dt.date(2026, 1, 1), Mode.DOUZE_MOIS, (dt.date(2025, 1, 1), dt.date(2025, 12, 1), False)),
        (dt.date(2025, 2, 28), Mode.ANNEE_EN_COURS, (dt.date(2025, 1, 1), dt.date(2025, 1, 1), False)),
        # Today itself is a valid request date.
        (TODAY, Mode.DOUZE_MOIS, (dt.date(2025, 11, 1), dt.date(2026, 10, 1), False)),
    ],
)
def test_periods(request_date, mode, expected):
    assert months(payment_period(request_date, mode, TODAY)) == expected


def test_a_request_on_29_february():
    today = dt.date(2024, 3, 10)
    assert months(payment_period(dt.date(2024, 2, 29), Mode.DOUZE_MOIS, today)) == (
        dt.date(2023, 2, 1),
        dt.date(2024, 1, 1),
        False,
    )
    assert months(payment_period(dt.date(2024, 2, 29), Mode.ANNEE_EN_COURS, today)) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 1),
        False,
    )
    assert months(payment_period(dt.date(2024, 2, 29), Mode.ANNEE_CIVILE, today)) == (
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 1),
        False,
    )


def test_history_boundary():
    """24 months before the current month: November 2024 on 28 November 2026."""
    assert history_start(TODAY) == dt.date(2024, 11, 1)
    at_limit = payment_period(dt.date(2025, 11, 3), Mode.DOUZE_MOIS, TODAY)
    assert months(at_limit) == (dt.date(2024, 11, 1), dt.date(2025, 10, 1), False)
    one_month_earlier = payment_period(dt.date(2025, 10, 3), Mode.DOUZE_MOIS, TODAY)
    assert months(one_month_earlier) == (dt.date(2024, 11, 1), dt.date(2025, 9, 1), True)
    with pytest.raises(PeriodError, match="antérieure à l'historique"):
        payment_period(dt.date(2024, 11, 30), Mode.DOUZE_MOIS, TODAY)
    with pytest.raises(PeriodError, match="antérieure à l'historique"):
        payment_period(dt.date(2024, 6, 1), Mode.ANNEE_CIVILE, TODAY)


def test_january_has_no_month_of_the_current_year_before_it():
    with pytest.raises(PeriodError, match="janvier"):
        payment_period(dt.date(2026, 1, 20), Mode.ANNEE_EN_COURS, TODAY)


def test_future_request_is_refused():
    with pytest.raises(PeriodError, match="postérieure à la date du jour"):
        payment_period(dt.date(2026, 11, 29), Mode.DOUZE_MOIS, TODAY)


@pytest.mark.parametrize(
    "text, expected",
    [("15032026", dt.date(2026, 3, 15)), ("15/03/2026", dt.date(2026, 3, 15)), (" 29022024 ", dt.date(2024, 2, 29))],
)
def test_parse_request_date(text, expected):
    assert parse_request_date(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("31022026", "La date 31/02/2026 n'existe pas."),
        ("29022025", "La date 29/02/2025 n'existe pas."),
        ("00012026", "La date 00/01/2026 n'existe pas."),
        ("1503202", "format JJMMAAAA"),
        ("2026-03-15x", "format JJMMAAAA"),
        ("", "format JJMMAAAA"),
        ("quinze mars", "format JJMMAAAA"),
    ],
)
def test_bad_dates(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_request_date(text)


def test_months_and_labels():
    period = payment_period(dt.date(2026, 3, 15), Mode.ANNEE_EN_COURS, TODAY)
    assert period.months == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert period.label == "de janvier 2026 à février 2026"
    assert period.end == dt.date(2026, 3, 1)
