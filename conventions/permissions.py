"""ROLE-2 … ROLE-4: who may enter which area of the back office, and for which CAFs. Every role check of the
project is one of these names; the superuser's bypass is written here, once.

`AREAS` is the permission table: the decorators, the admin's mixin and the access-matrix tests
(`tests/test_access_matrix.py`) all read it."""

import enum
from functools import wraps

from django.core.exceptions import PermissionDenied

from conventions.enums import CafRoleKind
from conventions.models import Baj, Caf, CafRole
from core.decorators import session_required


class Role(enum.StrEnum):
    CAF_ADMIN = "caf_admin"  # ROLE-3: issues habilitations, manages conventions of their CAF
    SECURITY_OFFICER = "security_officer"  # ROLE-2: reviews the journal of their CAF
    NATIONAL_FOLLOWUP = "national_followup"  # ROLE-4: the Ministry's follow-up of the conventions (SADJPV)
    NATIONAL_SECURITY = "national_security"  # ROLE-6: the journal's lines that concern no CAF (e.g. at the CNAF)
    JURIDICTION_MANAGER = "juridiction_manager"  # JUR-1: requests accesses and removals for their BAJ


class Area(enum.StrEnum):
    CAF_ADMINISTRATION = "caf_administration"  # conventions and habilitations of the CAF, in the admin
    DIALOGUE = "dialogue"  # the CAF's Dialogue messages, in the admin
    SECURITY = "security"  # the security officer's journal, irregularities and surveillances
    NATIONAL = "national"  # the national overview of conventions
    REFERENCE = "reference"  # reference data, accounts, roles, the raw journal: superusers only
    PARTNER = "partner"  # JUR-1 … JUR-3: the juridiction's space — its habilitations, requests, difficulties
    STAFF_LOCKOUTS = "staff_lockouts"  # AUTH-3, ROLE-7: the locked identifiers of staff, unlocked nationally


AREAS = {
    Area.CAF_ADMINISTRATION: {Role.CAF_ADMIN},
    Area.DIALOGUE: {Role.CAF_ADMIN, Role.SECURITY_OFFICER},
    Area.SECURITY: {Role.SECURITY_OFFICER, Role.NATIONAL_SECURITY},
    Area.NATIONAL: {Role.NATIONAL_FOLLOWUP},
    Area.REFERENCE: set(),
    Area.PARTNER: {Role.JURIDICTION_MANAGER},
    Area.STAFF_LOCKOUTS: {Role.NATIONAL_SECURITY},
}

# The CAF roles of an area: the CAFs it opens are those where the user holds one of them.
_KINDS = {Role.CAF_ADMIN: CafRoleKind.ADMINISTRATOR, Role.SECURITY_OFFICER: CafRoleKind.SECURITY_OFFICER}
_PERMISSIONS = {
    Role.NATIONAL_FOLLOWUP: "conventions.view_national_overview",
    Role.NATIONAL_SECURITY: "journal.view_national_journal",
}
EVERY_CAF = None  # what `caf_ids_in` answers for a superuser


def _active(user):
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _bypasses(user):
    """The superuser's bypass: every role, every area, every CAF (the only place it is written)."""
    return _active(user) and user.is_superuser


def _caf_roles(user):
    """{kind: frozenset of CAF ids} of an active user, read once per user object (one query a request)."""
    if not _active(user):
        return {}
    cached = getattr(user, "_cafpro_caf_roles", None)
    if cached is None:
        grouped = {}
        for kind, caf_id in CafRole.objects.filter(user=user).values_list("kind", "caf_id"):
            grouped.setdefault(kind, set()).add(caf_id)
        user._cafpro_caf_roles = cached = {kind: frozenset(ids) for kind, ids in grouped.items()}
    return cached


def has_role(user, role):
    """Whether `user` holds `role`."""
    if _bypasses(user):
        return True
    if role in _PERMISSIONS:
        return _active(user) and user.has_perm(_PERMISSIONS[role])
    if role == Role.JURIDICTION_MANAGER:
        return _active(user) and bajs_managed(user).exists()
    return bool(_caf_roles(user).get(_KINDS[role]))


def bajs_managed(user):
    """JUR-1: the BAJs `user` is the gestionnaire of (none for anyone else, a superuser included)."""
    return Baj.objects.filter(managers__user=user) if _active(user) else Baj.objects.none()


def may_enter(user, area):
    """Whether `user` may open `area` at all (which rows they then see: `caf_ids_in`)."""
    return _bypasses(user) or any(has_role(user, role) for role in AREAS[area])


def caf_ids_in(user, area):
    """The ids of the CAFs whose rows `user` sees in `area`, those where they hold a role of the area;
    EVERY_CAF (None) for a superuser."""
    if _bypasses(user):
        return EVERY_CAF
    roles = _caf_roles(user)
    return frozenset().union(*(roles.get(_KINDS[role], ()) for role in AREAS[area] if role in _KINDS))


def cafs_in(user, area):
    """The same CAFs, as a queryset."""
    ids = caf_ids_in(user, area)
    return Caf.objects.all() if ids is EVERY_CAF else Caf.objects.filter(pk__in=sorted(ids))


def is_caf_admin_of(user, caf):
    """ROLE-3."""
    ids = caf_ids_in(user, Area.CAF_ADMINISTRATION)
    return ids is EVERY_CAF or caf.pk in ids


def is_security_officer_of(user, caf):
    """ROLE-2."""
    ids = caf_ids_in(user, Area.SECURITY)
    return ids is EVERY_CAF or caf.pk in ids


def area_required(area):
    """A view of `area`: reached without a session, the session-expired page (AUTH-7); without the role, 403."""

    def decorator(view):
        @wraps(view)
        @session_required
        def wrapper(request, *args, **kwargs):
            if not may_enter(request.user, area):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
