"""Roles that need habilitations, on top of `conventions.permissions` (which the CAF roles live in): the
gestionnaires' conventions (JUR-1, ROLE-7), who uses a second factor after the password and who may reset a lost one
(AUTH-11) — built on the roles of `conventions.permissions` (the superuser's bypass included) and, for the greffiers,
on their habilitations."""

from django.db import models
from django.utils import timezone

from conventions.models import BajManager, Caf, CafRole, Convention
from conventions.permissions import EVERY_CAF, Area, Role, bajs_managed, caf_ids_in, has_role
from habilitations.models import Habilitation, PendingConfirmation


def conventions_managed(user):
    """JUR-1, JUR-2, ROLE-7: the conventions a gestionnaire sees and acts on — those of their BAJs whose CAF
    recorded or confirmed the designation (`BajManager.vouched_by`) and answers for the credentials in force (no
    `PendingConfirmation`):
    a gestionnaire recorded, or a letter printed, by one CAF reaches that CAF's habilitations only."""
    pending = PendingConfirmation.objects.filter(user=user, caf=models.OuterRef("caf"))
    vouched = BajManager.objects.filter(user=user, baj=models.OuterRef("baj"), vouched_by=models.OuterRef("caf"))
    return (
        Convention.objects.filter(baj__in=bajs_managed(user))
        .filter(models.Exists(vouched))  # deny by default: a CAF that came to the BAJ later has not vouched
        .exclude(models.Exists(pending))
    )


# The accounts that can change who reads what (the superuser holds them all).
SECOND_FACTOR_ROLES = (Role.CAF_ADMIN, Role.SECURITY_OFFICER, Role.NATIONAL_FOLLOWUP, Role.NATIONAL_SECURITY)


def second_factor_required(user):
    """AUTH-11: a staff account (the administration's door), the superuser, a holder of a CAF or national role —
    and a greffier habilitated by a CAF that requires it of its greffiers (`Caf.greffiers_second_factor`, off by
    default: the greffier's login is the manual's). Read once, at the login (`login_attempt`)."""
    if user.is_staff or any(has_role(user, role) for role in SECOND_FACTOR_ROLES):
        return True
    return (
        Habilitation.objects.giving_access_on(timezone.localdate())
        .filter(user=user, convention__caf__greffiers_second_factor=True)
        .exists()
    )


def may_reset_second_factors(user):
    """AUTH-11: whether `user` resets lost second factors at all: a CAF administrator, the national security
    officer (and the superuser)."""
    return has_role(user, Role.CAF_ADMIN) or has_role(user, Role.NATIONAL_SECURITY)


def second_factor_reset_cafs(by):
    """AUTH-11 (#24): the CAFs `by` may act for when resetting a second factor — those they administer; none for the
    superuser and the national security officer, whose reset is a national act."""
    ids = caf_ids_in(by, Area.CAF_ADMINISTRATION)
    return Caf.objects.none() if ids is EVERY_CAF else Caf.objects.filter(pk__in=sorted(ids)).order_by("number")


def second_factor_reset_scope(by, user, caf=None):
    """AUTH-11: whether `by` may reset `user`'s second factor, acting for `caf` (#24: the CAF the agent chose, or
    their only one — never the first of several; None for a national act). Never one's own (the factor would protect
    nothing), a superuser's only by a superuser; the national security officer: any staff account, national roles
    included (a national act); a CAF administrator: for a CAF they administer, the agents holding a role at it and
    the greffiers it habilitated."""
    if by.pk == user.pk or (user.is_superuser and not by.is_superuser):
        return False
    user_cafs = set(CafRole.objects.filter(user=user).values_list("caf_id", flat=True))
    admin_cafs = caf_ids_in(by, Area.CAF_ADMINISTRATION)
    if admin_cafs is EVERY_CAF:  # the superuser
        return True
    if has_role(by, Role.NATIONAL_SECURITY) and caf is None and (user.is_staff or user_cafs):
        return True
    if caf is None or caf.pk not in admin_cafs:
        return False
    live = Habilitation.objects.filter(user=user).open_on(timezone.localdate())  # ROLE-7
    user_cafs |= set(live.values_list("convention__caf_id", flat=True))
    return caf.pk in user_cafs
