"""BO-7: a convention's page starts with what it is — CAF, BAJ, number — and its state; the list shows the state
first as a badge, in words, and the CAF's column only to those who see several CAFs."""

import html
import re

import pytest
from django.urls import reverse

from conventions.enums import CafRoleKind, ConventionState
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import UserFactory, caf_staff_logged_in, log_in

pytestmark = pytest.mark.django_db


def test_a_conventions_page_starts_with_the_parties_and_the_state(client):
    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    convention = ConventionFactory(number="900777/2025", unsigned=True)
    page = client.get(reverse("admin:conventions_convention_change", args=[convention.pk])).content.decode()
    match = re.search(r'<section class="object-header".*?</section>', page, re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group())).split())
    assert text.startswith(f"Convention 900777/2025 {ConventionState.AWAITING_SIGNATURE.label}"), text
    assert "Caf Caf de la Charente" in text and "Juridiction BAJ Tribunal de grande instance" in text
    assert "Numéro 900777/2025" in text
    assert match.start() < page.index('id="convention_form"')
    assert '<a href="#history-group" class="historylink">Historique</a>' in page


def test_the_conventions_list_shows_the_state_first(client):
    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    ConventionFactory(number="900778/2025", unsigned=True)
    response = client.get(reverse("admin:conventions_convention_changelist"))
    assert response.context["cl"].list_display[1:3] == ["state_badge", "number"]
    assert "caf_short" not in response.context["cl"].list_display  # one CAF: its name is in the header already
    label = ConventionState.AWAITING_SIGNATURE.label
    assert f'<span class="badge badge--en-attente-de-signature">{label}</span>' in response.content.decode()


def test_the_superuser_sees_the_caf_of_each_convention(client):
    log_in(client, UserFactory(identifier="ADMIN001", superuser=True))
    ConventionFactory()
    response = client.get(reverse("admin:conventions_convention_changelist"))
    assert "caf_short" in response.context["cl"].list_display


def test_a_refused_form_keeps_the_header_of_what_is_stored(client):
    """BO-7, ROB-2: the values a refused form left in the object (an impossible period) reach no computation of the
    header: it shows the stored convention (a 400 before)."""
    caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    convention = ConventionFactory(number="900779/2025", unsigned=True)  # CONV-4: a signed one is read-only
    url = reverse("admin:conventions_convention_change", args=[convention.pk])
    data = {
        "number": "900779/2025",
        "caf": convention.caf_id,
        "baj": convention.baj_id,
        "profile": convention.profile_id,
        "starts_on": "31/12/9999",  # a date the form reads and the model refuses (ROB-2): the next deadline overflows
        "first_period_ends_on": "31/12/9999",
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert "Convention 900779/2025" in response.content.decode()
