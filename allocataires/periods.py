"""CONS-8: the period of the Paiements rubrique, computed in one place.

Months are represented by their first day. A period is a run of whole months of *payment* (amounts are
counted by the date they were processed or issued, arrears included). The history goes back 24 months before
the current month: a period entirely before that is refused, a period straddling it is cut at it.
"""

import datetime as dt
import re
from dataclasses import dataclass

from allocataires.enums import PaymentPeriodMode
from core.dates import FIRST_DAY, LAST_DAY, add_months, month_label

HISTORY_MONTHS = 24
# JRN-3: the period as the journal says it, in words (« douze_mois » is a code, not French).
SHORT_LABELS = {
    PaymentPeriodMode.ANNEE_CIVILE: "année civile",
    PaymentPeriodMode.DOUZE_MOIS: "12 mois",
    PaymentPeriodMode.ANNEE_EN_COURS: "année en cours",
}


class PeriodError(ValueError):
    """A request the rubrique refuses, with the French message to show."""


def history_start(today):
    """The first month still in the 24-month history."""
    return add_months(today.replace(day=1), -HISTORY_MONTHS)


def parse_request_date(text):
    """The date of the legal-aid request typed as JJMMAAAA (spaces, slashes, dots and dashes tolerated)."""
    digits = re.sub(r"[\s/.\-]", "", text or "")
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise PeriodError(
            "Saisissez la date de la demande d'aide juridictionnelle au format JJMMAAAA, par exemple 15032026."
        )
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise PeriodError(f"La date {digits[:2]}/{digits[2:4]}/{digits[4:]} n'existe pas.") from None
    if not FIRST_DAY <= date <= LAST_DAY:
        raise PeriodError(f"La date {date:%d/%m/%Y} n'est pas celle d'une demande d'aide juridictionnelle.")
    return date


@dataclass(frozen=True)
class Period:
    request_date: dt.date
    mode: str
    first: dt.date
    last: dt.date
    cut_at_history: bool = False

    @property
    def months(self):
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def end(self):
        """The day after the last month."""
        return add_months(self.last, 1)

    @property
    def label(self):
        if self.first == self.last:
            return month_label(self.first)
        return f"de {month_label(self.first)} à {month_label(self.last)}"

    def journal_label(self):
        mode = SHORT_LABELS[self.mode]
        return f"{self.first:%m/%Y}-{self.last:%m/%Y} ({mode}, demande du {self.request_date:%d/%m/%Y})"


def payment_period(request_date, mode, today):
    """CONS-8: the months of payment to show for a request made on `request_date`, seen on `today`."""
    if request_date > today:
        raise PeriodError("La date de la demande ne peut pas être postérieure à la date du jour.")
    request_month = request_date.replace(day=1)
    if mode == PaymentPeriodMode.ANNEE_CIVILE:
        first, last = dt.date(request_date.year - 1, 1, 1), dt.date(request_date.year - 1, 12, 1)
    elif mode == PaymentPeriodMode.DOUZE_MOIS:
        first, last = add_months(request_month, -12), add_months(request_month, -1)
    elif mode == PaymentPeriodMode.ANNEE_EN_COURS:
        if request_date.month == 1:
            raise PeriodError(
                "La demande date de janvier : aucun mois de l'année en cours ne la précède. "
                "Choisissez une autre période."
            )
        first, last = dt.date(request_date.year, 1, 1), add_months(request_month, -1)
    else:
        raise PeriodError("Choisissez la période à consulter.")
    limit = history_start(today)
    if last < limit:
        raise PeriodError(
            f"Cette période est antérieure à l'historique consultable : les paiements sont conservés "
            f"{HISTORY_MONTHS} mois, depuis {month_label(limit)}."
        )
    if first < limit:
        return Period(request_date, mode, limit, last, cut_at_history=True)
    return Period(request_date, mode, first, last)
