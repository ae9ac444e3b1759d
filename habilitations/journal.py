"""JRN-5: the keyed hash chain of the access journal, and its verification.

Each line's `hash` is HMAC-SHA256(key, previous hash + line content). Lines are chained in insertion order
(primary key); inserting is serialized (an advisory lock on PostgreSQL, the IMMEDIATE transaction on SQLite) so
that two writers never chain on the same previous line. A purge keeps a checkpoint with the last purged hash,
from which the remaining lines still verify.
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from habilitations.models import JournalCheckpoint, JournalEntry

JOURNAL_LOCK = 7_291_001  # advisory lock key of the journal chain


def chain_hash(previous, entry):
    message = f"{previous}\x1e{entry.canonical()}".encode()
    return hmac.new(settings.CAFPRO_JOURNAL_KEY.encode(), message, hashlib.sha256).hexdigest()


def lock_chain():
    """Serializes the writers of the chain until the end of the current transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [JOURNAL_LOCK])


def last_hash():
    """The hash the next line chains on: the last line's, or the last purge checkpoint's, or the empty start."""
    last = JournalEntry.objects.order_by("-pk").values_list("hash", flat=True).first()
    if last is not None:
        return last
    checkpoint = JournalCheckpoint.objects.order_by("-last_id").values_list("last_hash", flat=True).first()
    return checkpoint or ""


@dataclass
class Verification:
    checked: int
    first_broken: JournalEntry | None = None

    @property
    def ok(self):
        return self.first_broken is None


def verify_chain(batch=5000, progress=None):
    """Recomputes the chain from the last checkpoint (or the start); returns the first line whose hash does
    not match — altered, inserted or deleted lines all break the chain there."""
    checkpoint = JournalCheckpoint.objects.order_by("-last_id").first()
    previous, after = (checkpoint.last_hash, checkpoint.last_id) if checkpoint else ("", 0)
    checked = 0
    while True:
        rows = list(JournalEntry.objects.filter(pk__gt=after).order_by("pk")[:batch])
        if not rows:
            return Verification(checked)
        for row in rows:
            if not hmac.compare_digest(row.hash, chain_hash(previous, row)):
                return Verification(checked, row)
            previous, after = row.hash, row.pk
            checked += 1
        if progress:
            progress(checked)
