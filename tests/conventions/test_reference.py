"""REF-1, REF-2: the reference data of annexes 1 and 2, counted and spot-checked against the annexes."""

import re

import pytest
from django.db import IntegrityError

from conventions.enums import JuridictionKind
from conventions.models import Baj, Caf, CafContact, Departement

pytestmark = pytest.mark.django_db


def caf(number):
    return Caf.objects.get(number=number)


def baj(city, juridiction=JuridictionKind.TGI):
    return Baj.objects.get(city=city, juridiction=juridiction)


def caf_numbers(baj):
    return sorted(baj.cafs.values_list("number", flat=True))


def test_counts_match_the_annexes():
    """REF-2: 122 numbered CAFs, 184 BAJ rows in annex 1, plus the BAJ of the Commission des recours des
    réfugiés named in the circular; the CMAF besides."""
    assert Caf.objects.numbered().count() == 122
    assert Caf.objects.filter(is_maritime=True).count() == 1
    assert Baj.objects.count() == 185
    assert Baj.objects.filter(juridiction=JuridictionKind.TGI).count() == 182
    assert Departement.objects.count() == 100
    assert not Caf.objects.numbered().filter(contacts=None).exists(), "every CAF has its annex 2 officers"


def test_every_baj_is_linked_to_every_caf_of_its_departement_and_no_other():
    """REF-2: a BAJ is associated with every CAF of its département (Corsica and overseas: its own)."""
    for each in Baj.objects.prefetch_related("cafs"):
        linked = {c.pk for c in each.cafs.all()}
        expected = set(Caf.objects.numbered().filter(departement=each.departement_id).values_list("pk", flat=True))
        assert linked, f"{each} has no CAF"
        assert linked == expected, f"{each}: {linked} != {expected}"


def test_nord_has_seven_bajs_and_eight_cafs():
    """REF-2: the two lists of département 59 are of different lengths."""
    assert Baj.objects.filter(departement="59").count() == 7
    assert Caf.objects.filter(departement="59").count() == 8
    assert caf_numbers(baj("Lille")) == ["591", "592", "593", "594", "595", "596", "597", "599"]


@pytest.mark.parametrize(
    "city, numbers",
    [
        ("Cayenne", ["973"]),
        ("Sainte-Clotilde", ["974"]),
        ("Saint-Pierre", ["974"]),
        ("Basse-Terre", ["971"]),
        ("Fort-de-France", ["972"]),
        ("Ajaccio", ["201"]),
        ("Bastia", ["202"]),
    ],
)
def test_corsica_and_overseas_bajs_reach_only_their_own_caf(city, numbers):
    """REF-2: "20" and "97" in the annex are split; Cayenne never reaches the CAF of La Réunion."""
    assert caf_numbers(baj(city)) == numbers


@pytest.mark.parametrize(
    "number, name, city, departement",
    [
        ("161", "Caf de la Charente", "Angoulême", "16"),
        ("611", "Caf de l'Orne", "Alençon", "61"),
        ("251", "Caf de Besançon", "Besançon", "25"),
        ("681", "Caf du Haut-Rhin", "Mulhouse", "68"),
        ("692", "Caf de Villefranche-sur-Saône", "Villefranche-sur-Saône", "69"),
        ("711", "Caf de Saône-et-Loire", "Mâcon", "71"),
        ("781", "Caf des Yvelines", "Saint-Quentin-en-Yvelines", "78"),
        ("931", "Caf de la Seine-Saint-Denis", "Rosny-sous-Bois", "93"),
        ("974", "Caf de La Réunion", "Saint-Denis", "974"),
    ],
)
def test_spot_check_cafs(number, name, city, departement):
    found = caf(number)
    assert (found.name, found.city, found.departement_id) == (name, city, departement)


