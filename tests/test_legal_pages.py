"""RGPD-1 … RGPD-3: « Mentions légales » and « Données personnelles » beside the accessibility statement on every
kind of page (login, portal, partner space, officer, national follow-up, administration, errors), and what the
pages say."""

import datetime as dt
import html

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from conventions.enums import CafRoleKind
from conventions.models import Caf, CafRole
from tests.habilitations.factories import (
    STAFF_PASSWORD,
    HabilitationFactory,
    UserFactory,
    caf_staff_logged_in,
    designated,
    log_in,
)

pytestmark = pytest.mark.django_db

LINKS = ['href="/mentions-legales/"', 'href="/donnees-personnelles/"', 'href="/accessibilite/"']


def assert_legal_links(response, name):
    page = response.content.decode()
    for link in LINKS:
        assert link in page, f"{name}: {link}"


def text(response):
    return " ".join(html.unescape(response.content.decode()).split())


def test_every_kind_of_page_links_the_legal_information():
    anonymous = Client()
    for url in ["/", "/a-qui-s-adresse-cafpro/", "/session-expiree/", "/acces-bloque/", "/nulle-part/"]:
        assert_legal_links(anonymous.get(url), url)
    for url in ["/mentions-legales/", "/donnees-personnelles/"]:
        response = anonymous.get(url)
        assert response.status_code == 200
        assert_legal_links(response, url)

    greffier = Client()
    habilitation = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    log_in(greffier, habilitation.user)
    assert_legal_links(greffier.get("/accueil/"), "portal")

    partner = Client()
    manager = UserFactory(identifier="G1600001")
    designated(user=manager, baj=habilitation.convention.baj, designated_on=dt.date(2026, 1, 5))
    log_in(partner, manager)
    assert_legal_links(partner.get("/juridiction/"), "partner space")

    officer = Client()
    caf_staff_logged_in(officer, "RSSI1611", CafRoleKind.SECURITY_OFFICER)
    assert_legal_links(officer.get("/responsable-securite/journal/"), "officer")

    admin = Client()
    caf_staff_logged_in(admin, "CAF16101", CafRoleKind.ADMINISTRATOR)
    for url in ["/admin/", "/admin/habilitations/habilitation/"]:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert_legal_links(response, url)

    national = Client()
    ministry = UserFactory(identifier="SADJPV01", staff=True)
    ministry.user_permissions.add(Permission.objects.get(codename="view_national_overview"))
    log_in(national, ministry)
    assert_legal_links(national.get("/suivi-national/"), "national follow-up")


def test_the_legal_notice_names_publisher_director_and_host(client, settings):
    settings.CAFPRO_LEGAL = {
        **settings.CAFPRO_LEGAL,
        "publisher": "Caisse de test",
        "director": "Le directeur de la Caisse de test",
        "host": "Hébergeur de test",
    }
    page = text(client.get("/mentions-legales/"))
    assert "Caisse de test" in page and "Le directeur de la Caisse de test" in page and "Hébergeur de test" in page


def test_unset_publisher_facts_show_as_placeholders_to_fill(client):
    """Never an invented name: what production must set is visibly missing."""
    page = text(client.get("/mentions-legales/"))
    assert page.count("[À compléter avant la mise en production") >= 4


def test_the_personal_data_page_gives_the_article_13_information(client, settings):
    settings.CAFPRO_JOURNAL_RETENTION_MONTHS = 7
    settings.CAFPRO_LEGAL = {
        **settings.CAFPRO_LEGAL,
        "dpo_contact": "dpo@caf.test",
        "rights_contact": "droits@caf.test",
    }
    page = text(client.get("/donnees-personnelles/"))
    for expected in [
        "responsable du traitement",  # controller
        "instruction des demandes d'aide juridictionnelle",  # purpose
        "tenir le journal des accès",  # purpose
        "article 6, paragraphe 1, point e",  # legal basis
        "Qui les voit",  # recipients
        "gardé 7 mois",  # retention of the journal, from the setting
        "après 10 minutes sans activité",  # sessions
        "votre compte : tant que vous avez une habilitation",  # accounts after their end
        "droits d'accès, de rectification, de limitation et d'opposition",
        "dpo@caf.test",
        "droits@caf.test",
        "réclamation à la Commission nationale de l'informatique et des libertés (CNIL)",
        "pas de bandeau de cookies",
        "Aucune décision n'est prise automatiquement",  # article 13.2.f
        "le bureau vous demandera les justificatifs",  # article 13.2.e
    ]:
        assert expected in page, expected


LEGAL_PAGES = ["/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"]


def test_the_legal_pages_keep_the_menu_of_the_readers_role():
    """#24 (RGPD-1, NF-2): a greffier reading « Mentions légales » keeps the portal's menu and its search form;
    every role keeps its own menu; without a session, none."""
    habilitation = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    greffier, partner, officer, national, agent = Client(), Client(), Client(), Client(), Client()
    log_in(greffier, habilitation.user)
    manager = UserFactory(identifier="G1600001")
    designated(user=manager, baj=habilitation.convention.baj, designated_on=dt.date(2026, 1, 5))
    log_in(partner, manager)
    ministry = UserFactory(identifier="SADJPV01", staff=True)
    ministry.user_permissions.add(Permission.objects.get(codename="view_national_overview"))
    log_in(national, ministry)
    caf_staff_logged_in(officer, "RSSI1611", CafRoleKind.SECURITY_OFFICER)
    caf_staff_logged_in(agent, "CAF16101", CafRoleKind.ADMINISTRATOR)
    menus = {
        "portal": (greffier, ['aria-label="Menu Cafpro"', 'name="number"', "Fermer la session"]),
        "partner": (partner, ['aria-label="Espace de la juridiction"', "Demander un accès"]),
        "officer": (officer, ['aria-label="Responsable sécurité"', "Journal des accès"]),
        "national": (national, ['aria-label="Suivi national"', 'href="/suivi-national/"']),
        "administration": (agent, ['id="site-name"', 'href="/admin/habilitations/habilitation/"']),
    }
    for url in LEGAL_PAGES:
        for role, (client, expected) in menus.items():
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            page = response.content.decode()
            assert [each for each in expected if each not in page] == [], (role, url)
            assert_legal_links(response, f"{role} {url}")
        anonymous = Client().get(url).content.decode()
        assert 'class="menu"' not in anonymous and "Fermer la session" not in anonymous


def test_a_session_owing_its_second_factor_gets_no_menu_of_its_role():
    """AUTH-11: before the code, the legal pages open (SECOND_FACTOR_ALLOWED) but show no administration."""
    agent = UserFactory(identifier="CAF16101", staff=True)
    CafRole.objects.create(user=agent, caf=Caf.objects.get(number="161"), kind=CafRoleKind.ADMINISTRATOR)
    client = Client()
    assert client.post("/", {"identifier": "CAF16101", "password": STAFF_PASSWORD}).status_code == 302
    for url in LEGAL_PAGES:
        page = client.get(url).content.decode()
        assert "/admin/habilitations/" not in page and 'id="site-name"' not in page, url
