"""NF-1, NF-2: error pages in French, in the portal's layout, leaking nothing; the database out of reach is a
clean 503."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in

pytestmark = pytest.mark.django_db

LEAKS = ["Traceback", "django", "SECRET", "settings", 'File "']


def assert_clean(response, status, title):
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="fr">' in html and f"<title>{title} — Cafpro</title>" in html
    assert html.count("<h1") == 1 and 'href="/accessibilite/"' in html
    assert 'href="/mentions-legales/"' in html and 'href="/donnees-personnelles/"' in html  # RGPD-1
    for leak in LEAKS:
        assert leak not in html, leak


def test_404(client):
    assert_clean(client.get("/nulle-part/"), 404, "Page introuvable")


def test_403(client):
    log_in(client, HabilitationFactory().user)
    assert_clean(client.get("/responsable-securite/journal/"), 403, "Accès refusé")


def test_400(client):
    assert_clean(client.get("/", HTTP_HOST="evil.example"), 400, "Requête invalide")


@pytest.mark.urls("tests.error_urls")
def test_500():
    response = Client(raise_request_exception=False).get("/boom/")
    assert_clean(response, 500, "Erreur du serveur")
    assert "boom" not in response.content.decode()


@pytest.mark.urls("tests.error_urls")
def test_database_unreachable_is_a_503():
    response = Client(raise_request_exception=False).get("/database-down/")
    assert_clean(response, 503, "Service indisponible")
    assert response["Retry-After"] == "30" and "refused" not in response.content.decode()


def test_accessibility_statement(client):
    response = client.get("/accessibilite/")
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "non conforme" in text and "Défenseur des droits" in text and "Libre réponse 71120" in text
    assert "établie le 28 novembre 2026" in text and "accessibilite@cafpro.example.fr" in text


def test_an_error_page_offers_the_way_home_to_a_logged_in_user(client):
    """#18 §4: « Retour à votre page d'accueil » when logged in, the login page otherwise."""
    assert "Aller à la page de connexion" in client.get("/nulle-part/").content.decode()
    log_in(client, HabilitationFactory(user=UserFactory(identifier="T1001161")).user)
    html = client.get("/nulle-part/").content.decode()
    assert "Retour à votre page d'accueil" in html and "page de connexion" not in html


def test_logging_out_is_confirmed(client):
    """AUTH-8, #18 §4."""
    log_in(client, HabilitationFactory(user=UserFactory(identifier="T1001161")).user)
    page = client.post(reverse("habilitations:logout"), follow=True)
    assert "Votre session est fermée. À bientôt sur Cafpro." in page.content.decode()