@pytest.mark.parametrize(
    "city, numbers",
    [
        ("Montluçon", ["031"]),
        ("Chalon-sur-Saône", ["711"]),
        ("Villefranche-sur-Saône", ["691", "692"]),
        ("Béthune", ["621", "622"]),
        ("Compiègne", ["601", "602"]),
        ("Privas", ["071", "072"]),
        ("Belley", ["011"]),
        ("Saumur", ["491", "492"]),
    ],
)
def test_spot_check_bajs(city, numbers):
    assert caf_numbers(baj(city)) == numbers


def test_paris_bajs_of_the_high_courts_and_the_refugee_commission():
    """REF-1: Paris has the TGI, the Cour de cassation and the Conseil d'État; the CRR is in Seine-Saint-Denis."""
    assert caf_numbers(baj("Paris", JuridictionKind.COUR_CASSATION)) == ["751"]
    assert caf_numbers(baj("Paris", JuridictionKind.CONSEIL_ETAT)) == ["751"]
    assert caf_numbers(baj("Paris")) == ["751"]
    crr = Baj.objects.get(juridiction=JuridictionKind.COMMISSION_RECOURS_REFUGIES)
    assert caf_numbers(crr) == ["931"]
    assert str(baj("Paris", JuridictionKind.CONSEIL_ETAT)) == "BAJ Conseil d'État"
    assert str(baj("Rochefort")) == "BAJ Tribunal de grande instance de Rochefort"


def test_cmaf_is_maritime_unnumbered_in_la_rochelle():
    cmaf = Caf.objects.get(is_maritime=True)
    assert cmaf.number is None
    assert cmaf.departement_id == "17"
    assert "17022 LA ROCHELLE CEDEX" in cmaf.address
    assert cmaf.contacts.get().last_name == "Cottet-Vanel"
    assert not cmaf.bajs.exists(), "no BAJ reaches the CMAF through annex 1"


def test_spot_check_contacts_from_annex_2():
    agen = caf("471").contacts.get()
    assert (agen.last_name, agen.first_name, agen.phone, agen.fax) == (
        "Pacaud",
        "Florence",
        "0553771806",
        "0553771718",
    )
    assert caf("061").contacts.count() == 4
    assert list(caf("311").contacts.values_list("last_name", flat=True)) == ["Le Gentil", "Serraz"]
    assert caf("972").address.endswith("97291 LE LAMENTIN CEDEX 2")


def test_ocr_errors_are_corrected():
    """REF-1: no OCR artefact survives in names, cities or addresses."""
    texts = [
        *Caf.objects.values_list("name", flat=True),
        *Caf.objects.values_list("city", flat=True),
        *Caf.objects.values_list("address", flat=True),
        *Baj.objects.values_list("city", flat=True),
        *CafContact.objects.values_list("last_name", flat=True),
        *CafContact.objects.values_list("first_name", flat=True),
    ]
    for artefact in ["Alengon", "Besangon", "Montlugon", "Multhouse", "Sadne", "Saéne", "Frangois", "{", "|", "Lilie"]:
        assert not [text for text in texts if artefact in text], artefact
    for phone in CafContact.objects.exclude(phone="").values_list("phone", flat=True):
        assert len(phone) == 10 and phone.isdigit(), phone


def test_a_numbered_caf_must_have_a_number():
    with pytest.raises(IntegrityError):
        Caf.objects.create(name="Caf sans numéro", city="Nulle part", departement_id="16", is_maritime=False)


def test_new_rows_do_not_collide_with_the_fixture_keys():
    """The loader resets the sequences (PostgreSQL): a CAF created afterwards gets a fresh key."""
    created = Caf.objects.create(number="999", name="Caf d'essai", city="Essai", departement_id="16")
    assert created.pk > max(Caf.objects.exclude(pk=created.pk).values_list("pk", flat=True))


def test_caf_names_are_french():
    """#18 §4: « Caf du Havre », never « Caf de Le Havre » (nor « de Les », « à Le »)."""
    names = list(Caf.objects.values_list("name", flat=True))
    assert "Caf du Havre" in names
    assert not [name for name in names if re.search(r"\b(de|à) (Le|Les) ", name)]
