"""JRN-3, JRN-4 in the browser: the security officer filters the journal for the demo greffier, opens the
irregularity report, puts the greffier under surveillance, exports the CSV."""

from pathlib import Path

import pytest

from allocataires.demo import DEMO_CAF_AGENTS
from tests.e2e.helpers import log_in, seed_demo, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_officer_reviews_the_journal_and_puts_the_greffier_under_surveillance(page):
    seed_demo()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, DEMO_CAF_AGENTS[0][0], "**/responsable-securite/journal/")

    page.get_by_label("Utilisateur (identifiant)").fill("T1001161")
    page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("table.journal tbody tr")
    assert rows.count() >= 6 and "T1001161" in rows.first.inner_text()
    shot(page, "11-journal")

    page.get_by_role("link", name="Irrégularités").click()
    report = page.locator("main").inner_text()
    assert "Échecs de connexion répétés sur un identifiant" in report and "T1001161" in report
    assert "Identifiants inconnus essayés depuis une adresse" in report and "203.0.113.45" in report
    shot(page, "12-irregularites")
    page.get_by_role("link", name="mettre sous surveillance").first.click()
    page.get_by_label("Motif", exact=True).fill(
        "Échecs répétés et consultations de nuit"
    )  # not « Motif de la levée … »
    page.get_by_role("button", name="Mettre sous surveillance").click()
    assert "Lever la surveillance de T1001161" in page.locator("main").inner_text()

    page.get_by_role("link", name="Journal des accès").click()
    assert page.locator("tr.watched").count() >= 1
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter la sélection (CSV)").click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert (
        content.startswith("\ufeffdate et heure (heure de Paris);événement")
        and "T1001161" in content
        and ";oui;" in content
    )


def test_the_journal_fits_1024_px_and_its_cards_omit_empty_fields_at_320_px(page):
    """BO-7 (the officer's part): no sideways scroll at 1024 px; at 320 px each line is a card that shows only the
    fields it has (a login line has no allocataire, rubrique or legal-aid file)."""
    seed_demo()
    page.set_viewport_size({"width": 1024, "height": 800})
    log_in(page, DEMO_CAF_AGENTS[0][0], "**/responsable-securite/journal/")
    assert page.locator("table.journal tbody tr").count() >= 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shown = """row => [...row.querySelectorAll('td')].filter(td => td.offsetParent !== null)
                         .map(td => [td.dataset.label, td.innerText.trim()])"""
    empty = [
        cell for row in page.locator("table.journal tbody tr").all() for cell in row.evaluate(shown) if not cell[1]
    ]
    assert empty == [], f"empty fields shown with their label: {empty[:5]}"
    failure = page.locator("table.journal tbody tr", has_text="Échec de connexion").first.evaluate(shown)
    assert [label for label, _ in failure][:3] == ["Date et heure", "Événement", "Utilisateur"]
    assert "Consultation" not in [label for label, _ in failure], "a failed login consulted nothing"
