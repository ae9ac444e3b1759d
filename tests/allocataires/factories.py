import datetime as dt
from decimal import Decimal

import factory

from allocataires.demo import make_nir
from allocataires.enums import (
    Benefit,
    DependantKind,
    DossierSituation,
    FamilySituation,
    Nationality,
    PersonRole,
    ResourcePersonType,
)
from allocataires.models import Dependant, Dossier, Payment, Person, Resource, RmiRight
from conventions.models import Caf


class DossierFactory(factory.django.DjangoModelFactory):
    """A married couple's dossier of the CAF of the Charente, Madame responsible."""

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    caf = factory.LazyFunction(lambda: Caf.objects.get(number="161"))
    number = factory.Sequence(lambda n: f"{1_600_000 + n:07d}")
    responsible = PersonRole.MADAME
    situation = DossierSituation.AFFILIE
    situation_since = dt.date(2010, 3, 1)
    family_situation = FamilySituation.MARIAGE
    family_situation_since = dt.date(2008, 6, 14)
    address_line1 = "12, rue de Périgueux"
    postal_code = "16000"
    city = "Angoulême"
    insee_code = "16015"

    class Params:
        radie = factory.Trait(situation=DossierSituation.RADIE, radiation_reason="Mutation vers une autre Caf")

    @factory.post_generation
    def couple(self, create, extracted, **kwargs):
        if extracted is False:
            return
        PersonFactory(
            dossier=self, role=PersonRole.MADAME, first_name="Laurence", last_name="Durand", birth_name="Moreau"
        )
        PersonFactory(dossier=self, role=PersonRole.MONSIEUR, first_name="Roger", last_name="Durand", sex=1)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ["sex"]

    sex = 2
    role = PersonRole.MADAME
    last_name = "Durand"
    first_name = "Laurence"
    birth_date = dt.date(1975, 4, 12)
    nir = factory.LazyAttribute(lambda o: make_nir(o.sex, o.birth_date, "16015", 42))
    activity = "Salarié"
    activity_since = dt.date(2001, 4, 1)
    nationality = Nationality.FRANCAISE


class DependantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dependant

    kind = DependantKind.ENFANT
    last_name = "Durand"
    first_name = "Tristan"
    birth_date = dt.date(2012, 8, 14)
    activity = "Scolaire"
    dependent_pf = True
    dependent_housing = True


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    benefit = Benefit.AAH
    period = dt.date(2026, 1, 1)
    paid_on = dt.date(2026, 2, 5)
    amount = Decimal("1033.32")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    year = 2024
    person_type = ResourcePersonType.MONSIEUR
    nature = "Salaires et traitements"
    amount = Decimal("21850.00")


class RmiRightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RmiRight

    situation = DossierSituation.AFFILIE
    situation_since = dt.date(2024, 5, 1)
    applicant = PersonRole.MADAME
    dependants = 1
    requested_on = dt.date(2024, 3, 21)
    starts_on = dt.date(2024, 5, 1)
