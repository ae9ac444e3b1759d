"""#24 item 8: one journey per role, the way a person does it — through the links and buttons the page shows (only
the first page is typed), at 1280 px, with what the person reads checked after each act. `make screenshots`
refreshes their screenshots (docs/screenshots, `20-…` onwards)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from allocataires.demo import (
    DEMO_BAJ_MANAGERS,
    DEMO_CAF_AGENTS,
    DEMO_MINISTRY,
    DEMO_NATIONAL_SECURITY,
    SHOWCASE_NUMBER,
)
from tests.e2e.helpers import downloaded_pdf_text, heading, link, log_in, log_out, main_text, search, seed_demo, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(new_context):
    """The demo, and a browser at 1280 px that accepts downloads."""
    seed_demo()
    return new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}).new_page()


def test_the_multi_caf_greffier_consults_prints_writes_to_the_caf_and_leaves(desk):
    """CONS-1 … CONS-14, DIA-1 … DIA-4, BO-9: T5900001 (Lille: four CAFs, Douai's suspended)."""
    from conventions.models import Caf

    page = desk
    Caf.objects.filter(number="595").update(offers_dialogue=True, dialogue_email="dialogue@caf595.example.fr")
    mail.outbox.clear()

    log_in(page, "T5900001", "**/accueil/")
    assert heading(page) == "Page principale"
    cafs = page.get_by_role("list", name="Les Caf de votre accès").get_by_role("listitem").all_inner_texts()
    assert "Caf de Lille" in cafs and "Caf de Roubaix" in cafs and len(cafs) == 4
    assert "Votre accès à la Caf de Douai est suspendu" in main_text(page)
    shot(page, "20-greffier-accueil-multi-caf")

    search(page, SHOWCASE_NUMBER, postal_code="59000", legal_aid_file="2026/LIL-7")
    page.wait_for_url("**/paiements/")
    assert "Caf de Lille" in page.locator("header").inner_text()
    assert "n° 2026/LIL-7" in main_text(page)
    page.get_by_role("link", name="Famille", exact=True).click()
    assert page.locator('.tabs a[aria-current="page"]').inner_text() == "Famille"
    with page.expect_download() as download:
        page.get_by_role("link", name="Imprimer l'édition de la consultation (PDF)").click()
    edition = downloaded_pdf_text(download.value)
    assert SHOWCASE_NUMBER in edition and "Rubriques consultées : Paiements, Famille." in edition
    assert "2026/LIL-7" in edition

    page.get_by_role("link", name="Dialogue").click()
    assert heading(page).startswith("Dialogue")
    page.get_by_label("Votre adresse électronique").fill("paul.lefebvre@justice.example.fr")
    assert page.get_by_label("Numéro d'allocataire concerné (facultatif)").input_value() == SHOWCASE_NUMBER
    page.get_by_label("Votre message").fill("Bonjour, la reprise des paiements d'AAH est-elle confirmée ?")
    shot(page, "21-greffier-dialogue")
    page.get_by_role("button", name="Envoyer").click()
    assert "Votre message a bien été transmis à la Caf de Lille" in main_text(page)
    assert [message.to for message in mail.outbox] == [["dialogue@caf595.example.fr"]]
    assert "par LEFEBVRE Paul (BAJ Tribunal de grande instance de Lille)" in mail.outbox[0].body

    page.get_by_role("contentinfo").get_by_role("link", name="Mentions légales").click()
    assert heading(page) == "Mentions légales"
    assert page.get_by_role("navigation", name="Menu Cafpro").get_by_role("button", name="Consulter").count() == 1
    log_out(page)
    assert heading(page) == "Identification"


def test_the_security_officer_reviews_the_journal_and_watches_then_releases_a_greffier(desk):
    """JRN-3, JRN-4, ROLE-2: the officer of the Caf de la Charente (CAF16101)."""
    page = desk
    officer = DEMO_CAF_AGENTS[0][0]
    log_in(page, officer, "**/responsable-securite/journal/")
    assert heading(page) == "Journal des accès"
    assert page.get_by_role("navigation", name="Responsable sécurité").count() == 1

    day = timezone.localdate() - dt.timedelta(days=2)  # the demo's failed logins and night consultations
    page.get_by_label("Utilisateur (identifiant)").fill("T1001161")
    page.get_by_label("Du", exact=True).fill(day.isoformat())
    page.get_by_label("Au (inclus)").fill(day.isoformat())
    page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("table.journal tbody tr")
    expect(rows).to_have_count(9)  # six failed logins and three night consultations that day
    assert all("T1001161" in row for row in rows.all_inner_texts())
    assert page.get_by_label("Du", exact=True).input_value() == day.isoformat(), "the date filter is kept"
    shot(page, "22-responsable-securite-journal")

    page.get_by_role("link", name="Irrégularités").click()
    assert heading(page).startswith("Irrégularités du")
    assert "Échecs de connexion répétés sur un identifiant" in main_text(page)
    page.get_by_role("link", name="mettre sous surveillance").first.click()
    assert heading(page) == "Mises sous surveillance"
    assert page.get_by_label("Identifiant de l'utilisateur").input_value() == "T1001161"
    # exact: each open surveillance's row has its « Motif de la levée de la surveillance de … » field
    page.get_by_label("Motif", exact=True).fill("Six échecs de connexion, puis des consultations de nuit")
    page.get_by_role("button", name="Mettre sous surveillance").click()
    assert "T1001161 mis sous surveillance" in page.get_by_role("status").inner_text()
    watched = page.locator("table tbody tr", has_text="T1001161")
    expect(watched).to_have_count(1)
    assert "Six échecs de connexion" in watched.inner_text()
    page.get_by_role("link", name="Journal des accès").click()
    expect(page.locator("table.journal tbody tr.watched").first).to_be_visible()
    assert "sous surveillance" in page.locator("table.journal tbody tr.watched").first.inner_text()

    page.get_by_role("link", name="Mises sous surveillance").click()
    page.get_by_label("Motif de la levée de la surveillance de T1001161").fill("Explication obtenue de la juridiction")
    page.get_by_role("button", name="Lever la surveillance de T1001161").click()
    expect(page.get_by_role("button", name="Lever la surveillance de T1001161")).to_have_count(0)
    assert page.get_by_role("status").inner_text() == "Surveillance de T1001161 levée."
    lifted = page.locator("table tbody tr", has_text="T1001161").inner_text()
    assert officer in lifted, "lifted, and by whom"
    assert "motif : Explication obtenue de la juridiction" in lifted, "and why (BO-6)"
    log_out(page)


def test_the_gestionnaire_changes_the_letters_password_then_asks_an_access_and_a_removal(desk):
    """JUR-1, JUR-2, AUTH-5, BO-9, HAB-5: G1600001's first login with the password of the letter the Caf printed;
    the forced change leads to the juridiction's space (not a 403); a request, a removal of a suspended access."""
    from conventions.models import Caf
    from habilitations.models import User
    from habilitations.services import password_reset

    page = desk
    identifier = DEMO_BAJ_MANAGERS[0][0]
    agent = User.objects.get(identifier=DEMO_CAF_AGENTS[0][0])
    letter = password_reset(user=User.objects.get(identifier=identifier), by=agent, caf=Caf.objects.get(number="161"))

    page.goto("/")
    page.get_by_label("Identifiant").fill(identifier)
    page.get_by_label("Mot de passe").fill(letter)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/mot-de-passe/")
    assert heading(page) == "Changement du mot de passe"
    page.get_by_label("Ancien mot de passe").fill(letter)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Jz4kq8")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("Jz4kq8")
    page.get_by_role("button", name="Changer le mot de passe").click()
    page.wait_for_url("**/juridiction/")
    assert heading(page) == "Habilitations du bureau d'aide juridictionnelle"
    assert "T1001161" in main_text(page)
    shot(page, "23-gestionnaire-accueil")

    page.get_by_role("navigation").get_by_role("link", name="Demander un accès").click()
    assert heading(page) == "Demander un accès à Cafpro"
    assert page.get_by_label("Fonction").input_value() == "", "no function chosen for the gestionnaire"
    assert page.get_by_label("Civilité").input_value() == ""
    page.get_by_label("Fonction").select_option(label="Greffier en chef")
    page.get_by_label("Civilité").select_option(label="Madame")
    page.get_by_label("Nom", exact=True).fill("Durand")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Adresse électronique professionnelle").fill("lea.durand@justice.fr")
    page.get_by_role("button", name="Envoyer la demande à la Caf").click()
    page.wait_for_url("**/juridiction/")
    assert (
        "Demande d'accès pour Léa DURAND envoyée à la Caf de la Charente." in page.get_by_role("status").inner_text()
    )
    assert "Demandée, en attente de la Caf" in page.locator("tr", has_text="DURAND").inner_text()

    # Hugo Roux's access is suspended: its removal may be asked all the same.
    suspended = page.locator("tr", has_text="T1001164")
    assert "Suspendue" in suspended.inner_text()
    suspended.get_by_role("link", name=re.compile("Demander la suppression")).click()
    assert heading(page) == "Demander la suppression d'un accès"
    end = page.get_by_label(re.compile("Fin de l'accès le"))
    assert end.get_attribute("type") == "date"
    assert end.input_value() == timezone.localdate().isoformat(), "the date picker shows its default"
    later = timezone.localdate() + dt.timedelta(days=7)
    end.fill(later.isoformat())
    page.get_by_role("button", name="Supprimer l'accès à cette date").click()
    page.wait_for_url("**/juridiction/")
    assert f"plus d'accès à compter du {later:%d/%m/%Y}" in page.get_by_role("status").inner_text()
    assert f"fin de l'accès le {later:%d/%m/%Y}" in page.locator("tr", has_text="T1001164").inner_text()
    assert "Active" in page.locator("tr", has_text="T1001161").inner_text()
    shot(page, "24-gestionnaire-etats")
    log_out(page)


def test_the_national_follow_up_answers_a_difficulty(desk):
    """ROLE-4, JUR-3, CONV-4: SADJPV01 — the conventions by state, the difficulties waiting first, an answer."""
    from conventions.models import Baj
    from conventions.services import difficulty_report
    from habilitations.models import User

    difficulty_report(
        manager=User.objects.get(identifier=DEMO_BAJ_MANAGERS[0][0]),
        baj=Baj.objects.get(city="Angoulême", juridiction="tgi"),
        subject="Lettre non reçue",
        body="Une greffière n'a pas reçu sa lettre d'ouverture des droits.",
    )
    page = desk
    log_in(page, DEMO_MINISTRY[0], "**/suivi-national/")
    assert heading(page) == "Suivi national des conventions Cafpro"
    titles = page.locator("main h2, main h3").all_inner_texts()
    assert titles.index("Difficultés en attente de réponse") < titles.index("Conventions signées")
    tables = {caption.split(" : ")[0]: caption for caption in page.locator("main table caption").all_inner_texts()}
    assert len(tables) == 3
    signed = page.locator("table", has_text="en vigueur ou à venir").inner_text()
    ended = page.locator("table", has_text="Terminées, résiliées").inner_text()
    awaiting = page.locator("table", has_text="En attente de signature :").inner_text()
    assert "Rochefort" in signed and "Cusset" in signed and "Signée, pas encore en vigueur" in signed
    assert "La Rochelle" in ended and "Montluçon" in ended and "La Rochelle" not in signed
    assert "Niort" in awaiting
    shot(page, "25-suivi-national")

    waiting = page.locator("article.report", has_text="Lettre non reçue")
    waiting.get_by_label("Réponse").fill("La Caf de la Charente réimprime la lettre cette semaine.")
    waiting.get_by_role("button", name="Répondre").click()
    assert "Réponse envoyée" in page.get_by_role("status").inner_text()
    assert "Aucune difficulté en attente de réponse." in main_text(page)
    answered = main_text(page)[main_text(page).index("Difficultés traitées") :]
    assert "Lettre non reçue" in answered and "réimprime la lettre" in answered
    log_out(page)


def test_the_national_security_officer_reads_the_national_journal(desk):
    """ROLE-6, JRN-3, AUTH-3: CNAFSEC1 — the journal's lines that concern no CAF (identifiers nobody holds), the
    staff lockouts; no link to an administration that would show them nothing."""
    page = desk
    log_in(page, DEMO_NATIONAL_SECURITY[0], "**/responsable-securite/journal/")
    assert heading(page) == "Journal des accès"
    menu = page.get_by_role("navigation", name="Responsable sécurité")
    assert menu.get_by_role("link", name="Administration").count() == 0
    page.get_by_label("Identifiant saisi (même inconnu)").fill("ADMIN001")
    page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("table.journal tbody tr")
    expect(rows).to_have_count(1)
    assert "ADMIN001" in rows.first.inner_text()
    assert "203.0.113.45" in rows.first.inner_text()
    shot(page, "26-securite-nationale-journal")
    menu.get_by_role("link", name="Personnel bloqué").click()
    assert heading(page) == "Identifiants du personnel bloqués"
    log_out(page)


def test_the_caf_agent_grants_from_the_work_list_and_prints_the_request_and_the_convention(desk):
    """BO-1 … BO-4, CONV-3: CAF16101 goes from the officer's menu to the work list, opens the request to grant,
    prints it, then prints a convention (the grant itself: tests/e2e/test_admin_flow.py)."""
    page = desk
    log_in(page, DEMO_CAF_AGENTS[0][0], "**/responsable-securite/journal/")
    page.get_by_role("navigation").get_by_role("link", name="Administration").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="À traiter").count() == 1
    to_grant = link(page, "demandes d'accès à accorder")
    assert to_grant.inner_text().startswith("1 — "), "T1001163's request, the demo's only one"
    shot(page, "27-agent-liste-de-travail")
    to_grant.click()
    page.wait_for_url("**/habilitation/?*")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    assert "T1001163" in rows.first.inner_text()
    rows.first.locator("th a, td a").first.click()
    page.wait_for_url("**/change/**")
    assert "T1001163" in heading(page) + main_text(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Imprimer la demande d'accès (PDF)").click()
    request = downloaded_pdf_text(download.value)
    assert "GARNIER" in request.upper() and "Angoulême" in request

    page.locator("#site-name a").click()  # the administration's home
    page.get_by_role("link", name=re.compile("^Conventions$")).first.click()
    page.wait_for_url("**/convention/")
    conventions = page.locator("#result_list tbody tr")
    expect(conventions.first).to_be_visible()
    assert "Angoulême" in conventions.first.inner_text()
    conventions.first.locator("th a").first.click()
    page.wait_for_url("**/change/")
    # a signed convention is read-only (#24): its number is in the page's header
    number = page.locator("#object-header-title span").first.inner_text().removeprefix("Convention ")
    with page.expect_download() as download:
        page.get_by_role("button", name="Imprimer la convention et son annexe (PDF)").click()
    convention = downloaded_pdf_text(download.value)
    assert number in convention and "Caf de la Charente" in convention
    shot(page, "28-agent-convention")
    log_out(page)
