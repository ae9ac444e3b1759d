"""AUTH-1 … AUTH-3, AUTH-9: the login screen, its single error message, its lockout."""

import datetime as dt
import statistics
import time

import pytest
import time_machine
from django.urls import reverse

from habilitations.services import user_unlock
from habilitations.views import LOGIN_FAILED
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.habilitations.factories import PASSWORD, UserFactory, log_in

pytestmark = pytest.mark.django_db


def events(identifier=None):
    rows = JournalEntry.objects.order_by("pk")
    if identifier:
        rows = rows.filter(identifier_typed=identifier)
    return list(rows.values_list("event", flat=True))


def test_login_page_links_the_two_info_pages(client):
    """AUTH-9."""
    html = client.get("/").content.decode()
    assert reverse("habilitations:info_audience") in html and "À qui s'adresse Cafpro ?" in html
    assert reverse("habilitations:info_security") in html and ">sécurisé</a>" in html
    assert "greffiers en chef" in client.get(reverse("habilitations:info_audience")).content.decode()
    assert "trois tentatives" in client.get(reverse("habilitations:info_security")).content.decode()


def test_success_logs_in_and_journals(client, greffier, login):
    response = login("T1001161", HTTP_USER_AGENT="Navigateur de test")
    assert response.status_code == 302 and response["Location"] == reverse("allocataires:home")
    assert client.get(reverse("allocataires:home")).status_code == 200
    entry = JournalEntry.objects.get()
    assert (entry.event, entry.identifier_typed, entry.user, entry.source_ip, entry.user_agent) == (
        JournalEvent.LOGIN_SUCCESS,
        "T1001161",
        greffier,
        "127.0.0.1",
        "Navigateur de test",
    )


def test_identifier_is_case_insensitive(greffier, login):
    assert login("t1001161")["Location"] == reverse("allocataires:home")


def test_wrong_password_and_unknown_identifier_get_the_same_answer(greffier, login):
    """AUTH-2: no account enumeration — same status, same message."""
    wrong_password = login("T1001161", "Xx9yy8")
    unknown = login("Z9999999", "Xx9yy8")
    assert wrong_password.status_code == unknown.status_code == 200
    for response in (wrong_password, unknown):
        assert response.context["error"] == LOGIN_FAILED
        assert LOGIN_FAILED in response.content.decode()
    assert events() == [JournalEvent.LOGIN_FAILURE, JournalEvent.LOGIN_FAILURE]


def test_an_unknown_identifier_still_costs_one_password_hash(greffier, login, hash_calls):
    """AUTH-2: comparable timing — one Argon2 computation whether the identifier exists or not."""
    login("T1001161", "Xx9yy8")
    assert hash_calls == ["verify"]
    hash_calls.clear()
    login("Z9999999", "Xx9yy8")
    assert hash_calls == ["encode"]


def test_timing_is_comparable_whether_the_identifier_exists_or_not(db, login):
    """AUTH-2: medians of 5 attempts each, on fresh identifiers (no lockout), within a factor 2."""
    existing = [UserFactory().identifier for _ in range(5)]

    def median(identifiers):
        durations = []
        for identifier in identifiers:
            started = time.perf_counter()
            login(identifier, "Xx9yy8")
            durations.append(time.perf_counter() - started)
        return statistics.median(durations)

    with_account = median(existing)
    without_account = median([f"Z000000{i}" for i in range(5)])
    assert 0.5 < with_account / without_account < 2, (with_account, without_account)


