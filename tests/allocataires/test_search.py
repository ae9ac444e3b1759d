"""CONS-2, CONS-4, CONS-5, CONS-15, REF-3, JRN-2: the search form and the scope of a greffier."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from allocataires.forms import NOT_FOUND, OUTSIDE_ACCESS
from conventions.models import Caf
from habilitations.enums import HabilitationStatus
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.allocataires.factories import DossierFactory

pytestmark = pytest.mark.django_db


def refused():
    return list(
        JournalEntry.objects.filter(event=JournalEvent.CONSULTATION_REFUSED)
        .order_by("pk")
        .values_list("allocataire_number", flat=True)
    )


def text(response):
    return html.unescape(response.content.decode())


def test_local_search_opens_the_dossier(local_greffier, search, client):
    dossier = DossierFactory(number="1234567")
    response = search("1234567")
    assert response.status_code == 302
    assert response["Location"] == reverse("allocataires:rubrique", args=[dossier.pk, "paiements"])


def test_the_number_may_be_typed_with_spaces(local_greffier, search):
    DossierFactory(number="1234567")
    assert search(" 123 4567 ").status_code == 302


def test_several_dossiers_in_one_session(local_greffier, search, client):
    """CONS-4."""
    first, second = DossierFactory(number="1234567"), DossierFactory(number="7654321")
    search("1234567")
    search("7654321")
    for dossier in (first, second):
        assert client.get(reverse("allocataires:rubrique", args=[dossier.pk, "adresse"])).status_code == 200


@pytest.mark.parametrize(
    "number, message",
    [
        ("123456", "Le numéro d'allocataire comporte 7 chiffres."),
        ("12345678", "Le numéro d'allocataire comporte 7 chiffres."),
        ("12a4567", "Le numéro d'allocataire comporte 7 chiffres."),
        ("", "Saisissez le numéro d'allocataire."),
        ("1" * 500, "Le numéro d'allocataire comporte 7 chiffres."),
    ],
)
def test_malformed_numbers(local_greffier, search, number, message):
    """CONS-15: a clear message on the same page, nothing crashes."""
    response = search(number)
    assert response.status_code == 200
    assert message in text(response)


def test_not_found_and_out_of_scope_get_the_same_answer(local_greffier, search):
    """CONS-5: the existence of a dossier of another CAF is not leaked; both refusals are journaled."""
    DossierFactory(number="1717171", caf=Caf.objects.get(number="171"))
    out_of_scope = search("1717171")
    nonexistent = search("7777777")
    for response in (out_of_scope, nonexistent):
        assert response.status_code == 200
        assert NOT_FOUND in text(response)
    assert out_of_scope.context["search_form"].errors == nonexistent.context["search_form"].errors
    assert refused() == ["1717171", "7777777"]


def test_multi_caf_search_by_postal_code(multi_greffier, search):
    dossier = DossierFactory(number="1234567", caf=Caf.objects.get(number="597"))
    response = search("1234567", postal_code="59100")
    assert response["Location"] == reverse("allocataires:rubrique", args=[dossier.pk, "paiements"])


def test_multi_caf_postal_code_of_several_cafs_asks_which(multi_greffier, search):
    """REF-3: several CAFs possible → the user picks among them."""
    dossier = DossierFactory(number="1234567", caf=Caf.objects.get(number="593"))
    response = search("1234567", postal_code="59870")
    assert response.status_code == 200
    assert "Plusieurs Caf couvrent ce code postal" in text(response)
    assert [caf.number for caf in response.context["search_form"].caf_choices] == [
        "591", "592", "593", "594", "595", "596", "597", "599",
    ]  # fmt: skip
    response = search("1234567", postal_code="59870", caf="593")
    assert response["Location"] == reverse("allocataires:rubrique", args=[dossier.pk, "paiements"])


def test_multi_caf_search_of_the_cmaf(multi_greffier, search):
    dossier = DossierFactory(number="1234567", caf=Caf.objects.get(is_maritime=True))
    assert search("1234567", cmaf=True)["Location"] == reverse("allocataires:rubrique", args=[dossier.pk, "paiements"])


def test_a_charente_maritime_code_never_reaches_the_cmaf(multi_greffier, search):
    """The manual: a 17xxx code routes to La Rochelle, outside this greffier's access: the precise message, and
    the refusal journaled for the officers of the greffier's CAFs (CONS-5)."""
    DossierFactory(number="1234567", caf=Caf.objects.get(is_maritime=True))
    response = search("1234567", postal_code="17000")
    assert OUTSIDE_ACCESS in text(response) and NOT_FOUND not in text(response)
    refused = JournalEntry.objects.get(event=JournalEvent.CONSULTATION_REFUSED)
    assert (refused.user, refused.caf, refused.detail) == (multi_greffier, None, "code postal 17000 hors de l'accès")


