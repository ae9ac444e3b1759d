"""Writes of the habilitations app: login, session end, passwords, unlock — each journaled in the same
transaction as the event it records (JRN-1, JRN-5)."""

import secrets
import time
from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate, login, logout, password_validation, update_session_auth_hash
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from habilitations.enums import JournalEvent
from habilitations.models import JournalEntry, User, UserManager
from habilitations.network import client_ip

SESSION_STARTED = "cafpro_started"
SESSION_LAST_SEEN = "cafpro_last_seen"

# AUTH-5: generated passwords avoid characters that are read one for another (0/O, 1/l/I).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def journal_record(*, event, request=None, user=None, identifier="", detail="", **consultation):
    """JRN-1, JRN-2: appends one line to the access journal — `consultation` carries the CAF, allocataire
    number, rubrique and period of a consultation. Never a password, never a session key."""
    if user is not None and not identifier:
        identifier = user.identifier
    return JournalEntry.objects.create(
        event=event,
        identifier_typed=identifier[:32],
        user=user,
        source_ip=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        detail=detail[:200],
        **consultation,
    )


def _serialize_identifier(identifier):
    """AUTH-3: one login attempt at a time per identifier, so that N simultaneous wrong attempts cannot all
    be evaluated before the lockout is recorded (django-axes issue #592). PostgreSQL: an advisory lock held
    until the end of the transaction, across every app process. SQLite: the transaction is BEGIN IMMEDIATE
    (settings), which already serializes every writer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7291))", [identifier])


class LoginOutcome:
    SUCCESS = "success"
    FAILURE = "failure"
    LOCKED = "locked"


@dataclass
class LoginResult:
    outcome: str
    user: User | None = None


@transaction.atomic
def login_attempt(*, request, identifier, password, well_formed=True):
    """AUTH-1 … AUTH-3: one attempt at the login page.

    A locked identifier is refused before its password is looked at. A malformed attempt (wrong length…)
    is not checked against any account but still counts as a failure for the identifier typed. The third
    consecutive failure locks the identifier; a success resets the count.
    """
    identifier = UserManager.normalize_identifier(identifier)
    credentials = {"username": identifier}
    if identifier:
        _serialize_identifier(identifier)
    AxesProxyHandler.update_request(request)
    if identifier and AxesProxyHandler.is_locked(request, credentials):
        journal_record(event=JournalEvent.LOCKED_OUT_ATTEMPT, request=request, identifier=identifier)
        return LoginResult(LoginOutcome.LOCKED)

    user = None
    if well_formed:
        user = authenticate(request, username=identifier, password=password)
    else:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)

    known = User.objects.filter(identifier=identifier).first() if user is None else user
    if user is None:
        journal_record(
            event=JournalEvent.LOGIN_FAILURE,
            request=request,
            user=known,
            identifier=identifier,
            detail="" if well_formed else "format invalide",
        )
        if identifier and AxesProxyHandler.is_locked(request, credentials):
            journal_record(event=JournalEvent.LOCKOUT, request=request, user=known, identifier=identifier)
            return LoginResult(LoginOutcome.LOCKED)
        return LoginResult(LoginOutcome.FAILURE)

    login(request, user)  # rotates the session key (AUTH-6)
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now
    journal_record(event=JournalEvent.LOGIN_SUCCESS, request=request, user=user)
    return LoginResult(LoginOutcome.SUCCESS, user)


@transaction.atomic
def session_end(*, request, event=JournalEvent.LOGOUT):
    """AUTH-6 … AUTH-8: ends the session server-side (flushed) and journals why."""
    user = request.user if request.user.is_authenticated else None
    journal_record(event=event, request=request, user=user)
    logout(request)


def password_generate(user=None):
    """AUTH-5: a random initial password of the partner length, drawn again until the validators accept it
    for `user` (not too close to their name or identifier, not common)."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(6))
        if not (any(c.isdigit() for c in password) and any(c.isalpha() for c in password)):
            continue
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


@transaction.atomic
def password_change(*, request, user, new_password):
    """AUTH-5: the user sets their own password; the current session stays open, the others end."""
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    update_session_auth_hash(request, user)
    journal_record(event=JournalEvent.PASSWORD_CHANGE, request=request, user=user)


@transaction.atomic
def password_reset(*, user, by, request=None):
    """AUTH-5: a CAF administrator gives a new initial password (lost password, art. 4 of the convention).
    Every open session of the user ends: Django ties a session to a hash of the password. Returns the
    password, to be shown once."""
    password = password_generate(user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    journal_record(event=JournalEvent.PASSWORD_RESET, request=request, user=user, detail=f"par {by.identifier}")
    return password


@transaction.atomic
def user_unlock(*, user, by, request=None):
    """AUTH-3: a CAF administrator lifts the lockout of an identifier."""
    removed = axes_reset(username=user.identifier)
    journal_record(event=JournalEvent.UNLOCK, request=request, user=user, detail=f"par {by.identifier}")
    return removed
