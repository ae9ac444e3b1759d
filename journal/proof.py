"""JRN-8, JRN-9: the access journal's proof, checkable by anyone with the public key alone.

One pure module — the standard library and `cryptography`, no Django, no database — holds the whole verification
algorithm. It is both the standalone verifier an auditor, a court or the CNIL runs on an export::

    python journal/proof.py EXPORT_DIR --public-key KEY

and the core that `manage.py journal_verify` feeds from the database: one copy of the rules.

The proof (version 2; docs/journal-verification.md explains it to an auditor):

- A **line**'s leaf is SHA-256(0x00 ‖ canonical JSON of its fields): unambiguous, whatever the user agent holds.
- A **seal** covers a batch of lines: their count, first and last numbers and their RFC 6962 Merkle root; it is
  chained to the previous seal by that seal's hash (`previous`), so a seal's hash covers every seal before it.
- A **checkpoint** is the newest seal's hash and the number of lines sealed so far, with the time of anchoring,
  signed with Ed25519 by the sealer and written to a witness outside the database (as RFC 9162's signed tree
  heads). The database cannot rewrite it; the public key alone checks it.

What verification relies on is inside the proof (JRN-8): a purge is read from the lines' absence and accepted only
for seals anchored longer ago than the retention, by the signed checkpoints' times; a line's time is checked
against the anchors before its seal. Verification fails closed: seals and no valid checkpoint, an unreadable or
stale witness, a checkpoint naming an absent seal, development keys in production.

Version 1 seals (before this module: HMAC-chained, `\\x1f`-joined leaves) keep verifying their lines and roots;
their chain is checked only through the checkpoints that name them.
"""

import argparse
import base64
import bisect
import datetime as dt
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

JOURNAL = "cafpro"
VERSION = 2
LINE_FIELDS = (
    "id",
    "occurred_at",
    "event",
    "identifier_typed",
    "user_id",
    "source_ip",
    "user_agent",
    "detail",
    "caf_id",
    "allocataire_number",
    "rubrique",
    "period",
    "legal_aid_file",
    "procedure",
)
SEAL_FIELDS = ("version", "number", "sealed_at", "count", "first_line", "last_line", "root", "previous")
LONGEST_TRANSACTION = dt.timedelta(minutes=10)
CHECKPOINT_MARK = "cafpro-journal-checkpoint"  # what precedes a checkpoint's JSON in a syslog line

# The development signing key: public on purpose, so that a journal signed with it proves nothing and says so.
DEV_SEED = hashlib.sha256(b"cafpro-development-journal-key").digest()
DEV_KEYS_MESSAGE = "clés de développement : ce journal ne prouve rien"

_INTS = ("id",)
_NULLABLE_INTS = ("user_id", "caf_id")
_STRINGS = tuple(name for name in LINE_FIELDS if name not in ("id", "user_id", "caf_id", "source_ip"))


class WitnessUnreadable(Exception):
    """The witness's checkpoints cannot be read: verification cannot conclude (fail closed)."""


class ExportUnreadable(Exception):
    """An export file is missing or is not the JSON lines it should be."""


# -- encoding and hashing -----------------------------------------------------------------------------------


def canonical(obj):
    """The one byte encoding of what is hashed or signed: sorted keys, no spaces, ASCII."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def leaf_hash(line):
    """JRN-8: a line's leaf (version 2), SHA-256(0x00 ‖ canonical JSON of its LINE_FIELDS): two different lines
    never share an encoding."""
    return hashlib.sha256(b"\x00" + canonical({name: line[name] for name in LINE_FIELDS})).hexdigest()


def leaf_hash_v1(line):
    """The leaf of a line sealed in a version 1 seal: its fields joined by 0x1f, as `JournalEntry.canonical()`
    wrote them (ambiguous: kept only to verify the seals made before version 2)."""
    fields = [
        str(line["id"]),
        line["occurred_at"],
        line["event"],
        line["identifier_typed"],
        str(line["user_id"] or ""),
        str(line["source_ip"] or ""),
        line["user_agent"],
        line["detail"],
        str(line["caf_id"] or ""),
        line["allocataire_number"],
        line["rubrique"],
        line["period"],
        line["legal_aid_file"],
        line["procedure"],
    ]
    return hashlib.sha256(b"\x00" + "\x1f".join(fields).encode()).hexdigest()


class MerkleTree:
    """RFC 6962 Merkle Tree Hash computed as leaves stream in, holding one node per level (log2 of the count):
    a seal's lines are never all in memory."""

    def __init__(self):
        self._stack = []  # (size, hash) of perfect subtrees, sizes decreasing

    def add(self, leaf):
        node, size = bytes.fromhex(leaf), 1
        while self._stack and self._stack[-1][0] == size:
            _, left = self._stack.pop()
            node, size = _node(left, node), size * 2
        self._stack.append((size, node))

    def root(self):
        if not self._stack:
            return hashlib.sha256(b"").hexdigest()
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = _node(left, node)
        return node.hex()


