"""ROLE-2, ROLE-3, ROLE-7 (#24): an agent of several CAFs says which one they act for — a surveillance, a second
factor reset — never the first of several."""

import pytest
from django.urls import reverse

from conventions.enums import CafRoleKind
from conventions.models import Baj, Caf, CafRole
from habilitations.models import PendingConfirmation, Surveillance
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in

pytestmark = pytest.mark.django_db
RESET_PAGE = reverse("habilitations:second_factor_reset")
SURVEILLANCE = reverse("habilitations:officer_surveillances")


@pytest.fixture
def greffier():
    """T1001161, habilitated by the CAF of the Charente (161) and by the CAF of the Charente-Maritime (171)."""
    user = UserFactory(identifier="T1001161")
    HabilitationFactory(user=user)
    saintes = ConventionFactory(caf=Caf.objects.get(number="171"), baj=Baj.objects.get(city="Saintes"))
    HabilitationFactory(user=user, convention=saintes)
    return user


def agent_of_both(client, identifier, kind):
    agent = UserFactory(identifier=identifier, staff=True)
    for number in ("161", "171"):
        CafRole.objects.create(user=agent, caf=Caf.objects.get(number=number), kind=kind)
    log_in(client, agent)
    return agent


def test_an_officer_of_two_cafs_chooses_the_caf_of_a_surveillance(client, greffier):
    agent_of_both(client, "RSSI1610", CafRoleKind.SECURITY_OFFICER)
    data = {"identifier": "T1001161", "reason": "consultations répétées"}
    refused = client.post(SURVEILLANCE, data)
    assert refused.status_code == 200 and "Choisissez la Caf." in refused.content.decode()
    assert not Surveillance.objects.exists()
    saintes = Caf.objects.get(number="171")
    assert client.post(SURVEILLANCE, {**data, "caf": saintes.pk}).status_code == 302
    assert Surveillance.objects.get().caf == saintes, "the CAF chosen, not the first of the two"


def test_an_administrator_of_two_cafs_chooses_the_caf_of_a_second_factor_reset(client, greffier):
    agent_of_both(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    data = {"identifier": "T1001161", "reason": "téléphone perdu"}
    refused = client.post(RESET_PAGE, data)
    assert refused.status_code == 200 and "Choisissez la Caf." in refused.content.decode()
    assert not JournalEntry.objects.filter(event=JournalEvent.SECOND_FACTOR_RESET).exists()
    saintes = Caf.objects.get(number="171")
    assert client.post(RESET_PAGE, {**data, "caf": saintes.pk})["Location"] == RESET_PAGE
    lines = JournalEntry.objects.filter(event=JournalEvent.SECOND_FACTOR_RESET)
    assert lines and all("(par la Caf de la Charente-Maritime)" in line.detail for line in lines)
    # ROLE-7: the reset opens the chosen CAF's habilitation only; the other one owes a confirmation.
    assert list(PendingConfirmation.objects.filter(user=greffier).values_list("caf__number", flat=True)) == ["161"]


def test_a_caf_the_agent_does_not_administer_is_no_choice(client, greffier):
    agent_of_both(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    other = Caf.objects.get(number="591")
    refused = client.post(RESET_PAGE, {"identifier": "T1001161", "reason": "perdu", "caf": other.pk})
    assert refused.status_code == 200 and "Choisissez la Caf." in refused.content.decode()


def test_the_reset_says_what_it_did_and_only_that(client, greffier):
    """AUTH-11 (#24 walk): the reset of a greffier with no phone, whose CAF asks no code, answered « elle sera de
    nouveau activée à sa prochaine connexion »; it says no phone was enrolled and the account is asked no code."""
    agent_of_both(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    answer = client.post(
        RESET_PAGE, {"identifier": "T1001161", "reason": "téléphone perdu", "caf": Caf.objects.get(number="161").pk}
    )
    said = " ".join(str(m) for m in answer.wsgi_request._messages)
    assert "aucun téléphone n'était enregistré" in said and "son compte ne demande pas de code" in said
    assert "sera de nouveau activée" not in said
