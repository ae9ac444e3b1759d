"""BO-9: nothing lost between people at the login — every role's first page is its own home (also after the forced
password change), the attempts left are told the same way for every identifier, the lockout page says whom to
contact, a multi-CAF greffier is told which CAF suspended the access."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from conventions.enums import CafRoleKind, JuridictionKind
from conventions.models import Baj, Caf, CafRole
from habilitations.enums import HabilitationStatus
from habilitations.services import SECOND_FACTOR_PENDING, SESSION_SECOND_FACTOR
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, designated, log_in, pass_second_factor

pytestmark = pytest.mark.django_db

PARTNER_NEW, STAFF_NEW = "Nv8pq3", "Un-nouveau-mot-de-passe-7"


def greffier():
    return HabilitationFactory(user=UserFactory(identifier="T1001161", initial=True)).user


def gestionnaire():
    user = UserFactory(identifier="G1600001", initial=True)
    baj = Baj.objects.get(city="Angoulême", juridiction=JuridictionKind.TGI)
    designated(user=user, baj=baj, designated_on=timezone.localdate() - dt.timedelta(days=30))
    return user


def caf_agent(kind):
    def make():
        user = UserFactory(identifier="CAF16101", staff=True, initial=True)
        CafRole.objects.create(user=user, caf=Caf.objects.get(number="161"), kind=kind)
        return user

    return make


def with_permission(codename):
    def make():
        user = UserFactory(identifier="NATION01", staff=True, initial=True)
        user.user_permissions.add(Permission.objects.get(codename=codename))
        return user

    return make


def superuser():
    return UserFactory(identifier="ADMIN001", superuser=True, initial=True)


ROLES = {
    "greffier": (greffier, "allocataires:home"),
    "gestionnaire": (gestionnaire, "habilitations:partner_home"),
    "administrateur de Caf": (caf_agent(CafRoleKind.ADMINISTRATOR), "admin:index"),
    "responsable sécurité": (caf_agent(CafRoleKind.SECURITY_OFFICER), "habilitations:officer_journal"),
    "suivi national": (with_permission("view_national_overview"), "conventions:national_overview"),
    "sécurité nationale": (with_permission("view_national_journal"), "habilitations:officer_journal"),
    "superutilisateur": (superuser, "admin:index"),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_first_login_after_the_forced_change_lands_on_the_roles_own_home(client, role):
    """BO-9: a gestionnaire's first login used to end on a 403 at /accueil/ (the greffier's home)."""
    make, home = ROLES[role]
    user = make()
    log_in(client, user)
    assert client.get(reverse("allocataires:home"))["Location"] == reverse("habilitations:password_change")
    new = STAFF_NEW if user.is_staff else PARTNER_NEW
    response = client.post(
        reverse("habilitations:password_change"),
        {"old_password": "Un-mot-de-passe-long-9" if user.is_staff else "Zq9xw4", "new_password1": new,
         "new_password2": new},
    )  # fmt: skip
    assert response["Location"] == reverse(home)
    if client.session.get(SESSION_SECOND_FACTOR) == SECOND_FACTOR_PENDING:  # AUTH-11: staff enrol, then their home
        assert client.get(response["Location"])["Location"].startswith(reverse("habilitations:second_factor"))
        pass_second_factor(client, user)
    assert client.get(reverse(home)).status_code == 200
    # Later logins too: the login page sends an authenticated user to the same home.
    assert client.get("/")["Location"] == reverse(home)


def attempt(client, identifier, password="Xx9yy8"):
    """The error summary the login page answers."""
    html = " ".join(client.post("/", {"identifier": identifier, "password": password}).content.decode().split())
    return re.search(r'<div class="alert".*?</div>', html).group(0)


def test_the_attempts_left_are_told_the_same_way_for_a_known_or_unknown_identifier(client):
    """BO-9, AUTH-2, AUTH-3: « il vous reste 1 essai » before the lockout — for an unknown identifier too (no
    enumeration)."""
    greffier()
    known = [attempt(client, "T1001161") for _ in range(2)]
    unknown = [attempt(client, "Z9999999") for _ in range(2)]
    for first, second in (known, unknown):
        assert "Il vous reste 2 essais" in first
        assert "il vous reste 1 essai." in second and "sera bloqué" in second
    assert known == unknown
    assert client.post("/", {"identifier": "Z9999999", "password": "Xx9yy8"})["Location"] == reverse(
        "habilitations:locked_out"
    )


def test_the_lockout_page_says_whom_to_contact(client):
    """BO-9: the greffier's CAF (the one that sent the opening letter), the gestionnaire, a CAF agent's own
    administrator."""
    text = " ".join(client.get(reverse("habilitations:locked_out")).content.decode().split())
    assert "lettre d'ouverture des droits" in text
    assert "administrateur Cafpro de votre Caf" in text


@pytest.fixture
def lille_greffier_suspended_at_douai(client):
    lille = Baj.objects.get(city="Lille", juridiction=JuridictionKind.TGI)
    user = UserFactory(identifier="T5900001")
    for number in ["595", "591", "593"]:
        HabilitationFactory(user=user, convention=ConventionFactory(baj=lille, caf=Caf.objects.get(number=number)))
    user.habilitations.filter(convention__caf__number="593").update(status=HabilitationStatus.SUSPENDED)
    log_in(client, user)
    return user


def test_a_multi_caf_greffier_is_told_which_caf_suspended_the_access(client, lille_greffier_suspended_at_douai):
    """BO-9: « votre accès à la Caf de Douai est suspendu », not « hors de votre accès »; the home page lists the
    CAFs of the access and the suspension."""
    home = " ".join(client.get(reverse("allocataires:home")).content.decode().split())
    assert "<li>Caf de Lille</li>" in home
    assert "<li>Caf de Douai</li>" not in home
    assert "Votre accès à la Caf de Douai est suspendu" in home
    response = client.post(
        reverse("allocataires:search"),
        {"number": "1234567", "postal_code": "59500", "legal_aid_file": "2026/1", "procedure": "admission"},
    )
    assert response.context["search_form"].errors["postal_code"] == [
        "Votre accès à la Caf de Douai est suspendu : adressez-vous à cette Caf pour le rétablir."
    ]
