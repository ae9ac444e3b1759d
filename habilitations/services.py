"""Writes of the habilitations app: login, session end, passwords, unlock — each journaled in the same
transaction as the event it records (JRN-1, JRN-5)."""

import datetime as dt
import secrets
import time
from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate, login, logout, password_validation, update_session_auth_hash
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conventions.models import Baj, BajManager, Caf, Convention
from conventions.permissions import bajs_managed
from core.text import ascii_digits
from habilitations import validators
from habilitations.enums import HABILITATION_GIVING_ACCESS, HabilitationState, HabilitationStatus, RevocationReason
from habilitations.models import (
    Habilitation,
    HabilitationHistory,
    PendingConfirmation,
    Surveillance,
    User,
    UserManager,
    validate_greffe_function,
)
from habilitations.permissions import conventions_managed, second_factor_required
from journal import acts
from journal.enums import JournalEvent
from journal.services import changes, journal_record

SESSION_STARTED = "cafpro_started"
SESSION_LAST_SEEN = "cafpro_last_seen"
# AUTH-11: where the session keeps the state of its second factor: absent when none is required.
SESSION_SECOND_FACTOR = "cafpro_second_factor"
SECOND_FACTOR_PENDING = "pending"
SECOND_FACTOR_VERIFIED = "verified"


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
    if identifier and _is_locked(request, identifier):
        known = User.objects.filter(identifier=identifier).first()  # AUD-2: the line reaches that user's CAFs
        journal_record(event=JournalEvent.LOCKED_OUT_ATTEMPT, request=request, user=known, identifier=identifier)
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
        if identifier and _is_locked(request, identifier):
            journal_record(event=JournalEvent.LOCKOUT, request=request, user=known, identifier=identifier)
            return LoginResult(LoginOutcome.LOCKED)
        return LoginResult(LoginOutcome.FAILURE)

    login(request, user)  # rotates the session key (AUTH-6)
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now
    detail = ""
    if second_factor_required(user):  # AUTH-11: every page waits for the code (SecondFactorMiddleware)
        request.session[SESSION_SECOND_FACTOR] = SECOND_FACTOR_PENDING  # the right code resets the count
        detail = "mot de passe accepté, code de double authentification attendu"  # the officer reads no full login
    else:
        axes_reset(username=identifier)  # AUTH-3: a success resets the count
    journal_record(event=JournalEvent.LOGIN_SUCCESS, request=request, user=user, detail=detail)
    return LoginResult(LoginOutcome.SUCCESS, user)


@transaction.atomic
def session_end(*, request, event=JournalEvent.LOGOUT):
    """AUTH-6 … AUTH-8: ends the session server-side (flushed) and journals why."""
    user = request.user if request.user.is_authenticated else None
    journal_record(event=event, request=request, user=user)
    logout(request)


# AUTH-5: generated passwords avoid characters that are read one for another (0/O, 1/l/I), and hold a letter and a
# digit at least.
PASSWORD_CLASSES = ("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ", "23456789")
PASSWORD_ALPHABET = "".join(PASSWORD_CLASSES)
PASSWORD_DRAWS = 20


def password_generate(user=None):
    """AUTH-5: a random password made to the rules of `user`'s account — the partner length, or longer than the
    staff minimum (`validators.generated_length`), with a letter and a digit — checked against every validator
    (not resembling the identifier or the name, not common). A few draws at most: rules that no draw satisfies are
    a configuration error, said in French, never an endless loop."""
    length = validators.generated_length(user)
    random = secrets.SystemRandom()
    for _ in range(PASSWORD_DRAWS):
        characters = [secrets.choice(chars) for chars in PASSWORD_CLASSES]
        characters += [secrets.choice(PASSWORD_ALPHABET) for _ in range(length - len(characters))]
        random.shuffle(characters)
        password = "".join(characters)
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password
    raise ValidationError(
        "Impossible de générer un mot de passe conforme aux règles de ce compte : signalez-le à l'équipe "
        "technique (règles de mot de passe de la configuration)."
    )


class PasswordChangeOutcome:
    CHANGED = "changed"
    INVALID = "invalid"
    LOCKED = "locked"


@transaction.atomic
def password_change_submit(*, request, form):
    """AUTH-3, AUTH-5, AUD-3: the password-change form of the logged-in user, under the same serialization as the
    login: a locked identifier is refused before its current password is looked at (`_refused_while_locked`), so
    that N simultaneous guesses evaluate at most AXES_FAILURE_LIMIT passwords. A wrong current password counts
    toward the lockout and is journaled; at the third the session ends. A valid form changes the password."""
    user = form.user
    if _refused_while_locked(request, user):
        return PasswordChangeOutcome.LOCKED
    if form.is_valid():
        password_change(request=request, user=user, new_password=form.cleaned_data["new_password1"])
        return PasswordChangeOutcome.CHANGED
    if form.has_error("old_password", "password_incorrect") and password_change_refused(request=request, user=user):
        return PasswordChangeOutcome.LOCKED
    return PasswordChangeOutcome.INVALID


