"""#24 §7, the seed's remaining differences in the page frame: the logo leads to www.caf.fr (manual V5), « Infos »
to caf.fr's partners' information, a refused form token gets the portal's own page (CSRF_FAILURE_VIEW)."""

import pytest
from django.test import Client
from django.urls import reverse

from allocataires.links import CAF_LINKS
from tests.habilitations.factories import PASSWORD, HabilitationFactory, UserFactory, log_in

pytestmark = pytest.mark.django_db


def test_the_logo_leads_to_caf_fr_and_infos_to_its_practical_information(client):
    banner = client.get("/").content.decode().split("</header>")[0]
    assert '<a class="banner__home" href="https://www.caf.fr/"' in banner
    log_in(client, HabilitationFactory(user=UserFactory(identifier="T1001161")).user)
    banner = client.get(reverse("allocataires:home")).content.decode().split("</header>")[0]
    assert f'href="{CAF_LINKS["infos"][1]}"' in banner and CAF_LINKS["infos"][1] != "https://www.caf.fr/"
    assert 'Infos<span class="visually-hidden"> pratiques sur caf.fr</span>' in banner


def test_a_refused_form_token_gets_our_page():
    UserFactory(identifier="T1001161")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/", {"identifier": "T1001161", "password": PASSWORD})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulaire expiré" in html and '<html lang="fr">' in html
    assert "CSRF" not in html, "not the framework's page"


def test_one_style_for_instructions():
    """#24 wording: « Saisissez », never « Veuillez saisir »; the procedure's legend says what it asks."""
    from pathlib import Path

    from django.conf import settings

    from allocataires.forms import SearchForm

    sources = [*Path(settings.BASE_DIR, "templates").rglob("*.html")]
    for app in ("allocataires", "conventions", "core", "habilitations"):
        sources += [path for path in Path(settings.BASE_DIR, app).rglob("*.py") if "migrations" not in path.parts]
    offending = [str(path) for path in sources if "Veuillez" in path.read_text(encoding="utf-8")]
    assert offending == []
    assert SearchForm.base_fields["procedure"].label != "Pour instruire"
