"""AUD-3: the password form is no way to guess a password: a wrong current password counts toward the lockout of
AUTH-3 and is journaled; Django's own password views are not reachable."""

import pytest
from django.urls import reverse

from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.habilitations.factories import PASSWORD, HabilitationFactory, UserFactory, log_in

pytestmark = pytest.mark.django_db
URL = reverse("habilitations:password_change")


def change(client, old, new="Nv8pq3"):
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": new})


def test_three_wrong_current_passwords_lock_the_identifier_and_end_the_session(client):
    user = HabilitationFactory(user=UserFactory(identifier="T1001161")).user
    log_in(client, user)
    for _ in range(2):
        response = change(client, "Faux01")
        assert response.status_code == 200 and "incorrect" in response.content.decode()
    assert change(client, "Faux02")["Location"] == reverse("habilitations:locked_out")
    assert client.get("/accueil/")["Location"] == reverse("habilitations:session_expired"), "the session ended"
    events = list(JournalEntry.objects.filter(user=user).order_by("pk").values_list("event", flat=True))
    assert events[-4:] == [JournalEvent.PASSWORD_CHANGE_REFUSED] * 3 + [JournalEvent.LOCKOUT]
    response = client.post("/", {"identifier": "T1001161", "password": PASSWORD})
    assert response["Location"] == reverse("habilitations:locked_out"), "the right password is refused now"


def test_a_right_current_password_resets_the_count(client):
    user = HabilitationFactory(user=UserFactory(identifier="T1001161")).user
    log_in(client, user)
    change(client, "Faux01")
    change(client, "Faux02")
    assert change(client, PASSWORD, new="Nv8pq3")["Location"] == reverse("allocataires:home")
    client.post(reverse("habilitations:logout"))
    client.post("/", {"identifier": "T1001161", "password": "Faux03"})
    assert client.post("/", {"identifier": "T1001161", "password": "Nv8pq3"}).status_code == 302
    assert client.get("/accueil/").status_code == 200, "one failure since the change: not locked"


def test_djangos_password_views_lead_to_ours(client):
    admin = UserFactory(identifier="ADMIN001", superuser=True)
    other = UserFactory(identifier="T1001161")
    log_in(client, admin)
    assert client.get("/admin/password_change/")["Location"] == URL
    response = client.get(reverse("admin:auth_user_password_change", args=[other.pk]))
    assert response.status_code == 302
    assert other.password == type(other).objects.get(pk=other.pk).password
