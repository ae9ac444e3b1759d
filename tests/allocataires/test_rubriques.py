"""CONS-7 … CONS-13, JRN-2: what each rubrique shows, the Paiements and Ressources navigation, the journal
line of every consultation, and query budgets that do not grow with the dossier."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from allocataires.enums import Benefit, DependantKind, DossierSituation, Nationality, PersonRole
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.allocataires.factories import (
    DependantFactory,
    DossierFactory,
    PaymentFactory,
    ResourceFactory,
    RmiRightFactory,
)
from tests.helpers import open_dossier

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def dossier(local_greffier, client):
    dossier = DossierFactory(number="1234567")
    open_dossier(client, "1234567")
    return dossier


def page(client, dossier, rubrique, **params):
    response = client.get(reverse("allocataires:rubrique", args=[dossier.pk, rubrique]), params)
    assert response.status_code == 200
    return response


def text(response):
    """The page's text with its white space folded, for assertions that do not depend on indentation."""
    return " ".join(html.unescape(response.content.decode()).split())


def test_header_names_monsieur_and_madame_and_the_responsible(client, dossier):
    """CONS-7."""
    body = text(page(client, dossier, "adresse"))
    assert "Madame LAURENCE DURAND" in body and "Monsieur ROGER DURAND" in body
    assert "responsable du dossier" in body.split("Madame LAURENCE DURAND")[1].split("Monsieur")[0]
    assert "N° d'allocataire" in body and "1234567" in body


def test_dossier_rubrique(client, dossier):
    """CONS-9."""
    dossier.situation, dossier.radiation_reason = DossierSituation.RADIE, "Mutation vers une autre Caf"
    dossier.suspended_since = dt.date(2026, 2, 1)
    dossier.pf_dependants, dossier.housing_dependants = 3, 4
    dossier.save()
    dossier.persons.filter(role=PersonRole.MONSIEUR).update(
        nationality=Nationality.ETRANGERE, residence_permit_end=dt.date(2027, 5, 31)
    )
    body = text(page(client, dossier, "dossier"))
    for expected in [
        "Radiation depuis le 01/03/2010",
        "motif : Mutation vers une autre Caf",
        "Suspendu depuis le 01/02/2026",
        "Étrangère",
        "Française",
        "31/05/2027",
    ]:
        assert expected in body, expected
    assert re.search(r"au sens des prestations familiales</dt> <dd> ?3 ?</dd>", body)
    assert re.search(r"au sens du logement</dt> <dd> ?4 ?</dd>", body)


def test_famille_rubrique(client, dossier):
    """CONS-10."""
    dossier.pregnancy_start, dossier.pregnancy_start_modified = dt.date(2026, 6, 1), dt.date(2026, 6, 10)
    dossier.save()
    DependantFactory(dossier=dossier, first_name="Tristan", dependent_rmi=True)
    DependantFactory(dossier=dossier, first_name="Léa", placed_without_emotional_ties=True, dependent_housing=False)
    DependantFactory(
        dossier=dossier,
        kind=DependantKind.AUTRE,
        first_name="Odette",
        birth_date=dt.date(1940, 1, 2),
        activity="Retraité",
    )
    madame = dossier.persons.get(role=PersonRole.MADAME)
    body = text(page(client, dossier, "famille"))
    for expected in [
        "Mariage depuis le 14/06/2008",
        "MOREAU",  # birth name of Madame
        "12/04/1975",
        "Salarié",
        "depuis le 01/04/2001",
        "DURAND Tristan",
        "PF logement RMI",
        "Enfant placé : non maintien des liens affectifs",
        "Autres personnes à charge",
        "Odette",
        "02/01/1940",
    ]:
        assert expected in body, expected
    # CONS-6: the annex "PROFIL T12" lists neither the NIR nor the pregnancy dates.
    for absent in [madame.nir, "grossesse", "01/06/2026", "10/06/2026"]:
        assert absent not in body, absent


def test_rmi_rubrique(client, dossier):
    """CONS-11."""
    RmiRightFactory(dossier=dossier, ends_on=dt.date(2026, 3, 31), end_reason="Reprise d'activité")
    body = text(page(client, dossier, "rmi"))
    for expected in [
        "Affiliation depuis le 01/05/2024",
        "Madame",
        "21/03/2024",
        "01/05/2024",
        "31/03/2026",
        "Reprise d'activité",
    ]:
        assert expected in body, expected


