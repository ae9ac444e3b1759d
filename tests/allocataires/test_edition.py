"""CONS-14, JRN-2: the printable edition — a PDF with the CAF, the date and time, the user and the dossier."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.enums import JournalEvent
from habilitations.models import JournalEntry
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


@needs_pango
def test_the_edition_is_a_pdf_stating_caf_date_user_and_dossier(client, dossier, local_greffier):
    printed = timezone.localtime()
    response = client.get(
        reverse("allocataires:edition", args=[dossier.pk]), {"date": "15032026", "mode": "annee_en_cours"}
    )
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
        "Paiements",
        "1 033,32",
        "Ressources",
        "2024",
        "2023",  # every known year in the edition
        "Tristan",
        "2026/001234",  # the legal-aid file stated at the search (PUR-2)
    ]:
        assert expected in text, expected
    assert "16015" not in text, "the INSEE code is not in the annex PROFIL T12"
    entry = JournalEntry.objects.get(event=JournalEvent.EDITION)
    assert (entry.user, entry.allocataire_number, entry.caf.number) == (local_greffier, "1234567", "161")
    assert entry.period.startswith("01/2026-02/2026")


@needs_pango
def test_the_edition_without_a_period_says_so(client, dossier):
    text = pdf_text(client.get(reverse("allocataires:edition", args=[dossier.pk])))
    assert "Aucune période de paiements n'a été demandée" in text


def test_the_edition_link_carries_the_period(client, dossier):
    response = client.get(
        reverse("allocataires:rubrique", args=[dossier.pk, "paiements"]), {"date": "15032026", "mode": "douze_mois"}
    )
    assert (
        f"{reverse('allocataires:edition', args=[dossier.pk])}?date=15032026&amp;mode=douze_mois"
        in response.content.decode()
    )


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
        with django_assert_max_num_queries(14) as captured:
            response = client.get(
                reverse("allocataires:edition", args=[dossier.pk]), {"date": "15032026", "mode": "annee_civile"}
            )
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


def test_without_pango_the_edition_is_unavailable_not_an_error(client, dossier, monkeypatch):
    monkeypatch.setattr("allocataires.views.html_to_pdf", lambda html: None)
    response = client.get(reverse("allocataires:edition", args=[dossier.pk]))
    assert response.status_code == 503
    assert "Édition indisponible" in response.content.decode()
    assert not JournalEntry.objects.filter(event=JournalEvent.EDITION).exists()
