from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from conventions.permissions import Role, bajs_managed, has_role
from core.decorators import session_required
from habilitations.forms import LoginForm, PasswordChangeForm, SecondFactorForm, SecondFactorResetForm
from habilitations.models import User, UserManager
from habilitations.permissions import (
    may_reset_second_factors,
    second_factor_required,
    second_factor_reset_cafs,
    second_factor_reset_scope,
)
from habilitations.services import (
    LoginOutcome,
    PasswordChangeOutcome,
    login_attempt,
    password_change_submit,
    second_factor_enrol,
    second_factor_pending,
    second_factor_reset,
    second_factor_verify,
    session_end,
    totp_device,
    totp_enrolment_device,
)

# AUTH-2: one message for every wrong identifier/password, whatever was wrong.
LOGIN_FAILED = "Identifiant ou mot de passe incorrect."


def attempts_left_message(left):
    """BO-9, AUTH-3: how many attempts remain before the lockout, told the same way for every identifier typed."""
    if left == 1:
        return "Attention : il vous reste 1 essai. Au prochain échec, l'accès avec cet identifiant sera bloqué."
    return f"Il vous reste {left} essais avant le blocage de l'accès avec cet identifiant."


def _attempts_left(request, identifier):
    """BO-9, AUTH-2, AUTH-3: the attempts left for `identifier` before the lockout, read from the very count that
    locks it — kept for any identifier typed, known or not, so the answer reveals no account."""
    identifier = UserManager.normalize_identifier(identifier)
    if not identifier:
        return None
    failures = AxesProxyHandler.get_failures(request, {"username": identifier})
    return max(settings.AXES_FAILURE_LIMIT - failures, 0) or None


def idle_minutes():
    return settings.CAFPRO_IDLE_TIMEOUT // 60


def _next_url(request):
    """Where to go after the login: a path of this site only (never another host, never a view's name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None


def landing(user):
    """BO-9: the first page of every role after its login (and after a forced password change), its own home —
    never a page the role cannot open: the greffier's portal, the security officer's journal, the administration
    for the CAF's administrators, the national follow-up for the Ministry, the partner space for a gestionnaire."""
    if user.is_superuser:
        return "admin:index"
    if has_role(user, Role.SECURITY_OFFICER) or has_role(user, Role.NATIONAL_SECURITY):
        return "habilitations:officer_journal"
    if has_role(user, Role.NATIONAL_FOLLOWUP):
        return "conventions:national_overview"
    if has_role(user, Role.JURIDICTION_MANAGER):
        return "habilitations:partner_home"
    if user.is_staff:
        return "admin:index"
    return "allocataires:home"


def home_of(request):
    """The home of the session's role (`landing`), once its login is whole — no frame of a role for a session
    still owing its second factor or its new password (AUTH-11, AUTH-5); None then, and without a session."""
    user = request.user
    if not user.is_authenticated or user.needs_password_change or second_factor_pending(request):
        return None
    return landing(user)


def role_frame(request):
    """RGPD-1, NF-2 (#24, `core.frames`): the menu of the back office's roles around the pages no domain owns —
    the officer's, the juridiction's, the national follow-up's, the administration's (the portal's is the
    consultation's own: `allocataires.views.portal_frame`)."""
    home = home_of(request)
    if home == "habilitations:officer_journal":
        return "habilitations/officer/base.html", {}
    if home == "habilitations:partner_home":
        return "habilitations/partner/base.html", {"bajs": bajs_managed(request.user)}
    if home == "conventions:national_overview":
        return "conventions/national_base.html", {}
    if home == "admin:index":
        return "admin/base_site.html", admin.site.each_context(request)
    return None


@never_cache
def login_view(request):
    """AUTH-1 … AUTH-3, AUTH-9: the login screen ("écran de signature")."""
    if request.user.is_authenticated:
        target = _next_url(request)
        if target and target.startswith("/admin/") and not request.user.is_staff:
            target = None  # the administration would send a greffier back here: no loop
        return redirect(target or landing(request.user))
    form = LoginForm(request.POST or None)
    error = attempts_left = None
    if request.method == "POST":
        well_formed = form.is_valid()
        identifier = form.cleaned_data["identifier"] if well_formed else request.POST.get("identifier", "")
        result = login_attempt(
            request=request,
            identifier=identifier,
            password=form.cleaned_data.get("password", "") if well_formed else "",
            well_formed=well_formed,
        )
        if result.outcome == LoginOutcome.LOCKED:
            return redirect("habilitations:locked_out")
        if result.outcome == LoginOutcome.SUCCESS:
            if result.user.needs_password_change:
                return redirect("habilitations:password_change")
            return redirect(_next_url(request) or landing(result.user))
        if well_formed:
            error = LOGIN_FAILED
        left = _attempts_left(request, identifier)
        attempts_left = attempts_left_message(left) if left else None
    return render(
        request,
        "habilitations/login.html",
        {"form": form, "error": error, "attempts_left": attempts_left, "next": _next_url(request)},
    )


@require_POST
def logout_view(request):
    """AUTH-8: "Fermer la session" ends the session and returns to the login screen."""
    if request.user.is_authenticated:
        session_end(request=request)
        messages.info(request, "Votre session est fermée. À bientôt sur Cafpro.")
    return redirect("habilitations:login")


