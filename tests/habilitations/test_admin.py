import pytest
from django.urls import reverse

from habilitations.models import User
from tests.habilitations.factories import UserFactory, log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    log_in(client, UserFactory(identifier="ADMIN001", superuser=True))
    return client


def test_admin_creates_a_user_with_a_normalised_identifier(admin_client):
    response = admin_client.post(
        reverse("admin:habilitations_user_add"),
        {"identifier": "t1001161", "password1": "Kp7mw3", "password2": "Kp7mw3"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.filter(identifier="T1001161").exists()


def test_admin_refuses_a_malformed_identifier(admin_client):
    response = admin_client.post(
        reverse("admin:habilitations_user_add"),
        {"identifier": "T10-116", "password1": "Kp7mw3", "password2": "Kp7mw3"},
    )
    assert response.status_code == 200
    assert "8 caractères alphanumériques" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["admin:conventions_caf_changelist", "admin:conventions_baj_changelist", "admin:habilitations_user_changelist"],
)
def test_admin_lists_render(admin_client, url):
    assert admin_client.get(reverse(url)).status_code == 200


def test_admin_is_closed_to_anonymous_users(client):
    response = client.get(reverse("admin:conventions_caf_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model", ["journal.journalentry", "journal.journalseal", "habilitations.surveillance"])
def test_what_only_the_application_writes_is_read_only_in_the_admin(admin_client, model):
    """JRN-4, JRN-5: the journal, its purge checkpoints and the surveillances are shown, never written here —
    not even by a superuser."""
    app, name = model.split(".")
    assert admin_client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{app}_{name}_add")).status_code == 403
