"""BO-8: the favicon of the portal and the administration, /favicon.ico answered; the administration's skip links
and its menu folded by default, without Django's sidebar."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from conventions.enums import CafRoleKind
from tests.habilitations.factories import HabilitationFactory, UserFactory, caf_staff_logged_in, log_in

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == static("favicon.svg")
    assert finders.find("favicon.svg")


def test_every_page_links_the_icon(client):
    link = f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">'
    assert link in client.get("/").content.decode()
    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    assert link in client.get(reverse("admin:index")).content.decode()


def test_the_administration_has_our_skip_links_and_a_folded_menu(client):
    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    HabilitationFactory()
    page = client.get(reverse("admin:habilitations_habilitation_changelist")).content.decode()
    assert '<a class="skip-link" href="#content-start">Aller au contenu</a>' in page
    assert '<a class="skip-link" href="#changelist-filter">Aller aux filtres</a>' in page
    assert '<details class="admin-menu">' in page  # folded: no « open »
    assert 'id="nav-sidebar"' not in page


def test_the_superuser_reads_permissions_and_names_in_french(client):
    """BO-8: Django's « Can add … » permissions read « Peut ajouter » (ours are French in their models); the CAFs'
    list is « Caf » (an acronym: invariable), not « Cafs »."""
    user = log_in(client, UserFactory(identifier="ADMIN001", superuser=True))
    for url in [reverse("admin:habilitations_user_change", args=[user.pk]), reverse("admin:auth_group_add")]:
        page = client.get(url).content.decode()
        assert "Can " not in page, url
        assert "Habilitations | habilitation | Peut modifier" in page, url
        assert "Consulter le suivi national des conventions (SADJPV)" in page, url
    page = client.get(reverse("admin:conventions_caf_changelist")).content.decode()
    assert "<h1>Caf</h1>" in page and "Cafs" not in page
