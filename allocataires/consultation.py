"""The data of each rubrique, read for one dossier (CONS-7 … CONS-13). One function per rubrique; each makes
a fixed number of queries, whatever the number of payments, children or resources of the dossier."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from allocataires.enums import DependantKind, PersonRole


def persons_by_role(dossier):
    """CONS-7: Madame then Monsieur (the manual's order), from the prefetched persons."""
    persons = {person.role: person for person in dossier.persons.all()}
    return [persons[role] for role in (PersonRole.MADAME, PersonRole.MONSIEUR) if role in persons]


@dataclass
class PaymentMonth:
    month: object
    payments: list = field(default_factory=list)
    total: Decimal = Decimal(0)
    cumulative: Decimal = Decimal(0)


def payments_by_month(dossier, period):
    """CONS-8: the months of the period, each with the payments processed or issued in it, its total and the
    cumulative total since the start of the period. One query."""
    months = {month: PaymentMonth(month) for month in period.months}
    for payment in dossier.payments.paid_between(period.first, period.end).order_by("paid_on", "benefit", "period"):
        entry = months[payment.paid_on.replace(day=1)]
        entry.payments.append(payment)
        entry.total += payment.amount
    cumulative = Decimal(0)
    for entry in months.values():
        cumulative += entry.total
        entry.cumulative = cumulative
    return list(months.values())


def month_navigation(months, wanted):
    """The month shown in detail (the first by default) and its neighbours within the period."""
    index = next((i for i, entry in enumerate(months) if entry.month == wanted), 0)
    previous_month = months[index - 1].month if index > 0 else None
    next_month = months[index + 1].month if index + 1 < len(months) else None
    return months[index], previous_month, next_month


def resources_years(dossier):
    """CONS-12: the last three years for which resources are known, newest first. One query."""
    years = dossier.resources.order_by("-year").values_list("year", flat=True).distinct()
    return list(years[:3])


def resources_of_year(dossier, year):
    """CONS-12: the resources of one year, grouped by person type in the manual's order. One query."""
    grouped = defaultdict(list)
    for resource in dossier.resources.filter(year=year).order_by("person_type", "nature"):
        grouped[resource.person_type].append(resource)
    order = ["monsieur", "madame", "enfant", "autre"]
    return [(person_type, grouped[person_type]) for person_type in order if person_type in grouped]


def dependants_split(dossier):
    """CONS-10: children, and other dependent persons (from the prefetched dependants)."""
    dependants = list(dossier.dependants.all())
    children = [d for d in dependants if d.kind == DependantKind.ENFANT]
    others = [d for d in dependants if d.kind == DependantKind.AUTRE]
    return children, others
