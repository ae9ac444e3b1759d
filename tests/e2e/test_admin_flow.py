"""HAB-1, HAB-2, CONV-3, BO-5, BO-6 in the browser: a CAF administrator grants a habilitation from its page, sees
what was done there (the message, the new state and buttons) and downloads the letter from the link the page
carries; the greffier logs in with the password of the letter; the administrator suspends the habilitation with a
reason (asked, and required), and the greffier's open session is refused on its next request; then withdraws it
with a chosen reason."""

import re

import pytest

from allocataires.demo import DEMO_CAF_AGENTS
from habilitations.models import Habilitation
from tests.e2e.helpers import letter_from_link, log_in, seed_demo, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def act(page, label):
    """A button of the object's page (BO-3)."""
    page.locator(".object-buttons").get_by_role("button", name=label).click()


def test_grant_from_the_page_download_the_letter_suspend_and_withdraw_with_a_reason(new_context):
    seed_demo()
    page, greffier_page = new_context(accept_downloads=True).new_page(), new_context().new_page()
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, DEMO_CAF_AGENTS[0][0])
    page.goto("/admin/habilitations/habilitation/")
    shot(page, "10-admin-habilitations")
    page.locator("#result_list").get_by_role("link", name="T1001163").click()
    habilitation = Habilitation.objects.get(user__identifier="T1001163")
    assert page.url.endswith(f"/admin/habilitations/habilitation/{habilitation.pk}/change/")

    # BO-5: the grant answers on the habilitation's page — the message, the new state, its buttons, the letter.
    act(page, "Accorder et imprimer la lettre d'ouverture des droits (mot de passe initial)")
    assert "Accès accordé à Madame Inès GARNIER" in page.locator(".messagelist").inner_text()
    assert page.locator(".object-header .badge").inner_text() == "Active"
    buttons = page.locator(".object-buttons").inner_text()
    assert "Suspendre" in buttons and "Accorder" not in buttons
    shot(page, "admin-acte-accorder-lettre")
    filename, letter = letter_from_link(page, "Télécharger la lettre d'ouverture des droits (PDF)")
    assert filename == "ouverture-droits-T1001163.pdf"
    initial = re.search(r"mot de passe personnel : (\S+)", letter).group(1)
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

    # BO-6: « Suspendre » asks first: what will happen, a required reason, « Confirmer » destructive, « Annuler ».
    page.goto(f"/admin/habilitations/habilitation/{habilitation.pk}/change/")
    act(page, "Suspendre (ferme les sessions ouvertes)")
    assert (
        "Suspendre l'habilitation de Madame Inès GARNIER (T1001163) : ses sessions ouvertes sont fermées"
        in page.locator(".act-consequences").inner_text()
    )
    assert page.get_by_role("link", name="Annuler").get_attribute("href").endswith(f"/{habilitation.pk}/change/")
    shot(page, "admin-acte-suspendre-confirmation")
    page.get_by_role("button", name="Confirmer").click()
    assert "Ce champ est obligatoire" in page.locator("#id_reason_error").inner_text()
    shot(page, "admin-acte-suspendre-motif-obligatoire")
    page.get_by_label("Motif de la suspension").fill("Absence prolongée signalée par la juridiction")
    page.get_by_role("button", name="Confirmer").click()
    assert "Habilitation de Madame Inès GARNIER suspendue." in page.locator(".messagelist").inner_text()
    assert page.locator(".object-header .badge").inner_text() == "Suspendue"
    assert (
        "Absence prolongée signalée par la juridiction"
        in page.locator("#history-group, .inline-group").first.inner_text()
    )

    greffier_page.reload()
    assert "Accès suspendu ou retiré" in greffier_page.locator("h1").inner_text()

    # BO-6: « Retirer » with a reason chosen (none preselected).
    act(page, "Retirer (changement d'affectation, fin de mission, demande de suppression…)")
    assert page.get_by_label("Motif du retrait").input_value() == ""
    page.get_by_label("Motif du retrait").select_option(label="Fin de mission")
    page.get_by_role("button", name="Confirmer").click()
    assert "Habilitation de Madame Inès GARNIER retirée (Fin de mission)" in page.locator(".messagelist").inner_text()
    assert page.locator(".object-header .badge").inner_text() == "Retirée"
    shot(page, "admin-acte-retrait")
