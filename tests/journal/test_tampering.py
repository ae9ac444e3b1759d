"""Issue #23's tampering table, replayed (JRN-5, JRN-6, JRN-8, JRN-9): the journal anchored four times over 13
minutes (the sealer running), then tampered with as the purge role, as the database's superuser (triggers switched
off) and as the operator of the witness. Each row is refused by the database (PostgreSQL) or detected by
`journal_verify`, which names the first position in fault — and the same tampering, exported, is detected by the
standalone verifier (`python journal/proof.py`) at the same position. The database's refusals need PostgreSQL;
everything the verifiers detect runs on SQLite too."""

import base64
import datetime as dt
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory

from journal import proof
from journal.enums import JournalEvent
from journal.integrity import PURGE_ROLE, anchor, leaf
from journal.models import JournalEntry, JournalSeal
from journal.services import journal_record

pytestmark = pytest.mark.django_db
TABLE, SEALS = JournalEntry._meta.db_table, JournalSeal._meta.db_table
MINUTE = dt.timedelta(minutes=1)


def tamper(sql, params=()):
    """The database's superuser, the triggers (and so the foreign keys) switched off first on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def write(n, user_agent="Firefox"):
    request = RequestFactory().get("/", HTTP_USER_AGENT=user_agent, REMOTE_ADDR="192.0.2.7")
    return [
        journal_record(event=JournalEvent.LOGIN_FAILURE, identifier=f"T00000{i:02d}", request=request)
        for i in range(n)
    ]


@pytest.fixture
def journal(journal_witness):
    """Seals 1, 2, 3 anchored at T, T+5, T+12 minutes (T = 13 minutes ago), seal 3 anchored twice; 1 line pending.
    Returns the lines by seal number, and the line whose user agent holds 0x1f."""
    start = dt.datetime.now(dt.UTC) - 13 * MINUTE
    rows = {}
    for number, offset in [(1, 0), (2, 5), (3, 12)]:
        with time_machine.travel(start + offset * MINUTE, tick=False):
            rows[number] = write(3, user_agent="Firefox\x1fESR" if number == 3 else "Firefox")
            anchor()
    with time_machine.travel(start + 12 * MINUTE + dt.timedelta(seconds=30), tick=False):
        anchor()
    rows[None] = write(1)
    code, output = verify_command()
    assert code == 0, output
    return rows


def verify_command(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("journal_verify", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def standalone(directory, *args):
    """The auditor's verifier, in a process of its own: no Django, no database."""
    key = base64.b64encode(proof.dev_public_key()).decode()
    result = subprocess.run(
        [sys.executable, "journal/proof.py", str(directory), "--public-key", key, *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    return result.returncode, result.stdout + result.stderr


def checkpoint_files(witness):
    return sorted(witness.glob("checkpoint-*.json"))


def resign(file, change, seed):
    checkpoint = json.loads(file.read_text())
    change(checkpoint["payload"])
    file.write_text(json.dumps(proof.sign_checkpoint(checkpoint["payload"], seed)))


def attacks(rows, witness):
    """The table's rows detected by verification: name → (the tampering, the first position in fault)."""
    middle = rows[2][1]
    ua_line = rows[3][0]

    def altered():
        tamper(f"UPDATE {TABLE} SET detail = 'x' WHERE id = %s", [middle.pk])

    def deleted():
        tamper(f"DELETE FROM {TABLE} WHERE id = %s", [middle.pk])

    def seal_moved():
        tamper(f"UPDATE {SEALS} SET number = 7 WHERE number = 2")

    def seal_deleted():  # with its lines: the database alone stays consistent
        tamper(f"DELETE FROM {TABLE} WHERE seal_id = (SELECT id FROM {SEALS} WHERE number = 2)")
        tamper(f"DELETE FROM {SEALS} WHERE number = 2")

    def checkpoint_forged():
        file = checkpoint_files(witness)[1]
        checkpoint = json.loads(file.read_text())
        checkpoint["payload"]["lines"] = 5
        file.write_text(json.dumps(checkpoint))

    def checkpoint_resigned():
        resign(
            checkpoint_files(witness)[1], lambda payload: payload.update(lines=5), b"attacker-key-of-32-bytes-exactly"
        )

    def superuser_purges_todays_seal():
        tamper(f"DELETE FROM {TABLE} WHERE seal_id = (SELECT id FROM {SEALS} WHERE number = 1)")
        tamper(f"UPDATE {SEALS} SET purged_at = %s WHERE number = 1", [dt.datetime.now(dt.UTC)])

    def purged_then_rewritten():
        tamper(f"UPDATE {SEALS} SET purged_at = %s WHERE number = 1", [dt.datetime.now(dt.UTC)])
        for line in rows[1]:
            tamper(f"UPDATE {TABLE} SET detail = 'réécrite' WHERE id = %s", [line.pk])
            forged = JournalEntry.objects.get(pk=line.pk)
            tamper(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", [leaf(forged), line.pk])

    def back_dated_then_sealed():
        tamper(
            f"INSERT INTO {TABLE} (occurred_at, event, identifier_typed, user_agent, detail, allocataire_number, "
            "rubrique, period, legal_aid_file, procedure, hash) "
            "VALUES (%s, 'consultation', 'T1001161', '', '', '1000001', 'paiements', '', '', '', '')",
            [dt.datetime.now(dt.UTC) - dt.timedelta(days=30)],
        )
        anchor()

    def newest_checkpoints_deleted():
        for file in checkpoint_files(witness)[1:]:
            file.unlink()

    def tail_cut():
        tamper(f"DELETE FROM {TABLE} WHERE seal_id = (SELECT id FROM {SEALS} WHERE number = 3)")
        tamper(f"DELETE FROM {SEALS} WHERE number = 3")

    def same_version_1_leaf():
        # the user agent "Firefox\x1fESR" and an empty detail, rewritten as "Firefox" and "ESR\x1f": the old
        # 0x1f-joined leaf is the same; the canonical JSON leaf is not
        tamper(f"UPDATE {TABLE} SET user_agent = 'Firefox', detail = %s WHERE id = %s", ["ESR\x1f", ua_line.pk])

    inserted = lambda: JournalEntry.objects.get(identifier_typed="T1001161").pk  # noqa: E731
    return {
        "line-altered": (altered, lambda: f"ligne n° {middle.pk}"),
        "middle-line-deleted": (deleted, lambda: "sceau n° 2"),
        "seal-moved": (seal_moved, lambda: "sceau n° 2"),
        "seal-deleted": (seal_deleted, lambda: "sceau n° 2"),
        "checkpoint-forged": (checkpoint_forged, lambda: "point d'ancrage du sceau n° 2"),
        "checkpoint-re-signed": (checkpoint_resigned, lambda: "point d'ancrage du sceau n° 2"),
        "todays-seal-purged": (superuser_purges_todays_seal, lambda: "sceau n° 1"),
        "purged-then-rewritten": (purged_then_rewritten, lambda: "sceau n° 1"),
        "back-dated-line-then-sealed": (back_dated_then_sealed, lambda: f"ligne n° {inserted()}"),
        "newest-checkpoints-deleted": (newest_checkpoints_deleted, lambda: "point d'ancrage du sceau n° 1"),
        "tail-cut": (tail_cut, lambda: "point d'ancrage du sceau n° 3"),
        "same-version-1-leaf": (same_version_1_leaf, lambda: f"ligne n° {ua_line.pk}"),
    }


ROWS = [
    "line-altered",
    "middle-line-deleted",
    "seal-moved",
    "seal-deleted",
    "checkpoint-forged",
    "checkpoint-re-signed",
    "todays-seal-purged",
    "purged-then-rewritten",
    "back-dated-line-then-sealed",
    "newest-checkpoints-deleted",
    "tail-cut",
    "same-version-1-leaf",
]


@pytest.mark.parametrize("row", ROWS)
def test_each_tampering_is_detected_at_its_first_position_by_both_verifiers(row, journal, journal_witness, tmp_path):
    attack, position = attacks(journal, journal_witness)[row]
    attack()
    code, output = verify_command()
    assert code == 1 and f"Première : {position()} :" in output, output
    call_command("journal_export", "--out", str(tmp_path / "export"), stdout=StringIO())
    code, output = standalone(tmp_path / "export")
    assert code == 1 and f"Première : {position()} :" in output, output


def test_the_untouched_journal_passes_both_verifiers(journal, tmp_path):
    call_command("journal_export", "--out", str(tmp_path / "export"), stdout=StringIO())
    code, output = standalone(tmp_path / "export")
    assert code == 0 and "Journal intègre et complet" in output, output


@pytest.mark.parametrize("where", ["syslog", "wrong", "empty"])
def test_a_witness_that_cannot_be_read_fails_closed(where, journal, settings, tmp_path):
    location = {"syslog": "syslog:127.0.0.1:6514", "wrong": str(tmp_path / "nowhere"), "empty": ""}[where]
    settings.CAFPRO_JOURNAL_WITNESS_READ = location
    if where == "empty":
        settings.CAFPRO_JOURNAL_WITNESS = ""
    code, output = verify_command()
    assert code == 1 and "témoin illisible" in output, output
    call_command(
        "journal_export",
        "--out",
        str(tmp_path / "export"),
        "--witness",
        str(Path(settings.BASE_DIR)),
        stdout=StringIO(),
    )
    code, output = standalone(tmp_path / "export", "--witness", location or str(tmp_path / "empty-name"))
    assert code == 2 and "témoin illisible" in output, output


def test_an_empty_witness_directory_fails_closed(journal, journal_witness, tmp_path):
    for file in checkpoint_files(journal_witness):
        file.unlink()
    code, output = verify_command()
    assert code == 1 and "Première : témoin : aucun point d'ancrage valide" in output, output
    call_command("journal_export", "--out", str(tmp_path / "export"), stdout=StringIO())
    code, output = standalone(tmp_path / "export")
    assert code == 1 and "Première : témoin : aucun point d'ancrage valide" in output, output


def test_development_keys_are_named_and_refused_in_production(journal, tmp_path):
    code, output = verify_command()
    assert code == 0 and proof.DEV_KEYS_MESSAGE in output
    code, output = verify_command("--production")
    assert code == 1 and f"Première : clé publique : {proof.DEV_KEYS_MESSAGE}" in output, output
    call_command("journal_export", "--out", str(tmp_path / "export"), stdout=StringIO())
    code, output = standalone(tmp_path / "export", "--production")
    assert code == 1 and f"Première : clé publique : {proof.DEV_KEYS_MESSAGE}" in output, output


# -- what the database refuses (PostgreSQL) -------------------------------------------------------------------


def as_role(cursor, role):
    cursor.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"CREATE ROLE {role} NOLOGIN; END IF; END $$"
    )
    cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {TABLE}, {SEALS}, journal_journalcheckpoint TO {role}")
    cursor.execute(f"SET LOCAL ROLE {role}")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "role, sql, message",
    [
        (
            PURGE_ROLE,
            f"DELETE FROM {TABLE} WHERE seal_id = (SELECT id FROM {SEALS} WHERE number = 1)",
            "purge refusée",
        ),
        (PURGE_ROLE, f"UPDATE {SEALS} SET purged_at = now() WHERE number = 1", "purge refusée"),
        (PURGE_ROLE, f"UPDATE {TABLE} SET detail = 'x' WHERE seal_id IS NOT NULL", "ajout seul"),
        (
            "cafpro_test_app",
            f"INSERT INTO {TABLE} (occurred_at, event, identifier_typed, user_agent, detail, allocataire_number, "
            "rubrique, period, legal_aid_file, procedure, hash) VALUES (now() - interval '30 days', 'consultation', "
            "'T1001161', '', '', '1000001', 'paiements', '', '', '', '')",
            "antérieure au dernier point d'ancrage",
        ),
        (
            "cafpro_test_app",
            f"UPDATE {TABLE} SET seal_id = (SELECT id FROM {SEALS} WHERE number = 3) WHERE seal_id IS NULL",
            "pas été scellée",
        ),
        ("cafpro_test_app", "DELETE FROM journal_journalcheckpoint", "ajout seul"),
    ],
    ids=[
        "purge-role-deletes-todays-lines",
        "purge-role-marks-todays-seal",
        "purge-role-rewrites",
        "back-dated-insert",
        "re-attached-line",
        "checkpoints-deleted",
    ],
)
def test_the_database_refuses(role, sql, message, journal):
    before = JournalEntry.objects.count()
    with pytest.raises(DatabaseError, match=message):
        with transaction.atomic(), connection.cursor() as cursor:
            as_role(cursor, role)
            cursor.execute(sql)
    assert JournalEntry.objects.count() == before and not JournalSeal.objects.filter(purged_at__isnull=False)


@pytest.mark.postgres
def test_the_purge_command_cannot_purge_a_young_journal(journal):
    """`journal_purge` itself finds nothing to purge: the seals are anchored minutes ago."""
    out = StringIO()
    call_command("journal_purge", stdout=out)
    assert "Rien à purger" in out.getvalue()
