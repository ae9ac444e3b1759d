"""JRN-1, JRN-5: the connection journal — every attempt, the source address, never a password."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habilitations.admin import CappedCountPaginator
from habilitations.services import password_reset
from journal.enums import JournalEvent
from journal.models import JournalEntry
from journal.services import journal_record
from tests.habilitations.factories import PASSWORD, UserFactory, log_in

pytestmark = pytest.mark.django_db


def test_every_case_is_journaled_and_no_password_ever_is(client, greffier, login):
    typed = ["Wrong1", "Zq9xw", "Kp7mw3", PASSWORD]
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC), tick=False) as clock:
        login("T1001161", "Wrong1")  # failure
        login("T1001161", "Zq9xw")  # malformed
        login("T1001161")  # success
        client.post(
            reverse("habilitations:password_change"),
            {"old_password": PASSWORD, "new_password1": "Kp7mw3", "new_password2": "Kp7mw3"},
        )
        client.post(reverse("habilitations:logout"))  # logout
        login("T1001161", "Kp7mw3")
        clock.shift(600)
        client.get(reverse("allocataires:home"))  # idle timeout
        for _ in range(3):
            login("T1001161", "Wrong1")  # the third locks
        login("T1001161", "Kp7mw3")  # locked-out attempt
        typed.append(password_reset(user=greffier, by=UserFactory(staff=True)))
    assert list(JournalEntry.objects.order_by("pk").values_list("event", flat=True)) == [
        JournalEvent.LOGIN_FAILURE,
        JournalEvent.LOGIN_FAILURE,
        JournalEvent.LOGIN_SUCCESS,
        JournalEvent.PASSWORD_CHANGE,
        JournalEvent.LOGOUT,
        JournalEvent.LOGIN_SUCCESS,
        JournalEvent.IDLE_TIMEOUT,
        JournalEvent.LOGIN_FAILURE,
        JournalEvent.LOGIN_FAILURE,
        JournalEvent.LOGIN_FAILURE,
        JournalEvent.LOCKOUT,
        JournalEvent.LOCKED_OUT_ATTEMPT,
        JournalEvent.PASSWORD_RESET,
    ]
    session_keys = set()
    for entry in JournalEntry.objects.all():
        assert entry.occurred_at.tzinfo is not None
        for field in entry._meta.concrete_fields:
            value = str(getattr(entry, field.attname))
            for password in typed:
                assert password not in value, (field.name, entry.event)
            session_keys.add(value)
    from django.contrib.sessions.models import Session

    assert not session_keys & set(Session.objects.values_list("session_key", flat=True))


def test_unknown_identifiers_are_journaled_as_typed(login):
    login("zz999999", "Wrong1")
    entry = JournalEntry.objects.get()
    assert (entry.identifier_typed, entry.user) == ("ZZ999999", None)


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no trusted proxy: the header is ignored
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # one proxy: the entry it appended
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_source_address_is_proxy_aware_only_behind_trusted_proxies(settings, login, proxies, forwarded, expected):
    settings.CAFPRO_TRUSTED_PROXY_COUNT = proxies
    login("Z9999999", "Wrong1", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert JournalEntry.objects.get().source_ip == expected


def test_the_admin_journal_is_read_only(client):
    log_in(client, UserFactory(superuser=True))
    client.post("/", {"identifier": "Z9999999", "password": "Wrong1"})
    entry = JournalEntry.objects.first()
    assert client.get(reverse("admin:journal_journalentry_changelist")).status_code == 200
    assert client.get(reverse("admin:journal_journalentry_add")).status_code == 403
    assert client.post(reverse("admin:journal_journalentry_delete", args=[entry.pk])).status_code == 403
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def _journal_lines(*identifiers):
    for identifier in identifiers:
        journal_record(event=JournalEvent.LOGIN_FAILURE, identifier=identifier)


def test_the_admin_journal_never_counts_the_whole_table(client, monkeypatch):
    """NF-4: years of journal are tens of millions of lines; the admin counts at most CAP + 1 of them, reads
    no distinct dates (no date hierarchy) and says when more lines match than it shows."""
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    log_in(client, UserFactory(superuser=True))
    _journal_lines("T1610001", "T1610002", "T1610003", "T1610004", "T1610005")
    url = reverse("admin:journal_journalentry_changelist")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 4" in sql.upper() for sql in counts)
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"].upper()]
    assert "Plus de 3 lignes correspondent" in page.content.decode()
    assert "Plus de 3 lignes" not in client.get(url, {"q": "t1610001"}).content.decode()


def test_the_admin_journal_searches_one_exact_identifier(client):
    """NF-4: the search uses the identifier's index: the whole identifier, in any case; not a fragment."""
    log_in(client, UserFactory(superuser=True))
    _journal_lines("T1610001", "T1610001", "T1610012")
    url = reverse("admin:journal_journalentry_changelist")
    found = client.get(url, {"q": " t1610001 "}).context["cl"]
    assert [entry.identifier_typed for entry in found.result_list] == ["T1610001", "T1610001"]
    assert list(client.get(url, {"q": "T161"}).context["cl"].result_list) == []
