"""A small journal export built in memory, signed with a test key, for the verifier's tests (no database).

`build()` plays the sealer honestly: lines, seals (version 2, hash-chained), and after each seal a checkpoint.
Tests then tamper with the result as an attacker would — the database superuser rewrites lines and seals (and
may recompute their hashes with `reseal`), but cannot sign — and write it with `write(export, directory)`.
"""

import datetime as dt
import hashlib
import hmac
import json

from journal import proof

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
TEST_SEED = hashlib.sha256(b"tests: the sealer's key").digest()
OTHER_SEED = hashlib.sha256(b"tests: an attacker's key").digest()
RETENTION = dt.timedelta(days=365)
MAX_AGE = dt.timedelta(minutes=10)


def line(line_id, occurred_at, **fields):
    values = {
        "id": line_id,
        "occurred_at": proof._iso(occurred_at),
        "event": "consultation",
        "identifier_typed": "GREF0001",
        "user_id": 7,
        "source_ip": "192.0.2.10",
        "user_agent": "Mozilla/5.0",
        "detail": "",
        "caf_id": 3,
        "allocataire_number": "1234567",
        "rubrique": "situation",
        "period": "",
        "legal_aid_file": "2026/0042",
        "procedure": "aide juridictionnelle",
    }
    values.update(fields)
    return values


class Journal:
    """An export under construction: `seals`, `lines` (each with its `seal`), `checkpoints`."""

    def __init__(self, seed=TEST_SEED):
        self.seed = seed
        self.seals, self.lines, self.checkpoints = [], [], []
        self.next_id = 1

    def write_lines(self, count, at, **fields):
        for offset in range(count):
            self.lines.append(line(self.next_id, at + dt.timedelta(seconds=offset), seal=None, **fields))
            self.next_id += 1

    def seal(self, at, version=2):
        """Seals the pending lines, as the sealer does."""
        batch = [row for row in self.lines if row["seal"] is None]
        number = len(self.seals) + 1
        previous = proof.chain_hash(self.seals[-1]) if self.seals else ""
        hash_of = proof.leaf_hash if version == 2 else proof.leaf_hash_v1
        seal = {
            "version": version,
            "number": number,
            "sealed_at": proof._iso(at),
            "count": len(batch),
            "first_line": batch[0]["id"],
            "last_line": batch[-1]["id"],
            "root": proof.merkle_root([hash_of(row) for row in batch]),
            "previous": previous,
        }
        if version == 1:
            message = "|".join(str(seal[name]) for name in ("number", "sealed_at", "count", "root", "previous"))
            seal["mac"] = hmac.new(b"the old secret", message.encode(), hashlib.sha256).hexdigest()
        else:
            seal["hash"] = proof.seal_hash(seal)
        for row in batch:
            row["seal"] = number
        self.seals.append(seal)
        return seal

    def anchor(self, at, seed=None):
        """Signs the newest seal, as the sealer does after sealing."""
        head = self.seals[-1]
        lines = sum(seal["count"] for seal in self.seals)
        payload = proof.checkpoint_payload(seal=head, lines=lines, anchored_at=at)
        if head["version"] == 1:  # as the old sealer wrote them, to the second
            payload["anchored_at"] = at.isoformat(timespec="seconds")
        checkpoint = proof.sign_checkpoint(payload, seed or self.seed)
        self.checkpoints.append(checkpoint)
        return checkpoint

    def seal_and_anchor(self, at):
        self.seal(at)
        self.anchor(at)

    def reseal(self, from_number=1):
        """What a database superuser can do: recompute roots, counts, hashes and the chain from a seal on."""
        for seal in self.seals[from_number - 1 :]:
            batch = [row for row in self.lines if row["seal"] == seal["number"]]
            hash_of = proof.leaf_hash if seal["version"] == 2 else proof.leaf_hash_v1
            seal["count"] = len(batch)
            if batch:
                seal["first_line"], seal["last_line"] = batch[0]["id"], batch[-1]["id"]
            seal["root"] = proof.merkle_root([hash_of(row) for row in batch])
            if seal["number"] > 1:
                seal["previous"] = proof.chain_hash(self.seals[seal["number"] - 2])
            if seal["version"] == 2:
                seal["hash"] = proof.seal_hash(seal)

    def lines_of(self, number):
        return [row for row in self.lines if row["seal"] == number]


def standard():
    """Three seals: one 400 days old (purgeable), one of two days ago, one of today; each anchored after sealing,
    the newest re-anchored a minute ago; one line written since, not sealed yet. Lines 1-3, 4-7, 8-10, 11."""
    journal = Journal()
    old = NOW - dt.timedelta(days=400)
    journal.write_lines(3, old - dt.timedelta(minutes=1))
    journal.seal_and_anchor(old)
    recent = NOW - dt.timedelta(days=2)
    journal.write_lines(4, recent - dt.timedelta(minutes=1))
    journal.seal_and_anchor(recent)
    journal.write_lines(3, NOW - dt.timedelta(minutes=3))
    journal.seal_and_anchor(NOW - dt.timedelta(minutes=2))
    journal.anchor(NOW - dt.timedelta(minutes=1))
    journal.write_lines(1, NOW - dt.timedelta(seconds=30))
    return journal


def write(journal, directory):
    """The export's three files, as `journal_export` writes them."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in (("seals", journal.seals), ("lines", journal.lines), ("checkpoints", journal.checkpoints)):
        (directory / f"{name}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    return directory


def verify_export(directory, *, seed=TEST_SEED, public_key=None, **options):
    export = proof.load_export(directory)
    arguments = {"now": NOW, "retention": RETENTION, "max_age": MAX_AGE} | options
    return proof.verify(
        seals=export.seals,
        lines_of=export.lines_of,
        checkpoints=export.checkpoints,
        pending=export.pending,
        strays=export.strays,
        public_key=public_key or proof.public_key_of(seed),
        **arguments,
    )
