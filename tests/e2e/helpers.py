"""What the browser tests share: the demo accounts' passwords (and second factors), logging in through the login
page, screenshots."""

import base64
import io
import os
import re
from pathlib import Path

from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from allocataires.demo import (
    DEMO_ACCOUNTS,
    DEMO_BAJ_MANAGERS,
    DEMO_CAF_AGENTS,
    DEMO_MINISTRY,
    DEMO_NATIONAL_SECURITY,
    DEMO_TOTP_SECRETS,
)
from tests.habilitations.factories import totp_code

PASSWORDS = {
    identifier: password
    for identifier, password, *_ in [
        *DEMO_ACCOUNTS,
        *DEMO_CAF_AGENTS,
        *DEMO_BAJ_MANAGERS,
        DEMO_MINISTRY,
        DEMO_NATIONAL_SECURITY,
    ]
}
# `make screenshots` (CAFPRO_SCREENSHOTS=docs/screenshots) refreshes the screenshots of the README.
SCREENSHOTS = os.environ.get("CAFPRO_SCREENSHOTS")


def seed_demo(dossiers=1):
    call_command("seed_demo", "--dossiers", str(dossiers), "--seed", "1", stdout=io.StringIO(), stderr=io.StringIO())


def shot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def log_in(page, identifier, landing=None):
    """Logs a demo account in through the login page; waits for `landing` (a URL pattern) when given."""
    page.goto("/")
    page.get_by_label("Identifiant").fill(identifier)
    page.get_by_label("Mot de passe").fill(PASSWORDS[identifier])
    page.get_by_role("button", name="Valider").click()
    if identifier in DEMO_TOTP_SECRETS:  # AUTH-11: the code of the demo account's phone
        page.wait_for_url("**/double-authentification/**")
        device = TOTPDevice.objects.get(user__identifier=identifier, confirmed=True)
        page.get_by_label("Code à usage unique").fill(totp_code(device))
        page.get_by_role("button", name="Valider").click()
    if landing:
        page.wait_for_url(landing)
    else:
        page.wait_for_load_state()


def search(page, number, *, postal_code=None, cmaf=False, legal_aid_file="2026/001234", procedure="admission"):
    """The search form of the menu: the allocataire number (and the postal code or the CMAF box), and the
    legal-aid file it is consulted for (PUR-1)."""
    if postal_code:
        page.get_by_label("Code postal").fill(postal_code)
    if cmaf:
        page.get_by_label("Dossier de la Caisse maritime (CMAF)").check()
    page.get_by_label("N° d'allocataire").fill(number)
    page.get_by_label("N° du dossier d'aide juridictionnelle").fill(legal_aid_file)
    page.locator(f"input[name=procedure][value={procedure}]").check()
    page.get_by_role("button", name="Consulter").click()


def log_out(page):
    """« Fermer la session » (the portal's and the back office's menus) or the administration's « Déconnexion »;
    waits for the login page."""
    portal = page.get_by_role("button", name="Fermer la session")
    (portal if portal.count() else page.get_by_role("button", name="Déconnexion")).first.click()
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)


def letter_from_link(page, name):
    """BO-5: the letter a link of the page carries (a `data:` PDF): clicking it starts a download in Chromium, with
    its file name; the text is read from the link itself — a download's file is awaited without any time limit by
    Playwright, which once stalled a whole run (`Download.path`)."""
    link = page.get_by_role("link", name=name)
    with page.expect_download() as download:
        link.click()
    href = link.get_attribute("href")
    assert href.startswith("data:application/pdf;base64,"), href[:40]
    pdf = base64.b64decode(href.split(",", 1)[1])
    assert pdf.startswith(b"%PDF"), "not a PDF"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    return download.value.suggested_filename, text


def downloaded_pdf_text(download):
    """The text of a downloaded PDF, its white space collapsed (a Playwright download)."""
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF"), "not a PDF"
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def main_text(page):
    """What the person reads in the page's main region, its white space collapsed."""
    return " ".join(page.locator("main").inner_text().split())


def heading(page):
    return page.locator("h1").first.inner_text().strip()


def link(page, name):
    """A link by its accessible name (a regular expression, case-sensitive), the first of several."""
    return page.get_by_role("link", name=re.compile(name)).first
