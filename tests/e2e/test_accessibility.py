"""NF-2 (RGAA / WCAG 2.1 AA): axe-core on every page of the portal, the greffier's journey by keyboard alone,
visible focus, and the print stylesheet."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from allocataires.demo import DEMO_CAF_AGENTS, SHOWCASE_NUMBER
from tests.e2e.helpers import PASSWORDS, log_in, search, seed_demo, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture
def demo():
    seed_demo()


def audit(page, name, failures):
    """Runs axe-core on the page; keeps its serious and critical violations. At 320 CSS px, the page must not
    scroll sideways (WCAG 1.4.10)."""
    width = page.viewport_size["width"]
    page.wait_for_load_state()
    if width <= 320:
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > width:
            wide = page.evaluate(
                "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)"
                ".slice(-3).map(e => e.tagName + '.' + e.className)",
                width,
            )
            failures.append(f"{name}: {scroll_width} px wide at {width} px {wide}")
        name = f"{name}-320"
    results = Axe().run(page, options=WCAG)
    for violation in results.response["violations"]:
        if violation["impact"] in {"serious", "critical"}:
            targets = [node["target"] for node in violation["nodes"]][:3]
            failures.append(f"{name}: {violation['id']} ({violation['impact']}) {violation['help']} {targets}")
    assert page.locator("html").get_attribute("lang") == "fr", name
    assert page.locator("h1").count() == 1, name
    assert page.title().endswith("— Cafpro"), name
    if width > 320:  # the screenshots of docs/ at the desktop width only
        shot(page, f"a11y-{name}")


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_no_serious_or_critical_violation_on_any_page(page, demo, width):
    """At 1280 px, and at 320 px where no page scrolls sideways either (NF-2, WCAG 1.4.10)."""
    page.set_viewport_size({"width": width, "height": 800})
    failures = []
    for name, url in [
        ("identification", "/"),
        ("a-qui-s-adresse", "/a-qui-s-adresse-cafpro/"),
        ("securite", "/securite/"),
        ("session-expiree", "/session-expiree/"),
        ("acces-bloque", "/acces-bloque/"),
        ("acces-retire", "/acces-retire/"),
        ("accessibilite", "/accessibilite/"),
        ("mentions-legales", "/mentions-legales/"),
        ("donnees-personnelles", "/donnees-personnelles/"),
        ("page-introuvable", "/nulle-part/"),
    ]:
        page.goto(url)
        audit(page, name, failures)
    page.goto("/")
    page.get_by_label("Identifiant").fill("T1001161")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Valider").click()
    audit(page, "identification-erreur", failures)

    log_in(page, "T1001161")
    audit(page, "accueil", failures)
    search(page, "12")
    audit(page, "recherche-erreur", failures)
    search(page, SHOWCASE_NUMBER)
    page.wait_for_url("**/paiements/")
    audit(page, "paiements-formulaire", failures)
    page.get_by_label("Saisissez la date de demande").fill("31022026")
    page.get_by_role("button", name="Valider").click()
    audit(page, "paiements-erreur", failures)
    page.get_by_label("Saisissez la date de demande").fill(f"{timezone.localdate():%d%m%Y}")
    page.get_by_label("Les 12 mois qui précèdent la demande").check()
    page.get_by_role("button", name="Valider").click()
    audit(page, "paiements-resultats", failures)
    for rubrique in ["Dossier", "Famille", "RMI", "Ressources", "Adresse"]:
        page.get_by_role("link", name=rubrique, exact=True).click()
        audit(page, rubrique.lower(), failures)
    page.get_by_role("link", name="Dialogue").click()
    audit(page, "dialogue", failures)
    page.get_by_role("button", name="Envoyer").click()
    audit(page, "dialogue-erreur", failures)
    page.get_by_role("button", name="Fermer la session").first.click()

    log_in(page, "T5900001")
    audit(page, "accueil-multi-caf", failures)
    search(page, SHOWCASE_NUMBER, postal_code="59870")
    audit(page, "choix-de-la-caf", failures)
    page.get_by_role("link", name="Contacts des Caf du département").click()
    audit(page, "contacts-des-caf", failures)  # CONV-5
    page.get_by_role("button", name="Fermer la session").first.click()

    log_in(page, "G1600001", "**/juridiction/")
    page.get_by_role("link", name="Contacts des Caf du département").click()
    audit(page, "juridiction-contacts-des-caf", failures)  # CONV-5
    page.goto("/juridiction/demande-d-acces/")
    audit(page, "juridiction-demande-d-acces", failures)  # JUR-2 (#24: its Caf select was 334 px wide at 320 px)
    page.get_by_role("button", name="Fermer la session").first.click()

    log_in(page, "T1001162")
    audit(page, "sans-habilitation", failures)
    page.get_by_role("button", name="Fermer la session").first.click()

    log_in(page, "CAF16101")
    for name, url in [
        ("journal", "/responsable-securite/journal/"),
        ("journal-filtre", "/responsable-securite/journal/?utilisateur=T1001161"),
        ("irregularites", "/responsable-securite/irregularites/"),
        ("surveillance", "/responsable-securite/surveillance/"),
    ]:
        page.goto(url)
        audit(page, name, failures)
    page.get_by_role("button", name="Mettre sous surveillance").click()
    audit(page, "surveillance-erreur", failures)
    page.get_by_role("button", name="Fermer la session").first.click()

    log_in(page, "SADJPV01")
    audit(page, "suivi-national", failures)
    assert failures == [], "\n".join(failures)


def focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {id: e.id, text: (e.innerText || e.value || '').trim(), tag: e.tagName,"
        " outline: getComputedStyle(e).outlineStyle}; }"
    )


class Keyboard:
    """The keyboard alone, counting every key pressed (a character typed is a key)."""

    def __init__(self, page):
        self.page, self.keys = page, 0

    def press(self, key):
        self.keys += 1
        self.page.keyboard.press(key)

    def type(self, text):
        self.keys += len(text)
        self.page.keyboard.type(text)

    def tab_to(self, predicate, limit=40):
        for _ in range(limit):
            self.press("Tab")
            element = focused(self.page)
            if predicate(element):
                assert element["outline"] != "none", f"focus not visible on {element}"
                return element
        raise AssertionError("not reached by the keyboard")


# PUR-1: keys from the login page to the Paiements table. Before the legal-aid file: 59. The file adds its field
# and its choice — Tab, "2026/001234", Tab, Space: 14 keys — and nothing else; the date of the request, focused
# when the Paiements page opens, saves the 16 Tabs that reached it: 57. Since #24 the login page focuses the
# identifier on arrival (the Tabs before it saved) and the banner's logo is a link to www.caf.fr (the manual's
# « logo institutionnel », one more Tab on the home): 54 as measured (README, "The demo journey").
KEYS_TO_PAIEMENTS = 54


def test_the_greffier_journey_by_keyboard_alone(page, demo):
    keyboard = Keyboard(page)
    page.goto("/")
    # #24: the login page focuses the identifier on arrival; the skip link stays first in the keyboard's order.
    page.wait_for_function("document.activeElement.id === 'id_identifier'")
    assert page.evaluate("document.querySelector('a[href], button, input:not([type=hidden])').textContent") == (
        "Aller au contenu"
    )
    keyboard.type("T1001161")
    keyboard.tab_to(lambda e: e["id"] == "id_password")
    keyboard.type(PASSWORDS["T1001161"])
    keyboard.press("Enter")
    page.wait_for_url("**/accueil/")
    keyboard.tab_to(lambda e: e["id"] == "id_number")
    keyboard.type(SHOWCASE_NUMBER)
    keyboard.tab_to(lambda e: e["id"] == "id_legal_aid_file")
    keyboard.type("2026/001234")
    keyboard.tab_to(lambda e: e["id"] == "id_procedure_0")
    keyboard.press("Space")
    keyboard.press("Enter")
    page.wait_for_url("**/paiements/")
    assert focused(page)["id"] == "id_date", "NF-2: after the search, the focus is on the date of the request"
    keyboard.type(f"{timezone.localdate():%d%m%Y}")
    keyboard.tab_to(lambda e: e["id"] == "id_mode_0")
    keyboard.press("Space")
    keyboard.press("Enter")
    page.wait_for_selector("table")
    assert keyboard.keys == KEYS_TO_PAIEMENTS, keyboard.keys
    keyboard.tab_to(lambda e: e["text"] == "Famille")
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineColor, s.boxShadow]; }"
    )
    # NF-2 (WCAG 1.4.11): a dark ring (19:1 on white) inside a yellow one (5:1 on the blue of the banner and tabs).
    assert ring[0] == "rgb(11, 12, 12)" and "rgb(255, 191, 71)" in ring[1], ring
    keyboard.press("Enter")
    page.wait_for_url("**/famille/")
    keyboard.tab_to(lambda e: e["text"] == "Fermer la session")
    keyboard.press("Enter")
    page.wait_for_selector("#id_identifier")
    assert page.locator("h1").inner_text() == "Identification"


def test_printing_a_rubrique_leaves_out_the_menu(page, demo):
    log_in(page, "T1001161")
    search(page, SHOWCASE_NUMBER)
    page.get_by_role("link", name="Famille", exact=True).click()
    page.emulate_media(media="print")
    for selector in [".menu", ".tabs", ".footer", ".skip-link", ".edition-link"]:
        assert page.locator(selector).evaluate("e => getComputedStyle(e).display") == "none", selector
    assert page.locator(".rubrique").is_visible()


def test_the_checker_itself_catches_a_violation(page):
    """The suite is only worth its silence if axe runs: a picture without text alternative must be caught."""
    page.goto("/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    ids = {violation["id"] for violation in Axe().run(page, options=WCAG).response["violations"]}
    assert "image-alt" in ids


def test_axe_on_the_administration_pages_a_caf_agent_opens(page, demo):
    """BO-1 (#17 §1): the CAF agent's administration — work list, lists, an object's page with its buttons, a
    confirmation page — has no serious or critical violation either (Django's admin templates, our styles)."""
    from conventions.models import Convention
    from habilitations.models import Habilitation

    failures = []

    def admin_audit(name):
        results = Axe().run(page, options=WCAG)
        for violation in results.response["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                targets = [node["target"] for node in violation["nodes"]][:3]
                failures.append(f"{name}: {violation['id']} ({violation['impact']}) {violation['help']} {targets}")
        shot(page, f"admin-{name}")

    log_in(page, "CAF16101")
    habilitation = Habilitation.objects.filter(convention__caf__number="161").order_by("pk").first()
    convention = Convention.objects.filter(caf__number="161").order_by("pk").first()
    for name, url in [
        ("travail", "/admin/"),
        ("habilitations", "/admin/habilitations/habilitation/"),
        ("habilitation", f"/admin/habilitations/habilitation/{habilitation.pk}/change/"),
        ("conventions", "/admin/conventions/convention/"),
        ("convention", f"/admin/conventions/convention/{convention.pk}/change/"),
        ("dialogue", "/admin/allocataires/dialoguemessage/"),
        ("bajs", "/admin/conventions/baj/"),
        ("baj", f"/admin/conventions/baj/{convention.baj_id}/change/"),
        ("gestionnaires", "/admin/conventions/bajmanager/"),
        ("gestionnaire-nouveau", "/admin/conventions/bajmanager/add/"),
    ]:
        page.goto(url)
        admin_audit(name)
    page.goto(f"/admin/habilitations/habilitation/{habilitation.pk}/change/")
    page.get_by_role("button", name=re.compile("^Retirer")).click()
    assert "Motif du retrait" in page.locator("main, #content").first.inner_text()
    admin_audit("confirmation")
    assert failures == [], "\n".join(failures)


# BO-8: the administration is audited with WCAG 2.2's target size too (axe « target-size »: 24 × 24 px).
WCAG_ADMIN = {**WCAG, "runOnly": {"type": "tag", "values": [*WCAG["runOnly"]["values"], "wcag22aa"]}}


def admin_audit(page, name, failures, width=1280, screenshot=None):
    """BO-7, BO-8: axe finds no serious or critical violation, and at `width` nothing scrolls sideways — neither the
    page nor a list's box of results. `screenshot`: the name of its picture in docs/screenshots."""
    page.set_viewport_size({"width": width, "height": 800})
    page.wait_for_load_state()
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " ...[...document.querySelectorAll('.results')].map(e => e.scrollWidth - e.clientWidth)]"
    )
    if widths[0] > width or any(overflow > 0 for overflow in widths[1:]):
        failures.append(f"{name}: scrolls sideways at {width} px {widths}")
    for violation in Axe().run(page, options=WCAG_ADMIN).response["violations"]:
        if violation["impact"] in {"serious", "critical"}:
            targets = [node["target"] for node in violation["nodes"]][:3]
            failures.append(f"{name}: {violation['id']} ({violation['impact']}) {violation['help']} {targets}")
    assert page.locator("html").get_attribute("lang") == "fr", name
    assert page.locator("h1").count() == 1, name
    if screenshot:
        shot(page, screenshot)


def test_the_administration_each_role_opens_fits_and_passes_axe(page, demo):
    """BO-7, BO-8: the pages each role opens — the CAF agent's (who is also its CAF's security officer), the
    superuser's, the national follow-up's — at 1280 px; the officer's journal and the national page at 1024 px."""
    from conventions.models import BajManager, Caf, Convention
    from habilitations.models import Habilitation

    failures = []
    habilitation = Habilitation.objects.filter(convention__caf__number="161").order_by("pk").first()
    convention = Convention.objects.filter(caf__number="161").order_by("pk").first()
    manager = BajManager.objects.order_by("pk").first()
    caf_agent = [
        ("travail", "/admin/"),
        ("habilitations-demandees", "/admin/habilitations/habilitation/?etat=requested"),
        ("habilitations-inutilisees", "/admin/habilitations/habilitation/?inactif=60"),
        ("habilitation", f"/admin/habilitations/habilitation/{habilitation.pk}/change/"),
        ("conventions", "/admin/conventions/convention/"),
        ("convention", f"/admin/conventions/convention/{convention.pk}/change/"),
        ("gestionnaires", "/admin/conventions/bajmanager/"),
        ("gestionnaire", f"/admin/conventions/bajmanager/{manager.pk}/change/"),
    ]
    log_in(page, DEMO_CAF_AGENTS[0][0])
    for name, url in caf_agent:
        page.goto(url)
        admin_audit(page, f"caf-{name}", failures)
    page.goto("/responsable-securite/journal/")
    admin_audit(page, "caf-journal", failures, width=1024, screenshot="admin-journal-1024px")
    page.get_by_role("button", name="Fermer la session").first.click()

    log_in(page, "DEMOADM1")
    cmaf = Caf.objects.get(is_maritime=True)
    for name, url in [
        *caf_agent[:6],
        ("utilisateurs", "/admin/habilitations/user/"),
        ("cafs", "/admin/conventions/caf/"),
        ("cmaf", f"/admin/conventions/caf/{cmaf.pk}/change/"),
    ]:
        page.goto(url)
        pictured = name in {"conventions", "utilisateurs", "cmaf"}
        admin_audit(
            page, f"superutilisateur-{name}", failures, screenshot=pictured and f"admin-superutilisateur-{name}"
        )
    page.context.clear_cookies()

    log_in(page, "SADJPV01")
    page.goto("/suivi-national/")
    admin_audit(page, "suivi-national", failures, width=1024, screenshot="suivi-national-1024px")
    assert failures == [], "\n".join(failures)


def test_the_skip_link_is_the_first_tab_stop_and_moves_the_focus_to_the_content(page, demo):
    """BO-8: « Aller au contenu » first, then, on a list with filters, « Aller aux filtres »."""
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, DEMO_CAF_AGENTS[0][0])
    page.goto("/admin/habilitations/habilitation/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Aller au contenu" and first["outline"] != "none", first
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0, "shown when focused"
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Aller aux filtres"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "content-start"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#content-start') !== null"), (
        "the next stop is in the content"
    )
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineColor, s.boxShadow]; }"
    )
    assert ring[0] == "rgb(11, 12, 12)" and "rgb(255, 191, 71)" in ring[1], f"the portal's focus ring: {ring}"


