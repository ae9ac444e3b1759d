import pytest

from conventions.enums import JuridictionKind
from conventions.models import Baj, Caf
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in

NORD = ["591", "592", "593", "594", "595", "596", "597", "599"]


@pytest.fixture
def local_greffier(client, db):
    """CONS-2: a greffier of the BAJ of Angoulême, whose only convention is with the CAF of the Charente."""
    user = HabilitationFactory(user=UserFactory(identifier="T1001161", first_name="Claire", last_name="Martin")).user
    log_in(client, user)
    return user


@pytest.fixture
def multi_greffier(client, db):
    """CONS-2, CONS-5: a greffier of the BAJ of Lille holding a habilitation from each of the eight CAFs of the
    Nord and from the CMAF, under their conventions with the BAJ."""
    lille = Baj.objects.get(city="Lille", juridiction=JuridictionKind.TGI)
    user = UserFactory(identifier="T5900001")
    for caf in [*Caf.objects.filter(number__in=NORD), Caf.objects.get(is_maritime=True)]:
        HabilitationFactory(user=user, convention=ConventionFactory(baj=lille, caf=caf))
    log_in(client, user)
    return user


@pytest.fixture
def search(client):
    """Posts the search form of the menu."""

    def post(number, postal_code=None, cmaf=False, caf=None, legal_aid_file="2026/001234", procedure="admission"):
        data = {"number": number, "legal_aid_file": legal_aid_file, "procedure": procedure}
        if postal_code is not None:
            data["postal_code"] = postal_code
        if cmaf:
            data["cmaf"] = "on"
        if caf:
            data["caf"] = caf
        return client.post("/consulter/", data)

    return post
