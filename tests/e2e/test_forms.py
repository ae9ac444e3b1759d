"""#24 in Chromium: the partner space's date picker shows its date (ISO value) and starts today; every form's
error moves the focus to its summary and the title starts « Erreur : »; the login focuses the identifier; the
password change shows its rules before typing and says each error on its own field."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, seed_demo
from tests.habilitations.factories import PASSWORD, HabilitationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def focused(page):
    return page.evaluate("[document.activeElement.id, document.activeElement.getAttribute('role')]")


def assert_error_page(page):
    """RGAA 8.6, 11.10: the title says there is an error, the focus is on the summary that lists them."""
    expect(page).to_have_title(re.compile(r"^Erreur : "))  # waits for the page the form answered
    # autofocus applies at the page's first rendering: wait for it (a timeout fails the test)
    page.wait_for_function("document.activeElement.getAttribute('role') === 'alert'", timeout=5000)


def test_the_removal_date_is_shown_by_the_browser_and_starts_today(page):
    seed_demo()
    log_in(page, "G1600001", "**/juridiction/")
    page.get_by_role("link", name="Demander la suppression de l'accès de Claire MARTIN").click()
    date = page.get_by_label("Fin de l'accès le")
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert date.input_value() == today, "a value the date picker understands"
    assert date.get_attribute("min") == today
    assert not page.title().startswith("Erreur")
    page.get_by_role("button", name="Supprimer l'accès à cette date").click()
    assert "plus d'accès à compter du" in page.get_by_role("status").inner_text()


def test_an_error_moves_the_focus_to_the_summary_on_every_form(page):
    seed_demo()
    page.goto("/")
    assert page.title() == "Identification — Cafpro"
    page.wait_for_function("document.activeElement.id === 'id_identifier'", timeout=5000)  # the identifier focused
    page.get_by_label("Identifiant").fill("T1001161")
    page.get_by_label("Mot de passe").fill("Faux01")
    page.get_by_role("button", name="Valider").click()
    assert_error_page(page)
    assert "il vous reste 2 essais" in page.get_by_role("alert").inner_text().lower()

    log_in(page, "T1001161", "**/accueil/")
    page.get_by_role("button", name="Consulter").click()
    assert_error_page(page)
    page.get_by_role("link", name="Dialogue").click()
    assert not page.title().startswith("Erreur")
    page.get_by_label("Votre message").fill("")
    page.get_by_role("button", name="Envoyer").click()
    assert_error_page(page)
    page.get_by_role("button", name="Fermer la session").click()

    log_in(page, "G1600001", "**/juridiction/")
    page.get_by_role("link", name="Demander un accès").first.click()
    page.get_by_role("button", name="Envoyer la demande à la Caf").click()
    assert_error_page(page)
    page.get_by_role("link", name="Signaler une difficulté").click()
    page.get_by_role("button", name="Envoyer au suivi national").click()
    assert_error_page(page)


def test_the_password_change_shows_its_rules_and_says_each_error_on_its_field(page):
    HabilitationFactory(user=UserFactory(identifier="T1001161", initial=True))
    page.goto("/")
    page.get_by_label("Identifiant").fill("T1001161")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/mot-de-passe/")
    new, confirmation = page.locator("#id_new_password1"), page.locator("#id_new_password2")
    rules = page.locator("#id_new_password1-hint").inner_text()
    assert "exactement 6 caractères" in rules and "entièrement numérique" in rules
    assert "Agents de la Caf" not in rules, "only the rules of this account"
    assert "id_new_password1-hint" in new.get_attribute("aria-describedby")

    page.locator("#id_old_password").fill(PASSWORD)
    new.fill("482913")
    confirmation.fill("482913")
    page.get_by_role("button", name="Changer le mot de passe").click()
    assert_error_page(page)
    assert (new.get_attribute("aria-invalid"), confirmation.get_attribute("aria-invalid")) == ("true", None)
    assert "numérique" in page.locator("#id_new_password1-error").inner_text()

    page.locator("#id_old_password").fill(PASSWORD)
    new.fill("Ab3cd9")
    confirmation.fill("Ab3cd8")
    page.get_by_role("button", name="Changer le mot de passe").click()
    assert (new.get_attribute("aria-invalid"), confirmation.get_attribute("aria-invalid")) == (None, "true")
