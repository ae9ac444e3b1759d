"""CONS-4, CONS-5, PUR-1: the dossiers a session may open — those it reached through the search form (the
number is never enough in an address), still within the user's scope on the day of each request — and, for
each, the legal-aid file the greffier stated when opening it. Never carried from one dossier to another."""

from dataclasses import dataclass

from allocataires.models import Dossier
from habilitations.enums import LegalAidProcedure

OPENED = "cafpro_opened"  # [[dossier pk, legal-aid file, procedure], …], the newest last
MAX_OPENED = 50


@dataclass(frozen=True)
class Purpose:
    """PUR-1: the BAJ's file number and the procedure it instructs."""

    legal_aid_file: str
    procedure: str

    def journal(self):
        """PUR-2: what every journal line of the consultation carries."""
        return {"legal_aid_file": self.legal_aid_file, "procedure": self.procedure}

    @property
    def label(self):
        return f"dossier d'aide juridictionnelle n° {self.legal_aid_file} ({LegalAidProcedure(self.procedure).label})"


def remember_opened(session, dossier, purpose):
    """The search found `dossier` in scope, for `purpose`: this session may open it (the 50 latest)."""
    opened = [item for item in session.get(OPENED, []) if item[0] != dossier.pk]
    session[OPENED] = [*opened, [dossier.pk, purpose.legal_aid_file, purpose.procedure]][-MAX_OPENED:]


def purpose_of(session, pk):
    """The purpose stated when this session opened dossier `pk`, or None if it did not open it."""
    return next((Purpose(item[1], item[2]) for item in session.get(OPENED, []) if item[0] == pk), None)


def opened_dossier(session, access, pk, *, related=(), prefetch=()):
    """(dossier, purpose) if this session opened dossier `pk` and it is in `access`'s scope today, the dossier
    loaded with `related` and `prefetch` in a fixed number of queries (its CAF is the access's); else
    (None, None)."""
    purpose = purpose_of(session, pk)
    if purpose is None:
        return None, None
    queryset = Dossier.objects.visible_through(access).select_related(*related).prefetch_related(*prefetch)
    dossier = next(iter(queryset.filter(pk=pk)[:1]), None)  # by key: no ORDER BY to build
    if dossier is None:
        return None, None
    dossier.caf = access.caf(dossier.caf_id)
    return dossier, purpose
