"""The range of the dates people save (ROB-2), and date arithmetic shared by the conventions (annual deadlines),
the journal (retention in months) and the consultation (24-month history, payment periods)."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# ROB-2, CONS-15: every date a person types or saves lies in this range — any date a convention, a habilitation or
# a dossier can have —, far enough from year 1 and year 9999 that the arithmetic on it (annual deadlines, notice,
# 24-month history) never overflows on a page someone else opens.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2099, 12, 31)
DATE_VALIDATORS = [
    MinValueValidator(FIRST_DAY, "Saisissez une date postérieure au 01/01/1900."),
    MaxValueValidator(LAST_DAY, "Saisissez une date antérieure au 31/12/2099."),
]


def dates_bounded(name, *fields):
    """ROB-2: the database's own check that `fields` (dates, empty or in the range) hold no date out of range,
    whatever wrote them."""
    condition = models.Q()
    for field in fields:
        condition &= models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__range": (FIRST_DAY, LAST_DAY)})
    return models.CheckConstraint(
        name=name, condition=condition, violation_error_message="Une date est hors de la plage 1900-2099."
    )


def add_months(day, months):
    """The same day `months` later (or earlier), clamped to the end of a shorter month: add_months(31 March, -1)
    is 28 or 29 February. A first of the month stays a first of the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


MONTH_NAMES = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def month_label(day):
    """« octobre 2026 »."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"