def _node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves):
    """RFC 6962 Merkle Tree Hash of the leaf hashes (hex), in their order; the empty tree is SHA-256 of nothing."""
    tree = MerkleTree()
    for leaf in leaves:
        tree.add(leaf)
    return tree.root()


def seal_hash(seal):
    """JRN-8: a version 2 seal's hash, over every field verification relies on, `previous` included (the chain)."""
    return hashlib.sha256(canonical({name: seal[name] for name in SEAL_FIELDS})).hexdigest()


def chain_hash(seal):
    """What the next seal's `previous` and a checkpoint's `seal_hash` carry for this seal: its hash (version 2),
    or its HMAC (`mac`, version 1)."""
    return seal["mac"] if seal.get("version") == 1 else seal_hash(seal)


# -- keys and checkpoints -----------------------------------------------------------------------------------


def public_key_of(private_seed):
    """The raw 32-byte Ed25519 public key of a 32-byte private seed."""
    return (
        Ed25519PrivateKey.from_private_bytes(private_seed)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def dev_public_key():
    """The public key of DEV_SEED: a journal it verifies proves nothing."""
    return public_key_of(DEV_SEED)


def checkpoint_payload(*, seal, lines, anchored_at):
    """JRN-6: what the sealer signs: the newest seal's chain hash and the lines sealed in seals 1..n (the sum of
    their counts), at `anchored_at` (aware). It covers every seal up to n through the chain.

    A version 2 checkpoint names only a version 2 seal (else a downgraded seal would pass for it): while the
    newest seal is still a version 1 one, its checkpoint has the version 1 form (its HMAC and root)."""
    if seal["version"] == 1:
        return {
            "journal": JOURNAL,
            "seal": seal["number"],
            "sealed_at": seal["sealed_at"],
            "mac": seal["mac"],
            "root": seal["root"],
            "last_line": seal["last_line"],
            "lines": lines,
            "anchored_at": _iso(anchored_at),
        }
    return {
        "journal": JOURNAL,
        "version": VERSION,
        "seal": seal["number"],
        "seal_hash": chain_hash(seal),
        "lines": lines,
        "anchored_at": _iso(anchored_at),
    }


def sign_checkpoint(payload, private_seed):
    """JRN-6: the checkpoint written to the witness: the payload and its Ed25519 signature of canonical(payload)."""
    signature = Ed25519PrivateKey.from_private_bytes(private_seed).sign(canonical(payload))
    return {"payload": payload, "signature": base64.b64encode(signature).decode()}


def _iso(moment):
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def read_checkpoints(location):
    """JRN-6, JRN-8: the checkpoints of a witness, as written: a directory of `checkpoint-*.json` files, a `.jsonl`
    file (one a line), or a file of syslog lines each holding `cafpro-journal-checkpoint {json}` (what follows the
    JSON is ignored; RFC 6587 octet-counted frames need no line breaks). A location that does not exist or cannot
    be read raises WitnessUnreadable: no checkpoint read is never taken for an empty witness."""
    if location is None or not str(location).strip():
        raise WitnessUnreadable("témoin illisible : aucun emplacement de témoin indiqué")
    path = Path(str(location))
    try:
        if path.is_dir():
            return [_json(file.read_text(), file) for file in sorted(path.glob("checkpoint-*.json"))]
        if not path.is_file():
            raise WitnessUnreadable(f"témoin illisible : « {location} » n'est ni un répertoire ni un fichier lisible")
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise WitnessUnreadable(f"témoin illisible : « {location} » ({error})") from error
    if path.suffix == ".jsonl":
        return [_json(row, f"{path}:{number}") for number, row in enumerate(text.splitlines(), 1) if row.strip()]
    found, start = [], text.find(CHECKPOINT_MARK)
    while start >= 0:
        body = text[start + len(CHECKPOINT_MARK) :].lstrip()
        try:
            found.append(json.JSONDecoder().raw_decode(body)[0])
        except ValueError as error:
            raise WitnessUnreadable(f"témoin illisible : point d'ancrage mal formé dans {path}") from error
        start = text.find(CHECKPOINT_MARK, start + len(CHECKPOINT_MARK))
    return found


def _json(text, where):
    try:
        return json.loads(text)
    except ValueError as error:
        raise WitnessUnreadable(f"témoin illisible : {where} n'est pas un point d'ancrage JSON") from error


# -- the export ---------------------------------------------------------------------------------------------


class Export:
    """An export directory (`manage.py journal_export --out DIR`): `seals.jsonl`, `lines.jsonl` (by id, each with
    its `seal`, null while not sealed), `checkpoints.jsonl`. Read as a stream: the seals and each seal's lines are
    read from the files when verification reaches them; only each seal's byte span in `lines.jsonl` is indexed."""

    def __init__(self, directory, checkpoints=None):
        self.directory = Path(directory)
        self.seals_path = self.directory / "seals.jsonl"
        self.lines_path = self.directory / "lines.jsonl"
        self.checkpoints = (
            read_checkpoints(self.directory / "checkpoints.jsonl") if checkpoints is None else checkpoints
        )
        seal_numbers = {seal.get("number") for seal in self._read(self.seals_path) if _is_int(seal.get("number"))}
        self._spans, self.pending, self.strays = {}, [], []
        for start, end, line in self._read_with_offsets(self.lines_path):
            number = line.get("seal")
            if number is None:
                self.pending.append(line)
            elif not _is_int(number) or number not in seal_numbers:
                self.strays.append(line)
            else:
                self._spans.setdefault(number, [start, end])[1] = end

    @property
    def seals(self):
        return self._read(self.seals_path)

    def lines_of(self, number):
        span = self._spans.get(number)
        if span is None:
            return
        with self.lines_path.open("rb") as file:
            file.seek(span[0])
            while file.tell() < span[1]:
                raw = file.readline()
                line = json.loads(raw) if raw.strip() else None
                if isinstance(line, dict) and line.get("seal") == number:
                    yield line

    def _read(self, path):
        for _, _, row in self._read_with_offsets(path):
            yield row

    def _read_with_offsets(self, path):
        try:
            with path.open("rb") as file:
                number, start = 0, 0
                for raw in file:
                    number += 1
                    end = start + len(raw)
                    if raw.strip():
                        try:
                            row = json.loads(raw)
                        except ValueError as error:
                            raise ExportUnreadable(f"{path.name}, ligne {number} : JSON illisible") from error
                        if not isinstance(row, dict):
                            raise ExportUnreadable(f"{path.name}, ligne {number} : un objet JSON est attendu")
                        yield start, end, row
                    start = end
        except OSError as error:
            raise ExportUnreadable(f"{path} illisible ({error.strerror})") from error


def load_export(directory, checkpoints=None):
    """JRN-9: the export of `directory`, with the witness's checkpoints of its `checkpoints.jsonl` unless given
    (an auditor may read them from the witness itself). Raises ExportUnreadable or WitnessUnreadable."""
    return Export(directory, checkpoints)


# -- verifying ----------------------------------------------------------------------------------------------


@dataclass
class Report:
    """The outcome of `verify`: every failure as (position, message), the first in the journal's order first."""

    failures: list = field(default_factory=list)
    lines: int = 0  # lines present and verified, sealed or pending
    seals: int = 0
    checkpoints: int = 0  # valid checkpoints
    purged_seals: int = 0
    purged_lines: int = 0
    unanchored_seals: int = 0  # sealed after the newest checkpoint
    pending: int = 0  # lines not sealed yet
    dev_keys: bool = False
    notes: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.failures

    @property
    def first_failure(self):
        return self.failures[0] if self.failures else None

    def summary(self):
        """The verdict in French, the first failing position first."""
        counts = (
            f"{self.lines} lignes vérifiées dans {self.seals} sceaux, {self.checkpoints} points d'ancrage valides, "
            f"{self.purged_seals} sceaux purgés ({self.purged_lines} lignes), {self.unanchored_seals} sceaux pas "
            f"encore ancrés, {self.pending} lignes en attente de scellement."
        )
        if self.ok:
            text = [f"Journal intègre et complet{' — mais ' + DEV_KEYS_MESSAGE if self.dev_keys else ''}.", counts]
        else:
            position, message = self.first_failure
            text = [
                f"Journal NON intègre : {len(self.failures)} anomalie(s). Première : {position} : {message}.",
                counts,
            ]
            text += [f"- {position} : {message}" for position, message in self.failures]
        return "\n".join(text + [f"Note : {note}." for note in self.notes])


def verify(
    *,
    seals,
    lines_of,
    checkpoints,
    public_key,
    now,
    retention,
    max_age,
    longest_transaction=LONGEST_TRANSACTION,
    pending=(),
    strays=(),
    production=False,
):
    """JRN-6, JRN-8, JRN-9: whether the journal is whole and untouched, against the witness's signed checkpoints.

    `seals` by number; `lines_of(number)` that seal's lines by id; `pending` the lines not sealed yet; `strays`
    lines attached to a seal that is not there; `public_key` raw 32 bytes; `now` aware. Rules, each failure naming
    its first position: (1) seals numbered 1..N, each version 2 seal chained to the previous and its stored hash
    right; (2) each seal's lines: ids ascending within its range, its count, leaves → root; all absent is a purge,
    accepted only for a seal first anchored more than `retention` before the newest anchor; (3) no line older than
    the newest anchor before its seal by more than the longest transaction; (4) every checkpoint signed with the
    key, its seal present with that hash and line count, anchored in the order of seals; (5) fail closed: seals
    without a valid checkpoint, a stale newest checkpoint, development keys (a failure in production)."""
    if now.tzinfo is None:
        raise ValueError("`now` doit être une date avec fuseau horaire.")
    return _Verification(public_key, now, retention, max_age, longest_transaction, production).run(
        seals, lines_of, checkpoints, pending, strays
    )


_WITNESS_ORDER = float("inf")  # witness-wide failures come after every seal's


class _Verification:
    def __init__(self, public_key, now, retention, max_age, longest_transaction, production):
        self.key = Ed25519PublicKey.from_public_bytes(bytes(public_key))
        self.now, self.retention, self.max_age = now, retention, max_age
        self.longest = longest_transaction
        self.report = Report()
        self._failures = []  # (order, discovery, position, message)
        if bytes(public_key) == dev_public_key():
            self.report.dev_keys = True
            if production:
                self.fail(0, "clé publique", DEV_KEYS_MESSAGE)
            else:
                self.report.notes.append(DEV_KEYS_MESSAGE)

    def fail(self, order, position, message):
        self._failures.append((order, len(self._failures), position, message))

    def run(self, seals, lines_of, checkpoints, pending, strays):
        self._read_checkpoints(checkpoints)
        previous, expected, total, v1 = None, 1, 0, 0
        for seal in seals:
            number = seal.get("number")
            if not _is_int(number) or number < expected:
                self.fail(expected, f"sceau n° {number}", "hors de son rang (déplacé ou en double)")
                continue
            if number > expected:
                missing = f"n° {expected}" if number == expected + 1 else f"n° {expected} à {number - 1}"
                self.fail(expected, f"sceau {missing}", "absent : un sceau a été supprimé ou déplacé")
            expected = number + 1
            self.report.seals += 1
            link = self._check_seal(seal, previous)
            if link is None:
                previous = None
                continue
            v1 += seal["version"] == 1
            total += seal["count"]
            self._check_lines(seal, lines_of(number))
            self._check_anchors_of(seal, link, total)
            previous = link
        last = expected - 1
        for number, anchors in sorted(self.named.items()):
            if number > last:
                for payload in anchors:
                    self.fail(
                        number,
                        f"point d'ancrage du sceau n° {number}",
                        f"sceau ancré le {payload['anchored_at']} introuvable : journal tronqué",
                    )
        if v1:
            self.report.notes.append(
                f"{v1} sceaux de version 1 : chaînage vérifiable seulement par leurs points d'ancrage"
            )
        self.report.unanchored_seals = max(0, last - self.anchored_head)
        self._check_pending(pending, last)
        for line in strays:
            self.fail(
                line["seal"] if _is_int(line.get("seal")) else last + 1,
                f"ligne n° {line.get('id')}",
                f"rattachée au sceau n° {line.get('seal')}, qui n'existe pas (ligne insérée ou sceau supprimé)",
            )
        self._check_witness(last)
        self._failures.sort(key=lambda failure: (failure[0], failure[1]))
        self.report.failures = [(position, message) for _, _, position, message in self._failures]
        return self.report

    # -- checkpoints (rule 4) and their times --------------------------------------------------------------

    def _read_checkpoints(self, checkpoints):
        valid = []  # (seal, anchored_at, payload)
        for index, checkpoint in enumerate(checkpoints, 1):
            payload = checkpoint.get("payload") if isinstance(checkpoint, dict) else None
            number = payload.get("seal") if isinstance(payload, dict) else None
            position = f"point d'ancrage du sceau n° {number}" if _is_int(number) else f"point d'ancrage n° {index}"
            order = number if _is_int(number) else 0
            try:
                signature = base64.b64decode(checkpoint["signature"], validate=True)
                self.key.verify(signature, canonical(payload))
            except (InvalidSignature, KeyError, TypeError, ValueError):
                self.fail(order, position, "signature invalide pour cette clé publique (falsifié ou re-signé)")
                continue
            problem = _checkpoint_problem(payload)
            if problem:
                self.fail(order, position, problem)
                continue
            valid.append((number, _time(payload["anchored_at"]), payload))
        self.report.checkpoints = len(valid)
        valid.sort(key=lambda item: (item[0], item[1]))
        self.named = {}
        for number, _, payload in valid:
            self.named.setdefault(number, []).append(payload)
        self.anchor_seals = [number for number, _, _ in valid]
        self.newest = max((anchored_at for _, anchored_at, _ in valid), default=None)
        self.anchored_head = max(self.anchor_seals, default=0)
        self.v1_head = max((number for number, _, payload in valid if "version" not in payload), default=0)
        self.seen_v2 = False
        # before[i]: the newest anchor among valid[:i+1]; covering[i]: the earliest among valid[i:]
        self.before, newest = [], None
        for _, anchored_at, _ in valid:
            newest = anchored_at if newest is None else max(newest, anchored_at)
            self.before.append(newest)
        self.covering, earliest = [None] * len(valid), None
        for index in range(len(valid) - 1, -1, -1):
            anchored_at = valid[index][1]
            earliest = anchored_at if earliest is None else min(earliest, anchored_at)
            self.covering[index] = earliest
        for index in range(1, len(valid)):
            number, anchored_at, payload = valid[index]
            if number > valid[index - 1][0] and anchored_at <= self.before[index - 1]:
                self.fail(
                    number,
                    f"point d'ancrage du sceau n° {number}",
                    f"ancré le {payload['anchored_at']}, pas après le point d'ancrage d'un sceau antérieur "
                    f"({_iso(self.before[index - 1])})",
                )

    def _anchor_before(self, number):
        """The newest anchor of a seal before `number` (None when none)."""
        index = bisect.bisect_left(self.anchor_seals, number)
        return self.before[index - 1] if index else None

    def _first_anchor_covering(self, number):
        """The earliest anchor of a seal `number` or later (None when none)."""
        index = bisect.bisect_left(self.anchor_seals, number)
        return self.covering[index] if index < len(self.covering) else None

    def _check_anchors_of(self, seal, link, total):
        number = seal["number"]
        for payload in self.named.get(number, ()):
            position = f"point d'ancrage du sceau n° {number}"
            if payload.get("version") == VERSION:
                if payload["seal_hash"] != link or seal["version"] != VERSION:
                    self.fail(number, position, f"le sceau diffère de celui ancré le {payload['anchored_at']}")
                elif payload["lines"] != total:
                    self.fail(
                        number,
                        position,
                        f"{payload['lines']} lignes ancrées le {payload['anchored_at']}, {total} dans les sceaux",
                    )
            elif seal["version"] != 1 or payload["mac"] != seal["mac"] or payload["root"] != seal["root"]:
                self.fail(number, position, f"le sceau diffère de celui ancré le {payload['anchored_at']}")

    # -- seals (rule 1) ------------------------------------------------------------------------------------

    def _check_seal(self, seal, previous):
        """The seal's chain hash, after its checks (None when it cannot be read)."""
        number, position = seal["number"], f"sceau n° {seal['number']}"
        problem = _seal_problem(seal)
        if problem:
            self.fail(number, position, problem)
            return None
        if seal["version"] == 1:
            # JRN-8: a version 1 seal's chain cannot be checked, so none may stand where a version 2 seal could
            # have been downgraded to escape its chain: after a version 2 seal, or beyond the version 1 anchors.
            if self.seen_v2:
                self.fail(number, position, "de version 1 après un sceau de version 2 : rétrogradé")
            elif number > self.v1_head:
                self.fail(
                    number, position, "de version 1 sans point d'ancrage de version 1 qui le couvre : rétrogradé"
                )
            return seal["mac"]
        self.seen_v2 = True
        link = seal_hash(seal)
        if "hash" in seal and seal["hash"] != link:
            self.fail(number, position, "altéré : son contenu ne correspond plus à son empreinte")
        if previous is None and number > 1 and seal["previous"] == "":
            self.fail(number, position, "chaîne rompue : il ne désigne aucun sceau précédent")
        elif previous is not None and seal["previous"] != previous:
            self.fail(
                number,
                position,
                "chaîne rompue : il ne suit pas le sceau précédent (sceau inséré, déplacé ou modifié)",
            )
        elif previous is None and number == 1 and seal["previous"] != "":
            self.fail(number, position, "chaîne rompue : le premier sceau désigne un sceau précédent")
        return link

    # -- lines (rules 2 and 3) -----------------------------------------------------------------------------

    def _check_lines(self, seal, lines):
        number, count = seal["number"], seal["count"]
        position = f"sceau n° {number}"
        hash_of = leaf_hash_v1 if seal["version"] == 1 else leaf_hash
        anchor = self._anchor_before(number)
        floor = anchor - self.longest if anchor is not None else None
        tree, present, last_id, gap_after, broken = MerkleTree(), 0, None, None, False
        for line in lines:
            line_position = f"ligne n° {line.get('id')}"
            problem = _line_problem(line)
            if problem:
                self.fail(number, line_position, f"(sceau n° {number}) {problem}")
                broken = True
                continue
            line_id = line["id"]
            if last_id is not None and line_id <= last_id:
                self.fail(
                    number, line_position, f"(sceau n° {number}) hors de l'ordre des lignes (en double ou déplacée)"
                )
                broken = True
            elif not seal["first_line"] <= line_id <= seal["last_line"]:
                self.fail(
                    number,
                    line_position,
                    f"hors du sceau n° {number} (lignes n° {seal['first_line']} à {seal['last_line']}) : ajoutée",
                )
                broken = True
            if last_id is not None and gap_after is None and line_id > last_id + 1:
                gap_after = last_id
            last_id = line_id
            leaf = hash_of(line)
            if "hash" in line and line["hash"] != leaf:
                self.fail(
                    number, line_position, f"(sceau n° {number}) modifiée : son contenu ne donne plus sa feuille"
                )
                broken = True
            tree.add(leaf)
            present += 1
            occurred_at = _time(line["occurred_at"])
            if floor is not None and occurred_at < floor:
                self.fail(
                    number,
                    line_position,
                    f"(sceau n° {number}) antidatée / insérée : datée du {line['occurred_at']}, avant le point "
                    f"d'ancrage du {_iso(anchor)} qui précède son sceau",
                )
        self.report.lines += present
        if present == 0 and count > 0:
            self._check_purge(seal)
        elif present != count:
            hint = f", première lacune après la ligne n° {gap_after}" if gap_after is not None else ""
            what = "lignes supprimées" if present < count else "lignes ajoutées"
            self.fail(number, position, f"{present} lignes au lieu de {count} : {what}{hint}")
        elif tree.root() != seal["root"] and not broken:
            self.fail(
                number,
                position,
                f"racine différente : une ligne du sceau (n° {seal['first_line']} à {seal['last_line']}) a été "
                "modifiée ou remplacée",
            )

    def _check_purge(self, seal):
        """JRN-5, JRN-8: a seal whose lines are all gone was purged — accepted only when its first anchor is older
        than the retention, counted from the newest anchor (signed times; no flag of the database is trusted)."""
        number = seal["number"]
        first = self._first_anchor_covering(number)
        if first is not None and first <= self.newest - self.retention:
            self.report.purged_seals += 1
            self.report.purged_lines += seal["count"]
            return
        when = f"ancré pour la première fois le {_iso(first)}" if first else "jamais ancré"
        self.fail(
            number,
            f"sceau n° {number}",
            f"lignes supprimées : ses {seal['count']} lignes manquent alors qu'il n'est pas purgeable ({when})",
        )

    def _check_pending(self, pending, last):
        """Rule 3 for the lines not sealed yet: none older than the newest anchor beyond the longest transaction,
        nor older than the sealer's interval allows (the sealer stopped)."""
        floor = self.newest - self.longest if self.newest is not None else None
        stale = self.now - self.max_age - self.longest
        for line in pending:
            self.report.pending += 1
            position = f"ligne n° {line.get('id')}"
            problem = _line_problem(line)
            if problem:
                self.fail(last + 1, position, f"(en attente de scellement) {problem}")
                continue
            self.report.lines += 1
            occurred_at = _time(line["occurred_at"])
            if floor is not None and occurred_at < floor:
                self.fail(
                    last + 1,
                    position,
                    f"antidatée / insérée : datée du {line['occurred_at']}, avant le dernier point d'ancrage "
                    f"({_iso(self.newest)}), et jamais scellée",
                )
            elif occurred_at < stale:
                self.fail(
                    last + 1,
                    position,
                    f"jamais scellée depuis le {line['occurred_at']} : le scelleur est arrêté",
                )

    # -- fail closed (rule 5) ------------------------------------------------------------------------------

    def _check_witness(self, last):
        if self.newest is None:
            if last:
                self.fail(_WITNESS_ORDER, "témoin", "aucun point d'ancrage valide : le journal ne peut être prouvé")
            return
        if self.newest < self.now - self.max_age:
            self.fail(
                _WITNESS_ORDER,
                f"point d'ancrage du sceau n° {self.anchored_head}",
                f"dernier point d'ancrage du {_iso(self.newest)} : témoin en retard : le scelleur est arrêté ou le "
                "témoin tronqué",
            )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _time(text):
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    return moment


def _is_time(value):
    try:
        _time(value)
    except (TypeError, ValueError):
        return False
    return True


def _line_problem(line):
    """Why a line cannot be read as LINE_FIELDS of the spec's types (None when it can)."""
    if not isinstance(line, dict):
        return "illisible"
    missing = [name for name in LINE_FIELDS if name not in line]
    if missing:
        return f"illisible : champ(s) absent(s) {', '.join(missing)}"
    wrong = [name for name in _INTS if not _is_int(line[name])]
    wrong += [name for name in _NULLABLE_INTS if line[name] is not None and not _is_int(line[name])]
    wrong += [name for name in _STRINGS if not isinstance(line[name], str)]
    if line["source_ip"] is not None and not isinstance(line["source_ip"], str):
        wrong.append("source_ip")
    if wrong:
        return f"illisible : champ(s) mal typé(s) {', '.join(wrong)}"
    if not _is_time(line["occurred_at"]):
        return "illisible : date occurred_at invalide"
    return None


def _seal_problem(seal):
    """Why a seal cannot be read (None when it can)."""
    if seal.get("version") not in (1, VERSION):
        return f"version inconnue ({seal.get('version')!r})"
    missing = [name for name in SEAL_FIELDS if name not in seal]
    if seal["version"] == 1 and "mac" not in seal:
        missing.append("mac")
    if missing:
        return f"illisible : champ(s) absent(s) {', '.join(missing)}"
    if not all(_is_int(seal[name]) for name in ("count", "first_line", "last_line")) or seal["count"] < 0:
        return "illisible : nombre de lignes ou bornes invalides"
    if not all(isinstance(seal[name], str) for name in ("root", "previous", "sealed_at")):
        return "illisible : racine, chaînage ou date invalides"
    return None


def _checkpoint_problem(payload):
    """Why a correctly signed payload is not a checkpoint of this journal (None when it is)."""
    if payload.get("journal") != JOURNAL:
        return f"point d'ancrage d'un autre journal ({payload.get('journal')!r})"
    if not _is_int(payload.get("seal")):
        return "illisible : numéro de sceau invalide"
    if not _is_time(payload.get("anchored_at")):
        return "date d'ancrage invalide"
    if payload.get("version") == VERSION:
        if not isinstance(payload.get("seal_hash"), str) or not _is_int(payload.get("lines")):
            return "illisible : seal_hash ou lines invalides"
        return None
    if "version" not in payload and isinstance(payload.get("mac"), str) and isinstance(payload.get("root"), str):
        return None  # version 1: names its seal by HMAC and root
    return "version de point d'ancrage inconnue"


# -- command line -------------------------------------------------------------------------------------------

HELP = """\
Vérifie un export du journal des accès CAFPRO avec la seule clé publique du scelleur (JRN-9).

L'export est un répertoire produit par « manage.py journal_export --out DIR » : seals.jsonl (les sceaux),
lines.jsonl (les lignes), checkpoints.jsonl (les points d'ancrage signés recopiés du témoin). Demandez la clé
publique par un autre canal que l'export (courrier signé, site officiel) : c'est elle qui fait la preuve.

Le vérificateur recalcule l'empreinte de chaque ligne, la racine de Merkle de chaque sceau (RFC 6962), le
chaînage des sceaux, et contrôle chaque point d'ancrage signé (Ed25519). Il s'arrête au premier doute sur les
entrées (code 2) et nomme la première position qui ne tient pas (code 1).

Codes de sortie : 0 journal intègre et complet ; 1 journal altéré, tronqué ou non prouvé (la première position
fautive est nommée) ; 2 usage incorrect ou entrée illisible (export, témoin ou clé).
Détails : docs/journal-verification.md.
"""


def _parser():
    parser = argparse.ArgumentParser(
        prog="python journal/proof.py",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="afficher cette aide et sortir")
    parser.add_argument("export", metavar="EXPORT_DIR", help="répertoire de l'export (seals.jsonl, lines.jsonl, …)")
    parser.add_argument(
        "--public-key",
        required=True,
        metavar="CLÉ",
        help="clé publique Ed25519 du scelleur : en base64 (32 octets), ou un fichier qui la contient (base64 ou PEM)",
    )
    parser.add_argument(
        "--witness",
        metavar="TÉMOIN",
        help="lire les points d'ancrage au témoin lui-même (répertoire, fichier .jsonl ou journal syslog) plutôt "
        "que dans checkpoints.jsonl de l'export",
    )
    parser.add_argument(
        "--now",
        metavar="INSTANT",
        help="instant de référence, ISO 8601 avec fuseau (par défaut : maintenant) ; pour un export reçu plus "
        "tôt, l'instant où il a été produit",
    )
    parser.add_argument(
        "--retention-days",
        type=int,
        default=365,
        metavar="JOURS",
        help="durée de conservation des lignes, en jours (365)",
    )
    parser.add_argument(
        "--max-age-minutes",
        type=int,
        metavar="MINUTES",
        default=10,
        help="âge maximal du dernier point d'ancrage à l'instant de référence, en minutes (10)",
    )
    parser.add_argument(
        "--production", action="store_true", help="journal de production : les clés de développement sont refusées"
    )
    return parser


def _public_key(value):
    """32 raw bytes from base64, or from a file holding base64, PEM or the raw bytes."""
    path = Path(value)
    data = value.encode()
    try:
        if path.is_file():
            data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"clé publique illisible ({error.strerror})") from error
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(data)
        except (ValueError, UnsupportedAlgorithm) as error:
            raise ValueError("la clé publique PEM est illisible") from error
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("la clé publique PEM n'est pas une clé Ed25519")
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if len(data) == 32 and path.is_file():
        return data
    try:
        raw = base64.b64decode(data.strip(), validate=True)
    except ValueError as error:
        raise ValueError("la clé publique n'est pas du base64") from error
    if len(raw) != 32:
        raise ValueError(f"la clé publique doit faire 32 octets ({len(raw)} lus)")
    return raw


def main(argv=None):
    """The auditor's verifier: exit 0 when whole and untouched, 1 when not, 2 on usage or unreadable input."""
    args = _parser().parse_args(argv)
    try:
        public_key = _public_key(args.public_key)
        now = _time(args.now) if args.now else dt.datetime.now(dt.UTC)
        if args.retention_days < 0 or args.max_age_minutes < 0:
            raise ValueError("les durées doivent être positives")
        checkpoints = read_checkpoints(args.witness) if args.witness else None
        if not Path(args.export).is_dir():
            raise ExportUnreadable(f"« {args.export} » n'est pas un répertoire d'export")
        export = load_export(args.export, checkpoints)
        report = verify(
            seals=export.seals,
            lines_of=export.lines_of,
            checkpoints=export.checkpoints,
            pending=export.pending,
            strays=export.strays,
            public_key=public_key,
            now=now,
            retention=dt.timedelta(days=args.retention_days),
            max_age=dt.timedelta(minutes=args.max_age_minutes),
            production=args.production,
        )
    except (ValueError, ExportUnreadable, WitnessUnreadable) as error:
        print(f"Vérification impossible : {error}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
