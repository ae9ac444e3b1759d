"""The demo dataset is realistic, internally consistent and deterministic (foundation issue, item 5)."""

import csv
import datetime as dt

import pytest

from allocataires.demo import make_nir, payment_date, seed_dossiers
from allocataires.enums import DependantKind, PersonRole
from allocataires.models import Dependant, Dossier, Payment, Person
from allocataires.nir import nir_key
from conventions.models import Caf

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 28)


@pytest.fixture
def communes(settings):
    with open(settings.BASE_DIR / "fixtures" / "demo_communes.csv", encoding="utf-8") as handle:
        return {row["caf"]: row for row in csv.DictReader(handle)}


@pytest.fixture
def dataset():
    seed_dossiers(count=300, seed=7, as_of=AS_OF, cafs=Caf.objects.order_by("pk"))
    return Dossier.objects.all()


def test_nir_key_of_known_examples():
    # Published examples of valid NIRs: 2 55 08 14 168 025 / 38 and 1 85 05 78 006 084 / 91.
    assert nir_key("2550814168025") == "38"
    assert nir_key("1850578006084") == "91"
    # Corsica: 2A counts as 19, 2B as 18.
    assert nir_key("18001" + "2A004" + "001") == f"{97 - int('18001' + '19004' + '001') % 97:02d}"
    assert make_nir(2, dt.date(1955, 8, 1), "14168", 25) == "255081416802538"


def test_payment_date_is_the_fifth_or_the_next_working_day():
    assert payment_date(dt.date(2025, 12, 1)) == dt.date(2026, 1, 5)  # a Monday
    assert payment_date(dt.date(2025, 9, 1)) == dt.date(2025, 10, 6)  # the 5th is a Sunday


def test_nirs_are_valid_and_match_sex_and_birth(dataset):
    people = [*Person.objects.all(), *Dependant.objects.exclude(nir="")]
    assert len(people) > 300
    for person in people:
        nir = person.nir
        assert len(nir) == 15 and nir[13:] == nir_key(nir[:13]), nir
        assert nir[1:3] == f"{person.birth_date:%y}" and nir[3:5] == f"{person.birth_date:%m}", nir
        if isinstance(person, Person):
            assert nir[0] == ("1" if person.role == PersonRole.MONSIEUR else "2"), nir


def test_birthplaces_are_real_communes_or_countries(dataset, communes):
    insee_codes = {row["insee"] for row in communes.values()}
    for nir in Person.objects.values_list("nir", flat=True):
        place = nir[5:10]
        assert place in insee_codes or place.startswith("99"), nir


def test_addresses_are_real_communes_of_the_dossiers_caf(dataset, communes):
    for dossier in dataset.select_related("caf"):
        if dossier.caf.is_maritime:
            continue
        commune = communes[dossier.caf.number]
        assert (dossier.city, dossier.postal_code, dossier.insee_code) == (
            commune["commune"],
            commune["postal_code"],
            commune["insee"],
        )


def test_children_are_younger_than_their_parents(dataset):
    checked = 0
    for dossier in dataset.prefetch_related("persons", "dependants"):
        youngest_parent = max(person.birth_date for person in dossier.persons.all())
        for child in dossier.dependants.all():
            if child.kind == DependantKind.ENFANT:
                assert child.birth_date >= youngest_parent.replace(year=youngest_parent.year + 18, day=1)
                assert child.birth_date <= AS_OF
                checked += 1
    assert checked > 100


def test_dependant_counts_match_the_dependants(dataset):
    for dossier in dataset.prefetch_related("dependants"):
        dependants = list(dossier.dependants.all())
        assert dossier.pf_dependants == sum(d.dependent_pf for d in dependants)
        assert dossier.housing_dependants == sum(d.dependent_housing for d in dependants)


def test_couples_have_both_persons_and_singles_one(dataset):
    for dossier in dataset.prefetch_related("persons"):
        roles = {person.role for person in dossier.persons.all()}
        assert dossier.responsible in roles
        assert len(roles) == (2 if dossier.family_situation in {"mariage", "vie_maritale", "pacs"} else 1)


def test_payments_are_monthly_on_real_dates(dataset):
    payments = list(Payment.objects.all())
    assert payments, "about a fifth of the dossiers receive the AAH"
    assert any(payment.is_arrears for payment in payments)
    for payment in payments:
        assert payment.period.day == 1
        assert payment.paid_on <= AS_OF
        if payment.is_arrears:
            assert payment.period < payment.paid_on.replace(day=1)
        else:
            assert payment.paid_on == payment_date(payment.period)


def test_numbers_are_seven_digits_and_unique_per_caf(dataset):
    numbers = list(dataset.values_list("caf_id", "number"))
    assert len(numbers) == len(set(numbers)) == 300
    assert all(len(number) == 7 and number.isdigit() for _, number in numbers)


def test_same_seed_same_dataset():
    def snapshot():
        return list(
            Person.objects.order_by("dossier__caf", "dossier__number", "role").values_list("nir", "first_name")
        )

    cafs = Caf.objects.filter(number__in=["161", "171"])
    seed_dossiers(count=40, seed=3, as_of=AS_OF, cafs=cafs)
    first = snapshot()
    Dossier.objects.all().delete()
    seed_dossiers(count=40, seed=3, as_of=AS_OF, cafs=cafs)
    assert snapshot() == first
    Dossier.objects.all().delete()
    seed_dossiers(count=40, seed=4, as_of=AS_OF, cafs=cafs)
    assert snapshot() != first


def test_seeding_again_continues_the_numbering():
    cafs = Caf.objects.filter(number="161")
    seed_dossiers(count=5, seed=1, as_of=AS_OF, cafs=cafs)
    seed_dossiers(count=5, seed=1, as_of=AS_OF, cafs=cafs)
    assert Dossier.objects.values("number").distinct().count() == 10


def test_activities_agree_with_the_person(dataset):
    """#18 §4: « Salariée depuis » for Madame, « Salarié » for Monsieur."""
    madame = set(Person.objects.filter(role=PersonRole.MADAME).values_list("activity", flat=True))
    monsieur = set(Person.objects.filter(role=PersonRole.MONSIEUR).values_list("activity", flat=True))
    assert "Salariée" in madame and "Salarié" not in madame and "Demandeur d'emploi" not in madame
    assert "Salarié" in monsieur and "Salariée" not in monsieur
