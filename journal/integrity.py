"""JRN-5 … JRN-9: the journal's integrity, provable beyond the database with the public key alone.

- **Writing** (`journal.services.journal_record`): one plain INSERT, in the transaction of the event it records — no
  lock, no read: app servers never wait for each other (JRN-7). The database refuses a line dated before the newest
  anchor by more than the longest transaction (JRN-8; trigger of migration `journal/0003`).
- **Sealing** (`seal_pending`, run by `journal_anchor` every minute): the lines not yet sealed, in the order of
  their numbers, by batches. Each line gets its leaf (version 2: SHA-256 of its canonical JSON) and the batch its
  RFC 6962 Merkle root in a seal, chained to the previous seal by that seal's SHA-256 hash — no secret: anyone can
  recompute the chain (`journal/proof.py`). A line that commits late is sealed in the next batch.
- **Anchoring** (`anchor`): the newest seal's hash and the count of lines sealed so far are signed with Ed25519
  (`CAFPRO_JOURNAL_SIGNING_KEY`, held by the sealer alone) and written to a witness outside the database — a
  directory, or a syslog server over TCP (RFC 6587 octet counting) — and to `JournalCheckpoint`, which the
  database's trigger reads.
- **Verifying** (`verify`): `journal.proof.verify` — the one copy of the rules, which the standalone verifier runs
  on an export — fed from the database, seal by seal, and from the witness's checkpoints. It fails closed: no
  checkpoint read, an unreadable or stale witness, development keys named (a failure in production).

Residual risks, stated (docs/security.md): the lines of the last minute, not yet sealed, and the seals not yet
anchored are protected by the database's triggers against the application, not against a database superuser.
"""

import base64
import datetime as dt
import json
import socket
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from journal import proof
from journal.models import JournalCheckpoint, JournalEntry, JournalSeal

PURGE_ROLE = "cafpro_journal_purge"  # the database role alone allowed to delete lines (migration journal/0003)
SEALER_LOCK = 7_291_002  # advisory lock of the sealer: writers never take it
BATCH = 10_000  # lines per seal at most
LONGEST_TRANSACTION = proof.LONGEST_TRANSACTION  # the database's trigger uses the same 10 minutes
RETENTION = dt.timedelta(days=365)  # JRN-5: the shortest retention; the purge trigger enforces the same


# -- the proof's view of the database's rows ---------------------------------------------------------------


def _iso(moment):
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


LINE_COLUMNS = [name for name in proof.LINE_FIELDS if name != "id"] + ["id", "hash", "seal_id"]


