"""JUR-1 … JUR-3 in the browser: the gestionnaire of the BAJ of Angoulême requests an access; the CAF agent
grants it from the work list and prints the letter; the new greffier's first login forces the password change;
a removal request ends an access at its date; a difficulty report reaches the national page. axe on the
juridiction's pages."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.e2e.helpers import letter_from_link, log_in, seed_demo, shot
from tests.e2e.test_accessibility import WCAG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def serious(page):
    return [
        f"{v['id']} {[n['target'] for n in v['nodes']][:2]}"
        for v in Axe().run(page, options=WCAG).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def log_out(page):
    portal = page.get_by_role("button", name="Fermer la session")
    (portal if portal.count() else page.get_by_role("button", name="Déconnexion")).first.click()
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)


def test_from_the_juridictions_request_to_the_greffiers_first_login(new_context):
    seed_demo()
    page = new_context(accept_downloads=True).new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    violations = []

    # The gestionnaire asks an access for Lucas Mercier (Hugo Roux, already habilitated, would be a duplicate).
    log_in(page, "G1600001", "**/juridiction/")
    assert "T1001161" in page.locator("main").inner_text()
    shot(page, "15-espace-juridiction")
    violations += serious(page)
    page.set_viewport_size({"width": 320, "height": 800})  # NF-2: no sideways scrolling at 320 px here either
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Demander un accès").first.click()
    page.get_by_role("button", name="Envoyer la demande à la Caf").click()
    assert "Saisissez le nom." in page.get_by_role("alert").inner_text()
    violations += serious(page)
    page.get_by_label("Fonction").select_option(label="Greffier")
    page.get_by_label("Civilité").select_option(label="Monsieur")
    page.get_by_label("Nom", exact=True).fill("Mercier")
    page.get_by_label("Prénom").fill("Lucas")
    page.get_by_label("Adresse électronique professionnelle").fill("lucas.mercier@justice.fr")
    page.get_by_role("button", name="Envoyer la demande à la Caf").click()
    page.wait_for_url("**/juridiction/")
    assert "envoyée à la Caf de la Charente" in page.get_by_role("status").inner_text()
    assert "Demandée, en attente de la Caf" in page.locator("main").inner_text()

    # A removal, from today: the access of T1001164's colleague T1001161 ends now.
    page.get_by_role("link", name="Demander la suppression de l'accès de Claire MARTIN").click()
    page.get_by_label("Fin de l'accès le").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_role("button", name="Supprimer l'accès à cette date").click()
    assert "plus d'accès à compter du" in page.get_by_role("status").inner_text()

    # A difficulty for the national follow-up.
    page.get_by_role("link", name="Signaler une difficulté").click()
    page.get_by_label("Objet").fill("Lettre non reçue")
    page.get_by_label("Description de la difficulté").fill("Un greffier n'a pas reçu sa lettre d'ouverture.")
    page.get_by_role("button", name="Envoyer au suivi national").click()
    assert "En attente de réponse." in page.locator("main").inner_text()
    violations += serious(page)
    log_out(page)

    # The CAF agent: the work list, the request, the letter.
    log_in(page, "CAF16101")
    page.goto("/admin/")
    page.get_by_role("link", name=re.compile("demandes d'accès à accorder")).click()
    page.get_by_role("link", name=re.compile("T16")).first.click()
    page.get_by_role(
        "button", name="Accorder et imprimer la lettre d'ouverture des droits (mot de passe initial)"
    ).click()
    # BO-5: the letter is a link on the habilitation's page
    _, letter = letter_from_link(page, "Télécharger la lettre d'ouverture des droits (PDF)")
    identifier = re.search(r"code identifiant : (\S+)", letter).group(1)
    initial = re.search(r"mot de passe personnel : (\S+)", letter).group(1)
    assert "Monsieur, Après réception" in letter
    log_out(page)

    # Lucas Mercier's first login forces the change of the password of the letter.
    page.get_by_label("Identifiant").fill(identifier)
    page.get_by_label("Mot de passe").fill(initial)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/mot-de-passe/")
    log_out(page)

    # Claire Martin's access ended today: she reaches no dossier.
    log_in(page, "T1001161")
    assert page.get_by_role("button", name="Consulter").count() == 0
    log_out(page)

    # The national follow-up sees the difficulty.
    log_in(page, "SADJPV01", "**/suivi-national/")
    assert "Lettre non reçue" in page.locator("main").inner_text()
    assert violations == [], violations