def _failed_attempt(*, request, user, event):
    """AUTH-3: a failure after the login page on `user`'s identifier (a wrong current password, AUD-3; a wrong
    second-factor code, AUTH-11) counts toward the same lockout as a failed login and is journaled; at the third,
    the identifier is locked and the session ends. Called under the identifier's serialization
    (`_refused_while_locked`). Returns whether it is now locked."""
    credentials = {"username": user.identifier}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    journal_record(event=event, request=request, user=user)
    if not _is_locked(request, user.identifier):
        return False
    journal_record(event=JournalEvent.LOCKOUT, request=request, user=user)
    logout(request)
    return True


@transaction.atomic
def password_change_refused(*, request, user):
    """AUD-3, AUTH-3: a wrong current password in the change form is a failed attempt on the identifier."""
    return _failed_attempt(request=request, user=user, event=JournalEvent.PASSWORD_CHANGE_REFUSED)


@transaction.atomic
def password_change(*, request, user, new_password):
    """AUTH-5: the user sets their own password; the current session stays open, the others end. The current
    password was right: the count of failures toward the lockout starts again (AUTH-3) — unless the session still
    waits for its second factor (AUTH-11): only the right code ends that count."""
    if not second_factor_pending(request):
        axes_reset(username=user.identifier)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    update_session_auth_hash(request, user)
    journal_record(event=JournalEvent.PASSWORD_CHANGE, request=request, user=user)


def cafs_concerned(user):
    """ROLE-7: the CAFs that answer for `user`'s credentials — those of their habilitations not closed (#24: ended,
    refused, withdrawn: `open_on`), and the CAFs the BAJs they are the gestionnaire of deal with
    (`Caf.objects.of_bajs`)."""
    live = Habilitation.objects.filter(user=user).open_on(timezone.localdate())
    managed = Caf.objects.of_bajs(bajs_managed(user)).values("pk")
    return Caf.objects.filter(models.Q(pk__in=live.values("convention__caf")) | models.Q(pk__in=managed))


def _journal_to_cafs(*, event, request, by, user, cafs, detail=""):
    """ROLE-7, AUD-1: one line per CAF, so that the act on an identity reaches the officers of every CAF it holds a
    habilitation from (`habilitations.models.journal_visible_to_officer`); a line without a CAF when there is none."""
    text = f"{user.identifier} : {detail}" if detail else user.identifier
    for caf in cafs or [None]:
        journal_record(event=event, request=request, user=by, caf=caf, detail=text)


def _vouched_by_only(*, user, caf, by):
    """ROLE-7: what `caf`'s staff did to `user`'s credentials (a letter, an unlock, a second factor reset) opens
    `caf`'s habilitations only: every other CAF concerned owes a confirmation (`PendingConfirmation`) before its
    habilitations give access again, or the gestionnaire acts on its conventions. Returns the CAFs concerned."""
    concerned = list(cafs_concerned(user).order_by("pk"))
    for other in concerned:
        if other != caf:
            PendingConfirmation.objects.update_or_create(
                user=user, caf=other, defaults={"issued_by": caf, "by": by, "at": timezone.now()}
            )
    if caf is not None:
        PendingConfirmation.objects.filter(user=user, caf=caf).delete()
    type(user).objects.filter(pk=user.pk).update(access_version=models.F("access_version") + 1)
    return concerned