# BO-8: keys from the administration's home to the press on « Accorder » for a requested access (#24: 73 before
# the skip link and the folded menu). Measured: 28.
KEYS_TO_GRANT = 35


def test_a_caf_agent_grants_a_requested_access_by_keyboard_alone(page, demo):
    from habilitations.enums import HabilitationStatus
    from habilitations.models import Habilitation

    requested = Habilitation.objects.get(user__identifier="T1001163")
    assert requested.status == HabilitationStatus.REQUESTED
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, DEMO_CAF_AGENTS[0][0])
    page.goto("/admin/")
    keyboard = Keyboard(page)
    keyboard.tab_to(lambda e: e["text"] == "Aller au contenu")
    keyboard.press("Enter")
    keyboard.tab_to(lambda e: "demandes d'accès à accorder" in e["text"])
    keyboard.press("Enter")
    page.wait_for_url("**/habilitation/?etat=requested")
    keyboard.tab_to(lambda e: e["text"] == "Aller au contenu")
    keyboard.press("Enter")
    keyboard.tab_to(lambda e: e["text"].startswith("GARNIER Inès"))
    keyboard.press("Enter")
    page.wait_for_url(f"**/habilitation/{requested.pk}/change/**")
    keyboard.tab_to(lambda e: e["text"] == "Aller au contenu")
    keyboard.press("Enter")
    keyboard.tab_to(lambda e: e["text"].startswith("Accorder"))
    with page.expect_response(lambda r: "button_grant" in r.url and r.request.method == "POST"):
        keyboard.press("Enter")
    page.wait_for_url("**/button_grant/")
    assert "Accès accordé à Madame Inès GARNIER" in page.locator(".messagelist").inner_text()
    assert keyboard.keys <= KEYS_TO_GRANT, keyboard.keys
    requested.refresh_from_db()
    assert requested.status == HabilitationStatus.ACTIVE
