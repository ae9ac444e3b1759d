"""DIA-1 … DIA-3: the Dialogue rubrique — the pictogram rule, the form, the confirmation, no duplicate, the CAF
side scoped to its CAF, the journal line."""

import html
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from allocataires.enums import DialogueStatus
from allocataires.models import DialogueMessage
from conventions.enums import CafRoleKind
from conventions.models import Caf, CafRole
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.allocataires.factories import DossierFactory
from tests.habilitations.factories import UserFactory, log_in
from tests.helpers import open_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def charente():
    caf = Caf.objects.get(number="161")
    caf.offers_dialogue = True
    caf.save()
    return caf


def valid(token=None, **overrides):
    data = {
        "token": str(token or uuid.uuid4()),
        "organisation": "BAJ du tribunal judiciaire d'Angoulême",
        "name": "MARTIN Claire",
        "email": "claire.martin@justice.fr",
        "allocataire_number": "1234567",
        "body": "Bonjour, le dossier 1234567 indique une AAH suspendue : pouvez-vous confirmer la date ?",
    }
    return {**data, **overrides}


def text(response):
    return " ".join(html.unescape(response.content.decode()).split())


def test_the_pictogram_appears_only_when_the_caf_offers_dialogue(local_greffier, client):
    """DIA-1."""
    assert "Dialogue" not in client.get("/accueil/").content.decode().split("</header>")[0]
    caf = Caf.objects.get(number="161")
    caf.offers_dialogue = True
    caf.save()
    banner = client.get("/accueil/").content.decode().split("</header>")[0]
    assert reverse("allocataires:dialogue", args=[caf.pk]) in banner


def test_the_url_refuses_a_caf_without_dialogue_or_out_of_scope(local_greffier, client):
    caf = Caf.objects.get(number="161")
    assert client.get(reverse("allocataires:dialogue", args=[caf.pk])).status_code == 403
    other = Caf.objects.get(number="171")
    other.offers_dialogue = True
    other.save()
    assert client.get(reverse("allocataires:dialogue", args=[other.pk])).status_code == 403
    assert client.post(reverse("allocataires:dialogue", args=[other.pk]), valid()).status_code == 403
    assert not DialogueMessage.objects.exists()


def test_the_form_is_prefilled_and_carries_the_privacy_mention(local_greffier, client, charente):
    """DIA-2, RGPD-1: the notice cites the RGPD as well as the loi de 1978 (#24) and links its page."""
    response = client.get(reverse("allocataires:dialogue", args=[charente.pk]))
    form = response.context["form"]
    assert form.initial["name"] == "MARTIN Claire"
    assert form.initial["organisation"] == "BAJ Tribunal de grande instance d’Angoulême"
    body = text(response)
    assert "Vérifiez bien que l'adresse électronique est correcte" in body
    notice = body[body.index("Après avoir cliqué sur « Envoyer »") :]
    assert "droit d'accès, de rectification, de limitation et d'opposition" in notice
    assert "règlement général sur la protection des données, RGPD" in notice
    assert "loi n° 78-17 du 6 janvier 1978" in notice
    assert 'href="/donnees-personnelles/#droits"' in response.content.decode()


def test_sending_leads_to_the_confirmation_and_journals(local_greffier, client, charente):
    response = client.post(reverse("allocataires:dialogue", args=[charente.pk]), valid())
    message = DialogueMessage.objects.get()
    assert response["Location"] == reverse("allocataires:dialogue_sent", args=[message.token])
    confirmation = client.get(response["Location"])
    assert "Votre message a bien été transmis à la Caf de la Charente" in text(confirmation)
    assert (message.caf, message.sender, message.status) == (charente, local_greffier, DialogueStatus.NEW)
    entry = JournalEntry.objects.get(event=JournalEvent.DIALOGUE_SENT)
    assert (entry.user, entry.caf, entry.allocataire_number) == (local_greffier, charente, "1234567")


def test_a_second_submission_of_the_same_form_creates_no_second_message(local_greffier, client, charente):
    token = uuid.uuid4()
    first = client.post(reverse("allocataires:dialogue", args=[charente.pk]), valid(token))
    second = client.post(reverse("allocataires:dialogue", args=[charente.pk]), valid(token))
    assert first["Location"] == second["Location"]
    assert DialogueMessage.objects.count() == 1
    assert JournalEntry.objects.filter(event=JournalEvent.DIALOGUE_SENT).count() == 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "claire.martin@", "Cette adresse électronique n'est pas valide"),
        ("email", "", "la Caf vous répondra à cette adresse"),
        ("organisation", "", "Indiquez le nom de votre organisme."),
        ("name", "", "Indiquez vos nom et prénom."),
        ("body", "   ", "Écrivez votre message."),
        ("body", "x" * 4001, "Le message est limité à 4000 caractères (il en compte 4001)."),
        ("allocataire_number", "12345", "Le numéro d'allocataire comporte 7 chiffres."),
        ("token", "pas-une-clé", "UUID"),
    ],
)
def test_validation_messages(local_greffier, client, charente, field, value, message):
    response = client.post(reverse("allocataires:dialogue", args=[charente.pk]), valid(**{field: value}))
    assert response.status_code == 200
    if field != "token":
        assert message in text(response)
    assert not DialogueMessage.objects.exists()


