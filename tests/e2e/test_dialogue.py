"""DIA-1 … DIA-3 in the browser: the demo greffier writes to the CAF, the CAF's agent reads the message."""

import io

import pytest
from django.core.management import call_command

from allocataires.demo import DEMO_CAF_AGENTS
from tests.e2e.test_consultation import log_in, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_greffier_writes_to_the_caf_and_its_agent_reads_it(page):
    call_command("seed_demo", "--dossiers", "1", "--seed", "1", stdout=io.StringIO(), stderr=io.StringIO())
    log_in(page, "T1001161")
    page.get_by_role("link", name="Dialogue").click()
    assert page.get_by_label("Vos nom et prénom").input_value() == "MARTIN Claire"
    page.get_by_label("Votre adresse électronique").fill("claire.martin@justice.example.fr")
    page.get_by_label("Numéro d'allocataire concerné (facultatif)").fill("1000001")
    page.get_by_label("Votre message").fill("Bonjour, pouvez-vous confirmer la reprise des paiements d'AAH ?")
    shot(page, "09-dialogue")
    page.get_by_role("button", name="Envoyer").click()
    assert "Votre message a bien été transmis à la Caf de la Charente" in page.locator("main").inner_text()
    page.get_by_role("button", name="Fermer la session").click()

    identifier, password = DEMO_CAF_AGENTS[0][:2]
    page.goto("/")
    page.get_by_label("Identifiant").fill(identifier)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Valider").click()
    page.goto("/admin/allocataires/dialoguemessage/")
    assert "MARTIN Claire" in page.locator("#result_list").inner_text()
    page.locator("#result_list tbody tr th a").first.click()
    assert "reprise des paiements" in page.locator("#content").inner_text()
