"""CONS-5, CONS-6: the access matrix, generated from the same catalogue and profile table the code reads,
and IDOR attempts across CAFs, users and sessions."""

import pytest
from django.test import Client
from django.urls import reverse

from conventions.models import Caf, Profile
from conventions.rubriques import CATALOGUE
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.allocataires.factories import DossierFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in
from tests.helpers import open_dossier

pytestmark = pytest.mark.django_db

# A narrow profile: the address only, and the header without the names.
NARROW = {"entete": ["numero"], "adresse": ["adresse"]}
TABS = [rubrique.code for rubrique in CATALOGUE.tabs()]


def profiles():
    return [("T12", None), ("NARROW", NARROW)]


@pytest.fixture(params=profiles(), ids=lambda p: p[0])
def profile(request, db):
    code, grants = request.param
    if grants is None:
        return Profile.objects.get(code=code)
    return Profile.objects.create(code=code, label="Profil restreint de test", grants=grants)


@pytest.mark.parametrize("rubrique", TABS)
def test_access_matrix(client, profile, rubrique):
    """Every (profile, rubrique) pair: shown when the profile opens it, 403 otherwise (deny by default)."""
    user = HabilitationFactory(profile=profile).user
    log_in(client, user)
    dossier = DossierFactory(number="1234567")
    open_dossier(client, "1234567")
    response = client.get(reverse("allocataires:rubrique", args=[dossier.pk, rubrique]))
    assert response.status_code == (200 if profile.opens(rubrique) else 403)
    if response.status_code == 200:
        tabs = [code for code, _ in response.context["tabs"]]
        assert tabs == [code for code in TABS if profile.opens(code)]


def test_a_profile_with_an_unknown_rubrique_or_field_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Rubrique inconnue"):
        Profile(code="X", label="X", grants={"banque": ["iban"]}).full_clean()
    with pytest.raises(ValidationError, match="Champs inconnus"):
        Profile(code="X", label="X", grants={"famille": ["iban"]}).full_clean()


def test_a_dossier_not_opened_through_the_search_is_not_found(local_greffier, client):
    """IDOR: a dossier in scope but reached by URL, without typing its number, is refused and journaled."""
    dossier = DossierFactory(number="1234567")
    response = client.get(reverse("allocataires:rubrique", args=[dossier.pk, "famille"]))
    assert response.status_code == 404
    assert dossier.persons.first().nir not in response.content.decode()
    assert JournalEntry.objects.filter(event=JournalEvent.CONSULTATION_REFUSED).count() == 1


def test_a_dossier_of_another_caf_is_not_found_even_by_url(local_greffier, client):
    other = DossierFactory(number="1234567", caf=Caf.objects.get(number="171"))
    session = client.session
    session["cafpro_opened"] = [[other.pk, "2026/1", "admission"]]  # as if a session had been tampered with
    session.save()
    for rubrique in [*TABS, "edition"]:
        url = (
            reverse("allocataires:edition", args=[other.pk])
            if rubrique == "edition"
            else reverse("allocataires:rubrique", args=[other.pk, rubrique])
        )
        assert client.get(url).status_code == 404, rubrique


def test_another_users_opened_dossier_is_not_reachable(local_greffier, client):
    dossier = DossierFactory(number="1234567")
    open_dossier(client, "1234567")
    colleague = Client()
    log_in(colleague, HabilitationFactory(user=UserFactory(identifier="T1001170")).user)
    assert colleague.get(reverse("allocataires:rubrique", args=[dossier.pk, "adresse"])).status_code == 404


def test_unknown_rubrique_and_unknown_dossier(local_greffier, client):
    assert client.get("/dossiers/999999/adresse/").status_code == 404
    dossier = DossierFactory(number="1234567")
    open_dossier(client, "1234567")
    assert client.get(f"/dossiers/{dossier.pk}/banque/").status_code == 403


def test_no_consultation_without_a_session(client):
    dossier = DossierFactory(number="1234567")
    response = client.get(reverse("allocataires:rubrique", args=[dossier.pk, "adresse"]))
    assert response["Location"] == reverse("habilitations:session_expired")


@pytest.mark.parametrize("state", ["active", "multi", "revoked", "suspended", "requested", "convention_ended"])
def test_the_scope_from_the_requests_access_is_the_scope_of_the_user(state):
    """CONS-5: the consultation scopes dossiers by the access computed once per day and version
    (`visible_through(compute_access(user, day))`); it must be exactly `visible_to(user, day)` in every state."""
    import datetime as dt

    from django.utils import timezone

    from allocataires.models import Dossier
    from habilitations.access import compute_access
    from tests.conventions.factories import ConventionFactory

    habilitation = HabilitationFactory(**({state: True} if state in ("revoked", "suspended", "requested") else {}))
    if state == "multi":
        for caf in Caf.objects.filter(number__in=["171", "591"]):
            HabilitationFactory(user=habilitation.user, convention=ConventionFactory(caf=caf))
        ConventionFactory(baj=habilitation.convention.baj, caf=Caf.objects.get(number="592"))  # no habilitation
    if state == "convention_ended":
        habilitation.convention.ends_on = timezone.localdate() - dt.timedelta(days=1)
        habilitation.convention.save()
    for caf in Caf.objects.filter(number__in=["161", "171", "591", "592"]):
        DossierFactory(caf=caf)
    user, today = habilitation.user, timezone.localdate()
    expected = set(Dossier.objects.visible_to(user, today))
    assert set(Dossier.objects.visible_through(compute_access(user, today))) == expected
    assert len(expected) == {"active": 1, "multi": 3}.get(state, 0)
