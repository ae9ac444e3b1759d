"""JRN-5, JRN-6, JRN-7: the journal's integrity, provable beyond the database.

- **Writing** (`habilitations.services.journal_record`): one plain INSERT, in the transaction of the event it
  records — no lock, no read: app servers never wait for each other.
- **Sealing** (`seal_pending`, run by `journal_anchor` every minute): the lines not yet sealed, in the order of
  their numbers, by batches. Each line gets its leaf — SHA-256 of its number and content — and the batch its
  Merkle root (RFC 6962 / RFC 9162 tree hashing) in a seal, chained to the previous seal by an HMAC
  (`CAFPRO_JOURNAL_KEY`, kept outside the database). A line that commits late is sealed in the next batch.
- **Anchoring** (`anchor`): the newest seal is signed with Ed25519 (`CAFPRO_JOURNAL_SIGNING_KEY`, outside the
  database) and written to a witness outside the database — a directory by default, syslog in production
  (docs/deployment.md). A signed checkpoint is what the database cannot rewrite.
- **Verifying** (`verify`): every line's leaf, every seal's root, the seals' HMAC chain, and the database against
  every signed checkpoint of the witness: an altered, deleted or inserted line, a forged or altered seal, a
  truncated tail all fail, naming the first position that fails.

Residual risk, stated: the lines of the last minute, not yet sealed, are protected by the database's trigger
against the application, not against a database superuser; so are the seals not yet anchored.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import logging.handlers
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from journal.models import JournalEntry, JournalSeal

PURGE_ROLE = "cafpro_journal_purge"  # the database role alone allowed to delete lines (migration 0008)
SEALER_LOCK = 7_291_002  # advisory lock of the sealer: writers never take it
BATCH = 10_000  # lines per seal at most
LONGEST_TRANSACTION = dt.timedelta(minutes=10)  # a line older than an anchor by more than this was sealable


# -- hashing ------------------------------------------------------------------------------------------------


def leaf(entry):
    """The leaf of a line in its seal's Merkle tree (RFC 6962: SHA-256 of 0x00 and the data)."""
    return hashlib.sha256(b"\x00" + entry.canonical().encode()).hexdigest()


def merkle_root(leaves):
    """RFC 6962 Merkle tree hash of the leaves (hex), in their order."""
    nodes = [bytes.fromhex(value) for value in leaves]
    if not nodes:
        return hashlib.sha256(b"").hexdigest()
    while len(nodes) > 1:  # RFC 6962's split at the largest power of two, computed level by level
        paired = [hashlib.sha256(b"\x01" + nodes[i] + nodes[i + 1]).digest() for i in range(0, len(nodes) - 1, 2)]
        nodes = paired + ([nodes[-1]] if len(nodes) % 2 else [])
    return nodes[0].hex()


def seal_mac(seal):
    """The HMAC of a seal: its number, time, lines, root and the previous seal's HMAC."""
    message = "|".join(
        [
            str(seal.number),
            seal.sealed_at.isoformat(timespec="microseconds"),
            str(seal.count),
            str(seal.first_line),
            str(seal.last_line),
            seal.root,
            seal.previous,
        ]
    )
    return hmac.new(settings.CAFPRO_JOURNAL_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


# -- sealing ------------------------------------------------------------------------------------------------


def _lock_sealer():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK])


def seal_pending(batch=BATCH):
    """Seals every line not yet sealed, by batches of `batch`; returns the seals made."""
    seals = []
    while True:
        with transaction.atomic():
            _lock_sealer()
            lines = list(JournalEntry.objects.filter(seal__isnull=True).order_by("pk")[:batch])
            if not lines:
                return seals
            last = JournalSeal.objects.order_by("-number").first()
            leaves = [leaf(line) for line in lines]
            seal = JournalSeal(
                number=(last.number + 1) if last else 1,
                sealed_at=timezone.now(),
                count=len(lines),
                first_line=lines[0].pk,
                last_line=lines[-1].pk,
                root=merkle_root(leaves),
                previous=last.mac if last else "",
            )
            seal.mac = seal_mac(seal)
            seal.save()
            with connection.cursor() as cursor:
                table = JournalEntry._meta.db_table
                cursor.executemany(
                    f"UPDATE {table} SET seal_id = %s, hash = %s WHERE id = %s AND seal_id IS NULL",
                    [(seal.pk, value, line.pk) for line, value in zip(lines, leaves, strict=True)],
                )
            seals.append(seal)


