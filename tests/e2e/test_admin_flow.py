"""HAB-1, HAB-2, CONV-3 in the browser: a CAF administrator grants a habilitation and prints the letter, the
greffier logs in with the password of the letter, the administrator revokes the habilitation, and the
greffier's open session is refused on its next request."""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from allocataires.demo import DEMO_CAF_AGENTS
from tests.e2e.helpers import log_in, seed_demo, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def run_action(page, identifier, action_label):
    page.goto("/admin/habilitations/habilitation/")
    row = page.locator("#result_list tbody tr", has_text=identifier)
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action_label)
    page.locator("button[name=index], input[name=index]").first.click()


def test_grant_print_the_letter_revoke_and_the_open_session_is_refused(browser, live_server, reference_data):
    seed_demo()
    admin = browser.new_context(locale="fr-FR", base_url=live_server.url, accept_downloads=True)
    greffier = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page, greffier_page = admin.new_page(), greffier.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, DEMO_CAF_AGENTS[0][0])
    page.goto("/admin/habilitations/habilitation/")
    shot(page, "10-admin-habilitations")
    assert "T1001163" in page.locator("#result_list").inner_text()

    with page.expect_download() as download:
        run_action(page, "T1001163", "Accorder et imprimer la lettre d'ouverture des droits (mot de passe initial)")
    letter = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages)
    initial = re.search(r"mot de passe personnel : (\S+)", " ".join(letter.split())).group(1)
    assert "T1001163" in letter

    greffier_page.goto("/")
    greffier_page.get_by_label("Identifiant").fill("T1001163")
    greffier_page.get_by_label("Mot de passe").fill(initial)
    greffier_page.get_by_role("button", name="Valider").click()
    greffier_page.wait_for_url("**/mot-de-passe/")
    greffier_page.get_by_label("Ancien mot de passe").fill(initial)
    greffier_page.get_by_label("Nouveau mot de passe", exact=True).fill("Kp7mw3")
    greffier_page.get_by_label("Confirmation du nouveau mot de passe").fill("Kp7mw3")
    greffier_page.get_by_role("button", name="Changer le mot de passe").click()
    greffier_page.wait_for_url("**/accueil/")

    run_action(page, "T1001163", "Retirer (changement d'affectation, fin de mission, demande de suppression…)")
    page.get_by_label("Motif du retrait").select_option(label="Fin de mission")
    page.get_by_role("button", name="Confirmer").click()
    assert "retrait enregistré" in page.locator(".messagelist").inner_text()

    greffier_page.reload()
    assert "Accès suspendu ou retiré" in greffier_page.locator("h1").inner_text()
    admin.close()
    greffier.close()
