"""PUR-1, PUR-2: every consultation states its legal-aid file — the BAJ's file number and the procedure — at the
search, remembered for that dossier for the session, never carried to another; every journal line of the
consultation carries it; the officer filters by it, exports it, and the edition prints it."""

import html

import pytest
from django.urls import reverse

from conventions.enums import CafRoleKind
from conventions.models import Caf, CafRole
from journal.enums import JournalEvent, LegalAidProcedure
from journal.models import JournalEntry
from tests.allocataires.factories import DossierFactory
from tests.habilitations.factories import UserFactory, log_in
from tests.helpers import open_dossier

pytestmark = pytest.mark.django_db


def rubrique(client, dossier, code):
    return client.get(reverse("allocataires:rubrique", args=[dossier.pk, code]))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"legal_aid_file": ""}, "Saisissez le numéro du dossier d'aide juridictionnelle du BAJ."),
        ({"legal_aid_file": "2026 001"}, "de 1 à 30 lettres, chiffres"),
        ({"legal_aid_file": "2026/<b>"}, "de 1 à 30 lettres, chiffres"),
        ({"legal_aid_file": "A" * 31}, "au plus 30 caractères"),
        ({"procedure": ""}, "Choisissez la procédure"),
        ({"procedure": "appel"}, "Choisissez la procédure"),
    ],
)
def test_a_search_states_its_legal_aid_file(client, local_greffier, data, message):
    DossierFactory(number="1234567")
    response = open_dossier(client, "1234567", **data)
    assert response.status_code == 200 and message in html.unescape(response.content.decode())
    assert not JournalEntry.objects.filter(event=JournalEvent.CONSULTATION).exists()


def test_the_purpose_is_kept_for_its_dossier_and_never_carried_to_another(client, local_greffier):
    first, second = DossierFactory(number="1000001"), DossierFactory(number="1000002")
    open_dossier(client, "1000001", legal_aid_file="2026/AJ-17.3", procedure=LegalAidProcedure.RETRAIT)
    for code in ["paiements", "famille", "adresse"]:
        page = rubrique(client, first, code).content.decode()
        assert "dossier d&#x27;aide juridictionnelle n° 2026/AJ-17.3 (Retrait de l&#x27;aide)" in page, code
    open_dossier(client, "1000002", legal_aid_file="2026/AJ-18", procedure=LegalAidProcedure.ADMISSION)
    rubrique(client, second, "dossier")
    rubrique(client, first, "rmi")
    lines = JournalEntry.objects.filter(event=JournalEvent.CONSULTATION).order_by("pk")
    assert [(line.allocataire_number, line.rubrique, line.legal_aid_file, line.procedure) for line in lines] == [
        ("1000001", "paiements", "2026/AJ-17.3", "retrait"),
        ("1000001", "famille", "2026/AJ-17.3", "retrait"),
        ("1000001", "adresse", "2026/AJ-17.3", "retrait"),
        ("1000002", "dossier", "2026/AJ-18", "admission"),
        ("1000001", "rmi", "2026/AJ-17.3", "retrait"),
    ]
    search = client.get("/accueil/").content.decode()
    assert "2026/AJ-18" not in search and "2026/AJ-17.3" not in search, "the search form starts empty"


def test_a_refused_search_carries_the_file_it_was_stated_for(client, local_greffier):
    open_dossier(client, "7654321", legal_aid_file="2026/99")
    refused = JournalEntry.objects.get(event=JournalEvent.CONSULTATION_REFUSED)
    assert (refused.legal_aid_file, refused.procedure) == ("2026/99", "admission")


def test_the_edition_prints_the_purpose_and_journals_it(client, local_greffier, monkeypatch):
    dossier = DossierFactory(number="1234567")
    open_dossier(client, "1234567", legal_aid_file="2026/555", procedure=LegalAidProcedure.NOUVELLE_DELIBERATION)
    editions = []
    monkeypatch.setattr("allocataires.views.html_to_pdf", lambda html: editions.append(html) or b"%PDF-1.7")
    client.get(reverse("allocataires:edition", args=[dossier.pk]))
    assert "n° 2026/555 (Nouvelle délibération)" in editions[0]
    line = JournalEntry.objects.get(event=JournalEvent.EDITION)
    assert (line.legal_aid_file, line.procedure) == ("2026/555", "nouvelle_deliberation")


def test_the_officer_filters_by_legal_aid_file_and_exports_it(client, local_greffier):
    dossier = DossierFactory(number="1234567")
    open_dossier(client, "1234567", legal_aid_file="2026/321")
    rubrique(client, dossier, "famille")
    open_dossier(client, "1234567", legal_aid_file="2026/322")
    rubrique(client, dossier, "adresse")
    client.post(reverse("habilitations:logout"))
    officer = UserFactory(identifier="CAF16101", staff=True)
    CafRole.objects.create(user=officer, caf=Caf.objects.get(number="161"), kind=CafRoleKind.SECURITY_OFFICER)
    log_in(client, officer)
    journal = reverse("habilitations:officer_journal")
    rows = client.get(journal, {"dossier_aj": "2026/321"}).context["rows"]
    assert [(row.rubrique, row.legal_aid_file) for row in rows] == [("famille", "2026/321")]
    export = b"".join(client.get(journal, {"dossier_aj": "2026/322", "format": "csv"}).streaming_content).decode()
    header, *lines = export.splitlines()
    assert "n° de dossier d'aide juridictionnelle;procédure" in header
    assert lines and all(";2026/322;Demande d'aide juridictionnelle;" in line for line in lines)
