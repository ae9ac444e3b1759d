"""AUTH-11 in Chromium: a new CAF administrator enrols (QR code, the secret in text, recovery codes shown once)
and later logs in with a code; the demo accounts log in with the code of their README secret; the greffier's
login is unchanged. Axe on the new pages."""

import base64

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp

from conventions.enums import CafRoleKind
from conventions.models import Caf, CafRole
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.e2e.helpers import log_in, seed_demo, shot
from tests.e2e.test_accessibility import WCAG
from tests.habilitations.factories import STAFF_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def serious(page):
    violations = Axe().run(page, options=WCAG).response["violations"]
    return [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]


def password(page, identifier, secret=STAFF_PASSWORD):
    page.goto("/")
    page.get_by_label("Identifiant").fill(identifier)
    page.get_by_label("Mot de passe").fill(secret)
    page.get_by_role("button", name="Valider").click()


def test_a_new_administrator_enrols_then_logs_in_with_a_code(page):
    agent = UserFactory(identifier="CAF16177", staff=True)
    CafRole.objects.create(user=agent, caf=Caf.objects.get(number="161"), kind=CafRoleKind.ADMINISTRATOR)
    password(page, "CAF16177")
    page.wait_for_url("**/double-authentification/activation/**")
    assert page.locator("h1").inner_text() == "Activer la double authentification"
    assert page.locator("figure.qr svg").is_visible()
    assert serious(page) == []
    shot(page, "double-authentification-activation")
    # The secret as a person types it into the app when they cannot scan.
    secret = page.locator(".secret code").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    page.get_by_label("Code à usage unique").fill("000000" if f"{totp(key):06d}" != "000000" else "111111")
    page.get_by_role("button", name="Activer").click()
    assert "Code incorrect" in page.get_by_role("alert").inner_text()
    page.get_by_label("Code à usage unique").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Activer").click()
    assert page.locator("h1").inner_text() == "Vos codes de secours"
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert serious(page) == []
    page.get_by_role("link", name="Continuer").click()
    page.wait_for_url("**/admin/")

    page.context.clear_cookies()  # another day
    password(page, "CAF16177")
    page.wait_for_url("**/double-authentification/**")
    assert page.locator("h1").inner_text() == "Code de double authentification"
    assert serious(page) == []
    page.get_by_label("Code à usage unique").fill(codes[0])  # the phone is elsewhere: a recovery code
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/admin/")
    events = set(JournalEntry.objects.filter(user=agent).values_list("event", flat=True))
    assert {JournalEvent.SECOND_FACTOR_ENROLLED, JournalEvent.SECOND_FACTOR_FAILURE} <= events


def test_demo_accounts_log_in_with_their_code_and_the_greffier_without(page):
    seed_demo()
    log_in(page, "CAF16101", landing="**/responsable-securite/journal/")  # the README secret's code (helpers)
    assert page.get_by_role("link", name="Double authentification perdue").is_visible()  # the reset, offered
    page.get_by_role("button", name="Fermer la session").click()
    password(page, "T1001161", "Gref16")
    page.wait_for_url("**/accueil/")
    assert page.locator("h1").inner_text() == "Page principale"
