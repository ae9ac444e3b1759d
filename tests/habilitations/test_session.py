"""AUTH-6 … AUTH-8: idle timeout, absolute lifetime, bookmark page, logout, session hygiene."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from journal.enums import JournalEvent
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db

HOME = reverse("allocataires:home")
EXPIRED = reverse("habilitations:session_expired")
START = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def test_a_request_after_599_seconds_keeps_the_session(client, greffier, login):
    with time_machine.travel(START, tick=False) as clock:
        login("T1001161")
        clock.shift(599)
        assert client.get(HOME).status_code == 200
        clock.shift(599)  # the previous request counted as activity
        assert client.get(HOME).status_code == 200


def test_600_seconds_without_a_request_end_the_session(client, greffier, login):
    """AUTH-6: the next request shows the dedicated page; the session is gone server-side."""
    with time_machine.travel(START, tick=False) as clock:
        login("T1001161")
        session_key = client.session.session_key
        clock.shift(600)
        response = client.get(HOME)
        assert response.status_code == 302 and response["Location"] == EXPIRED
        assert not Session.objects.filter(session_key=session_key).exists()
        assert client.get(HOME)["Location"] == EXPIRED
    entry = JournalEntry.objects.filter(event=JournalEvent.IDLE_TIMEOUT).get()
    assert entry.user.identifier == "T1001161"
    assert JournalEntry.objects.filter(event=JournalEvent.IDLE_TIMEOUT).count() == 1


def test_the_timeout_setting_is_honoured(settings, client, greffier, login):
    settings.CAFPRO_IDLE_TIMEOUT = 120
    with time_machine.travel(START, tick=False) as clock:
        login("T1001161")
        clock.shift(120)
        assert client.get(HOME)["Location"] == EXPIRED


def test_the_session_ends_after_its_absolute_lifetime_even_when_active(client, greffier, login):
    with time_machine.travel(START, tick=False) as clock:
        login("T1001161")
        for _ in range(53):  # a request every 9 minutes: 7 h 57 min
            clock.shift(540)
            assert client.get(HOME).status_code == 200
        clock.shift(180)  # 8 h after the login
        assert client.get(HOME)["Location"] == EXPIRED
    assert JournalEntry.objects.filter(event=JournalEvent.ABSOLUTE_TIMEOUT).count() == 1


def test_a_bookmark_without_a_session_shows_the_timeout_page(client):
    """AUTH-7: the same page as the timeout, with a link to the login screen. The manual's wording (« Le serveur
    n'a reçu aucune information… ou vous êtes entré directement sous la rubrique par un signet… ») is said in one
    sentence a greffier would write (#18 §4)."""
    response = client.get(HOME, follow=True)
    assert response.redirect_chain == [(EXPIRED, 302)]
    html = response.content.decode()
    text = " ".join(html.replace("&#x27;", "'").split())
    assert "une session se ferme après 10 minutes sans activité" in text
    assert "ne s'ouvre pas sans identification (depuis un favori, par exemple)" in text
    assert f'href="{reverse("habilitations:login")}"' in html


def test_the_session_key_changes_at_login_and_is_flushed_at_logout(client, greffier, login):
    session = client.session
    session["before"] = True
    session.save()
    anonymous_key = session.session_key
    client.cookies["sessionid"] = anonymous_key
    login("T1001161")
    logged_key = client.session.session_key
    assert logged_key != anonymous_key
    client.post(reverse("habilitations:logout"))
    assert not Session.objects.filter(session_key=logged_key).exists()


def test_close_the_session_is_on_the_page_and_returns_to_login(client, greffier, login):
    """AUTH-8."""
    login("T1001161")
    html = client.get(HOME).content.decode()
    assert f'action="{reverse("habilitations:logout")}"' in html and "Fermer la session" in html
    response = client.post(reverse("habilitations:logout"))
    assert response["Location"] == reverse("habilitations:login")
    assert client.get(HOME)["Location"] == EXPIRED
    assert JournalEntry.objects.filter(event=JournalEvent.LOGOUT, user=greffier).count() == 1


def test_pages_of_a_session_are_never_cached(client, greffier, login):
    login("T1001161")
    assert "no-store" in client.get(HOME)["Cache-Control"]
    assert "no-store" in client.get(reverse("habilitations:login"))["Cache-Control"]


STATUS = reverse("habilitations:session_status")
EXTEND = reverse("habilitations:session_extend")


def test_asking_the_time_left_is_not_activity(client, greffier, login):
    """NF-2: the warning asks the server how long is left; asking does not extend the session."""
    with time_machine.travel(START, tick=False) as clock:
        login("T1001161")
        clock.shift(480)
        assert client.get(STATUS).json() == {"remaining": 120}
        clock.shift(119)
        assert client.get(STATUS).json() == {"remaining": 1}
        clock.shift(1)
        assert client.get(STATUS)["Location"] == EXPIRED, "the limit is the server's"
    assert JournalEntry.objects.filter(event=JournalEvent.IDLE_TIMEOUT).count() == 1


def test_rester_connecte_extends_the_session_on_the_server(client, greffier, login):
    """NF-2: « Rester connecté » is a POST that counts as activity; a GET does nothing; no session, no extension."""
    with time_machine.travel(START, tick=False) as clock:
        login("T1001161")
        clock.shift(590)
        assert client.get(EXTEND).status_code == 405
        clock.shift(5)
        assert client.post(EXTEND).json() == {"remaining": 600}
        clock.shift(590)
        assert client.get(HOME).status_code == 200
    client.logout()
    assert client.post(EXTEND)["Location"] == EXPIRED
    assert client.get(STATUS).json() == {"remaining": 0}
