"""Pages no domain owns: the accessibility statement, the legal information (RGPD-1), the server-error handler
and the refused form token's."""

import datetime as dt
import sys

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

from core.frames import frame_for


def server_error(request):
    """handler500: the database out of reach is "service indisponible" (503, retried by the user and recovered
    by itself); anything else the French 500 page. Neither says more."""
    error = sys.exc_info()[1]
    request.user = AnonymousUser()  # the page must not reach the database again (the session's user)
    if isinstance(error, (OperationalError, InterfaceError)):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW (#24): a refused form token gets the portal's own French page — what happened and what to
    do —, not the framework's; the reason stays out of the page."""
    return render(request, "403_csrf.html", status=403)


# NF-2: the day this statement was last established; to change with the statement, and after the audit.
STATEMENT_DATE = dt.date(2026, 11, 28)


def accessibility(request):
    """NF-2: the accessibility statement (the RGAA model), linked from every page's footer — like the legal pages,
    in the menu of the reader's role (`core.frames`)."""
    context = {"statement_date": STATEMENT_DATE, "contact": settings.CAFPRO_ACCESSIBILITY_CONTACT}
    return render(request, "core/accessibilite.html", {**frame_for(request), **context})


def legal_notice(request):
    """RGPD-1: « Mentions légales » — publisher, director of publication, host (CAFPRO_LEGAL), linked from every
    page's footer."""
    return render(request, "core/mentions_legales.html", {**frame_for(request), "legal": settings.CAFPRO_LEGAL})


def personal_data(request):
    """RGPD-1, RGPD-3: « Données personnelles » — the article 13 information for the users and for the
    allocataires, and the cookies note, in plain French; reviewed point by point in docs/rgpd.md."""
    context = {
        "legal": settings.CAFPRO_LEGAL,
        "journal_months": settings.CAFPRO_JOURNAL_RETENTION_MONTHS,
        "idle_minutes": settings.CAFPRO_IDLE_TIMEOUT // 60,
        "session_hours": settings.CAFPRO_SESSION_MAX_AGE // 3600,
    }
    return render(request, "core/donnees_personnelles.html", {**frame_for(request), **context})
