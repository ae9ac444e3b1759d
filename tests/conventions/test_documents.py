"""CONV-1, CONV-3 (#24 §7): the printed documents as annex 3 has them — the whole « PROFIL T12 » annex, the
opening letter naming the signatories, the access request's own lines for telephone, fax and e-mail, the
function in agreement with the civility — and every PDF with its title."""

import io

import pytest
from pypdf import PdfReader

from conventions.documents import convention_document, cover_letter_document
from habilitations.documents import habilitation_document
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def read(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()), reader


@pytest.fixture
def habilitation():
    convention = ConventionFactory(
        number="000042/2025", partner_signatory="Jeanne DURAND", caf_signatory="Paul LEFÈVRE"
    )
    baj = convention.baj
    baj.address, baj.phone, baj.fax = "Palais de justice\n16000 ANGOULÊME", "0545000000", "0545000001"
    baj.save()
    user = UserFactory(
        identifier="T1001161", civility="madame", first_name="Inès", last_name="Garnier", email="ines@justice.fr"
    )
    return HabilitationFactory(user=user, convention=convention)


def test_the_t12_annex_reproduces_the_whole_profile_list(habilitation):
    text, reader = read(convention_document(habilitation.convention))
    annex = text.split("Annexe — profil T12")[1]
    for words in (
        "Paiements AAH, complément de ressources AAH, majoration pour la vie autonome",
        "sans déduction des indus",
        "l'année civile qui précède la demande ; les 12 mois qui précèdent la demande ; les mois de l'année en "
        "cours qui précèdent la demande",
        "Date de traitement ou d'émission du paiement",
        "Dialogue",
    ):
        assert words in annex, words
    assert reader.metadata.title == "Convention Caf n° 000042/2025", "a title on one line (PDF metadata)"


def test_the_opening_letter_names_the_signatories_and_agrees_with_the_civility(habilitation):
    text, reader = read(habilitation_document("documents/ouverture_droits.html", habilitation, password="Ab3cd9"))
    assert "signée par Jeanne DURAND, président" in text and "et Paul LEFÈVRE, pour la Caf de la Charente" in text
    assert "Greffière" in text and "Greffier " not in text
    assert reader.metadata.title == "Cafpro — ouverture des droits de consultation"


def test_the_access_request_has_telephone_fax_and_email_on_their_own_lines(habilitation):
    text, _ = read(habilitation_document("documents/demande_acces.html", habilitation))
    assert "Tél. professionnel 0545000000" in text
    assert "Fax professionnel 0545000001" in text
    assert "E-mail professionnel ines@justice.fr" in text
    assert "Fonction Greffière" in text


def test_every_document_has_a_title_on_one_line(habilitation):
    for pdf in (
        cover_letter_document(habilitation.convention),
        habilitation_document("documents/demande_suppression.html", habilitation),
    ):
        title = PdfReader(io.BytesIO(pdf)).metadata.title
        assert title and title == " ".join(title.split()), repr(title)
