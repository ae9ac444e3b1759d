import datetime as dt

import factory

from conventions.enums import JuridictionKind
from conventions.models import Baj, Caf, Convention


class ConventionFactory(factory.django.DjangoModelFactory):
    """A convention between the BAJ of Angoulême and the CAF of the Charente, signed by both parties in
    December 2024 and active since 2025 unless told otherwise; `ended` for one that no longer gives access,
    `unsigned` for one awaiting the partner's signature (CONV-4)."""

    class Meta:
        model = Convention

    number = factory.Sequence(lambda n: f"{n + 1:06d}/2025")
    caf = factory.LazyFunction(lambda: Caf.objects.get(number="161"))
    baj = factory.LazyFunction(lambda: Baj.objects.get(city="Angoulême", juridiction=JuridictionKind.TGI))
    starts_on = dt.date(2025, 1, 1)
    first_period_ends_on = dt.date(2025, 12, 31)
    caf_signed_on = dt.date(2024, 12, 2)
    partner_signed_on = dt.date(2024, 12, 9)

    class Params:
        ended = factory.Trait(ends_on=dt.date(2025, 6, 1))
        unsigned = factory.Trait(partner_signed_on=None)