# -- anchoring: signed checkpoints written outside the database ---------------------------------------------


def _seed(name):
    """A 32-byte key from a setting holding it in base64."""
    if not getattr(settings, name):
        raise ValueError(f"{name} doit être défini (docs/deployment.md).")
    try:
        key = base64.b64decode(getattr(settings, name), validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ValueError(f"{name} : 32 octets encodés en base64 sont attendus.")
    return key


def signing_key():
    return Ed25519PrivateKey.from_private_bytes(_seed("CAFPRO_JOURNAL_SIGNING_KEY"))


def verify_key():
    """The public key checkpoints are verified with (CAFPRO_JOURNAL_VERIFY_KEY, else derived from the signing
    key: a verifier elsewhere needs only the public one)."""
    if settings.CAFPRO_JOURNAL_VERIFY_KEY:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(settings.CAFPRO_JOURNAL_VERIFY_KEY))
    return signing_key().public_key()


def checkpoint_payload(seal, lines):
    return {
        "journal": "cafpro",
        "seal": seal.number,
        "sealed_at": seal.sealed_at.isoformat(timespec="microseconds"),
        "mac": seal.mac,
        "root": seal.root,
        "last_line": seal.last_line,
        "lines": lines,
        "anchored_at": timezone.now().isoformat(timespec="seconds"),
    }


def _canonical_json(payload):
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


class DirectoryWitness:
    """Signed checkpoints as files of a directory (one per anchor) — for development and tests, or a directory
    mounted from a store with retention."""

    def __init__(self, path):
        self.path = Path(path)

    def write(self, checkpoint):
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"checkpoint-{checkpoint['payload']['seal']:012d}.json"
        (self.path / name).write_text(json.dumps(checkpoint, sort_keys=True, indent=1))
        return self.path / name

    def read(self):
        if not self.path.is_dir():
            return []
        return [json.loads(file.read_text()) for file in sorted(self.path.glob("checkpoint-*.json"))]


class SyslogWitness:
    """Signed checkpoints sent to syslog (production: a remote, append-only log server); verified from an export
    of those lines (`journal_verify --witness FILE`)."""

    def __init__(self, address="/dev/log"):
        self.logger = logging.getLogger("cafpro.journal.witness")
        if not self.logger.handlers:
            self.logger.addHandler(logging.handlers.SysLogHandler(address=address))
            self.logger.setLevel(logging.INFO)
            self.logger.propagate = False

    def write(self, checkpoint):
        self.logger.info("cafpro-journal-checkpoint %s", json.dumps(checkpoint, sort_keys=True))
        return "syslog"


def witness(location=None):
    """The witness of `location` (CAFPRO_JOURNAL_WITNESS by default): `syslog`, `syslog:HOST:PORT`, or a
    directory."""
    location = str(location or settings.CAFPRO_JOURNAL_WITNESS)
    if location == "syslog":
        return SyslogWitness()
    if location.startswith("syslog:"):
        host, _, port = location.removeprefix("syslog:").partition(":")
        return SyslogWitness((host, int(port or 514)))
    return DirectoryWitness(location)


def read_checkpoints(location):
    """The checkpoints of a witness directory, or of a file of syslog lines (one JSON checkpoint per line)."""
    path = Path(location)
    if path.is_file():
        found = []
        for line in path.read_text().splitlines():
            if "cafpro-journal-checkpoint" in line:
                text = line.split("cafpro-journal-checkpoint", 1)[1].strip()
                found.append(json.JSONDecoder().raw_decode(text)[0])  # what follows the JSON (a NUL) is syslog's
        return found
    return DirectoryWitness(path).read()


