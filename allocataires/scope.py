"""CONS-4, CONS-5: the dossiers a session may open — those it reached through the search form (CONS-15: the
number is never typed into an address), still within the user's scope on the day of each request."""

from allocataires.models import Dossier

OPENED = "cafpro_opened_dossiers"
MAX_OPENED = 50


def remember_opened(session, dossier):
    """The search found `dossier` in scope: this session may open it (the 50 latest)."""
    opened = [pk for pk in session.get(OPENED, []) if pk != dossier.pk]
    session[OPENED] = [*opened, dossier.pk][-MAX_OPENED:]


def opened_dossier(session, access, pk, *, related=(), prefetch=()):
    """The dossier `pk`, if this session opened it and it is in `access`'s scope today, loaded with `related`
    and `prefetch` in a fixed number of queries; else None."""
    if pk not in session.get(OPENED, []):
        return None
    queryset = Dossier.objects.visible_through(access).select_related("caf", *related)
    return queryset.prefetch_related(*prefetch).filter(pk=pk).first()