def test_rmi_rubrique_without_a_right(client, dossier):
    assert "Aucun droit au RMI" in text(page(client, dossier, "rmi"))


def test_adresse_rubrique(client, dossier):
    """CONS-13."""
    body = text(page(client, dossier, "adresse"))
    assert "12, rue de Périgueux" in body and "16000 ANGOULÊME" in body
    assert "16015" not in body, "the INSEE code is not in the annex PROFIL T12 (CONS-6, CONS-13)"


def test_ressources_last_three_known_years_with_navigation(client, dossier):
    """CONS-12: the last three known years, newest first; "Année précédente" / "Année suivante"."""
    for year in (2021, 2022, 2023, 2024):
        ResourceFactory(dossier=dossier, year=year, amount=Decimal(1000 + year))
    ResourceFactory(dossier=dossier, year=2024, person_type="madame", nature="Ressources nulles", amount=0)
    response = page(client, dossier, "ressources")
    shown = response.context["years"][0]
    assert (shown.year, shown.older_year, shown.newer_year) == (2024, 2023, None)
    body = text(response)
    assert "Ressources de Monsieur" in body and "pour l'année 2024" in body and "3 024 €" in body
    assert "Ressources de Madame" in body and "Ressources nulles" in body
    assert "Année précédente" in body and "Année suivante" not in body
    oldest = text(page(client, dossier, "ressources", annee=2022))
    assert "pour l'année 2022" in oldest and "Année suivante" in oldest and "Année précédente" not in oldest
    assert "pour l'année 2024" in text(page(client, dossier, "ressources", annee=2021)), "2021 is not a known year"
    assert "pour l'année 2024" in text(page(client, dossier, "ressources", annee="abc"))


def paiements(client, dossier, date, mode, **extra):
    return page(client, dossier, "paiements", date=date, mode=mode, **extra)


def test_paiements_form_first(client, dossier):
    body = text(page(client, dossier, "paiements"))
    assert "format JJMMAAAA" in body
    for label in [
        "L'année civile qui précède la demande",
        "Les 12 mois qui précèdent la demande",
        "Les mois de l'année en cours qui précèdent la demande",
    ]:
        assert label in body


def test_paiements_counted_by_payment_date_with_arrears_and_cumulative_total(client, dossier):
    """CONS-8: December 2025 paid on 5 January 2026 counts in January; a rappel counts when paid."""
    PaymentFactory(
        dossier=dossier, period=dt.date(2025, 11, 1), paid_on=dt.date(2025, 12, 5), amount=Decimal("1033.32")
    )
    PaymentFactory(
        dossier=dossier, period=dt.date(2025, 12, 1), paid_on=dt.date(2026, 1, 5), amount=Decimal("1033.32")
    )
    PaymentFactory(
        dossier=dossier,
        benefit=Benefit.MVA,
        period=dt.date(2025, 12, 1),
        paid_on=dt.date(2026, 1, 5),
        amount=Decimal("104.77"),
    )
    PaymentFactory(
        dossier=dossier,
        period=dt.date(2025, 12, 1),
        paid_on=dt.date(2026, 2, 5),
        amount=Decimal("50.00"),
        is_arrears=True,
    )
    PaymentFactory(dossier=dossier, period=dt.date(2026, 2, 1), paid_on=dt.date(2026, 3, 5), amount=Decimal("1033.32"))
    response = paiements(client, dossier, "15032026", "annee_en_cours")
    months = response.context["history"].months
    assert [(m.month, m.total, m.cumulative) for m in months] == [
        (dt.date(2026, 1, 1), Decimal("1138.09"), Decimal("1138.09")),
        (dt.date(2026, 2, 1), Decimal("50.00"), Decimal("1188.09")),
    ]
    assert response.context["history"].total == Decimal("1188.09")
    body = text(response)
    assert "1 188,09 €" in body and "Émis le 05/01/2026" in body
    assert "(rappel)" not in body, "the detail shows the first month; the rappel is in February"
    february = text(paiements(client, dossier, "15032026", "annee_en_cours", mois="2026-02"))
    assert "(rappel)" in february and "Émis le 05/02/2026" in february


