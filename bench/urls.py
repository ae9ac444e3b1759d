"""The portal's URLs plus, for the benchmarks, one trivial authenticated view — the framework's floor: it
crosses the same middleware (sessions, authentication, CSRF, the session policy of AUTH-6 … AUTH-8, security
headers) and the same login check as a rubrique, and does nothing else."""

from django.http import HttpResponse
from django.urls import include, path

from core.decorators import session_required


@session_required
def floor(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("banc/plancher/", floor),
    path("", include("cafpro.urls")),
]
handler500 = "core.views.server_error"
