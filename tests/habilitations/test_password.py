"""AUTH-5: initial, changed, expired and reset passwords."""

import datetime as dt
import html

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from habilitations.services import password_generate, password_reset
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.habilitations.factories import PASSWORD, HabilitationFactory, UserFactory, log_in

pytestmark = pytest.mark.django_db

HOME = reverse("allocataires:home")
CHANGE = reverse("habilitations:password_change")


def change(client, new, old=PASSWORD):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def test_an_initial_password_must_be_changed_at_first_login(client, login):
    user = HabilitationFactory(user=UserFactory(identifier="T1001161", initial=True)).user
    assert login("T1001161")["Location"] == CHANGE
    assert client.get(HOME)["Location"] == CHANGE, "every page leads to the change form"
    response = change(client, "Kp7mw3")
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200, "the session stays open after the change"
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Kp7mw3")
    assert JournalEntry.objects.filter(event=JournalEvent.PASSWORD_CHANGE, user=user).exists()


@pytest.mark.parametrize(
    "new, message",
    [
        ("Kp7mw", "exactement 6 caractères"),
        ("Kp7mw3x", "exactement 6 caractères"),
        ("123456", "entièrement numérique"),
        (PASSWORD, "différent de l'actuel"),
        ("t10011", "ressemble trop à l'identifiant"),  # AUTH-5 (#22 §4): the identifier T1001161, lower case
        ("zz1161", "ressemble trop à l'identifiant"),
    ],
)
def test_partner_password_rules(client, greffier, login, new, message):
    login("T1001161")
    response = change(client, new)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())


def test_staff_passwords_are_longer():
    staff = UserFactory(staff=True)
    with pytest.raises(ValidationError, match="au moins 12 caractères"):
        password_validation.validate_password("Kp7mw3", staff)
    password_validation.validate_password("Un-autre-mot-de-passe-8", staff)


@pytest.mark.parametrize("days, forced", [(89, False), (90, True)])
def test_a_password_expires_after_90_days(client, login, days, forced):
    UserFactory(identifier="T1001161", password_changed_at=timezone.now() - dt.timedelta(days=days))
    assert login("T1001161")["Location"] == (CHANGE if forced else HOME)


def test_the_expiry_age_is_configurable(settings, client, login):
    settings.CAFPRO_PASSWORD_MAX_AGE_DAYS = 30
    UserFactory(identifier="T1001161", password_changed_at=timezone.now() - dt.timedelta(days=30))
    assert login("T1001161")["Location"] == CHANGE


def test_generated_passwords_pass_the_partner_rules():
    user = UserFactory()
    passwords = {password_generate(user) for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 6
        password_validation.validate_password(password, user)


@pytest.mark.parametrize(
    "traits, password",
    [({}, "1001ab"), ({}, "Kt1001"), ({"staff": True}, "xy-t1001161-long"), ({"staff": True}, "Ab61161zzzzzzz")],
)
def test_a_password_like_the_identifier_is_refused_for_every_account(traits, password):
    """AUTH-5 (#22 §4): the identifier-like rule holds for staff too; a password far from it passes."""
    user = UserFactory(identifier="T1001161", **traits)
    with pytest.raises(ValidationError, match="ressemble trop"):
        password_validation.validate_password(password, user)
    password_validation.validate_password("Kp7mw3-Kp7mw3" if traits else "Kp7mw3", user)


@pytest.fixture
def counted_validation(monkeypatch):
    """Counts the candidate passwords the generator submits; stops an endless generator after 1,000."""
    calls = []
    validate = password_validation.validate_password

    def counted(password, user=None, password_validators=None):
        calls.append(password)
        assert len(calls) <= 1000, "the generator draws without end"
        return validate(password, user, password_validators)

    monkeypatch.setattr(password_validation, "validate_password", counted)
    return calls


@pytest.mark.parametrize("traits", [{}, {"staff": True}, {"superuser": True}])
def test_generated_passwords_follow_the_accounts_rules_in_one_draw_or_two(counted_validation, traits):
    """AUTH-5 (#22 §4): a staff reset never ended (6-character draws against the 12-character rule)."""
    user = UserFactory(identifier="CAF16101" if traits else "T1001161", **traits)
    passwords = [password_generate(user) for _ in range(20)]
    assert len(counted_validation) <= 25, "about one draw per password"
    for password in passwords:
        assert len(password) == (16 if traits else 6)
        assert any(c.isalpha() for c in password) and any(c in "23456789" for c in password)
        password_validation.validate_password(password, user)


def test_rules_no_draw_satisfies_are_a_clear_error_after_a_bounded_number_of_draws(counted_validation, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        *settings.AUTH_PASSWORD_VALIDATORS,
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 40}},
    ]
    with pytest.raises(ValidationError, match="Impossible de générer un mot de passe"):
        password_generate(UserFactory(staff=True))
    assert len(counted_validation) <= 20


def test_the_reset_of_a_staff_account_gives_a_staff_password(client):
    """AUTH-5 (#22 §4): measured as a 500 after 30 s (the admin's « Réinitialiser le mot de passe »)."""
    staff = UserFactory(identifier="CAF16101", staff=True)
    password = password_reset(user=staff, by=UserFactory(superuser=True))
    assert len(password) >= 12
    assert log_in(client, staff, password)


def test_a_reset_ends_every_open_session_and_forces_a_change(client, greffier, login, django_user_model):
    from django.test import Client

    login("T1001161")
    other_browser = Client()
    other_browser.post("/", {"identifier": "T1001161", "password": PASSWORD})
    admin = UserFactory(staff=True)
    new_password = password_reset(user=greffier, by=admin)
    assert client.get(HOME)["Location"] == reverse("habilitations:session_expired")
    assert other_browser.get(HOME)["Location"] == reverse("habilitations:session_expired")
    assert login("T1001161").status_code == 200, "the old password no longer works"
    assert login("T1001161", new_password)["Location"] == CHANGE
    entry = JournalEntry.objects.get(event=JournalEvent.PASSWORD_RESET)
    assert entry.user == admin and entry.detail.startswith("T1001161 :") and new_password not in str(entry.__dict__)


def test_the_admin_reset_shows_the_password_once_and_not_in_a_message(client, greffier):
    log_in(client, UserFactory(superuser=True))
    response = client.post(
        reverse("admin:habilitations_user_changelist"),
        {"action": "reset_password", "_selected_action": [greffier.pk], "apply": "1", "reason": "Mot de passe perdu"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    greffier.refresh_from_db()
    password = response.context["reset"][0][1]
    assert greffier.check_password(password) and greffier.must_change_password
    assert password in response.content.decode()
    assert password not in str(client.cookies)
