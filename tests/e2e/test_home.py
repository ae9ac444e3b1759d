"""Browser check of the home page in the system Chromium."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_home_page_renders_with_its_stylesheet_and_skip_link(page):
    page.goto("/")
    assert page.title() == "Accueil — Cafpro"
    assert page.locator("h1").inner_text() == "Cafpro"
    assert page.locator(".facts dd").first.inner_text() == "122"
    # The stylesheet is served and applied: the banner is coloured.
    assert page.locator(".banner").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 82, 140)"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
