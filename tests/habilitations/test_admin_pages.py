"""BO-7: a habilitation's and a gestionnaire's page start with who and what state; the lists show the state first as
a badge, in words, and the person as « NOM Prénom »."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from conventions.enums import CafRoleKind
from conventions.models import Baj
from habilitations.enums import Civility, GreffeFunction
from tests.habilitations.factories import (
    HabilitationFactory,
    UserFactory,
    caf_staff_logged_in,
    designated,
    log_in,
)

pytestmark = pytest.mark.django_db


def header_of(response):
    """The text of the page's header (BO-7) and where it starts in the page."""
    page = response.content.decode()
    match = re.search(r'<section class="object-header".*?</section>', page, re.S)
    assert match, "no header on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group())).split()), match.start(), page


@pytest.fixture
def caf_admin(client):
    return caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)


@pytest.fixture
def garnier():
    user = UserFactory(
        identifier="T1001163",
        civility=Civility.MADAME,
        first_name="Inès",
        last_name="Garnier",
        email="ines.garnier@justice.fr",
    )
    return HabilitationFactory(user=user, function=GreffeFunction.GREFFIER_EN_CHEF, requested=True)


def test_a_habilitations_page_starts_with_the_person_and_the_state(client, caf_admin, garnier):
    response = client.get(reverse("admin:habilitations_habilitation_change", args=[garnier.pk]))
    text, start, page = header_of(response)
    assert text.startswith("Madame Inès GARNIER Demandée"), text
    for fact in [
        "Fonction Greffière en chef",  # the function agrees with the civility (#24)
        "Identifiant T1001163",
        "Adresse électronique ines.garnier@justice.fr",
        f"Juridiction {html.unescape(str(garnier.convention.baj))}",
        f"Convention {garnier.convention.number}",
        "Caf Caf de la Charente",
    ]:
        assert fact in text, (fact, text)
    assert '<span class="badge badge--demandee">Demandée</span>' in page
    # above the buttons and the form
    assert start < page.index('id="object-buttons-title"') < page.index('id="habilitation_form"')


def test_the_header_leaves_out_what_is_not_known(client, caf_admin):
    habilitation = HabilitationFactory(user=UserFactory(civility="", first_name="Luc", last_name="Bernard", email=""))
    text, _, _ = header_of(client.get(reverse("admin:habilitations_habilitation_change", args=[habilitation.pk])))
    assert text.startswith("Luc BERNARD Active"), text
    assert "Adresse électronique" not in text and "Fin de l'accès" not in text


def test_historique_leads_to_the_history_on_the_page(client, caf_admin, garnier):
    """The history is the services' (HabilitationHistory), not Django's log of the admin that our acts do not feed."""
    page = client.get(reverse("admin:habilitations_habilitation_change", args=[garnier.pk])).content.decode()
    assert '<a href="#history-group" class="historylink">Historique</a>' in page
    assert 'id="history-group"' in page
    assert reverse("admin:habilitations_habilitation_history", args=[garnier.pk]) not in page


def test_the_habilitations_list_shows_the_state_first_and_the_person_by_name(client, caf_admin, garnier):
    response = client.get(reverse("admin:habilitations_habilitation_changelist"))
    assert response.context["cl"].list_display[1] == "state_badge"  # after the box of the actions
    page = response.content.decode()
    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert headers[:2] == ["state_badge", "person"], headers
    assert '<span class="badge badge--demandee">Demandée</span>' in page
    assert 'GARNIER Inès<span class="cell-note">T1001163</span>' in page
    assert "Greffière en chef" in page


def test_a_gestionnaires_page_starts_with_the_person_and_the_state(client, caf_admin):
    user = UserFactory(
        identifier="G1600009", civility=Civility.MADAME, first_name="Isabelle", last_name="Moreau", email="i.m@j.fr"
    )
    manager = designated(user=user, baj=Baj.objects.get(city="Angoulême"), designated_on=dt.date(2025, 3, 1))
    response = client.get(reverse("admin:conventions_bajmanager_change", args=[manager.pk]))
    text, _, _ = header_of(response)
    assert text.startswith("Madame Isabelle MOREAU Compte actif"), text
    assert "Adresse électronique i.m@j.fr" in text and "Date de désignation 01/03/2025" in text
    assert "Juridiction BAJ Tribunal de grande instance" in text
    listing = client.get(reverse("admin:conventions_bajmanager_changelist")).content.decode()
    assert 'MOREAU Isabelle<span class="cell-note">G1600009</span>' in listing


def test_the_accounts_list_says_true_and_false_in_french(client):
    """BO-8: Django's boolean icons have « True » and « False » for text; the superuser reads words."""
    log_in(client, UserFactory(identifier="ADMIN001", superuser=True))
    UserFactory(identifier="T1001170", last_name="Roux", first_name="Hugo", is_active=False)
    page = client.get(reverse("admin:habilitations_user_changelist")).content.decode()
    assert 'alt="True"' not in page and 'alt="False"' not in page
    assert '<span class="badge badge--desactive">Désactivé</span>' in page
    assert 'ROUX Hugo<span class="cell-note">T1001170</span>' in page


def test_the_habilitations_list_reads_a_constant_number_of_queries(client, caf_admin, garnier):
    """BO-7: the person, the convention, the BAJ and the CAF of each row come with the rows (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:habilitations_habilitation_changelist")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    HabilitationFactory.create_batch(5)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 6
    assert len(six.captured_queries) == len(one.captured_queries)
