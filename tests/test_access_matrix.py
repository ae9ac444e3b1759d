"""ROLE-1 … ROLE-4: every role × every area of the site, the expected answer read from the permission table the
code uses (`conventions.permissions.AREAS`): allowed → 200; refused → 403, or the login / session-expired page
without a session (and the admin's login for an account without access to the administration)."""

import pytest
from django.contrib.auth.models import Permission

from conventions.enums import CafRoleKind
from conventions.models import Baj, Caf, CafRole
from conventions.permissions import AREAS, Area, Role, caf_ids_in, has_role, may_enter
from tests.habilitations.factories import HabilitationFactory, UserFactory, designated, log_in

pytestmark = pytest.mark.django_db

CONSULTATION = "consultation"  # the greffier's portal: a habilitation giving access (habilitations.access)

URLS = {
    # BO-4: a CAF's administrators enter the addresses of their BAJs (the rest of a BAJ stays reference data).
    Area.CAF_ADMINISTRATION: [
        "/admin/conventions/convention/",
        "/admin/habilitations/habilitation/",
        "/admin/conventions/baj/",
    ],
    Area.DIALOGUE: ["/admin/allocataires/dialoguemessage/"],
    Area.SECURITY: [
        "/responsable-securite/journal/",
        "/responsable-securite/irregularites/",
        "/responsable-securite/surveillance/",
    ],
    Area.NATIONAL: ["/suivi-national/"],
    Area.REFERENCE: [
        "/admin/conventions/caf/",
        "/admin/conventions/departement/",
        "/admin/conventions/postalcoderule/",
        "/admin/conventions/cafrole/",
        "/admin/habilitations/user/",
        "/admin/journal/journalentry/",
        "/admin/journal/journalseal/",
        "/admin/habilitations/surveillance/",
    ],
    Area.PARTNER: ["/juridiction/", "/juridiction/demande-d-acces/", "/juridiction/difficultes/"],
    Area.STAFF_LOCKOUTS: ["/responsable-securite/personnel-bloque/"],
    CONSULTATION: ["/accueil/"],
}


def test_every_area_of_the_table_is_tried():
    assert set(URLS) == {*AREAS, CONSULTATION}


def test_the_table_is_the_policy():
    """The table itself, written out: a change of who enters where is a deliberate change of this test."""
    assert AREAS == {
        Area.CAF_ADMINISTRATION: {Role.CAF_ADMIN},
        Area.DIALOGUE: {Role.CAF_ADMIN, Role.SECURITY_OFFICER},
        Area.SECURITY: {Role.SECURITY_OFFICER, Role.NATIONAL_SECURITY},
        Area.NATIONAL: {Role.NATIONAL_FOLLOWUP},
        Area.REFERENCE: set(),
        Area.PARTNER: {Role.JURIDICTION_MANAGER},
        Area.STAFF_LOCKOUTS: {Role.NATIONAL_SECURITY},
    }


KINDS = ["anonymous", "greffier", *Role, "staff without role", "superuser"]


def _user(kind):
    """One account per kind of user of the site."""
    caf = Caf.objects.get(number="161")
    if kind == "greffier":
        return HabilitationFactory().user
    if kind == "superuser":
        return UserFactory(identifier="ADMIN001", superuser=True)
    # A gestionnaire is a partner, like a greffier: no administration, a partner's password.
    user = UserFactory(identifier=f"AGENT{KINDS.index(kind):03d}", staff=kind != Role.JURIDICTION_MANAGER)
    if kind in (Role.CAF_ADMIN, Role.SECURITY_OFFICER):
        kinds = {Role.CAF_ADMIN: CafRoleKind.ADMINISTRATOR, Role.SECURITY_OFFICER: CafRoleKind.SECURITY_OFFICER}
        CafRole.objects.create(user=user, caf=caf, kind=kinds[kind])
    if kind == Role.NATIONAL_FOLLOWUP:
        user.user_permissions.add(Permission.objects.get(codename="view_national_overview"))
    if kind == Role.JURIDICTION_MANAGER:
        designated(user=user, baj=Baj.objects.get(city="Angoulême"), designated_on="2026-01-05")
    if kind == Role.NATIONAL_SECURITY:
        user.user_permissions.add(Permission.objects.get(codename="view_national_journal"))
    return user


def _allowed(kind, area):
    if area == CONSULTATION:
        return kind == "greffier"
    return kind == "superuser" or kind in AREAS[area]


@pytest.mark.parametrize("kind", KINDS, ids=str)
@pytest.mark.parametrize("area", list(URLS), ids=str)
def test_access_matrix(client, kind, area):
    user = None if kind == "anonymous" else _user(kind)
    if user is not None:
        log_in(client, user)
        if area != CONSULTATION:
            assert may_enter(user, area) == _allowed(kind, area)
    for url in URLS[area]:
        response = client.get(url)
        if _allowed(kind, area):
            assert response.status_code == 200, (kind, url)
        elif user is None:
            assert response.status_code == 302, (kind, url)
            assert response["Location"].startswith(("/session-expiree/", "/admin/login/")), (kind, url)
        elif url.startswith("/admin/") and not user.is_staff:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), (kind, url)
        else:
            assert response.status_code == 403, (kind, url)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_roles_are_per_caf(role):
    """ROLE-2, ROLE-3: a CAF role opens that CAF's rows only; a superuser's, every CAF's."""
    user = _user(role)
    for area, roles in AREAS.items():
        if role in roles and role not in (Role.NATIONAL_FOLLOWUP, Role.NATIONAL_SECURITY, Role.JURIDICTION_MANAGER):
            assert caf_ids_in(user, area) == {Caf.objects.get(number="161").pk}
    assert has_role(user, role)
    assert all(has_role(_user("superuser"), other) for other in Role)
