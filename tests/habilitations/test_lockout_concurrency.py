"""AUTH-3 under concurrency: 20 simultaneous wrong attempts on one identifier, each in its own thread with
its own database connection, may never evaluate more than 3 passwords (django-axes alone lets bursts
through: its issue #592)."""

import http.cookiejar
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from habilitations.enums import JournalEvent
from habilitations.models import JournalEntry
from tests.habilitations.factories import UserFactory
from tests.helpers import child_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


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


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _attempt(base, identifier, password, results):
    """One browser: the login page (CSRF cookie and token), then a wrong password."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    page = opener.open(f"{base}/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "identifier": identifier, "password": password})
    try:
        response = opener.open(f"{base}/", data=data.encode(), timeout=30)
        results.append(response.status)
    except urllib.error.HTTPError as error:  # the redirect to the lockout page, not followed
        results.append(error.headers.get("Location", error.code))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_lockout_is_exact_across_two_gunicorn_processes(reference_data):
    """AUTH-3 across processes: 20 simultaneous wrong attempts sent to 2 gunicorn workers sharing PostgreSQL."""
    UserFactory(identifier="T1001161")
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
        f"/{settings_dict['NAME']}"
    )
    port = _free_port()
    env = {**child_env(), "DATABASE_URL": database_url, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_DEBUG": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cafpro.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # up to 20 s for the workers to start
            try:
                urllib.request.urlopen(f"{base}/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        results = []
        threads = [threading.Thread(target=_attempt, args=(base, "T1001161", "Wrong1", results)) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        server.terminate()
        server.wait(20)
    assert len(results) == 20
    assert results.count("/acces-bloque/") == 18
    events = list(JournalEntry.objects.values_list("event", flat=True))
    assert events.count(JournalEvent.LOGIN_FAILURE) == 3
    assert events.count(JournalEvent.LOCKOUT) == 1
    assert events.count(JournalEvent.LOCKED_OUT_ATTEMPT) == 17
