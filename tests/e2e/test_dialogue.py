"""DIA-1 … DIA-3 in the browser: the demo greffier writes to the CAF, the CAF's agent reads the message."""

import pytest

from allocataires.demo import DEMO_CAF_AGENTS
from tests.e2e.helpers import log_in, seed_demo, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_greffier_writes_to_the_caf_and_its_agent_reads_it(page):
    seed_demo()
    log_in(page, "T1001161", "**/accueil/")
    page.get_by_role("link", name="Dialogue").click()
    assert page.get_by_label("Vos nom et prénom").input_value() == "MARTIN Claire"
    page.get_by_label("Votre adresse électronique").fill("claire.martin@justice.example.fr")
    page.get_by_label("Numéro d'allocataire concerné (facultatif)").fill("1000001")
    page.get_by_label("Votre message").fill("Bonjour, pouvez-vous confirmer la reprise des paiements d'AAH ?")
    shot(page, "09-dialogue")
    page.get_by_role("button", name="Envoyer").click()
    assert "Votre message a bien été transmis à la Caf de la Charente" in page.locator("main").inner_text()
    page.get_by_role("button", name="Fermer la session").click()

    log_in(page, DEMO_CAF_AGENTS[0][0])
    page.goto("/admin/allocataires/dialoguemessage/")
    assert "MARTIN Claire" in page.locator("#result_list").inner_text()
    page.locator("#result_list tbody tr th a").first.click()
    assert "reprise des paiements" in page.locator("#content").inner_text()


def test_the_caf_gets_the_email_after_a_real_browsing_session(page):
    """DIA-4: log in, open a dossier, then Dialogue — the e-mail reaches the CAF's Dialogue address (the session
    keeps a copy of the CAF without that address: the service reads it from the database)."""
    from django.core import mail

    from conventions.models import Caf
    from tests.e2e.helpers import search

    seed_demo()
    Caf.objects.filter(number="161").update(dialogue_email="dialogue@caf16.example.fr")
    mail.outbox.clear()
    log_in(page, "T1001161", "**/accueil/")
    search(page, "1000001")
    page.wait_for_url("**/dossiers/**")
    page.get_by_role("link", name="Dialogue").click()
    page.get_by_label("Votre adresse électronique").fill("claire.martin@justice.example.fr")
    page.get_by_label("Votre message").fill("Bonjour, pouvez-vous confirmer la date de la dernière AAH ?")
    page.get_by_role("button", name="Envoyer").click()
    assert "Votre message a bien été transmis" in page.locator("main").inner_text()
    assert [message.to for message in mail.outbox] == [["dialogue@caf16.example.fr"]]