def test_paiements_month_navigation(client, dossier):
    response = paiements(client, dossier, "15032026", "douze_mois")
    assert response.context["shown_month"].month == dt.date(2025, 3, 1)
    assert response.context["previous_month"] is None and response.context["next_month"] == dt.date(2025, 4, 1)
    body = text(response)
    assert "Mois suivant" in body and "Mois précédent" not in body and "Modifier la date ou la période" in body
    last = paiements(client, dossier, "15032026", "douze_mois", mois="2026-02")
    assert last.context["next_month"] is None and last.context["previous_month"] == dt.date(2026, 1, 1)
    outside = paiements(client, dossier, "15032026", "douze_mois", mois="1999-01")
    assert outside.context["shown_month"].month == dt.date(2025, 3, 1)
    assert paiements(client, dossier, "15032026", "douze_mois", mois="n'importe").status_code == 200


def test_paiements_history_is_cut_at_24_months(client, dossier):
    PaymentFactory(dossier=dossier, period=dt.date(2024, 9, 1), paid_on=dt.date(2024, 10, 5), amount=Decimal("900"))
    PaymentFactory(dossier=dossier, period=dt.date(2024, 10, 1), paid_on=dt.date(2024, 11, 5), amount=Decimal("901"))
    response = paiements(client, dossier, "10102025", "douze_mois")
    assert response.context["period"].cut_at_history
    assert response.context["history"].total == Decimal("901")
    assert "limitée à l'historique consultable de 24 mois" in text(response)


@pytest.mark.parametrize(
    "date, mode, message",
    [
        ("31022026", "douze_mois", "La date 31/02/2026 n'existe pas."),
        ("29112026", "douze_mois", "ne peut pas être postérieure à la date du jour"),
        ("15012024", "annee_civile", "antérieure à l'historique consultable"),
        ("20012026", "annee_en_cours", "aucun mois de l'année en cours ne la précède"),
        ("1503", "douze_mois", "format JJMMAAAA"),
        ("", "douze_mois", "Saisissez la date de la demande"),
        ("15032026", "", "Choisissez la période à consulter."),
        ("15032026", "toujours", "Choisissez la période à consulter."),
    ],
)
def test_paiements_bad_input(client, dossier, date, mode, message):
    """CONS-15: a clear message on the same page; the form is shown again."""
    response = paiements(client, dossier, date, mode)
    body = text(response)
    assert message in body
    assert 'role="alert"' in body and 'name="date"' in body


def test_every_consultation_is_journaled_with_its_rubrique_and_period(local_greffier, client, dossier):
    """JRN-2: who, which CAF, which dossier, which rubrique, which period."""
    page(client, dossier, "famille")
    paiements(client, dossier, "15032026", "douze_mois")
    rows = list(JournalEntry.objects.filter(event=JournalEvent.CONSULTATION).order_by("pk"))
    assert [(r.user, r.caf.number, r.allocataire_number, r.rubrique) for r in rows] == [
        (local_greffier, "161", "1234567", "famille"),
        (local_greffier, "161", "1234567", "paiements"),
    ]
    assert rows[1].period == "03/2025-02/2026 (12 mois, demande du 15/03/2026)"


def rich(dossier, size):
    for i in range(size):
        DependantFactory(dossier=dossier, first_name=f"Enfant{i}")
        ResourceFactory(dossier=dossier, year=2020 + i % 5, nature=f"Nature {i}")
        for month in range(1, 13):
            PaymentFactory(
                dossier=dossier,
                period=dt.date(2025, month, 1),
                paid_on=dt.date(2025, month, 5),
                amount=Decimal(10 + i),
            )
    RmiRightFactory(dossier=dossier)


QUERY_BUDGET = 10


@pytest.mark.parametrize("rubrique", ["paiements", "dossier", "famille", "rmi", "ressources", "adresse"])
def test_query_budget_does_not_grow_with_the_dossier(client, local_greffier, django_assert_max_num_queries, rubrique):
    """Every consultation page: at most QUERY_BUDGET queries (docs/performance.md), for a dossier with one
    child, resource and year of payments as for one with twenty."""
    small, large = DossierFactory(number="1000001"), DossierFactory(number="1000002")
    rich(small, 1)
    rich(large, 20)
    counts = []
    for dossier in (small, large):
        open_dossier(client, dossier.number)
        params = {"date": "15032026", "mode": "annee_civile"} if rubrique == "paiements" else {}
        with django_assert_max_num_queries(QUERY_BUDGET) as captured:
            response = client.get(reverse("allocataires:rubrique", args=[dossier.pk, rubrique]), params)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
