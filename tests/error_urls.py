"""A URLconf for the error-page tests: the portal's, plus two views that fail."""

from django.db import OperationalError
from django.urls import path

from cafpro.urls import handler500  # noqa: F401 — handler500 is read from this module
from cafpro.urls import urlpatterns as portal


def boom(request):
    raise RuntimeError("boom")


def database_down(request):
    raise OperationalError("connection refused")


urlpatterns = [path("boom/", boom), path("database-down/", database_down), *portal]
