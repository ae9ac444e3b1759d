import datetime as dt

import factory

from conventions.enums import JuridictionKind
from conventions.models import Baj, Caf, Convention


class ConventionFactory(factory.django.DjangoModelFactory):
    """A convention between the BAJ of Angoulême and the CAF of the Charente, active since 2025 unless told
    otherwise; `ended` for one that no longer gives access."""

    class Meta:
        model = Convention

    number = factory.Sequence(lambda n: f"{n + 1:06d}/2025")
    caf = factory.LazyFunction(lambda: Caf.objects.get(number="161"))
    baj = factory.LazyFunction(lambda: Baj.objects.get(city="Angoulême", juridiction=JuridictionKind.TGI))
    starts_on = dt.date(2025, 1, 1)
    first_period_ends_on = dt.date(2025, 12, 31)

    class Params:
        ended = factory.Trait(ends_on=dt.date(2025, 6, 1))
