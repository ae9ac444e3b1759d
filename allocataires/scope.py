"""CONS-4, CONS-5, PUR-1: the dossiers a session may open — those it reached through the search form (the
number is never enough in an address), still within the user's scope on the day of each request — and, for
each, the legal-aid file the greffier stated when opening it. Never carried from one dossier to another."""

from dataclasses import dataclass

from allocataires.models import Dossier
from journal.enums import LegalAidProcedure

OPENED = "cafpro_opened"  # [{pk, file, procedure, seen, kept}, …], the newest last
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


def _entries(session):
    return [item for item in session.get(OPENED, []) if isinstance(item, dict)]


def _entry(session, pk):
    return next((item for item in _entries(session) if item["pk"] == pk), None)


def remember_opened(session, dossier, purpose):
    """The search found `dossier` in scope, for `purpose`: this session may open it (the 50 latest). Opened again
    for the same legal-aid file, it keeps what was consulted (CONS-8: the period asked); for another, it starts
    afresh."""
    before = _entry(session, dossier.pk)
    same = before is not None and (before["file"], before["procedure"]) == (purpose.legal_aid_file, purpose.procedure)
    entry = {
        "pk": dossier.pk,
        "file": purpose.legal_aid_file,
        "procedure": purpose.procedure,
        "seen": before["seen"] if same else [],
        "kept": before["kept"] if same else {},
    }
    session[OPENED] = [*(item for item in _entries(session) if item["pk"] != dossier.pk), entry][-MAX_OPENED:]


def purpose_of(session, pk):
    """The purpose stated when this session opened dossier `pk`, or None if it did not open it."""
    entry = _entry(session, pk)
    return Purpose(entry["file"], entry["procedure"]) if entry else None


def remember_consulted(session, pk, code, kept=None):
    """CONS-14: rubrique `code` of dossier `pk` was consulted, with `kept` (the parameters it validated, CONS-8's
    request date and period) when given: every later page of the dossier and its edition use them."""
    entries = _entries(session)
    entry = next((item for item in entries if item["pk"] == pk), None)
    if entry is None or (code in entry["seen"] and (kept is None or entry["kept"].get(code) == kept)):
        return
    if code not in entry["seen"]:
        entry["seen"].append(code)
    if kept is not None:
        entry["kept"][code] = kept
    session[OPENED] = entries


def consulted(session, pk):
    """(the rubriques of dossier `pk` consulted in this session, in order; {rubrique: its kept parameters})."""
    entry = _entry(session, pk) or {"seen": [], "kept": {}}
    return list(entry["seen"]), dict(entry["kept"])


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
