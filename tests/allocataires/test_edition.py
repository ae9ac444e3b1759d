"""CONS-14, JRN-2: the printable edition — a PDF with the CAF, the date and time, the user and the dossier."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.allocataires.factories import DependantFactory, DossierFactory, PaymentFactory, ResourceFactory
from tests.helpers import open_dossier

pytestmark = pytest.mark.django_db


def _weasyprint_loads():
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


needs_pango = pytest.mark.skipif(
    not _weasyprint_loads(),
    reason="needs the Pango library: apt-get install libpango-1.0-0 libpangoft2-1.0-0 (the CI does)",
)


def pdf_text(response):
    """The PDF's text, white space folded."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())


@pytest.fixture
def dossier(local_greffier, client):
    dossier = DossierFactory(number="1234567")
    DependantFactory(dossier=dossier)
    ResourceFactory(dossier=dossier, year=2024)
    ResourceFactory(dossier=dossier, year=2023, amount=Decimal("19000"))
    PaymentFactory(
        dossier=dossier, period=dt.date(2025, 12, 1), paid_on=dt.date(2026, 1, 5), amount=Decimal("1033.32")
    )
    open_dossier(client, "1234567")
    return dossier


def consult(client, dossier, *codes, **period):
    """The greffier reads `codes` of the opened dossier, Paiements with `period` (date, mode) when given."""
    for code in codes:
        params = period if code == "paiements" else {}
        assert client.get(reverse("allocataires:rubrique", args=[dossier.pk, code]), params).status_code == 200


def fonts(response):
    """The typefaces the PDF embeds, without their subset prefix and style."""
    names = set()
    for page in PdfReader(io.BytesIO(response.content)).pages:
        for font in page["/Resources"]["/Font"].values():
            name = str(font.get_object()["/BaseFont"]).split("+")[-1]
            names.add(re.sub(r"-(Bold|Oblique|Italic)+$", "", name))
    return names


