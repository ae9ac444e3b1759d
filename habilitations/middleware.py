import math
import time

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from habilitations.services import (
    SESSION_LAST_SEEN,
    SESSION_STARTED,
    second_factor_pending,
    session_end,
    totp_device,
)
from journal.enums import JournalEvent

# Reachable while a password change is required (AUTH-5); an enrolled second factor is asked first (AUTH-11).
PASSWORD_CHANGE_ALLOWED = {
    "habilitations:password_change",
    "habilitations:logout",
    "habilitations:second_factor",
    "habilitations:second_factor_enrol",
}


class SessionPolicyMiddleware:
    """AUTH-5 … AUTH-7 on every request of a logged-in user:

    - 10 minutes (CAFPRO_IDLE_TIMEOUT) without a request, or 8 hours (CAFPRO_SESSION_MAX_AGE) since the
      login: the session ends server-side, is journaled, and the user lands on the timeout page;
    - a session opened before the CAF suspended or withdrew the user's habilitation (HAB-2) ends the same way;
    - a password to change (initial, reset or expired): every page but the change form redirects to it;
    - the time left (NF-2, the warning before the limit) is read without counting as activity;
    - responses are never stored by a cache (`Cache-Control: no-store`): they carry personal data.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        started = request.session.get(SESSION_STARTED, 0)
        last_seen = request.session.get(SESSION_LAST_SEEN, 0)
        if now - started >= settings.CAFPRO_SESSION_MAX_AGE:
            return self._expire(request, JournalEvent.ABSOLUTE_TIMEOUT)
        if now - last_seen >= settings.CAFPRO_IDLE_TIMEOUT:
            return self._expire(request, JournalEvent.IDLE_TIMEOUT)
        revoked = request.user.sessions_revoked_at
        if revoked is not None and started <= revoked.timestamp():
            return self._expire(request, JournalEvent.SESSION_REVOKED, "habilitations:access_withdrawn")
        if request.path_info == reverse("habilitations:session_status"):
            return JsonResponse({"remaining": math.ceil(settings.CAFPRO_IDLE_TIMEOUT - (now - last_seen))})
        request.session[SESSION_LAST_SEEN] = now
        if request.user.needs_password_change and not self._password_change_allowed(request):
            response = redirect("habilitations:password_change")
        else:
            response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        return response

    @staticmethod
    def _password_change_allowed(request):
        try:
            return resolve(request.path_info).view_name in PASSWORD_CHANGE_ALLOWED
        except Resolver404:
            return False

    @staticmethod
    def _expire(request, event, page="habilitations:session_expired"):
        session_end(request=request, event=event)
        response = redirect(reverse(page))
        patch_cache_control(response, no_store=True)
        return response


# AUTH-11: what a session waiting for its second factor reaches: the code and enrolment pages, the session's own
# pages, the information pages of the footer — and, before the first enrolment only, the password change that
# comes first (AUTH-5); once a factor is enrolled, its code comes before any change of the password.
SECOND_FACTOR_ALLOWED = {
    "habilitations:second_factor",
    "habilitations:second_factor_enrol",
    "habilitations:logout",
    "habilitations:session_extend",
    "habilitations:session_status",
    "habilitations:session_expired",
    "habilitations:locked_out",
    "habilitations:access_withdrawn",
    "habilitations:info_audience",
    "habilitations:info_security",
    "core:accessibility",
    "core:legal_notice",
    "core:personal_data",
}


class SecondFactorMiddleware:
    """AUTH-11, the one gate of the second factor: a session whose login asked for one (`login_attempt`) opens no
    other page — no administration, officer, national, partner or portal page — before the code is given; it is
    sent to the code page (or to the enrolment at the first login), and comes back where it was going."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (request.user.is_authenticated and second_factor_pending(request)) or self._allowed(request):
            return self.get_response(request)
        target = reverse("habilitations:second_factor")
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return redirect(target)

    @staticmethod
    def _allowed(request):
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            return False
        if view_name == "habilitations:password_change":
            return totp_device(request.user) is None
        return view_name in SECOND_FACTOR_ALLOWED
