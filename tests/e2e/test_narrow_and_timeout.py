"""NF-2 in the browser: the warning before the idle limit (WCAG 2.2.1, the HMRC / DWP "service timeout"
pattern) with a short limit, and the menu that folds on a narrow screen. The 320 px reflow of every page is
measured by tests/e2e/test_accessibility.py."""

import pytest
from django.utils import timezone

from allocataires.demo import SHOWCASE_NUMBER
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.e2e.helpers import log_in, search, seed_demo, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    seed_demo()


@pytest.fixture
def short_limit(settings):
    """A limit of 12 s, warned 7 s before: the dialog opens 5 s after the last request."""
    settings.CAFPRO_IDLE_TIMEOUT, settings.CAFPRO_IDLE_WARNING = 12, 7


def test_the_warning_extends_the_session_then_lets_it_end(page, demo, short_limit):
    log_in(page, "T1001161", "**/accueil/")
    dialog = page.get_by_role("dialog", name="Votre session va bientôt être fermée")
    dialog.wait_for(state="visible", timeout=9000)
    assert "votre session sera fermée dans" in dialog.inner_text()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Rester connecté", "focus in the dialog"
    shot(page, "13-avertissement-fin-de-session")

    dialog.get_by_role("button", name="Rester connecté").click()
    dialog.wait_for(state="hidden")
    assert not JournalEntry.objects.filter(event=JournalEvent.IDLE_TIMEOUT).exists()
    page.wait_for_timeout(6000)  # past the first limit: extended on the server, the page still works
    assert JournalEntry.objects.filter(event=JournalEvent.IDLE_TIMEOUT).count() == 0

    dialog.wait_for(state="visible", timeout=9000)  # the second warning, left unanswered
    page.wait_for_url("**/session-expiree/", timeout=12000)
    assert page.locator("h1").inner_text() == "Votre session est fermée"
    assert JournalEntry.objects.filter(event=JournalEvent.IDLE_TIMEOUT).count() == 1, "ended by the server"


def test_escape_keeps_the_session_and_the_status_is_not_activity(page, demo, short_limit):
    log_in(page, "T1001161", "**/accueil/")
    dialog = page.get_by_role("dialog")
    dialog.wait_for(state="visible", timeout=9000)
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    dialog.wait_for(state="visible", timeout=9000)
    page.get_by_role("dialog").get_by_role("button", name="Fermer la session").click()
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)
    assert JournalEntry.objects.filter(event=JournalEvent.LOGOUT).exists()


def test_on_a_narrow_screen_the_menu_of_a_dossier_folds(page, demo):
    page.set_viewport_size({"width": 320, "height": 700})
    log_in(page, "T1001161", "**/accueil/")
    assert page.get_by_role("button", name="Consulter").is_visible(), "the search is the home page's purpose"
    search(page, SHOWCASE_NUMBER)
    page.wait_for_url("**/paiements/")
    toggle = page.get_by_role("button", name="Menu et recherche d'un dossier")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("button", name="Consulter").is_visible()
    page.get_by_label("Saisissez la date de demande").fill(f"{timezone.localdate():%d%m%Y}")
    page.get_by_label("Les 12 mois qui précèdent la demande").check()
    page.get_by_role("button", name="Valider").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot(page, "14-paiements-320px")
    page.get_by_role("button", name="Menu et recherche d'un dossier").click()
    assert page.get_by_role("button", name="Consulter").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not page.get_by_role("button", name="Menu et recherche d'un dossier").is_visible()
    assert page.get_by_role("button", name="Consulter").is_visible()