def line_of(row):
    """A line as the proof reads it (`proof.LINE_FIELDS`), from a JournalEntry or a `.values()` row; its stored
    leaf as `hash` (the verifier checks it too)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, "pk" if name == "id" else name)
    line = {name: get(name) for name in proof.LINE_FIELDS}
    line["occurred_at"] = _iso(line["occurred_at"])
    line["source_ip"] = line["source_ip"] or None
    if get("hash"):
        line["hash"] = get("hash")
    return line


def seal_of(seal):
    """A seal as the proof reads it: `proof.SEAL_FIELDS` and its `hash` (version 2) or `mac` (version 1)."""
    data = {
        "version": seal.version,
        "number": seal.number,
        "sealed_at": _iso(seal.sealed_at),
        "count": seal.count,
        "first_line": seal.first_line,
        "last_line": seal.last_line,
        "root": seal.root,
        "previous": seal.previous,
    }
    if seal.version == 1:
        data["mac"] = seal.mac
    else:
        data["hash"] = seal.hash
    return data


def leaf(entry):
    """The version 2 leaf of a line."""
    return proof.leaf_hash(line_of(entry))


# -- sealing ------------------------------------------------------------------------------------------------


def _lock_sealer():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK])


def seal_pending(batch=BATCH):
    """JRN-5, JRN-8: seals every line not yet sealed, by batches of `batch`, each seal chained to the previous by
    its hash; returns the seals made. A line is attached only to the seal made in the same transaction (the
    database refuses any other attachment)."""
    seals = []
    while True:
        with transaction.atomic():
            _lock_sealer()
            rows = list(JournalEntry.objects.filter(seal__isnull=True).order_by("pk").values(*LINE_COLUMNS)[:batch])
            if not rows:
                return seals
            last = JournalSeal.objects.order_by("-number").first()
            leaves = [proof.leaf_hash(line_of(row)) for row in rows]
            seal = JournalSeal(
                version=proof.VERSION,
                number=(last.number + 1) if last else 1,
                sealed_at=timezone.now(),
                count=len(rows),
                first_line=rows[0]["id"],
                last_line=rows[-1]["id"],
                root=proof.merkle_root(leaves),
                previous=proof.chain_hash(seal_of(last)) if last else "",
            )
            seal.sealed_at = dt.datetime.fromisoformat(_iso(seal.sealed_at))  # what the database keeps
            seal.hash = proof.seal_hash(seal_of(seal))
            seal.save()
            with connection.cursor() as cursor:
                table = JournalEntry._meta.db_table
                cursor.executemany(
                    f"UPDATE {table} SET seal_id = %s, hash = %s WHERE id = %s AND seal_id IS NULL",
                    [(seal.pk, value, row["id"]) for row, value in zip(rows, leaves, strict=True)],
                )
            seals.append(seal)


# -- keys ---------------------------------------------------------------------------------------------------


def _key(name):
    """A 32-byte key from a setting holding it in base64 (None when the setting is empty)."""
    value = getattr(settings, name)
    if not value:
        return None
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} : 32 octets encodés en base64 sont attendus.")
    return key


def signing_seed():
    """JRN-6: the sealer's Ed25519 private key (CAFPRO_JOURNAL_SIGNING_KEY). Outside production, the development
    key `proof.DEV_SEED` — public on purpose: its journal proves nothing, and the verifier says so. In production
    the development key is refused, and so is a signing key whose public key is not CAFPRO_JOURNAL_VERIFY_KEY."""
    seed = _key("CAFPRO_JOURNAL_SIGNING_KEY")
    if seed is None:
        if settings.SECURE:
            raise ImproperlyConfigured(
                "CAFPRO_JOURNAL_SIGNING_KEY doit être défini pour le scelleur quand DJANGO_SECURE=1 "
                "(docs/deployment.md)."
            )
        return proof.DEV_SEED
    if settings.SECURE:
        if seed == proof.DEV_SEED:
            raise ImproperlyConfigured("Clé de signature de développement refusée en production.")
        if proof.public_key_of(seed) != public_key():
            raise ImproperlyConfigured(
                "CAFPRO_JOURNAL_SIGNING_KEY ne correspond pas à CAFPRO_JOURNAL_VERIFY_KEY : les points d'ancrage "
                "ne seraient pas vérifiables."
            )
    return seed


def public_key():
    """JRN-9: the raw Ed25519 public key checkpoints are verified with: CAFPRO_JOURNAL_VERIFY_KEY (required in
    production, the settings refuse to start without it); elsewhere, the public key of the signing key or of the
    development key."""
    key = _key("CAFPRO_JOURNAL_VERIFY_KEY")
    if key is not None:
        return key
    seed = _key("CAFPRO_JOURNAL_SIGNING_KEY")
    return proof.public_key_of(seed or proof.DEV_SEED)


# -- witnesses ----------------------------------------------------------------------------------------------


class DirectoryWitness:
    """Signed checkpoints as files of a directory (one per anchor) — for development, or a directory mounted from
    a store with retention (object lock)."""

    def __init__(self, path):
        self.path = Path(path)

    def write(self, checkpoint):
        self.path.mkdir(parents=True, exist_ok=True)
        payload = checkpoint["payload"]
        stamp = payload["anchored_at"].replace(":", "").replace("-", "").replace("+", "")[:22]
        name = f"checkpoint-{payload['seal']:012d}-{stamp}.json"
        (self.path / name).write_text(json.dumps(checkpoint, sort_keys=True))
        return self.path / name


class SyslogWitness:
    """JRN-6: signed checkpoints sent to a remote syslog server over TCP, each one RFC 5424 message framed by
    octet counting (RFC 6587 §3.4.1): a connection refused or cut is an error of the sealer, never a checkpoint
    lost in silence (UDP's). The verifier reads back the server's log file (`journal_verify --witness FILE`):
    each stored message holds `cafpro-journal-checkpoint {json}`."""

    def __init__(self, host, port, timeout=10):
        self.host, self.port, self.timeout = host, port, timeout

    @staticmethod
    def frame(checkpoint):
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        body = json.dumps(checkpoint, sort_keys=True, separators=(",", ":"))
        # PRI 110 = facility 13 (log audit) × 8 + severity 6 (informational)
        message = f"<110>1 {stamp} {socket.gethostname() or '-'} cafpro - - - {proof.CHECKPOINT_MARK} {body}"
        data = message.encode()
        return f"{len(data)} ".encode() + data

    def write(self, checkpoint):
        with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
            sock.sendall(self.frame(checkpoint))
            sock.shutdown(socket.SHUT_WR)
        return f"syslog:{self.host}:{self.port}"


def witness(location=None):
    """The witness the sealer writes to: `syslog:HOST[:PORT]` (TCP, port 514 unless given), else a directory
    (CAFPRO_JOURNAL_WITNESS by default)."""
    location = str(location or settings.CAFPRO_JOURNAL_WITNESS)
    if location.startswith("syslog:"):
        host, _, port = location.removeprefix("syslog:").partition(":")
        return SyslogWitness(host, int(port or 514))
    return DirectoryWitness(location)


def read_checkpoints(location=None):
    """JRN-6: the checkpoints the verifier reads (CAFPRO_JOURNAL_WITNESS_READ, else the witness itself): a
    directory, a `.jsonl` file, or the syslog server's log file. A syslog address cannot be read back, a path that
    does not exist cannot be read: both raise `proof.WitnessUnreadable` (fail closed)."""
    location = str(location or settings.CAFPRO_JOURNAL_WITNESS_READ or settings.CAFPRO_JOURNAL_WITNESS)
    if location.startswith("syslog:"):
        raise proof.WitnessUnreadable(
            f"témoin illisible : « {location} » est une adresse d'envoi ; donnez le fichier où le serveur syslog "
            "enregistre les points d'ancrage (--witness FICHIER ou CAFPRO_JOURNAL_WITNESS_READ)"
        )
    return proof.read_checkpoints(location)


# -- anchoring ----------------------------------------------------------------------------------------------


def anchor(location=None):
    """JRN-6: seals what is pending, then signs the chain's head — the newest seal's hash and the count of lines
    sealed so far — and writes the checkpoint to the witness, then to `JournalCheckpoint` (what the database's
    trigger dates new lines against). Returns (seals made, checkpoint written or None when nothing is sealed)."""
    seed = signing_seed()
    seals = seal_pending()
    last = JournalSeal.objects.order_by("-number").first()
    if last is None:
        return seals, None
    lines = JournalSeal.objects.filter(number__lte=last.number).aggregate(total=Sum("count"))["total"]
    payload = proof.checkpoint_payload(seal=seal_of(last), lines=lines, anchored_at=timezone.now())
    checkpoint = proof.sign_checkpoint(payload, seed)
    witness(location).write(checkpoint)
    JournalCheckpoint.objects.create(
        seal=last.number,
        seal_hash=payload["seal_hash"],
        lines=lines,
        anchored_at=dt.datetime.fromisoformat(payload["anchored_at"]),
        signature=checkpoint["signature"],
    )
    return seals, checkpoint


# -- verifying ----------------------------------------------------------------------------------------------


def _lines_of(seal_ids):
    def lines_of(number):
        rows = JournalEntry.objects.filter(seal_id=seal_ids[number]).order_by("pk").values(*LINE_COLUMNS)
        return (line_of(row) for row in rows.iterator(chunk_size=2000))

    return lines_of


def verify(location=None, *, checkpoints=None, production=None, now=None):
    """JRN-6, JRN-8, JRN-9: `proof.verify` fed from the database (seal by seal, never every line at once) and the
    witness's checkpoints (read from `location`, or given). Raises `proof.WitnessUnreadable` when the witness cannot
    be read. Production (DJANGO_SECURE) makes development keys a failure."""
    if checkpoints is None:
        checkpoints = read_checkpoints(location)
    seal_ids = {}

    def seals():
        for seal in JournalSeal.objects.order_by("number").iterator(chunk_size=1000):
            seal_ids[seal.number] = seal.pk
            yield seal_of(seal)

    present = JournalSeal.objects.values("pk")
    pending = JournalEntry.objects.filter(seal__isnull=True).order_by("pk").values(*LINE_COLUMNS)
    strays = JournalEntry.objects.filter(seal_id__isnull=False).exclude(seal_id__in=present).values(*LINE_COLUMNS)
    return proof.verify(
        seals=seals(),
        lines_of=_lines_of(seal_ids),
        checkpoints=checkpoints,
        pending=(line_of(row) for row in pending.iterator(chunk_size=2000)),
        strays=({**line_of(row), "seal": row["seal_id"]} for row in strays),
        public_key=public_key(),
        now=now or timezone.now(),
        retention=RETENTION,
        max_age=dt.timedelta(minutes=settings.CAFPRO_JOURNAL_MAX_AGE_MINUTES),
        longest_transaction=LONGEST_TRANSACTION,
        production=settings.SECURE if production is None else production,
    )
