"""Browser journey of the demo greffier (CONS-1 … CONS-14): search, every rubrique, the Paiements modes and
month navigation, the PDF edition, the session closed; and the CMAF box greying out the postal code."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from allocataires.demo import SHOWCASE_NUMBER
from tests.e2e.helpers import log_in, search, seed_demo, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    seed_demo(5)


def test_the_demo_greffier_consults_a_dossier_and_prints_it(page, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "T1001161", "**/accueil/")
    assert "Caf de la Charente" in page.locator("header").inner_text()
    shot(page, "01-accueil")

    search(page, "12")
    assert "7 chiffres" in page.get_by_role("alert").inner_text()

    search(page, SHOWCASE_NUMBER)
    page.wait_for_url("**/paiements/")
    assert "responsable du dossier" in page.locator(".dossier-header").inner_text()

    page.get_by_label("Saisissez la date de demande").fill("01/01/2099")
    page.get_by_label("Les 12 mois qui précèdent la demande").check()
    page.get_by_role("button", name="Valider").click()
    assert "postérieure à la date du jour" in page.get_by_role("alert").inner_text()

    # Today, or the last day of December in January (no month of the current year precedes a January request).
    today = timezone.localdate()
    request_date = today if today.month > 1 else today.replace(day=1) - dt.timedelta(days=1)
    for number, mode in enumerate(
        [
            "L'année civile qui précède la demande",
            "Les mois de l'année en cours qui précèdent la demande",
            "Les 12 mois qui précèdent la demande",
        ]
    ):
        if number:
            page.get_by_role("link", name="Modifier la date ou la période").click()
            assert page.get_by_label("Saisissez la date de demande").input_value() == f"{request_date:%d%m%Y}"
        page.get_by_label("Saisissez la date de demande").fill(f"{request_date:%d%m%Y}")
        page.get_by_label(mode).check()
        page.get_by_role("button", name="Valider").click()
        assert page.get_by_role("alert").count() == 0
        assert "Montant total payé sur la période" in page.locator("main").inner_text()
    shot(page, "02-paiements")

    # CONS-8: the result is kept for the dossier: another tab and back, it is still there.
    page.get_by_role("link", name="Dossier", exact=True).click()
    page.get_by_role("link", name="Paiements", exact=True).click()
    assert "Montant total payé sur la période" in page.locator("main").inner_text()

    # Each month of the summary leads to its detail, focused, without eleven « Mois suivant ».
    month_links = page.locator(".rubrique tbody th a")
    last = month_links.last.inner_text()
    month_links.last.click()
    assert page.locator("#detail").inner_text() == f"Détail : {last.lower()}"
    assert page.evaluate("document.activeElement.id") == "detail"
    page.get_by_role("link", name="Mois précédent").click()
    assert page.locator("#detail").inner_text() != f"Détail : {last.lower()}"
    page.get_by_role("link", name="Mois suivant").click()
    assert page.locator("#detail").inner_text() == f"Détail : {last.lower()}"

    # CONS-14: the edition is the consultation: the rubriques read, the period, every month's detail.
    page.get_by_role("link", name="Famille", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Imprimer l'édition de la consultation (PDF)").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert SHOWCASE_NUMBER in text
    assert "Rubriques consultées : Paiements, Dossier, Famille." in text
    assert f"Demande d'aide juridictionnelle du {request_date:%d/%m/%Y}" in text
    assert text.count("Détail : ") > 1, "every month with payments in detail"

    for number, rubrique in enumerate(["Dossier", "Famille", "RMI", "Ressources", "Adresse"], start=3):
        page.get_by_role("link", name=rubrique, exact=True).click()
        assert page.locator('.tabs a[aria-current="page"]').inner_text() == rubrique
        shot(page, f"{number:02d}-{rubrique.lower()}")
    page.get_by_role("link", name="Ressources", exact=True).click()
    if page.get_by_role("link", name="Année précédente").count():
        page.get_by_role("link", name="Année précédente").click()
        assert page.get_by_role("link", name="Année suivante").count() == 1

    page.get_by_role("button", name="Fermer la session").click()
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)
    assert page.locator("h1").inner_text() == "Identification"


def test_the_cmaf_box_greys_out_the_postal_code(page, demo):
    log_in(page, "T5900001", "**/accueil/")
    shot(page, "08-accueil-multi-caf")
    postal, cmaf = page.get_by_label("Code postal"), page.get_by_label("Dossier de la Caisse maritime (CMAF)")
    cmaf.check()
    assert postal.is_disabled()
    cmaf.uncheck()
    assert postal.is_enabled()
    postal.fill("59000")
    assert cmaf.is_disabled()
    search(page, SHOWCASE_NUMBER)
    page.wait_for_url("**/paiements/")
    assert "Caf de Lille" in page.locator("header").inner_text()


def test_a_multi_caf_greffier_states_the_legal_aid_file_and_reaches_only_the_cafs_of_his_habilitations(page, demo):
    """CONS-5, PUR-1 in the browser: T5900001 holds habilitations from the CAFs of Armentières, Lille, Roubaix
    and from the CMAF (Douai's is suspended): a postal code of Valenciennes, or of Douai, is outside his access."""
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "T5900001", "**/accueil/")
    search(page, SHOWCASE_NUMBER, postal_code="59000", legal_aid_file="")
    alert = page.get_by_role("alert").inner_text()
    assert "Saisissez le numéro du dossier d'aide juridictionnelle du BAJ." in alert
    assert page.get_by_label("N° du dossier d'aide juridictionnelle").get_attribute("aria-invalid") == "true"
    search(page, SHOWCASE_NUMBER, postal_code="59300")  # Valenciennes
    assert "Ce code postal ne relève d'aucune Caf de votre accès." in page.get_by_role("alert").inner_text()
    search(page, SHOWCASE_NUMBER, postal_code="59500")  # Douai: BO-9, the suspension is told
    assert "Votre accès à la Caf de Douai est suspendu" in page.get_by_role("alert").inner_text()
    search(page, SHOWCASE_NUMBER, postal_code="59000", legal_aid_file="2026/LIL-42", procedure="retrait")
    page.wait_for_url("**/paiements/")
    assert "Caf de Lille" in page.locator("header").inner_text()
    assert "n° 2026/LIL-42 (Retrait de l'aide)" in page.locator("main").inner_text()
    page.get_by_role("link", name="Famille", exact=True).click()
    assert "n° 2026/LIL-42" in page.locator("main").inner_text(), "kept for the dossier, not asked again"
    search(page, SHOWCASE_NUMBER, cmaf=True, legal_aid_file="2026/CM-7")
    page.wait_for_url("**/paiements/")
    assert "Caisse maritime" in page.locator("header").inner_text()
    assert "n° 2026/CM-7" in page.locator("main").inner_text(), "another dossier, its own file"