@session_required
def password_change_view(request):
    """AUTH-5: change of an initial, reset or expired password (or of one's own will)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        outcome = password_change_submit(request=request, form=form)  # AUD-3: the form is no way to guess
        if outcome == PasswordChangeOutcome.CHANGED:
            messages.success(request, "Votre mot de passe a été changé.")
            return redirect(landing(request.user))  # BO-9: the role's own home, not the greffier's
        if outcome == PasswordChangeOutcome.LOCKED:
            return redirect("habilitations:locked_out")
    return render(
        request,
        "habilitations/password_change.html",
        {"form": form, "forced": request.user.needs_password_change},
    )


@require_POST
@session_required
def session_extend(request):
    """NF-2: « Rester connecté » of the warning before the limit — this request is the activity that extends the
    session (SessionPolicyMiddleware); the server stays the authority."""
    return JsonResponse({"remaining": settings.CAFPRO_IDLE_TIMEOUT})


def session_status(request):
    """NF-2: the seconds left before the idle limit, answered by SessionPolicyMiddleware without counting as
    activity; reached here only without a session."""
    return JsonResponse({"remaining": 0})


def session_expired(request):
    """AUTH-6, AUTH-7: after 10 minutes without a request, or a protected page reached without a session."""
    return render(request, "habilitations/session_expired.html", {"idle_minutes": idle_minutes()})


def locked_out(request):
    """AUTH-3: three consecutive failures: access is blocked until the CAF unlocks it."""
    return render(request, "habilitations/locked_out.html", status=403)


def access_withdrawn(request):
    """HAB-2: the session ended because the CAF suspended or withdrew the habilitation."""
    return render(request, "habilitations/access_withdrawn.html", status=403)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked identifier (AXES_LOCKOUT_CALLABLE): the same blocked-access page."""
    return redirect("habilitations:locked_out")


def info_audience(request):
    """AUTH-9: "À qui s'adresse Cafpro ?"."""
    return render(request, "habilitations/info_audience.html")


def info_security(request):
    """AUTH-9: the data security information behind the word "sécurisé"."""
    return render(request, "habilitations/info_security.html", {"idle_minutes": idle_minutes()})


# AUTH-11: one message for every wrong code, whatever was wrong.
CODE_FAILED = "Code incorrect ou expiré. Vérifiez l'heure de votre téléphone, ou saisissez un code de secours."


def _after_second_factor(request):
    return redirect(_next_url(request) or landing(request.user))


@never_cache
@session_required
def second_factor_view(request):
    """AUTH-11: the code asked after the password (or a recovery code); at the first login, the enrolment."""
    if not second_factor_pending(request):
        return _after_second_factor(request)
    if totp_device(request.user) is None:
        return redirect(f"{reverse('habilitations:second_factor_enrol')}?{request.GET.urlencode()}")
    form = SecondFactorForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        outcome = second_factor_verify(request=request, token=form.cleaned_data["token"])
        if outcome == LoginOutcome.LOCKED:
            return redirect("habilitations:locked_out")
        if outcome == LoginOutcome.SUCCESS:
            return _after_second_factor(request)
        error = CODE_FAILED
    context = {"form": form, "error": error, "next": _next_url(request)}
    return render(request, "habilitations/second_factor.html", context)


def _grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@session_required
def second_factor_enrol_view(request):
    """AUTH-11: at the first login (after the forced password change), the secret of the authenticator app — as a
    QR code, and in text for whoever cannot scan — confirmed by a first code; then the recovery codes, shown once.
    Never when a factor is already enrolled: a password alone cannot replace it."""
    if not second_factor_pending(request) or totp_device(request.user) is not None:
        return redirect("habilitations:second_factor")
    device = totp_enrolment_device(request.user)
    form = SecondFactorForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        codes, locked = second_factor_enrol(request=request, device=device, token=form.cleaned_data["token"])
        if locked:
            return redirect("habilitations:locked_out")
        if codes:
            continue_to = _next_url(request) or reverse(landing(request.user))
            return render(request, "habilitations/second_factor_codes.html", {"codes": codes, "next": continue_to})
        error = CODE_FAILED
    secret = b32encode(device.bin_key).decode()
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, svgclass="qr-code", lineclass=None)
    svg = svg.replace("<svg ", '<svg role="img" aria-label="QR code de votre clé secrète Cafpro" ', 1)
    context = {
        "form": form,
        "error": error,
        "next": _next_url(request),
        "secret": _grouped(secret),
        # segno writes the SVG from the secret's URL alone: no user input reaches it.
        "qr": mark_safe(svg),  # noqa: S308
    }
    return render(request, "habilitations/second_factor_enrol.html", context)


@never_cache
@session_required
def second_factor_reset_view(request):
    """AUTH-11: a CAF administrator resets the lost second factor of an agent of their CAF or of a greffier it
    habilitated; the national security officer, of any staff account. Out of one's scope, or unknown: the same
    answer (existence is not leaked)."""
    if not may_reset_second_factors(request.user):
        raise PermissionDenied
    form = SecondFactorResetForm(request.POST or None, cafs=second_factor_reset_cafs(request.user))
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(identifier=form.cleaned_data["identifier"]).first()
        caf = form.chosen_caf()
        if user is not None and second_factor_reset_scope(request.user, user, caf):
            enrolled = second_factor_reset(
                user=user, by=request.user, caf=caf, reason=form.cleaned_data["reason"], request=request
            )
            # what happened, and only that (#24 walk: it promised a code to an account that is asked none)
            done = "son téléphone est retiré" if enrolled else "aucun téléphone n'était enregistré"
            then = (
                "un nouveau lui sera demandé à sa prochaine connexion"
                if second_factor_required(user)
                else "son compte ne demande pas de code"
            )
            messages.success(
                request,
                f"Double authentification de {user.identifier} réinitialisée : {done}, ses sessions sont fermées ; "
                f"{then}.",
            )
            return redirect("habilitations:second_factor_reset")
        form.add_error("identifier", "Aucun compte de votre ressort ne porte cet identifiant.")
    return render(request, "habilitations/second_factor_reset.html", {"form": form})
