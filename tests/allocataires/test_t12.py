"""CONS-6, CONS-10, CONS-13 (corrected): the profile T12 opens exactly the convention's annex "PROFIL T12 —
Catégories d'informations accessibles par les greffiers" (annex 3): no NIR, no date of death, no pregnancy date,
no INSEE code, in any page or PDF a T12 greffier can obtain; the convention's annex lists the same."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conventions.documents import convention_document
from conventions.models import Profile
from conventions.rubriques import CATALOGUE
from tests.allocataires.factories import DependantFactory, DossierFactory, PaymentFactory, PersonFactory
from tests.conventions.factories import ConventionFactory
from tests.helpers import open_dossier

pytestmark = pytest.mark.django_db
NIR_SHAPED = re.compile(r"[12]\s?\d{2}\s?\d{2}\s?(\d{2}|2A|2B)\s?\d{3}\s?\d{3}\s?\d{2}")
DEATH, PREGNANCY, MODIFIED = dt.date(2025, 10, 3), dt.date(2026, 5, 6), dt.date(2026, 5, 13)

# The annex, as the convention lists it (annex 3): rubrique → the fields T12 opens.
ANNEX = {
    "entete": {"numero", "noms", "responsable"},
    "paiements": {"periode", "traitement", "montant"},
    "dossier": {"situation", "suspension", "enfants_pf", "personnes_logement", "nationalite", "titre_sejour"},
    "famille": {"situation_famille", "naissance", "activite", "nom_naissance", "enfants", "autres_personnes"},
    "rmi": {"situation", "demandeur", "personnes_rmi", "demande", "droit", "motif_fin"},
    "ressources": {"annee", "type_personne", "nature"},
    "adresse": {"adresse"},
}


def test_t12_opens_exactly_the_annex():
    t12 = Profile.objects.get(code="T12")
    t12.full_clean()
    assert {code: set(fields) for code, fields in t12.grants.items()} == ANNEX


def test_nothing_outside_the_annex_reaches_a_t12_greffier(client, local_greffier, monkeypatch):
    dossier = DossierFactory(
        number="1234567", couple=False, pregnancy_start=PREGNANCY, pregnancy_start_modified=MODIFIED
    )
    madame = PersonFactory(dossier=dossier)
    monsieur = PersonFactory(dossier=dossier, role="monsieur", first_name="Roger", sex=1, death_date=DEATH)
    child = DependantFactory(dossier=dossier, nir=madame.nir[:5] + "16015" + "07" + "00")
    child.nir = child.nir[:13] + f"{97 - int(child.nir[:13]) % 97:02d}"
    child.save()
    PaymentFactory(dossier=dossier, paid_on=timezone.localdate().replace(day=5) - dt.timedelta(days=31))
    open_dossier(client, "1234567")
    period = {"date": f"{timezone.localdate():%d%m%Y}", "mode": "douze_mois"}
    pages = {
        tab.code: client.get(reverse("allocataires:rubrique", args=[dossier.pk, tab.code]), period).content.decode()
        for tab in CATALOGUE.tabs()
    }
    editions = []
    monkeypatch.setattr("allocataires.views.html_to_pdf", lambda html: editions.append(html) or b"%PDF-1.7")
    client.get(reverse("allocataires:edition", args=[dossier.pk]), period)
    for name, html in [*pages.items(), ("edition", editions[0])]:
        for secret in [madame.nir, monsieur.nir, child.nir]:
            assert secret not in html, (name, secret)
        assert not NIR_SHAPED.search(re.sub(r"<[^>]+>", " ", html)), name
        for date in [DEATH, PREGNANCY, MODIFIED]:
            assert f"{date:%d/%m/%Y}" not in html, (name, date)
        assert "16015" not in html, (name, "INSEE code")


def test_the_conventions_annex_lists_the_t12_fields_and_nothing_else():
    pdf = convention_document(ConventionFactory())
    if pdf is None:
        pytest.skip("the PDF needs the Pango library (apt-get install libpango-1.0-0 libpangoft2-1.0-0)")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Nombre d'enfants à charge au sens du RMI" in text  # the annex's words (CONS-11)
    assert "Adresse postale du dossier" in text
    for absent in ["NIR", "décès", "grossesse", "INSEE"]:
        assert absent not in text, absent
