"""The portal's URLs plus, for the benchmarks, one trivial authenticated view — the framework's floor: it
crosses the same middleware (sessions, authentication, CSRF, the session policy of AUTH-6 … AUTH-8, security
headers) and the same login check as a rubrique, and does nothing else — and the rubrique Paiements written by
hand (bench/bare.py)."""

from django.http import HttpResponse
from django.urls import include, path

from bench import bare
from habilitations.decorators import session_required


@session_required
def floor(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("banc/plancher/", floor),
    path("banc/nu/<int:pk>/paiements/", bare.paiements),  # bench/bare.py: the same page without the ORM or templates
    path("", include("cafpro.urls")),
]
handler500 = "habilitations.views.server_error"