@needs_pango
def test_the_edition_is_the_consultation(client, dossier, local_greffier):
    """CONS-14: the rubriques consulted, the period asked with every month's detail, who, when, which CAF."""
    PaymentFactory(dossier=dossier, period=dt.date(2026, 1, 1), paid_on=dt.date(2026, 2, 5), amount=Decimal("971"))
    consult(client, dossier, "paiements", "famille", "ressources", date="15032026", mode="annee_en_cours")
    printed = timezone.localtime()
    response = client.get(reverse("allocataires:edition", args=[dossier.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="cafpro-161-1234567.pdf"' in response["Content-Disposition"]
    text = pdf_text(response)
    for expected in [
        "Caf de la Charente",
        "1234567",
        "T1001161",
        f"{printed:%d/%m/%Y}",
        f"à {printed:%H:}",  # Europe/Paris time
        "LAURENCE DURAND",
        "responsable du dossier",
        "Rubriques consultées : Paiements, Famille, Ressources.",
        "Demande d'aide juridictionnelle du 15/03/2026",
        "Détail : janvier 2026",
        "1 033,32",
        "Détail : février 2026",  # every month's detail, not the first only
        "971,00",
        "2024",
        "2023",  # every known year in the edition
        "Tristan",
        "2026/001234",  # the legal-aid file stated at the search (PUR-2)
    ]:
        assert expected in text, expected
    assert "Adresse" not in text and "Situation du dossier" not in text, "not consulted, not printed"
    assert "16015" not in text, "the INSEE code is not in the annex PROFIL T12"
    assert fonts(response) == {"DejaVu-Sans"}, "one typeface, the page footer included"
    root = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "fr", "NF-2: tagged PDF"
    entry = JournalEntry.objects.get(event=JournalEvent.EDITION)
    assert (entry.user, entry.allocataire_number, entry.caf.number) == (local_greffier, "1234567", "161")
    assert entry.period.startswith("01/2026-02/2026")


@needs_pango
def test_the_edition_of_a_dossier_only_searched_says_nothing_was_consulted(client, dossier):
    text = pdf_text(client.get(reverse("allocataires:edition", args=[dossier.pk])))
    assert "Aucune rubrique de ce dossier n'a été consultée" in text and "LAURENCE DURAND" in text


@needs_pango
def test_paiements_consulted_without_a_period_says_so(client, dossier):
    consult(client, dossier, "paiements")
    assert "sans qu'une période soit demandée" in pdf_text(
        client.get(reverse("allocataires:edition", args=[dossier.pk]))
    )


def test_the_period_asked_stays_with_the_dossier(client, dossier):
    """CONS-8: after « Valider », another tab and back: the result is still there, its month links need no query."""
    paiements = reverse("allocataires:rubrique", args=[dossier.pk, "paiements"])
    client.get(paiements, {"date": "15032026", "mode": "annee_en_cours"})
    consult(client, dossier, "dossier")
    page = client.get(paiements)
    assert page.context["period"].request_date == dt.date(2026, 3, 15)
    html = page.content.decode()
    assert 'href="?mois=2026-02#detail">Février 2026</a>' in html
    assert f'href="{reverse("allocataires:edition", args=[dossier.pk])}"' in html
    assert client.get(paiements, {"mois": "2026-02"}).context["shown_month"].month == dt.date(2026, 2, 1)
    form = client.get(paiements, {"modifier": "1"})
    assert form.context.get("period") is None and 'value="15032026"' in form.content.decode()


def test_a_wrong_date_keeps_the_period_validated_before(client, dossier):
    paiements = reverse("allocataires:rubrique", args=[dossier.pk, "paiements"])
    client.get(paiements, {"date": "15032026", "mode": "douze_mois"})
    assert "n&#x27;existe pas" in client.get(paiements, {"date": "31022026", "mode": "douze_mois"}).content.decode()
    assert client.get(paiements).context["period"].request_date == dt.date(2026, 3, 15)


def test_the_period_is_kept_for_the_same_legal_aid_file_only(client, dossier):
    """PUR-1: reopened for another legal-aid file, the dossier starts afresh."""
    paiements = reverse("allocataires:rubrique", args=[dossier.pk, "paiements"])
    client.get(paiements, {"date": "15032026", "mode": "douze_mois"})
    open_dossier(client, "1234567")
    assert client.get(paiements).context["period"] is not None
    open_dossier(client, "1234567", legal_aid_file="2026/009999")
    assert client.get(paiements).context.get("period") is None


def test_no_edition_of_a_dossier_not_opened(local_greffier, client):
    other = DossierFactory(number="7654321")
    assert client.get(reverse("allocataires:edition", args=[other.pk])).status_code == 404
    assert not JournalEntry.objects.filter(event=JournalEvent.EDITION).exists()


@needs_pango
def test_edition_query_budget_does_not_grow_with_the_dossier(local_greffier, client, django_assert_max_num_queries):
    """docs/performance.md: at most 14 queries, the same for a small and a large dossier."""
    from tests.allocataires.test_rubriques import rich

    counts = []
    for number, size in (("1000001", 3), ("1000002", 20)):  # both with the three known years of resources
        dossier = DossierFactory(number=number)
        rich(dossier, size)
        open_dossier(client, number)
        consult(
            client,
            dossier,
            "paiements",
            "dossier",
            "famille",
            "rmi",
            "ressources",
            "adresse",
            date="15032026",
            mode="annee_civile",
        )
        with django_assert_max_num_queries(14) as captured:
            response = client.get(reverse("allocataires:edition", args=[dossier.pk]))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


def test_without_pango_the_edition_is_unavailable_not_an_error(client, dossier, monkeypatch):
    monkeypatch.setattr("allocataires.views.html_to_pdf", lambda html: None)
    response = client.get(reverse("allocataires:edition", args=[dossier.pk]))
    assert response.status_code == 503
    assert "Édition indisponible" in response.content.decode()
    assert not JournalEntry.objects.filter(event=JournalEvent.EDITION).exists()
