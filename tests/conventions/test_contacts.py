"""CONV-5: a juridiction's gestionnaire and greffiers see the CAFs of their département with their communication
officers' contacts (annexes 1 and 2, « afin d'engager des contacts au niveau local»)."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from conventions.enums import JuridictionKind
from conventions.models import Baj, Caf
from tests.habilitations.factories import HabilitationFactory, UserFactory, designated, log_in

pytestmark = pytest.mark.django_db


def text(response):
    return " ".join(response.content.decode().split())


def expected(city):
    """The CAFs of the BAJ's département and one of their officers, from the reference data."""
    baj = Baj.objects.get(city=city, juridiction=JuridictionKind.TGI)
    cafs = list(baj.cafs.prefetch_related("contacts"))
    assert cafs and any(caf.contacts.exists() for caf in cafs), "the reference data holds annex 2"
    return baj, cafs


def test_the_gestionnaire_sees_the_cafs_of_the_departement_and_their_contacts(client):
    baj, cafs = expected("Lille")
    manager = UserFactory(identifier="G5900001")
    designated(user=manager, baj=baj, designated_on=timezone.localdate() - dt.timedelta(days=9))
    log_in(client, manager)
    page = html.unescape(text(client.get(reverse("habilitations:partner_cafs"))))
    for caf in cafs:
        assert caf.name in page
        for contact in caf.contacts.all():
            assert contact.last_name in page
    assert "Caf de la Charente" not in page, "another département's CAF"
    assert reverse("habilitations:partner_cafs") in text(client.get(reverse("habilitations:partner_home")))


def test_a_greffier_sees_the_cafs_of_the_departement_of_the_baj_and_their_contacts(client):
    _, cafs = expected("Angoulême")
    log_in(client, HabilitationFactory(user=UserFactory(identifier="T1001161")).user)
    home = text(client.get(reverse("allocataires:home")))
    assert reverse("allocataires:caf_contacts") in home, "in the portal's menu"
    page = text(client.get(reverse("allocataires:caf_contacts")))
    contact = next(contact for caf in cafs for contact in caf.contacts.all())
    assert contact.last_name in page
    assert f"{contact.phone[:2]} {contact.phone[2:4]}" in page, "the phone number in pairs"
    assert "Caf de Lille" not in page


def test_a_greffier_without_access_is_refused(client):
    log_in(client, HabilitationFactory(user=UserFactory(identifier="T1001161"), suspended=True).user)
    assert client.get(reverse("allocataires:caf_contacts")).status_code == 403
    assert Caf.objects.local_contacts_of(Baj.objects.none()).count() == 0