def anchor(location=None):
    """JRN-6: seals what is pending, then signs the newest seal and writes the checkpoint to the witness.
    Returns (seals made, checkpoint written or None when the journal is still empty)."""
    seals = seal_pending()
    last = JournalSeal.objects.order_by("-number").first()
    if last is None:
        return seals, None
    lines = JournalEntry.objects.filter(seal__number__lte=last.number).count()
    payload = checkpoint_payload(last, lines)
    signature = base64.b64encode(signing_key().sign(_canonical_json(payload))).decode()
    checkpoint = {"payload": payload, "signature": signature}
    witness(location).write(checkpoint)
    return seals, checkpoint


# -- verifying ----------------------------------------------------------------------------------------------


@dataclass
class Verification:
    lines: int = 0
    seals: int = 0
    checkpoints: int = 0
    pending: int = 0  # lines not sealed yet (the last minute's)
    failures: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.failures

    def fail(self, message):
        self.failures.append(message)


def verify(location=None, progress=None):
    """Everything the journal can be checked against: see the module's docstring."""
    result = Verification()
    verify_key_ = verify_key()
    previous, seals = "", {}
    for seal in JournalSeal.objects.order_by("number").iterator(chunk_size=1000):
        seals[seal.number] = seal
        if seal.number != result.seals + 1:
            result.fail(f"Sceau n° {seal.number} : un sceau manque avant lui.")
        if seal.previous != previous or not hmac.compare_digest(seal.mac, seal_mac(seal)):
            result.fail(f"Sceau n° {seal.number} falsifié ou chaîne des sceaux rompue.")
        previous = seal.mac
        result.seals += 1
        if seal.purged_at is None:
            _verify_lines(seal, result)
        if progress:
            progress(result)
    stray = JournalEntry.objects.filter(seal__isnull=True)
    result.pending = stray.count()
    checkpoints = read_checkpoints(location or settings.CAFPRO_JOURNAL_WITNESS)
    for checkpoint in checkpoints:
        _verify_checkpoint(checkpoint, seals, verify_key_, result)
    if checkpoints:
        newest = max(checkpoints, key=lambda c: c["payload"]["seal"])["payload"]
        anchored_at = dt.datetime.fromisoformat(newest["anchored_at"])
        late = stray.filter(occurred_at__lt=anchored_at - LONGEST_TRANSACTION).order_by("pk").first()
        if late is not None:
            result.fail(f"Ligne n° {late.pk} : antérieure au dernier point d'ancrage et jamais scellée (insérée).")
    return result


def _verify_lines(seal, result):
    lines = list(JournalEntry.objects.filter(seal=seal).order_by("pk"))
    leaves = []
    for line in lines:
        value = leaf(line)
        if not hmac.compare_digest(line.hash, value):
            result.fail(f"Ligne n° {line.pk} (sceau n° {seal.number}) modifiée.")
            return
        leaves.append(value)
    if len(lines) != seal.count or merkle_root(leaves) != seal.root:
        first_missing = _first_missing(seal, lines)
        where = f"à partir de la ligne n° {first_missing}" if first_missing else "ligne ajoutée"
        result.fail(f"Sceau n° {seal.number} : {len(lines)} lignes au lieu de {seal.count} ({where}).")
        return
    result.lines += len(lines)


def _first_missing(seal, lines):
    """The first line number of the seal's range that is no longer there (a hint: a seal may skip numbers of
    lines that committed after it)."""
    present = {line.pk for line in lines}
    return next((pk for pk in range(seal.first_line, seal.last_line + 1) if pk not in present), None)


def _verify_checkpoint(checkpoint, seals, key, result):
    payload = checkpoint.get("payload", {})
    try:
        key.verify(base64.b64decode(checkpoint.get("signature", "")), _canonical_json(payload))
    except (InvalidSignature, ValueError):
        result.fail(f"Point d'ancrage du sceau n° {payload.get('seal')} : signature invalide (falsifié).")
        return
    result.checkpoints += 1
    seal = seals.get(payload["seal"])
    if seal is None:
        result.fail(f"Sceau n° {payload['seal']}, ancré le {payload['anchored_at']}, absent : journal tronqué.")
    elif seal.mac != payload["mac"] or seal.root != payload["root"]:
        result.fail(f"Sceau n° {payload['seal']} différent de son point d'ancrage du {payload['anchored_at']}.")
