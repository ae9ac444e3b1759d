from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from conventions.permissions import Role, has_role
from core.decorators import session_required
from habilitations.forms import LoginForm, PasswordChangeForm
from habilitations.models import UserManager
from habilitations.services import (
    LoginOutcome,
    login_attempt,
    password_change,
    password_change_refused,
    session_end,
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
    if request.method == "POST" and form.is_valid():
        password_change(request=request, user=request.user, new_password=form.cleaned_data["new_password1"])
        messages.success(request, "Votre mot de passe a été changé.")
        return redirect(landing(request.user))  # BO-9: the role's own home, not the greffier's
    if form.has_error("old_password", "password_incorrect"):  # AUD-3: the form is no way to guess
        if password_change_refused(request=request, user=request.user):
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