@pytest.mark.parametrize(
    "identifier, password, message",
    [
        ("T100116", PASSWORD, "exactement 8 caractères alphanumériques"),
        ("T10011611", PASSWORD, "exactement 8 caractères alphanumériques"),
        ("T100-161", PASSWORD, "exactement 8 caractères alphanumériques"),
        ("T1001161", "Zq9xw", "Le mot de passe comporte 6 caractères."),
        ("T1001161", "Zq9xw4a", "Le mot de passe comporte 6 caractères."),
        ("", PASSWORD, "Saisissez votre identifiant."),
        ("T1001161", "", "Saisissez votre mot de passe."),
    ],
)
def test_malformed_attempts_get_a_clear_message_and_count(greffier, login, hash_calls, identifier, password, message):
    """AUTH-1: wrong format is refused with a clear message, without any password check, and counts."""
    response = login(identifier, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert hash_calls == []
    entry = JournalEntry.objects.get()
    assert (entry.event, entry.detail) == (JournalEvent.LOGIN_FAILURE, "format invalide")


def test_three_malformed_attempts_lock_the_identifier(greffier, login):
    """AUTH-1: a malformed attempt still counts as an attempt."""
    login("T1001161", "abc")
    login("T1001161", "abcd")
    assert login("T1001161", "abcde")["Location"] == reverse("habilitations:locked_out")
    assert login("T1001161")["Location"] == reverse("habilitations:locked_out")


def test_third_failure_locks_and_the_right_password_is_then_refused(client, greffier, login, hash_calls):
    """AUTH-3: after 3 consecutive failures the user is sent to the error page; the 4th attempt, even with
    the right password, is refused without its password being checked."""
    assert login("T1001161", "Wrong1").status_code == 200
    assert login("T1001161", "Wrong2").status_code == 200
    third = login("T1001161", "Wrong3")
    assert third.status_code == 302 and third["Location"] == reverse("habilitations:locked_out")
    fourth = login("T1001161", PASSWORD)
    assert fourth["Location"] == reverse("habilitations:locked_out")
    assert hash_calls == ["verify"] * 3
    assert client.get(reverse("allocataires:home"))["Location"] == reverse("habilitations:session_expired")
    page = client.get(reverse("habilitations:locked_out"))
    assert page.status_code == 403 and "adressez-vous à votre Caf" in page.content.decode()
    assert events() == [JournalEvent.LOGIN_FAILURE] * 3 + [JournalEvent.LOCKOUT, JournalEvent.LOCKED_OUT_ATTEMPT]


def test_a_success_resets_the_count(client, greffier, login):
    """AUTH-3: three *consecutive* failures."""
    login("T1001161", "Wrong1")
    login("T1001161", "Wrong2")
    assert login("T1001161")["Location"] == reverse("allocataires:home")
    client.post(reverse("habilitations:logout"))
    login("T1001161", "Wrong3")
    login("T1001161", "Wrong4")
    assert login("T1001161")["Location"] == reverse("allocataires:home")


def test_failures_on_another_identifier_do_not_count(greffier, login):
    for _ in range(3):
        login("T1009999", "Wrong1")
    assert login("T1001161")["Location"] == reverse("allocataires:home")


def test_no_cool_off_by_default(greffier, login):
    """AUTH-3: without a configured cool-off, only the CAF unlocks."""
    for _ in range(3):
        login("T1001161", "Wrong1")
    with time_machine.travel(dt.timedelta(days=30)):
        assert login("T1001161")["Location"] == reverse("habilitations:locked_out")


def test_a_configured_cool_off_lifts_the_lock(settings, greffier, login):
    settings.AXES_COOLOFF_TIME = dt.timedelta(hours=1)
    for _ in range(3):
        login("T1001161", "Wrong1")
    with time_machine.travel(dt.timedelta(minutes=59)):
        assert login("T1001161")["Location"] == reverse("habilitations:locked_out")
    with time_machine.travel(dt.timedelta(minutes=61)):
        assert login("T1001161")["Location"] == reverse("allocataires:home")


def test_the_caf_unlocks(greffier, login):
    for _ in range(3):
        login("T1001161", "Wrong1")
    admin = UserFactory(staff=True)
    user_unlock(user=greffier, by=admin)
    assert login("T1001161")["Location"] == reverse("allocataires:home")
    unlock = JournalEntry.objects.get(event=JournalEvent.UNLOCK)
    assert unlock.user == admin and unlock.detail.startswith("T1001161 :"), "AUD-1: who acted, on which account"


def test_the_caf_unlocks_from_the_admin(client, greffier, login):
    for _ in range(3):
        login("T1001161", "Wrong1")
    log_in(client, UserFactory(superuser=True))
    response = client.post(
        reverse("admin:habilitations_user_changelist"),
        {"action": "unlock", "_selected_action": [greffier.pk], "apply": "1", "reason": "Identité vérifiée"},
    )
    assert response.status_code == 302
    client.logout()
    assert login("T1001161")["Location"] == reverse("allocataires:home")


def test_next_is_followed_only_on_this_site(greffier, client):
    response = client.post("/?next=/admin/", {"identifier": "T1001161", "password": PASSWORD, "next": "/admin/"})
    assert response["Location"] == "/admin/"
    client.post(reverse("habilitations:logout"))
    response = client.post("/", {"identifier": "T1001161", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("allocataires:home")


def test_the_admin_logs_in_through_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/?next=/admin/"


def test_logout_needs_a_post(client, greffier, login):
    login("T1001161")
    assert client.get(reverse("habilitations:logout")).status_code == 405