def test_the_confirmation_page_is_for_the_sender_only(local_greffier, client, charente):
    client.post(reverse("allocataires:dialogue", args=[charente.pk]), valid())
    message = DialogueMessage.objects.get()
    other = Client()
    log_in(other, UserFactory(identifier="T1009999"))
    assert other.get(reverse("allocataires:dialogue_sent", args=[message.token])).status_code in (403, 404)


def test_the_caf_is_notified_by_email_when_it_asked(
    local_greffier, client, charente, django_capture_on_commit_callbacks
):
    charente.dialogue_email = "dialogue@caf16.example.fr"
    charente.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("allocataires:dialogue", args=[charente.pk]), valid())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dialogue@caf16.example.fr"]
    assert "1234567" not in mail.outbox[0].body, "no allocataire data in an e-mail"


def agent(caf_number, identifier):
    user = UserFactory(identifier=identifier, staff=True)
    CafRole.objects.create(user=user, caf=Caf.objects.get(number=caf_number), kind=CafRoleKind.ADMINISTRATOR)
    return user


def test_the_caf_side_sees_its_own_messages_only_and_records_who_handled_them(local_greffier, client, charente):
    """DIA-3, ROLE-3: scoped by the agent's CAF, including through URL tampering."""
    client.post(reverse("allocataires:dialogue", args=[charente.pk]), valid())
    ours = DialogueMessage.objects.get()
    theirs = DialogueMessage.objects.create(
        token=uuid.uuid4(), caf=Caf.objects.get(number="171"), sender=local_greffier, organisation="X", name="Y",
        email="y@example.fr", body="Autre Caf",
    )  # fmt: skip
    agent_161, staff_client = agent("161", "CAF16101"), Client()
    log_in(staff_client, agent_161)
    listing = staff_client.get(reverse("admin:allocataires_dialoguemessage_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [ours]
    assert staff_client.get(reverse("admin:allocataires_dialoguemessage_change", args=[theirs.pk])).status_code == 302
    response = staff_client.post(
        reverse("admin:allocataires_dialoguemessage_change", args=[ours.pk]), {"status": DialogueStatus.IN_PROGRESS}
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.status, ours.handled_by) == (DialogueStatus.IN_PROGRESS, agent_161)
    assert ours.body.startswith("Bonjour"), "the message itself is read-only"
    assert staff_client.post(reverse("admin:allocataires_dialoguemessage_delete", args=[ours.pk])).status_code == 403


def test_a_staff_member_without_caf_role_sees_no_message(client):
    staff = UserFactory(identifier="AGENT001", staff=True)
    log_in(client, staff)
    assert client.get(reverse("admin:allocataires_dialoguemessage_changelist")).status_code == 403


def test_the_dossier_banner_shows_the_pictogram_of_the_dossiers_caf(local_greffier, client, charente):
    dossier = DossierFactory(number="1234567")
    open_dossier(client, "1234567")
    page = client.get(reverse("allocataires:rubrique", args=[dossier.pk, "adresse"])).content.decode()
    assert reverse("allocataires:dialogue", args=[charente.pk]) in page.split("</header>")[0]


def test_opened_from_a_dossier_the_form_carries_its_number(local_greffier, client, charente):
    """#18 §4: the pictogram of a dossier's page passes the dossier; one this session did not open gives nothing."""
    dossier = DossierFactory(number="1234567")
    open_dossier(client, "1234567")
    page = client.get(reverse("allocataires:rubrique", args=[dossier.pk, "dossier"]))
    link = f"{reverse('allocataires:dialogue', args=[charente.pk])}?dossier={dossier.pk}"
    assert link in page.content.decode()
    assert client.get(link).context["form"].initial["allocataire_number"] == "1234567"
    other = DossierFactory(number="7654321")
    url = reverse("allocataires:dialogue", args=[charente.pk])
    for value in (str(other.pk), "x", "99999999999999999999999"):
        assert client.get(url, {"dossier": value}).context["form"].initial["allocataire_number"] == ""


def test_the_caf_is_notified_after_the_greffier_opened_other_pages(local_greffier, client, charente):
    """DIA-4: the access kept in the session carries a copy of the CAF without its Dialogue address; the mail
    must still leave once the greffier has browsed (here: the home page before the form)."""
    charente.dialogue_email = "dialogue@caf16.example.fr"
    charente.save()
    assert client.get("/accueil/").status_code == 200  # the access is now kept in the session
    assert client.get(reverse("allocataires:dialogue", args=[charente.pk])).status_code == 200
    client.post(reverse("allocataires:dialogue", args=[charente.pk]), valid())
    assert [message.to for message in mail.outbox] == [["dialogue@caf16.example.fr"]]


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")


def test_a_notification_that_cannot_leave_is_told_logged_and_journaled(
    local_greffier, client, charente, settings, caplog
):
    """DIA-4: never silent — the greffier is told, the log and the journal keep it; the message stays recorded."""
    settings.EMAIL_BACKEND = "tests.allocataires.test_dialogue.BrokenBackend"
    charente.dialogue_email = "dialogue@caf16.example.fr"
    charente.save()
    response = client.post(reverse("allocataires:dialogue", args=[charente.pk]), valid(), follow=True)
    assert "le courriel qui prévient la Caf n'a pas pu partir" in text(response)
    assert DialogueMessage.objects.count() == 1
    failed = JournalEntry.objects.get(event=JournalEvent.DIALOGUE_NOTIFY_FAILED)
    assert (failed.caf, failed.user) == (charente, local_greffier)
    assert "dialogue@caf16.example.fr" in failed.detail
    assert any("notification" in record.message and record.levelname == "ERROR" for record in caplog.records)
