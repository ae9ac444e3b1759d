"""Browser journey (AUTH-1, AUTH-8): log in, see the home, close the session."""

import pytest

from tests.habilitations.factories import PASSWORD, HabilitationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_log_in_see_the_home_and_close_the_session(page):
    HabilitationFactory(user=UserFactory(identifier="T1001161", first_name="Claire", last_name="Martin"))
    page.goto("/")
    assert page.title() == "Identification — Cafpro"
    # The stylesheet is served and applied: the banner is coloured.
    assert page.locator(".banner").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 82, 140)"
    # The identifier has the focus (#24); the skip link stays the first stop of the keyboard's order.
    page.wait_for_function("document.activeElement.id === 'id_identifier'")  # autofocus, at the first rendering
    assert page.evaluate("document.querySelector('a[href], button, input:not([type=hidden])').textContent") == (
        "Aller au contenu"
    )

    page.get_by_label("Identifiant").fill("t1001161")
    page.get_by_label("Mot de passe").fill("Wrong1")
    page.get_by_role("button", name="Valider").click()
    assert page.get_by_role("alert").inner_text().count("Identifiant ou mot de passe incorrect.") == 1

    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/accueil/")
    assert page.locator("h1").inner_text() == "Page principale"
    assert "Claire Martin" in page.locator(".menu").inner_text()

    page.get_by_role("button", name="Fermer la session").click()
    page.wait_for_url(lambda url: url.endswith("/") and "accueil" not in url)
    assert page.locator("h1").inner_text() == "Identification"
    assert "Votre session est fermée. À bientôt sur Cafpro." in page.get_by_role("status").inner_text()
    page.goto("/accueil/")
    assert "depuis un favori" in page.locator("main").inner_text()
