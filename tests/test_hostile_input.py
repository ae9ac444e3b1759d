"""ROB-1, CONS-15: each input that gave a server error or was lost when it was measured (session 4, #18 §5) now
answers a French message, a 400, 403 or 404, and journals what it should. The crawl of tests/test_fuzz.py finds the
next ones; these say what the answer must be."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from conventions.enums import CafRoleKind
from conventions.models import Baj, Caf, CafRole
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.allocataires.factories import DossierFactory
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import PASSWORD, HabilitationFactory, UserFactory, log_in
from tests.habilitations.test_admin_caf import act
from tests.helpers import open_dossier

pytestmark = pytest.mark.django_db


def staff(client, identifier, kind, caf="161"):
    user = UserFactory(identifier=identifier, staff=True)
    CafRole.objects.create(user=user, caf=Caf.objects.get(number=caf), kind=kind)
    log_in(client, user)
    return user


@pytest.mark.parametrize("params", [{"au": "9999-12-31"}, {"du": "0001-01-01"}, {"du": "2026-02-30"}])
@pytest.mark.parametrize("page", ["officer_journal", "officer_report"])
def test_far_dates_in_the_officers_filters_answer_a_french_message(client, page, params):
    staff(client, "RSSI1610", CafRoleKind.SECURITY_OFFICER)
    response = client.get(reverse(f"habilitations:{page}"), params)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Saisissez une date" in text or "Saisissez une date valide" in text


@pytest.mark.parametrize(
    ("date", "message"),
    [("01/01/0001", "n'est pas celle d'une demande"), ("31/12/9999", "n'est pas celle d'une demande")],
)
def test_a_far_request_date_in_paiements_and_the_edition_answers_a_french_message(client, date, message):
    greffier = HabilitationFactory(user=UserFactory(identifier="T1001161")).user
    dossier = DossierFactory(number="1234567")
    log_in(client, greffier)
    open_dossier(client, "1234567")
    paiements = client.get(
        reverse("allocataires:rubrique", args=[dossier.pk, "paiements"]), {"date": date, "mode": "douze_mois"}
    )
    assert paiements.status_code == 200
    assert message in html.unescape(paiements.content.decode())
    edition = client.get(reverse("allocataires:edition", args=[dossier.pk]), {"date": date, "mode": "douze_mois"})
    assert edition.status_code in (200, 503), "the edition prints what was validated, nothing of the address"


def test_a_nul_byte_in_the_identifier_is_journaled_and_counts_toward_the_lockout(client):
    """AUTH-1, AUTH-3: the attempt is not lost on the way (PostgreSQL refuses NUL bytes in text)."""
    HabilitationFactory(user=UserFactory(identifier="T1001161"))
    for _ in range(3):
        response = client.post("/", {"identifier": "T1001161\x00", "password": "Wrong1"})
    assert response["Location"] == reverse("habilitations:locked_out")
    events = list(JournalEntry.objects.order_by("pk").values_list("event", "identifier_typed"))
    assert events[:3] == [(JournalEvent.LOGIN_FAILURE, "T1001161")] * 3
    assert (JournalEvent.LOCKOUT, "T1001161") in events


def test_a_nul_byte_in_the_address_answers_400(client):
    assert client.get("/consulter/\x00/").status_code == 400


@pytest.mark.parametrize("value", ["", "\x00"])
@pytest.mark.parametrize("page", ["change", "delete"])
def test_an_empty_to_field_in_the_administration_answers_400(client, page, value):
    """ROB-1 (#22 §5, found by the crawl once it discovered the parameters views read): Django's admin looked up
    a field named "" on every change and delete page (a 500 for any agent)."""
    habilitation = HabilitationFactory()
    staff(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    url = reverse(f"admin:habilitations_habilitation_{page}", args=[habilitation.pk])
    assert client.get(url, {"_to_field": value}).status_code == 400
    assert client.get(url).status_code == (200 if page == "change" else 403)  # no deletion here


@pytest.mark.parametrize(
    ("model", "action"), [("convention", "print_convention"), ("habilitation", "print_access_request")]
)
def test_a_print_action_posted_with_another_cafs_ids_prints_nothing(client, model, action):
    """ROLE-3: the ids of another CAF select nothing, and a nominative document is printed for one object only."""
    theirs = HabilitationFactory(
        user=UserFactory(identifier="T1711711"),
        convention=ConventionFactory(caf=Caf.objects.get(number="171"), baj=Baj.objects.get(city="Saintes")),
    )
    staff(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    target = theirs.convention if model == "convention" else theirs
    response = act(client, model, action, [target])
    assert response.status_code in (200, 302)
    assert response.get("Content-Type") != "application/pdf"


def test_a_nominative_letter_is_refused_for_two_habilitations(client):
    first = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    second = HabilitationFactory(user=UserFactory(identifier="T1001162"), convention=first.convention)
    staff(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    response = act(client, "habilitation", "print_access_request", [first, second])
    assert response.get("Content-Type") != "application/pdf"
    assert "le document est nominatif" in client.get(response["Location"]).content.decode()


def test_a_greffier_sent_to_the_administration_does_not_loop(client):
    greffier = HabilitationFactory(user=UserFactory(identifier="T1001161")).user
    log_in(client, greffier)
    url, seen = "/admin/", []
    for _ in range(5):
        response = client.get(url)
        if response.status_code != 302:
            break
        seen.append(url)
        url = response["Location"]
    assert response.status_code in (200, 403), seen
    assert len(seen) <= 3


def test_a_line_break_in_the_organisation_keeps_the_cafs_email(client, django_capture_on_commit_callbacks):
    """DIA-2: the notification's subject is one line whatever the sender typed."""
    caf = Caf.objects.get(number="161")
    caf.offers_dialogue, caf.dialogue_email = True, "dialogue@caf16.example.fr"
    caf.save()
    greffier = HabilitationFactory(user=UserFactory(identifier="T1001161")).user
    log_in(client, greffier, PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("allocataires:dialogue", args=[caf.pk]),
            {
                "token": "6f1c2a52-8d8e-4c4f-9e62-2f0d7b1a9c11",
                "organisation": "BAJ\r\nBcc: tous@example.fr",
                "name": "MARTIN Claire",
                "email": "claire.martin@justice.fr",
                "allocataire_number": "1234567",
                "body": "Bonjour, pouvez-vous confirmer la date ?",
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject and mail.outbox[0].bcc == []
