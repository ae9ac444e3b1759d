"""CONS-6: "selon le profil, seules les données nécessaires sont affichées". For every field of every rubrique of
the catalogue, a profile granted that field alone sees that field's value, and no other field's value — on the
rubrique's page and in the edition. The catalogue is read from the declarations, so a field added there without
a witness here fails the test."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from allocataires.enums import DependantKind, Nationality, PersonRole, ResourcePersonType
from conventions.models import Profile
from conventions.rubriques import CATALOGUE
from core.dates import add_months
from tests.allocataires.factories import (
    DependantFactory,
    DossierFactory,
    PaymentFactory,
    PersonFactory,
    ResourceFactory,
    RmiRightFactory,
)
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in
from tests.helpers import open_dossier

pytestmark = pytest.mark.django_db


def _first_of_month(months_ago):
    return add_months(timezone.localdate().replace(day=1), -months_ago)


PAID_ON = _first_of_month(1).replace(day=5)

# What each field shows of the witness dossier below: every string (or pattern) is found only where that field
# is shown.
WITNESSES = {
    ("entete", "numero"): ["7654321"],
    ("entete", "noms"): ["ZANZIBAR", "BÉRÉNICE"],
    ("entete", "responsable"): [r"[Rr]esponsable du dossier"],
    ("paiements", "periode"): [r"\(rappel\)"],
    ("paiements", "traitement"): [f"Émis le {PAID_ON:%d/%m/%Y}"],
    ("paiements", "montant"): ["987,65", r"1.111,10"],
    ("dossier", "situation"): ["03/03/2011"],
    ("dossier", "suspension"): ["Suspendu depuis le 04/04/2012"],
    ("dossier", "enfants_pf"): [r"<dd>\s*7\s*</dd>"],
    ("dossier", "personnes_logement"): [r"<dd>\s*8\s*</dd>"],
    ("dossier", "nationalite"): ["Étrangère"],
    ("dossier", "titre_sejour"): ["06/06/2030"],
    ("famille", "situation_famille"): ["07/07/2007"],
    ("famille", "naissance"): ["08/08/1978", "09/09/1979"],
    ("famille", "activite"): ["Ébéniste", "10/10/2010"],
    ("famille", "nom_naissance"): ["QUIMPERLÉ"],
    ("famille", "nir"): ["NIR-OF-MADAME"],  # replaced by the real NIR below
    ("famille", "deces"): ["11/11/2025"],
    ("famille", "grossesse"): ["14/02/2026"],
    ("famille", "enfants"): ["Oscarine", "15/05/2015", "liens affectifs"],
    ("famille", "autres_personnes"): ["Hippolyte", "16/06/1940"],
    ("rmi", "situation"): ["17/07/2017"],
    ("rmi", "demandeur"): [r"<dt>Demandeur</dt>"],
    ("rmi", "personnes_rmi"): [r"<dd>\s*9\s*</dd>"],
    ("rmi", "demande"): ["18/08/2018"],
    ("rmi", "droit"): ["19/09/2019"],
    ("rmi", "motif_fin"): ["Fin constatée par la Caf"],
    ("ressources", "annee"): ["2023"],
    ("ressources", "type_personne"): ["Ressources de Monsieur"],
    ("ressources", "nature"): ["Revenus fonciers", r"43.210"],
    ("adresse", "adresse"): ["impasse des Capucines"],
    ("adresse", "code_insee"): ["16102"],
}

CATALOGUE_FIELDS = [(rubrique.code, field.code) for rubrique in CATALOGUE for field in rubrique.fields]


def test_every_field_of_the_catalogue_has_a_witness():
    assert sorted(CATALOGUE_FIELDS) == sorted(WITNESSES)


@pytest.fixture
def witness():
    """A dossier in which every field's value can be told apart from every other's."""
    dossier = DossierFactory(
        number="7654321",
        couple=False,
        situation_since=dt.date(2011, 3, 3),
        suspended_since=dt.date(2012, 4, 4),
        pf_dependants=7,
        housing_dependants=8,
        family_situation_since=dt.date(2007, 7, 7),
        pregnancy_start=dt.date(2026, 2, 14),
        address_line1="17, impasse des Capucines",
        insee_code="16102",
    )
    madame = PersonFactory(
        dossier=dossier,
        role=PersonRole.MADAME,
        first_name="Bérénice",
        last_name="Zanzibar",
        birth_name="Quimperlé",
        birth_date=dt.date(1978, 8, 8),
        activity="Ébéniste",
        activity_since=dt.date(2010, 10, 10),
        nationality=Nationality.ETRANGERE,
        residence_permit_end=dt.date(2030, 6, 6),
    )
    PersonFactory(
        dossier=dossier,
        role=PersonRole.MONSIEUR,
        sex=1,
        first_name="Anatole",
        last_name="Zanzibar",
        birth_date=dt.date(1979, 9, 9),
        activity="",
        activity_since=None,
        death_date=dt.date(2025, 11, 11),
    )
    DependantFactory(
        dossier=dossier, first_name="Oscarine", birth_date=dt.date(2015, 5, 15), placed_without_emotional_ties=True
    )
    DependantFactory(
        dossier=dossier,
        kind=DependantKind.AUTRE,
        first_name="Hippolyte",
        birth_date=dt.date(1940, 6, 16),
        activity="",
        dependent_pf=False,
    )
    PaymentFactory(dossier=dossier, period=_first_of_month(2), paid_on=PAID_ON, amount=Decimal("987.65"))
    PaymentFactory(
        dossier=dossier, period=_first_of_month(3), paid_on=PAID_ON, amount=Decimal("123.45"), is_arrears=True
    )
    RmiRightFactory(
        dossier=dossier,
        situation_since=dt.date(2017, 7, 17),
        dependants=9,
        requested_on=dt.date(2018, 8, 18),
        starts_on=dt.date(2019, 9, 19),
        ends_on=dt.date(2021, 1, 4),
        end_reason="Fin constatée par la Caf",
    )
    ResourceFactory(
        dossier=dossier,
        year=2023,
        person_type=ResourcePersonType.MONSIEUR,
        nature="Revenus fonciers",
        amount=Decimal("43210"),
    )
    WITNESSES[("famille", "nir")] = [madame.nir]
    return dossier


def _granted_alone(client, rubrique, field):
    """Logs in a greffier whose profile opens `field` of `rubrique` and nothing else (an entête field is seen
    on the Adresse tab, opened without any of its fields)."""
    grants = {rubrique: [field]} if rubrique != "entete" else {"entete": [field], "adresse": []}
    profile = Profile.objects.create(code="UNCHAMP", label="Un seul champ", grants=grants)
    profile.full_clean()
    user = UserFactory(identifier="T1009999", first_name="Jean", last_name="Test")
    log_in(client, HabilitationFactory(user=user, profile=profile).user)
    return "adresse" if rubrique == "entete" else rubrique


def _found(pattern, html):
    return re.search(pattern, html) is not None


def _without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


PERIOD = {"date": f"{timezone.localdate():%d%m%Y}", "mode": "douze_mois", "mois": f"{PAID_ON:%Y-%m}"}


@pytest.mark.parametrize(("rubrique", "field"), CATALOGUE_FIELDS, ids=[f"{r}.{f}" for r, f in CATALOGUE_FIELDS])
def test_a_field_granted_alone_shows_its_value_and_no_other(client, monkeypatch, witness, rubrique, field):
    tab = _granted_alone(client, rubrique, field)
    open_dossier(client, witness.number)
    page = client.get(reverse("allocataires:rubrique", args=[witness.pk, tab]), PERIOD)
    assert page.status_code == 200
    editions = []
    monkeypatch.setattr("allocataires.views.html_to_pdf", lambda html: editions.append(html) or b"%PDF-1.7")
    assert client.get(reverse("allocataires:edition", args=[witness.pk]), PERIOD).status_code == 200
    for where, html in [("page", _without_tokens(page.content.decode())), ("edition", editions[0])]:
        for pattern in WITNESSES[(rubrique, field)]:
            assert _found(pattern, html), f"{rubrique}.{field} granted, {pattern!r} missing from the {where}"
        for other, patterns in WITNESSES.items():
            if other != (rubrique, field):
                shown = [pattern for pattern in patterns if _found(pattern, html)]
                assert not shown, f"{rubrique}.{field} alone granted, {other} shown in the {where}: {shown}"