@pytest.mark.parametrize(
    "postal_code, cmaf, message",
    [
        ("59000", True, "soit le code postal, soit la case CMAF, mais pas les deux"),
        ("", False, "Saisissez le code postal de l'allocataire, ou cochez la case CMAF."),
        ("5900", False, "Le code postal comporte 5 chiffres."),
        ("59 0001", False, "Le code postal comporte 5 chiffres."),
        ("98000", False, "Le code postal 98000 ne correspond à aucune Caf."),
    ],
)
def test_multi_caf_bad_input(multi_greffier, search, postal_code, cmaf, message):
    """CONS-2, CONS-15: the CMAF/postal-code exclusion is enforced by the server too."""
    response = search("1234567", postal_code=postal_code, cmaf=cmaf)
    assert response.status_code == 200
    assert message in text(response)


def test_the_cmaf_box_is_offered_with_a_cmaf_convention(multi_greffier, client):
    page = client.get("/accueil/").content.decode()
    assert 'name="cmaf"' in page and 'name="postal_code"' in page


def test_local_access_has_no_postal_code_field_and_shows_the_caf_signature(local_greffier, client):
    """CONS-1, CONS-2."""
    page = client.get("/accueil/").content.decode()
    assert 'name="postal_code"' not in page and 'name="cmaf"' not in page
    assert "Caf de la Charente" in page


def test_multi_caf_access_shows_the_generic_banner_until_a_dossier_is_shown(multi_greffier, client, search):
    """CONS-1: "Allocations familiales", then the CAF's own signature once a dossier is shown."""
    banner = client.get("/accueil/").content.decode().split("</header>")[0]
    assert "Allocations familiales" in banner
    dossier = DossierFactory(number="1234567", caf=Caf.objects.get(number="597"))
    search("1234567", postal_code="59100")
    page = client.get(reverse("allocataires:rubrique", args=[dossier.pk, "adresse"])).content.decode()
    assert "Caf de Roubaix" in page.split("</header>")[0]


@pytest.mark.parametrize(
    "status", [HabilitationStatus.REVOKED, HabilitationStatus.SUSPENDED, HabilitationStatus.REQUESTED]
)
def test_no_search_without_an_active_habilitation(local_greffier, client, search, status):
    DossierFactory(number="1234567")
    local_greffier.habilitations.update(status=status)
    assert client.get("/accueil/").status_code == 403
    assert search("1234567").status_code == 403


def test_an_ended_convention_ends_the_access_and_closes_opened_dossiers(local_greffier, client, search):
    """CONS-5, CONV-2: the scope is checked again on every request."""
    dossier = DossierFactory(number="1234567")
    search("1234567")
    url = reverse("allocataires:rubrique", args=[dossier.pk, "adresse"])
    assert client.get(url).status_code == 200
    local_greffier.habilitations.get().convention.__class__.objects.update(ends_on=dt.date.today())
    assert client.get(url).status_code == 403


def test_search_needs_a_post_and_a_session(client):
    assert client.get("/consulter/")["Location"] == reverse("habilitations:session_expired")
