"""Writes of the consultation portal: the journal lines of JRN-2, in the request, before the response."""

from habilitations.enums import JournalEvent
from habilitations.services import journal_record


def consultation_record(*, request, dossier, rubrique, period=""):
    """JRN-2: who consulted which rubrique of which dossier of which CAF, for which period."""
    return journal_record(
        event=JournalEvent.CONSULTATION,
        request=request,
        user=request.user,
        caf=dossier.caf,
        allocataire_number=dossier.number,
        rubrique=rubrique,
        period=period,
    )


def edition_record(*, request, dossier, period=""):
    """JRN-2, CONS-14: an edition printed."""
    return journal_record(
        event=JournalEvent.EDITION,
        request=request,
        user=request.user,
        caf=dossier.caf,
        allocataire_number=dossier.number,
        rubrique="edition",
        period=period,
    )


def consultation_refused_record(*, request, caf=None, number="", detail=""):
    """JRN-2: a dossier not found, or out of the user's conventions (the user is not told which)."""
    return journal_record(
        event=JournalEvent.CONSULTATION_REFUSED,
        request=request,
        user=request.user,
        caf=caf,
        allocataire_number=number[:16],
        detail=detail,
    )
