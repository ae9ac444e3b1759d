"""NF-3, NF-4, JRN-1, JRN-5, HAB-2 under load: gunicorn with several worker processes on the test database
(PostgreSQL), greffiers consulting at the same time from their own browsers (`tests/kit.py`).

One command: `DATABASE_URL=postgres://… .venv/bin/python -m pytest tests/load` (also part of `make test` on
PostgreSQL, so CI runs them)."""

import itertools
import threading
import time

import pytest
from django.db import connection

from habilitations.enums import HabilitationStatus, RevocationReason
from habilitations.models import Habilitation
from habilitations.services import habilitation_revoke
from journal.enums import JournalEvent
from journal.integrity import anchor, verify
from journal.models import JournalEntry
from tests.habilitations.factories import UserFactory
from tests.kit import Browser, Server, database_url, dossier_numbers, greffiers, run_load

pytestmark = [pytest.mark.postgres, pytest.mark.argon2, pytest.mark.django_db(transaction=True)]

RUBRIQUES = ["paiements", "dossier", "famille", "rmi", "ressources", "adresse"]


def consulting(server, users, numbers):
    """Each user logged in, with a dossier opened: [(browser, identifier, path of its rubriques)]."""
    sessions = []
    for identifier, number in zip(users, numbers, strict=True):
        browser = Browser(server).log_in(identifier)
        first = browser.open_dossier(number)  # /dossiers/<pk>/paiements/
        sessions.append((browser, identifier, first.rsplit("/", 2)[0]))
    return sessions


def consultations_by_user():
    rows = JournalEntry.objects.filter(event=JournalEvent.CONSULTATION).values_list("user__identifier", flat=True)
    counts = {}
    for identifier in rows:
        counts[identifier] = counts.get(identifier, 0) + 1
    return counts


def test_every_consultation_is_journaled_exactly_once_under_concurrent_load(reference_data):
    """N users × M consultations at once on 3 worker processes → exactly N × M consultation lines, one per
    rubrique read, none lost or doubled, and the hash chain verifies (its insertion is serialized)."""
    users, per_user = greffiers(8), 15
    numbers = dossier_numbers(8)
    with Server(database_url(connection.settings_dict), workers=3) as server:
        sessions = consulting(server, users, numbers)

        def job(base):
            tabs = itertools.cycle(RUBRIQUES)
            return lambda browser: browser.get(f"{base}/{next(tabs)}/").status

        stats = run_load([(browser, job(base)) for browser, _, base in sessions], count=per_user)
    assert stats.statuses == {200: 8 * per_user}
    assert consultations_by_user() == {identifier: per_user for identifier in users}
    rubriques = JournalEntry.objects.filter(event=JournalEvent.CONSULTATION).values_list("rubrique", flat=True)
    assert sorted(set(rubriques)) == sorted(RUBRIQUES)
    assert JournalEntry.objects.filter(event=JournalEvent.LOGIN_SUCCESS).count() == 8
    anchor()
    verification = verify()
    assert verification.ok and verification.lines == JournalEntry.objects.count()


def test_a_revoked_habilitation_is_refused_from_the_next_request_on_during_load(reference_data):
    """HAB-2 under load: while 6 greffiers consult, one habilitation is revoked; every request that user sends
    after the revocation committed is refused (no rubrique, no consultation line), the others go on."""
    users = greffiers(6)
    numbers = dossier_numbers(6)
    agent = UserFactory(identifier="CAF16199", is_staff=True)
    revoked_user = users[0]
    revoked_at = None
    seen = []  # (sent at, status, is a rubrique page) of the revoked user's requests
    sent = threading.Event()
    with Server(database_url(connection.settings_dict), workers=3) as server:
        sessions = consulting(server, users, numbers)

        def job(identifier, base):
            def step(browser):
                started = time.perf_counter()
                response = browser.get(f"{base}/paiements/")
                if identifier == revoked_user:
                    seen.append((started, response.status, 'id="rubrique-title"' in response.body))
                    sent.set()
                return response.status

            return step

        def revoke():
            nonlocal revoked_at
            sent.wait(30)
            habilitation = Habilitation.objects.get(user__identifier=revoked_user)
            habilitation_revoke(habilitation=habilitation, by=agent, reason=RevocationReason.END_OF_MISSION)
            revoked_at = time.perf_counter()
            connection.close()

        revoker = threading.Thread(target=revoke)
        revoker.start()
        stats = run_load([(browser, job(identifier, base)) for browser, identifier, base in sessions], duration=4)
        revoker.join()
    before = [entry for entry in seen if entry[0] < revoked_at]
    after = [entry for entry in seen if entry[0] > revoked_at]
    assert before and all(status == 200 and rubrique for _, status, rubrique in before[:1])
    assert len(after) >= 5
    assert all(status == 302 and not rubrique for _, status, rubrique in after), after[:3]
    assert Habilitation.objects.get(user__identifier=revoked_user).status == HabilitationStatus.REVOKED
    others = sum(count for identifier, count in consultations_by_user().items() if identifier != revoked_user)
    assert others == stats.statuses[200] - sum(1 for _, status, _ in seen if status == 200)
    assert set(stats.statuses) <= {200, 302}
    assert JournalEntry.objects.filter(event=JournalEvent.SESSION_REVOKED, user__identifier=revoked_user).exists()
    assert consultations_by_user()[revoked_user] == sum(1 for _, status, _ in seen if status == 200)


def test_a_worker_killed_mid_load_shows_no_error_page_to_others_and_leaves_no_partial_journal_line(
    reference_data,
):
    """A gunicorn worker killed (SIGKILL) while 6 greffiers consult: the arbiter replaces it; the other users
    never see a 5xx, at most the one request that worker was serving is cut, and the journal holds exactly
    the consultations answered (plus, at most, the one whose line committed before the kill) and verifies."""
    users = greffiers(6)
    numbers = dossier_numbers(6)
    answered = itertools.count(1)
    with Server(database_url(connection.settings_dict), workers=3) as server:
        sessions = consulting(server, users, numbers)
        killed = []

        def job(base):
            def step(browser):
                status = browser.get(f"{base}/paiements/").status
                if next(answered) == 60:
                    killed.append(server.kill_worker())
                return status

            return step

        stats = run_load([(browser, job(base)) for browser, _, base in sessions], count=40)
        replaced = server.worker_pids()
    assert killed and killed[0] not in replaced and len(replaced) == 3
    cut = sum(count for status, count in stats.statuses.items() if not isinstance(status, int))
    assert stats.statuses[200] + cut == 6 * 40
    assert cut <= 1
    assert not [status for status in stats.statuses if isinstance(status, int) and status >= 500]
    consultations = sum(consultations_by_user().values())
    assert stats.statuses[200] <= consultations <= stats.statuses[200] + cut
    anchor()
    verification = verify()
    assert verification.ok and verification.lines == JournalEntry.objects.count()
