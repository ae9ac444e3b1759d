"""AUTH-3 under concurrency: 20 simultaneous wrong attempts on one identifier, each in its own thread with
its own database connection, may never evaluate more than 3 passwords (django-axes alone lets bursts
through: its issue #592)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.habilitations.factories import PASSWORD, STAFF_PASSWORD, UserFactory, log_in, totp_code
from tests.kit import Browser, Server, database_url

pytestmark = [pytest.mark.postgres, pytest.mark.argon2, pytest.mark.django_db(transaction=True)]


def test_twenty_simultaneous_wrong_attempts_evaluate_at_most_three_passwords(reference_data, hash_calls):
    UserFactory(identifier="T1001161")
    hash_calls.clear()
    start = threading.Barrier(20)
    statuses = []

    def attempt():
        try:
            start.wait()
            response = Client().post("/", {"identifier": "T1001161", "password": "Wrong1"})
            statuses.append(response.get("Location", response.status_code))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert hash_calls.count("verify") == 3
    assert len(statuses) == 20
    assert statuses.count("/acces-bloque/") == 18  # the 3rd attempt locks, the 17 after it are refused
    events = list(JournalEntry.objects.values_list("event", flat=True))
    assert events.count(JournalEvent.LOGIN_FAILURE) == 3
    assert events.count(JournalEvent.LOCKOUT) == 1
    assert events.count(JournalEvent.LOCKED_OUT_ATTEMPT) == 17


def test_lockout_is_exact_across_two_gunicorn_processes(reference_data):
    """AUTH-3 across processes: 20 simultaneous wrong attempts sent to 2 gunicorn workers sharing PostgreSQL,
    each from its own browser (the login page, then a wrong password)."""
    UserFactory(identifier="T1001161")
    results = []

    def attempt(server):
        response = Browser(server).post("/", {"identifier": "T1001161", "password": "Wrong1"})
        results.append(response.location or response.status)

    with Server(database_url(connection.settings_dict), workers=2) as server:
        threads = [threading.Thread(target=attempt, args=(server,)) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert len(results) == 20
    assert results.count("/acces-bloque/") == 18
    events = list(JournalEntry.objects.values_list("event", flat=True))
    assert events.count(JournalEvent.LOGIN_FAILURE) == 3
    assert events.count(JournalEvent.LOCKOUT) == 1
    assert events.count(JournalEvent.LOCKED_OUT_ATTEMPT) == 17


def test_twenty_simultaneous_wrong_current_passwords_evaluate_at_most_three(reference_data, hash_calls):
    """AUD-3, AUTH-3 (#22 §4): the password-change form counts wrong current passwords under the login's
    serialization — 20 parallel guesses from one session evaluated 5 or 6 passwords before."""
    user = UserFactory(identifier="T1001161")
    browser = Client()
    browser.post("/", {"identifier": "T1001161", "password": PASSWORD})
    assert browser.session.get("_auth_user_id") == str(user.pk)
    hash_calls.clear()
    start = threading.Barrier(20)
    statuses = []

    def guess(n):
        try:
            guesser = Client()
            guesser.cookies = browser.cookies
            start.wait()
            response = guesser.post(
                "/mot-de-passe/",
                {"old_password": f"Faux{n:02d}", "new_password1": "Nv8pq3", "new_password2": "Nv8pq3"},
            )
            statuses.append(response.get("Location", response.status_code))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == 20
    assert hash_calls.count("verify") == 3
    events = list(JournalEntry.objects.filter(user=user).values_list("event", flat=True))
    assert events.count(JournalEvent.PASSWORD_CHANGE_REFUSED) == 3
    assert events.count(JournalEvent.LOCKOUT) == 1
    assert Client().post("/", {"identifier": "T1001161", "password": PASSWORD})["Location"] == "/acces-bloque/"


def test_ten_simultaneous_wrong_codes_count_exactly_three(reference_data):
    """AUTH-11 under concurrency: ten sessions opened with the right password each send a wrong code at once; the
    codes are checked one at a time per identifier, so exactly three count and the seven after the lockout are
    refused unchecked."""
    agent = UserFactory(identifier="CAF16101", staff=True)
    log_in(Client(), agent)  # enrols
    device = TOTPDevice.objects.get(user=agent)
    sessions = []
    for _ in range(10):
        client = Client()
        client.post("/", {"identifier": "CAF16101", "password": STAFF_PASSWORD})
        sessions.append(client)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    before = JournalEntry.objects.count()
    start = threading.Barrier(10)
    statuses = []

    def attempt(client):
        try:
            start.wait()
            response = client.post("/double-authentification/", {"token": wrong})
            statuses.append(response.get("Location", response.status_code))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(client,)) for client in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    events = list(JournalEntry.objects.order_by("pk").values_list("event", flat=True)[before:])
    assert events.count(JournalEvent.SECOND_FACTOR_FAILURE) == 3
    assert events.count(JournalEvent.LOCKOUT) == 1
    assert events.count(JournalEvent.LOCKED_OUT_ATTEMPT) == 7
    assert statuses.count("/acces-bloque/") == 8 and statuses.count(200) == 2
