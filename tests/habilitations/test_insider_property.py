"""ROLE-7 (#22, "Done when"): whatever sequence of administration acts, buttons and partner acts the Caf de Lille's
staff make — through the accounts whose letters they printed too —, the dossiers those sessions read and the
habilitations they change stay within the Caf de Lille's.

A hypothesis state machine drives the real pages (Django test client): the agent CAF59501's list actions and
buttons on every habilitation and gestionnaire its administration shows or refuses, the letters it prints (the
passwords read in them are what the insider knows), the gestionnaire accounts it records, and the sessions the
insider opens with those passwords — reading every dossier of the Nord world, asking removals and accesses in the
partner space. After every step, nothing of another CAF has changed; every session reads Lille's dossiers at
most. Each example runs in a savepoint rolled back at its end. Bounded (a few examples of a dozen steps) so that it
takes well under a minute in `make test`."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from conventions.models import BajManager, Convention
from habilitations.enums import GreffeFunction
from habilitations.models import Habilitation
from habilitations.services import habilitation_request
from tests.habilitations.factories import HabilitationFactory, UserFactory, designated
from tests.habilitations.insider import (
    LILLE,
    NEW_PASSWORD,
    ROUBAIX,
    act,
    agent,
    asks_removal,
    button,
    caf,
    letter_password,
    nord,
    reads,
    session_with,
)

pytestmark = pytest.mark.django_db(transaction=False)

LIST_ACTIONS = ["reset_password", "grant", "suspend", "reactivate", "unlock", "confirm_credentials"]


class LilleInsider(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.world = nord()
        # A greffier of Roubaix only, for whom Lille has a request to grant; a gestionnaire every CAF confirmed.
        person = UserFactory(identifier="T5970001")
        HabilitationFactory(user=person, convention=self.world["conventions"][ROUBAIX])
        habilitation_request(
            convention=self.world["conventions"][LILLE],
            function=GreffeFunction.GREFFIER,
            last_name="",
            first_name="",
            by=None,
            user=person,
        )
        designated(user=UserFactory(identifier="G5900001"), baj=self.world["baj"], designated_on=dt.date(2026, 1, 5))
        self.lille = agent("CAF59501", LILLE)[0]
        self.known = {}  # identifier → the password the insider knows (read in a letter, then changed)
        self.others_before = self._others()

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # -- what must never change -----------------------------------------------------------------------------

    @staticmethod
    def _others():
        """Every habilitation not issued by the Caf de Lille, as it stands."""
        rows = Habilitation.objects.exclude(convention__caf__number=LILLE)
        return sorted(rows.values_list("pk", "status", "ends_on", "revocation_reason", "function"))

    @invariant()
    def no_other_cafs_habilitation_changed(self):
        assert self._others() == self.others_before

    # -- the agent's administration ---------------------------------------------------------------------------

    def _learn(self, response, identifier):
        password = letter_password(response) if response.get("Content-Type") == "application/pdf" else None
        if password is not None:
            self.known[identifier] = password

    @rule(data=st.data(), name=st.sampled_from(LIST_ACTIONS), as_button=st.booleans())
    def habilitation_act(self, data, name, as_button):
        """Any act, as a list action or a button, on any habilitation of the world — another CAF's included."""
        habilitation = data.draw(st.sampled_from(list(Habilitation.objects.order_by("pk"))))
        if as_button:
            response = button(self.lille, habilitation, name)
        else:
            response = act(self.lille, "habilitation", name, [habilitation])
        self._learn(response, habilitation.user.identifier)

    @rule(data=st.data(), later=st.sampled_from([None, 0, 1, 3, 30000]))
    def revoke(self, data, later):
        habilitation = data.draw(st.sampled_from(list(Habilitation.objects.order_by("pk"))))
        ends_on = "" if later is None else f"{timezone.localdate() + dt.timedelta(days=later):%d/%m/%Y}"
        act(self.lille, "habilitation", "revoke", [habilitation], apply="1", reason="end_of_mission", ends_on=ends_on)

    @rule()
    def record_a_gestionnaire_and_print_the_letter(self):
        response = self.lille.post(
            reverse("admin:conventions_bajmanager_add"),
            {
                "baj": self.world["baj"].pk,
                "designated_on": "05/01/2026",
                "civility": "monsieur",
                "last_name": "Blanc",
                "first_name": "Louis",
                "email": "louis.blanc@justice.fr",
            },
        )
        assert response.status_code == 302
        manager = BajManager.objects.order_by("-pk").first()
        self._learn(act(self.lille, "bajmanager", "print_letter", [manager]), manager.user.identifier)

    @rule(data=st.data(), name=st.sampled_from(["print_letter", "confirm_designation"]))
    def gestionnaire_act(self, data, name):
        manager = data.draw(st.sampled_from(list(BajManager.objects.select_related("user").order_by("pk"))))
        self._learn(act(self.lille, "bajmanager", name, [manager]), manager.user.identifier)

    # -- the sessions opened with what the insider knows -----------------------------------------------------

    def _session(self, identifier):
        session = session_with(identifier, self.known[identifier])
        if session is not None:
            self.known[identifier] = NEW_PASSWORD  # the forced change, made by the insider
        return session

    @rule(data=st.data())
    def read_every_dossier(self, data):
        if not self.known:
            return
        identifier = data.draw(st.sampled_from(sorted(self.known)))
        session = self._session(identifier)
        if session is None:
            return
        for number, dossier in self.world["dossiers"].items():
            if reads(session, dossier):
                assert number == LILLE, f"{identifier}, from a letter of Lille, read a dossier of {dossier.caf}"
        lille_open = Habilitation.objects.giving_access_on(timezone.localdate()).filter(
            user__identifier=identifier, convention__caf__number=LILLE
        )
        if lille_open.exists():
            assert reads(session, self.world["dossiers"][LILLE]), "the session is a real one"

    @rule(data=st.data(), later=st.sampled_from([0, 1, 2, 30000]))
    def partner_removal(self, data, later):
        managers = sorted(set(self.known) & set(BajManager.objects.values_list("user__identifier", flat=True)))
        if not managers:
            return
        session = self._session(data.draw(st.sampled_from(managers)))
        if session is None:
            return
        habilitation = data.draw(st.sampled_from(list(Habilitation.objects.order_by("pk"))))
        asks_removal(session, habilitation, timezone.localdate() + dt.timedelta(days=later))

    @rule(data=st.data())
    def partner_access_request(self, data):
        managers = sorted(set(self.known) & set(BajManager.objects.values_list("user__identifier", flat=True)))
        if not managers:
            return
        session = self._session(data.draw(st.sampled_from(managers)))
        if session is None:
            return
        convention = data.draw(st.sampled_from(list(Convention.objects.filter(baj=self.world["baj"]).order_by("pk"))))
        session.post(
            reverse("habilitations:partner_request"),
            {
                "convention": convention.pk,
                "function": GreffeFunction.GREFFIER,
                "civility": "madame",
                "last_name": "Durand",
                "first_name": "Alice",
                "email": "alice.durand@justice.fr",
            },
        )


def test_no_act_of_the_caf_de_lilles_staff_reaches_beyond_it(db):
    assert caf(LILLE).name == "Caf de Lille"
    run_state_machine_as_test(
        LilleInsider,
        settings=settings(
            max_examples=6,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
