"""Date arithmetic shared by the conventions (annual deadlines), the journal (retention in months) and the
consultation (24-month history, payment periods)."""

import datetime as dt


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
