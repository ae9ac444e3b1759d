"""ROB-1, CONS-15: hostile input answers a page in French, never a server error."""

import logging

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DataError
from django.shortcuts import render

logger = logging.getLogger(__name__)
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _without_nul(query):
    cleaned = query.copy()
    for key in list(cleaned):
        values = [value.replace("\x00", "") for value in cleaned.getlist(key)]
        del cleaned[key]
        cleaned.setlist(key.replace("\x00", ""), values)
    return cleaned


class HostileInputMiddleware:
    """What no honest input contains never reaches a view: a NUL byte in the address answers 400; in a parameter
    it is removed (so that a login attempt carrying one is still journaled and counted, AUTH-3). And a value too
    large or malformed for the database, found deep in code that is not ours (Django's administration, its
    date hierarchy and raw-id widgets, an empty `_to_field` its change and delete pages look up as a field named
    "" — found by the crawl's discovery of the parameters views read), answers the French 400 page rather than a
    server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return self._bad_request(request)
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            request.GET = _without_nul(request.GET)
        if request.method == "POST" and request.content_type in FORMS:
            request.POST = _without_nul(request.POST)
        return self.get_response(request)

    def process_exception(self, request, exception):
        in_admin = request.path.startswith("/admin/")
        if isinstance(exception, (OverflowError, DataError)) or (
            in_admin and isinstance(exception, (ValueError, ValidationError, FieldDoesNotExist))
        ):
            logger.warning("Requête invalide refusée (%s) : %s", type(exception).__name__, request.path)
            return self._bad_request(request)
        return None

    @staticmethod
    def _bad_request(request):
        return render(request, "400.html", status=400)