def _credentials_issue(*, user, by, caf, request, event, reason=""):
    """ROLE-7, AUTH-5: a new initial password, printed by `caf` (None: the national administration). It opens
    `caf`'s habilitations only: every other CAF concerned owes a confirmation (`PendingConfirmation`) before its
    habilitations give access again, or the gestionnaire acts on its conventions. Every open session ends (Django
    ties a session to a hash of the password). Journaled for the officers of every CAF concerned."""
    password = password_generate(user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    concerned = _vouched_by_only(user=user, caf=caf, by=by)
    issuer = f"émis par la {caf.name}" if caf is not None else "émis par l'administration nationale"
    cafs = sorted({*concerned, *([caf] if caf is not None else [])}, key=lambda c: c.pk)
    detail = f"{issuer} — motif : {reason}" if reason else issuer
    _journal_to_cafs(event=event, request=request, by=by, user=user, cafs=cafs, detail=detail)
    return password


@transaction.atomic
def password_reset(*, user, by, request=None, caf=None, reason=""):
    """AUTH-5, ROLE-7, AUD-1, BO-6: a CAF administrator (`caf`) gives a new initial password (lost password, art. 4
    of the convention), to be printed in a letter, for the `reason` the agent gave (journaled); it opens that CAF's
    habilitations only until each other CAF concerned confirms (`_credentials_issue`). Returns the password, to be
    shown once."""
    return _credentials_issue(
        user=user, by=by, caf=caf, request=request, event=JournalEvent.PASSWORD_RESET, reason=reason
    )


@transaction.atomic
def habilitation_password_reset(*, habilitation, by, reason="", request=None):
    """AUTH-5, ROLE-7, BO-6: « Nouveau mot de passe et lettre » — only for a habilitation in force (a letter for a
    suspended, ended, revoked or requested one would open nothing its CAF answers for), issued by its CAF: its
    state today gives access (`HABILITATION_GIVING_ACCESS`, #24); the `reason` in the habilitation's history and the
    journal."""
    state = habilitation.state_on()
    if state not in HABILITATION_GIVING_ACCESS:
        raise ValidationError(
            f"Aucune lettre pour l'habilitation de {habilitation.user.identifier} : elle ne donne pas accès "
            f"(état « {state.label.lower()} »)."
        )
    # the history row only: the journal line is the password reset's, one per CAF concerned
    HabilitationHistory.objects.create(habilitation=habilitation, by=by, action="nouveau mot de passe", detail=reason)
    return password_reset(
        user=habilitation.user, by=by, request=request, caf=habilitation.convention.caf, reason=reason
    )


@transaction.atomic
def credentials_confirm(*, user, caf, by, request=None):
    """ROLE-7: `caf` confirms the credentials now in force of `user` (issued by another CAF) — and, for a
    gestionnaire, the designation another CAF recorded: its habilitations give access again, the gestionnaire
    acts on its conventions. Journaled for that CAF and for the CAF that issued them."""
    pending = PendingConfirmation.objects.filter(user=user, caf=caf).select_related("issued_by").first()
    designations = BajManager.objects.filter(user=user, baj__in=Baj.objects.dealing_with(caf)).exclude(vouched_by=caf)
    if pending is None and not designations.exists():
        raise ValidationError(f"Rien à confirmer pour {user.identifier} à la {caf.name}.")
    for manager in designations:
        manager.vouched_by.add(caf)
    if pending is not None:
        pending.delete()
    type(user).objects.filter(pk=user.pk).update(access_version=models.F("access_version") + 1)
    issuer = pending.issued_by if pending is not None and pending.issued_by_id else None
    cafs = sorted({caf, *([issuer] if issuer else [])}, key=lambda c: c.pk)
    summary = pending.summary if pending is not None else "désignation du gestionnaire"
    _journal_to_cafs(
        event=JournalEvent.CREDENTIALS_CONFIRMED,
        request=request,
        by=by,
        user=user,
        cafs=cafs,
        detail=f"confirmés par la {caf.name} — {summary}",
    )


def _staff_lockouts_over():
    """AUTH-3, ROLE-7: the lockouts of staff identifiers (CAF agents, administrators) whose last failure is older
    than CAFPRO_STAFF_LOCKOUT_COOLOFF seconds: lifted by themselves, so that three anonymous attempts cannot keep
    every administrator out for good. Greffiers keep the manual's rule (until the CAF unlocks)."""
    since = timezone.now() - dt.timedelta(seconds=settings.CAFPRO_STAFF_LOCKOUT_COOLOFF)
    staff = User.objects.staff().values("identifier")
    return AccessAttempt.objects.filter(username__in=staff, attempt_time__lt=since)


def _is_locked(request, identifier):
    """AUTH-3: whether `identifier` is locked now — a staff identifier whose cool-off is over is unlocked first."""
    _staff_lockouts_over().filter(username=identifier).delete()
    return AxesProxyHandler.is_locked(request, {"username": identifier})


def locked_identifiers():
    """AUTH-3: the identifiers locked after AXES_FAILURE_LIMIT consecutive failures (a subquery), staff
    identifiers whose cool-off is over excepted."""
    return (
        AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        .exclude(pk__in=_staff_lockouts_over().values("pk"))
        .values("username")
    )


def identifier_locked(identifier):
    """AUTH-3: whether `identifier` is locked now, as the lists and pages show it (`locked_identifiers`)."""
    return locked_identifiers().filter(username=identifier).exists()


@transaction.atomic
def user_unlock(*, user, by, request=None, caf=None, reason=""):
    """AUTH-3, ROLE-7, AUD-1: a CAF administrator (`caf`) lifts the lockout of an identifier — which then opens that
    CAF's habilitations only until each other CAF concerned confirms (`_vouched_by_only`) —, or the national security
    officer that of a staff identifier; journaled as their act for the officers of every CAF the identity holds a
    habilitation from. An identifier that is not locked is left as it is (its attempts, the other CAFs' trust, the
    journal): refused."""
    if not identifier_locked(user.identifier):
        raise ValidationError(f"{user.identifier} n'était pas bloqué ; rien n'a été fait.")
    removed = axes_reset(username=user.identifier)
    if caf is not None:  # ROLE-7: one CAF's unlock is no way to guess, three at a time, a password other CAFs trust
        _vouched_by_only(user=user, caf=caf, by=by)
    cafs = sorted({*cafs_concerned(user), *([caf] if caf is not None else [])}, key=lambda c: c.pk)
    by_caf = f"par la {caf.name}" if caf is not None else "par l'administration nationale"
    detail = f"{by_caf} — motif : {reason}" if reason else by_caf
    _journal_to_cafs(event=JournalEvent.UNLOCK, request=request, by=by, user=user, cafs=cafs, detail=detail)
    return removed


@transaction.atomic
def habilitation_unlock(*, habilitation, by, reason="", request=None):
    """AUTH-3, BO-6: the CAF of `habilitation` lifts the lockout of its holder's identifier (`user_unlock`), for the
    `reason` the agent gave — in the habilitation's history and the journal. ROLE-7, HAB-1 (#24): only while the
    habilitation is the CAF's answer for the identity (the states whose page offers « Débloquer »): a CAF whose
    habilitation is withdrawn, ended, refused or only requested unlocks nothing another CAF trusts — the list action
    too, not the button only."""
    _transition(habilitation, "débloquer")
    removed = user_unlock(
        user=habilitation.user, by=by, request=request, caf=habilitation.convention.caf, reason=reason
    )
    # the history row only: the journal line is the unlock's, one per CAF concerned
    HabilitationHistory.objects.create(habilitation=habilitation, by=by, action="déblocage", detail=reason)
    return removed


def sessions_end_all(user):
    """HAB-2: every open session of `user` is refused from its next request on (SessionPolicyMiddleware)."""
    user.sessions_revoked_at = timezone.now()
    user.save(update_fields=["sessions_revoked_at"])


def access_changed(user):
    """HAB-2: a change of `user`'s habilitations is seen at their next request (the database bumps their
    `access_version`: migration `habilitations/0006`); when none of them gives access any more, their open
    sessions end."""
    if not Habilitation.objects.giving_access_on(timezone.localdate()).filter(user=user).exists():
        sessions_end_all(user)


def habilitation_history(*, habilitation, by, action, event, detail="", request=None):
    """HAB-3, AUD-1: the habilitation's history row and its journal line — who acted, on whose habilitation, under
    which convention — for the officers of the CAF that issued it."""
    HabilitationHistory.objects.create(habilitation=habilitation, by=by, action=action, detail=detail)
    target = f"{habilitation.user.identifier}, convention {habilitation.convention.number}"
    journal_record(
        event=event,
        request=request,
        user=by,
        caf_id=habilitation.convention.caf_id,
        detail=f"{target} : {detail}" if detail else target,
    )


def _identifier_for(convention):
    """AUTH-1: an 8-character identifier issued by the CAF: T, the CAF number (CM for the CMAF), then digits."""
    return _new_identifier(f"T{convention.caf.number or 'CM'}")


def _new_identifier(prefix):
    """AUTH-1, AUTH-10: `prefix` completed by random digits to 8 characters, never given before."""
    while True:
        identifier = prefix + "".join(secrets.choice("0123456789") for _ in range(8 - len(prefix)))
        if not User.objects.filter(identifier=identifier).exists():
            return identifier


@transaction.atomic
def habilitation_request(
    *, convention, function, last_name, first_name, email="", civility="", by, user=None, request=None
):
    """HAB-1, ROLE-1, AUTH-10: a nominative habilitation requested under a convention, for a new identifier
    (or for an existing person's `user`). It gives no access until granted."""
    validate_greffe_function(function)  # ROLE-1, before an account is created
    if user is None:
        user = User.objects.create_user(
            _identifier_for(convention),
            None,
            last_name=last_name,
            first_name=first_name,
            email=email,
            civility=civility,
        )
    habilitation = Habilitation.objects.create(
        user=user,
        convention=convention,
        profile=convention.profile,
        function=function,
        status=HabilitationStatus.REQUESTED,
    )
    habilitation_history(
        habilitation=habilitation,
        by=by,
        action="demande",
        detail=habilitation.get_function_display(),
        event=JournalEvent.HABILITATION_REQUESTED,
        request=request,
    )
    return habilitation


# HAB-1 (#24): each act on a habilitation, the states that allow it (`Habilitation.state_on`), and its participle.
ACTS = {
    "accorder": ({HabilitationState.REQUESTED}, "accordé"),
    "refuser": ({HabilitationState.REQUESTED}, "refusé"),
    "suspendre": (
        {HabilitationState.ACTIVE, HabilitationState.ENDING, HabilitationState.AWAITING_CONVENTION},
        "suspendu",
    ),
    "réactiver": ({HabilitationState.SUSPENDED}, "réactivé"),
    "débloquer": (
        {
            HabilitationState.ACTIVE,
            HabilitationState.ENDING,
            HabilitationState.AWAITING_CONVENTION,
            HabilitationState.SUSPENDED,
        },
        "débloqué",
    ),
    "retirer": (
        {
            HabilitationState.REQUESTED,
            HabilitationState.ACTIVE,
            HabilitationState.ENDING,
            HabilitationState.AWAITING_CONVENTION,
            HabilitationState.SUSPENDED,
        },
        "retiré",
    ),
}


def _transition(habilitation, action):
    """HAB-1 (#24): `action` only if the habilitation's state today allows it; otherwise a message that says why —
    « L'accès a pris fin le 05/12/2026 : il ne peut plus être suspendu. » Returns the state."""
    allowed, done = ACTS[action]
    state = habilitation.state_on()
    if state in allowed:
        return state
    if state == HabilitationState.ENDED:
        raise ValidationError(
            f"L'accès a pris fin le {habilitation.ended_on():%d/%m/%Y} : il ne peut plus être {done}."
        )
    of = "d'" if action[0] in "aeiouyéèêàh" else "de "  # « Impossible d'accorder », « de retirer »
    raise ValidationError(f"Impossible {of}{action} une habilitation à l'état « {state.label.lower()} ».")


def _answers_for(user, caf, habilitation):
    """ROLE-7: whether `caf` already answers for the credentials in force of `user`: it issued them a habilitation
    (other than `habilitation`, not closed: `open_on`) or designated them gestionnaire, and owes no confirmation."""
    held = (
        Habilitation.objects.filter(user=user, convention__caf=caf)
        .exclude(pk=habilitation.pk)
        .open_on(timezone.localdate())
        .exists()
        or Caf.objects.of_bajs(bajs_managed(user)).filter(pk=caf.pk).exists()
    )
    return held and not PendingConfirmation.objects.filter(user=user, caf=caf).exists()


@transaction.atomic
def habilitation_grant(*, habilitation, by, request=None):
    """HAB-1, AUTH-5, ROLE-7: requested → active. For a person without a password yet, returns the initial
    password, to be printed once in the letter opening the rights (CONV-3) and never shown again. A person who
    already has one (a habilitation from another CAF) keeps it — the letter says so, no CAF resets another's
    credentials by a grant — and, unless this CAF already answers for those credentials, it confirms them first
    (its work list): returns None."""
    _transition(habilitation, "accorder")
    if not habilitation.convention.is_signed_on(timezone.localdate()):  # not ended: the state said so
        raise ValidationError(
            f"La convention n° {habilitation.convention.number} n'est pas encore signée par la Caf et par la "
            "juridiction : l'habilitation peut être demandée, pas accordée (CONV-4)."
        )
    user, caf = habilitation.user, habilitation.convention.caf
    password = None
    if not user.has_usable_password():
        password = _credentials_issue(
            user=user, by=by, caf=caf, request=request, event=JournalEvent.CREDENTIALS_ISSUED
        )
    elif not _answers_for(user, caf, habilitation):
        PendingConfirmation.objects.get_or_create(user=user, caf=caf, defaults={"by": by})
    habilitation.status = HabilitationStatus.ACTIVE
    habilitation.granted_on = timezone.localdate()
    habilitation.save(update_fields=["status", "granted_on"])
    habilitation_history(
        habilitation=habilitation,
        by=by,
        action="ouverture des droits",
        event=JournalEvent.HABILITATION_GRANTED,
        request=request,
    )
    return password


@transaction.atomic
def habilitation_suspend(*, habilitation, by, reason="", request=None):
    """HAB-2, BO-6: active → suspended, effective at once on the CAF it opens, open sessions included; the user's
    habilitations from other CAFs go on giving access. The agent's `reason` in the history and the journal."""
    _transition(habilitation, "suspendre")
    habilitation.status = HabilitationStatus.SUSPENDED
    habilitation.save(update_fields=["status"])
    access_changed(habilitation.user)
    habilitation_history(
        habilitation=habilitation,
        by=by,
        action="suspension",
        detail=reason,
        event=JournalEvent.HABILITATION_SUSPENDED,
        request=request,
    )


@transaction.atomic
def habilitation_refuse(*, habilitation, by, reason, request=None):
    """JUR-2: the CAF refuses a requested habilitation, with a reason the juridiction's gestionnaire reads."""
    _transition(habilitation, "refuser")
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Indiquez le motif du refus : la juridiction le lira.")
    habilitation.status = HabilitationStatus.REVOKED
    habilitation.revocation_reason = RevocationReason.REFUSED
    habilitation.save(update_fields=["status", "revocation_reason"])
    habilitation_history(
        habilitation=habilitation,
        by=by,
        action="refus",
        detail=reason,
        event=JournalEvent.HABILITATION_REFUSED,
        request=request,
    )


def _managed(manager, convention):
    """JUR-1, ROLE-7: a gestionnaire acts on a convention of their BAJ whose CAF recorded or confirmed them."""
    if not conventions_managed(manager).filter(pk=convention.pk).exists():
        raise PermissionDenied


@transaction.atomic
def partner_access_request(*, manager, convention, function, civility, last_name, first_name, email, request=None):
    """JUR-2: the gestionnaire of a BAJ asks an access for a person, under a convention of that BAJ in force; the
    CAF grants it (and prints the letter with the initial password) or refuses it. HAB-1 (#24): one request for a
    person — a second one for the same name (last and first) or the same e-mail, whatever the case, while the first
    is still open under the convention (requested, active, suspended…), is refused, naming the first."""
    _managed(manager, convention)
    today = timezone.localdate()
    # Two requests sent at once for the same person wait for each other here, so the second sees the first.
    if not Convention.objects.select_for_update().active_on(today).filter(pk=convention.pk).exists():
        raise ValidationError("Cette convention n'est pas en vigueur : aucun accès ne peut être demandé à ce titre.")
    same_name = models.Q(user__last_name__iexact=last_name.strip(), user__first_name__iexact=first_name.strip())
    same_email = models.Q(user__email__iexact=email.strip()) if email.strip() else models.Q(pk__in=[])
    existing = (
        Habilitation.objects.filter(convention=convention)
        .open_on(today)
        .filter(same_name | same_email)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if existing is not None:
        person = (existing.user.last_name.lower(), existing.user.first_name.lower())
        field = "last_name" if person == (last_name.strip().lower(), first_name.strip().lower()) else "email"
        raise ValidationError(
            {
                field: f"Un accès a déjà été demandé pour {existing.user.first_name} "
                f"{existing.user.last_name.upper()} ({existing.user.email or 'sans adresse électronique'}) "
                f"sous cette convention : identifiant {existing.user.identifier}, état « "
                f"{HabilitationState(existing.state).label} ». Aucune nouvelle demande n'a été envoyée."
            }
        )
    return habilitation_request(
        convention=convention,
        function=function,
        civility=civility,
        last_name=last_name,
        first_name=first_name,
        email=email,
        by=manager,
        request=request,
    )


@transaction.atomic
def partner_removal_request(*, manager, habilitation, ends_on, request=None):
    """JUR-2, HAB-2: on a change of post (circular I.3), the gestionnaire asks the removal of an access from
    `ends_on`; it takes effect that day, on the sessions open then too, without waiting for the CAF."""
    _managed(manager, habilitation.convention)
    return habilitation_revoke(
        habilitation=habilitation,
        by=manager,
        reason=RevocationReason.REMOVAL_REQUEST,
        ends_on=ends_on,
        detail="demande de suppression de la juridiction",
        request=request,
    )


@transaction.atomic
def baj_manager_record(*, baj, designated_on, civility, last_name, first_name, email, by, caf, request=None):
    """JUR-1, ROLE-7, AUD-1: an agent of `caf` records the gestionnaire the juridiction designated for `baj` — a
    new account, without password until its letter is printed (`password_reset`). The gestionnaire acts on
    `caf`'s conventions only, until each other CAF of the BAJ confirms the designation (its work list); journaled
    for every CAF of the BAJ, so that each sees who recorded it."""
    user = User.objects.create_user(
        _new_identifier(f"G{baj.departement_id}".upper()),  # AUTH-1: G, the département, then digits
        None,
        last_name=last_name,
        first_name=first_name,
        email=email,
        civility=civility,
    )
    manager = BajManager.objects.create(
        user=user, baj=baj, designated_on=designated_on, recorded_by=by, recording_caf=caf
    )
    others = list(Caf.objects.of_bajs([baj]).exclude(pk=caf.pk).order_by("pk"))
    PendingConfirmation.objects.bulk_create(
        [PendingConfirmation(user=user, caf=other, issued_by=caf, by=by) for other in others]
    )
    _journal_to_cafs(
        event=JournalEvent.BAJ_MANAGER_RECORDED,
        request=request,
        by=by,
        user=user,
        cafs=[caf, *others],
        detail=f"gestionnaire du {baj}, désigné le {designated_on:%d/%m/%Y}, enregistré par la {caf.name}",
    )
    manager.vouched_by.add(caf)  # ROLE-7: the recording CAF answers for the designation
    return manager


@transaction.atomic
def habilitation_reactivate(*, habilitation, by, request=None):
    """HAB-1: suspended → active."""
    _transition(habilitation, "réactiver")
    habilitation.status = HabilitationStatus.ACTIVE
    habilitation.save(update_fields=["status"])
    habilitation_history(
        habilitation=habilitation,
        by=by,
        action="réactivation",
        event=JournalEvent.HABILITATION_REACTIVATED,
        request=request,
    )


@transaction.atomic
def habilitation_revoke(*, habilitation, by, reason, ends_on=None, detail="", request=None):
    """HAB-2, HAB-5: the habilitation is withdrawn — change of assignment, end of mission, breach: at once, open
    sessions included (the CAF it opens only); a removal request (demande de suppression) may give a later end
    date, until which the access stays open. An end already set only moves earlier, never later (HAB-5): whoever
    set it, a CAF or a gestionnaire, a later request cannot reopen the days it closed."""
    _transition(habilitation, "retirer")
    if reason not in RevocationReason.values:
        raise ValidationError("Indiquez le motif du retrait.")
    today = timezone.localdate()
    ends_on = ends_on or today
    if ends_on < today:
        raise ValidationError("La date de fin d'accès ne peut pas être passée.")
    if habilitation.ends_on is not None and ends_on > habilitation.ends_on:
        raise ValidationError(
            f"La fin de l'accès est déjà fixée au {habilitation.ends_on:%d/%m/%Y} : elle peut être avancée, "
            "jamais reportée."
        )
    habilitation.revocation_reason = reason
    habilitation.ends_on = ends_on
    fields = ["revocation_reason", "ends_on"]
    if ends_on <= today:
        habilitation.status = HabilitationStatus.REVOKED
        fields.append("status")
    habilitation.save(update_fields=fields)
    access_changed(habilitation.user)
    summary = f"{RevocationReason(reason).label}, fin d'accès le {ends_on:%d/%m/%Y}"
    habilitation_history(
        habilitation=habilitation,
        by=by,
        action="retrait",
        detail=f"{summary} — {detail}" if detail else summary,
        event=JournalEvent.HABILITATION_REVOKED,
        request=request,
    )


@transaction.atomic
def habilitation_edit(*, habilitation, by, form, request=None):
    """HAB-1, HAB-3, AUD-1: the fields of a habilitation its CAF edits in the administration (its function),
    saved with its history and its journal line, before and after. An edit that changes nothing writes nothing."""
    if not form.changed_data:
        return habilitation
    habilitation.full_clean()
    habilitation.save()
    habilitation_history(
        habilitation=habilitation,
        by=by,
        action="modification",
        detail=changes(form),
        event=JournalEvent.HABILITATION_EDITED,
        request=request,
    )


@transaction.atomic
def account_save(*, user, by, form, request=None):
    """AUTH-10, AUD-1: an account created or edited in the administration — its identity, its rights (staff,
    superuser, groups, permissions), whether it is active: saved with its groups and permissions, and journaled
    with every changed field before and after (never a password). An edit that changes nothing writes nothing."""
    created = user.pk is None
    if not created and not form.changed_data:
        return user
    user.save()
    form.save_m2m()
    acts.record_for(  # AUD-2: for the officers of the CAFs that answer for the account, or the national one
        user.cafs(),
        event=JournalEvent.ACCOUNT_CREATED if created else JournalEvent.ACCOUNT_CHANGED,
        request=request,
        user=by,
        detail=f"{user.identifier} : {changes(form)}",
    )
    return user


@transaction.atomic
def surveillance_start(*, user, caf, reason, by, request=None):
    """JRN-4: a security officer puts a user under surveillance (journaled)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Le motif de la mise sous surveillance est obligatoire.")
    if Surveillance.objects.filter(user=user, caf=caf, lifted_at__isnull=True).exists():
        raise ValidationError("Cet utilisateur est déjà sous surveillance.")
    surveillance = Surveillance.objects.create(user=user, caf=caf, reason=reason, started_by=by)
    journal_record(
        event=JournalEvent.SURVEILLANCE_STARTED,
        request=request,
        user=by,
        caf=caf,
        detail=f"{user.identifier} : {reason}",
    )
    return surveillance


@transaction.atomic
def surveillance_lift(*, surveillance, reason, by, request=None):
    """JRN-4, BO-6: the officer lifts a surveillance with a reason, as it was set with one (journaled)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Le motif de la levée de la surveillance est obligatoire.")
    # Lifted once: two officers (or two clicks) reading it unlifted at once — the second is refused, the first kept.
    now = timezone.now()
    lifted = Surveillance.objects.filter(pk=surveillance.pk, lifted_at__isnull=True).update(
        lifted_at=now, lifted_by=by, lift_reason=reason
    )
    if not lifted:
        raise ValidationError("Cette surveillance est déjà levée.")
    surveillance.lifted_at, surveillance.lifted_by, surveillance.lift_reason = now, by, reason
    journal_record(
        event=JournalEvent.SURVEILLANCE_LIFTED,
        request=request,
        user=by,
        caf=surveillance.caf,
        detail=f"{surveillance.user.identifier} : {reason}",
    )


# AUTH-11: the second factor. A TOTP device (RFC 6238, django-otp) per account, confirmed by a first right code,
# and a device of single-use recovery codes; both named for the journal and the admin.
TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"


def second_factor_pending(request):
    """AUTH-11: whether this session still waits for its second factor."""
    return request.session.get(SESSION_SECOND_FACTOR) == SECOND_FACTOR_PENDING


def totp_device(user, *, confirmed=True):
    """AUTH-11: `user`'s TOTP device, confirmed (enrolled) or still being enrolled, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def totp_enrolment_device(user):
    """AUTH-11: the secret offered at enrolment: the same until a right code confirms it (a reload shows the same
    QR code)."""
    return totp_device(user, confirmed=False) or TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, confirmed=False
    )


def _refused_while_locked(request, user):
    """AUTH-3, AUTH-11: a session opened before the identifier was locked tries no code: otherwise sessions opened
    in advance with a known password would each bring guesses past the lockout. Serializes the identifier first.
    Ends the session and journals the attempt when locked; returns whether it was."""
    _serialize_identifier(user.identifier)
    AxesProxyHandler.update_request(request)
    if not _is_locked(request, user.identifier):
        return False
    journal_record(event=JournalEvent.LOCKED_OUT_ATTEMPT, request=request, user=user)
    logout(request)
    return True


def _verified(request, user, detail=""):
    axes_reset(username=user.identifier)  # AUTH-3: a success resets the count
    request.session[SESSION_SECOND_FACTOR] = SECOND_FACTOR_VERIFIED
    request.session.cycle_key()
    journal_record(event=JournalEvent.SECOND_FACTOR_SUCCESS, request=request, user=user, detail=detail)


@transaction.atomic
def second_factor_enrol(*, request, device, token):
    """AUTH-11: the first right code of the secret shown confirms it; the session is then verified and
    `CAFPRO_RECOVERY_CODES` single-use recovery codes are made, returned to be shown once. A wrong code is a failed
    attempt (AUTH-3). Returns (codes or None, locked)."""
    user = request.user
    if _refused_while_locked(request, user):
        return None, True
    if not device.verify_token(_digits(token)):
        return None, _failed_attempt(request=request, user=user, event=JournalEvent.SECOND_FACTOR_FAILURE)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(settings.CAFPRO_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    journal_record(event=JournalEvent.SECOND_FACTOR_ENROLLED, request=request, user=user)
    _verified(request, user)
    return codes, False


def _digits(token):
    return "".join(token.split())


@transaction.atomic
def second_factor_verify(*, request, token):
    """AUTH-11: the code asked after the password: the code of the authenticator app, or one recovery code (then
    spent). A wrong code is a failed attempt, counted toward the same lockout as the password and journaled
    (AUTH-3). Returns a LoginOutcome."""
    user = request.user
    if _refused_while_locked(request, user):  # serialized: two tabs cannot both try a code within the count
        return LoginOutcome.LOCKED
    token = _digits(token).lower()
    device = totp_device(user)
    is_code = len(token) == 6 and ascii_digits(token)  # ROB-2: « ² » is no digit of a code
    if device is not None and is_code and device.verify_token(token):
        _verified(request, user)
        return LoginOutcome.SUCCESS
    recovery = StaticDevice.objects.filter(user=user).first()
    if recovery is not None and not is_code and recovery.verify_token(token):
        _verified(request, user, detail="code de secours")
        return LoginOutcome.SUCCESS
    if _failed_attempt(request=request, user=user, event=JournalEvent.SECOND_FACTOR_FAILURE):
        return LoginOutcome.LOCKED
    return LoginOutcome.FAILURE


@transaction.atomic
def second_factor_reset(*, user, by, caf=None, reason="", request=None):
    """AUTH-11, AUD-1, ROLE-7: a lost second factor (phone lost, recovery codes spent) removed by whoever may
    (`second_factor_reset_scope`), for `caf` — the CAF the agent acts for, chosen (#24) — or nationally (None);
    every open session of `user` ends, the next login enrols a new one. A CAF's reset opens that CAF's habilitations
    only until each other CAF concerned confirms. Journaled as `by`'s act, for the officers of every CAF concerned
    (a national act: of every CAF that answers for the account, AUD-2). Returns whether a phone was enrolled."""
    enrolled, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end_all(user)
    if caf is not None:
        concerned = _vouched_by_only(user=user, caf=caf, by=by)  # ROLE-7, as an unlock
        cafs = sorted({*concerned, caf}, key=lambda c: c.pk)
        detail = f"{reason} (par la {caf.name})"
    else:
        cafs, detail = list(user.cafs().order_by("pk")), reason
    _journal_to_cafs(
        event=JournalEvent.SECOND_FACTOR_RESET, request=request, by=by, user=user, cafs=cafs, detail=detail
    )
    return bool(enrolled)
