"""JRN-1, JRN-5: the connection journal — every attempt, the source address, never a password."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from habilitations.enums import JournalEvent
from habilitations.models import JournalEntry
from habilitations.services import password_reset
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
    assert client.get(reverse("admin:habilitations_journalentry_changelist")).status_code == 200
    assert client.get(reverse("admin:habilitations_journalentry_add")).status_code == 403
    assert client.post(reverse("admin:habilitations_journalentry_delete", args=[entry.pk])).status_code == 403
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
