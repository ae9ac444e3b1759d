"""AUD-1 (extended): what the commands that change accounts or lockouts journal — the state before and after, and
the CAFs whose officers read the line. The commands of the same name in `habilitations/management/commands/` wrap
django.contrib.auth's and axes' (this app comes first in INSTALLED_APPS)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q

from conventions.models import Caf
from habilitations.models import User, UserManager


def _identifiers(values):
    values = [values] if isinstance(values, str) else list(values or [])
    return sorted({value for value in values} | {UserManager.normalize_identifier(value) for value in values})


def lockouts(**filters):
    """The locked identifiers and the attempts recorded (AUTH-3), among those `filters` select."""
    attempts = AccessAttempt.objects.filter(**filters)
    locked = sorted(
        attempts.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).values_list("username", flat=True)
    )
    return f"{attempts.count()} tentatives enregistrées ; bloqués : {', '.join(locked) or 'aucun'}"


def lockouts_of(identifiers):
    return lockouts(username__in=_identifiers(identifiers))


def cafs_of_identifiers(identifiers):
    """AUD-2: the CAFs that answer for these identifiers (habilitations issued, roles given)."""
    identifiers = _identifiers(identifiers)
    return Caf.objects.filter(
        Q(conventions__habilitations__user__identifier__in=identifiers)
        | Q(staff_roles__user__identifier__in=identifiers)
    ).distinct()


def cafs_of_locked(**filters):
    """AUD-2: the CAFs of the identifiers an unlock will free (read before it erases them)."""
    return cafs_of_identifiers(AccessAttempt.objects.filter(**filters).values_list("username", flat=True))


def account_state(identifier):
    """An account's rights and password date as an officer reads them (never the password nor its hash)."""
    user = User.objects.filter(identifier=UserManager.normalize_identifier(identifier or "")).first()
    if user is None:
        return f"{identifier} : aucun compte"
    changed = f"{user.password_changed_at:%d/%m/%Y %H:%M:%S.%f}" if user.password_changed_at else "jamais"
    return (
        f"{user.identifier} : actif {'oui' if user.is_active else 'non'}, administration "
        f"{'oui' if user.is_staff else 'non'}, superutilisateur {'oui' if user.is_superuser else 'non'}, "
        f"mot de passe changé : {changed}"
    )


def superusers():
    identifiers = User.objects.filter(is_superuser=True).order_by("identifier").values_list("identifier", flat=True)
    return f"superutilisateurs : {', '.join(identifiers) or 'aucun'}"
