"""JRN-5, JRN-6, JRN-7: the journal is append-only, sealed in batches (Merkle roots chained by HMAC), anchored
outside the database by signed checkpoints, and verified against them: every tampering a database superuser can
do — with the triggers switched off — is found, at its first position."""

import datetime as dt
import json
import threading
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from journal.enums import JournalEvent
from journal.integrity import anchor, leaf, merkle_root, seal_pending, verify
from journal.models import AppendOnlyError, JournalEntry, JournalSeal
from journal.services import journal_record

pytestmark = pytest.mark.django_db
TABLE, SEALS = JournalEntry._meta.db_table, JournalSeal._meta.db_table


def lines(n, identifier="Z9999999"):
    return [journal_record(event=JournalEvent.LOGIN_FAILURE, identifier=f"{identifier[:-2]}{i:02d}") for i in range(n)]


def verify_command(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("journal_verify", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def tamper(sql, params=()):
    """An attacker holding the database: as its superuser, the triggers switched off first (PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def insert_forged(occurred_at, identifier, hash="", seal=None):
    """A line written straight into the table, as the database's superuser could."""
    columns = "occurred_at, event, identifier_typed, user_agent, detail, allocataire_number, rubrique, period"
    tamper(
        f"INSERT INTO {TABLE} ({columns}, legal_aid_file, procedure, hash, seal_id) "
        "VALUES (%s, 'login_success', %s, '', '', '', '', '', '', '', %s, %s)",
        [occurred_at, identifier, hash, seal],
    )


def test_a_line_is_one_insert_with_no_lock_and_no_read(django_assert_num_queries):
    """JRN-7: writers never wait for each other: no advisory lock, no read of the last line."""
    with django_assert_num_queries(1) as captured:
        journal_record(event=JournalEvent.LOGIN_FAILURE, identifier="Z0000001")
    assert captured.captured_queries[0]["sql"].startswith("INSERT")


def test_the_merkle_root_is_rfc_6962():
    """RFC 6962 §2.1: MTH of 3 leaves = H(0x01 ‖ H(0x01 ‖ l0 ‖ l1) ‖ l2), the split at the largest power of two."""
    import hashlib

    leaves = [hashlib.sha256(bytes([i])).hexdigest() for i in range(3)]
    h = lambda *parts: hashlib.sha256(b"\x01" + b"".join(bytes.fromhex(p) for p in parts)).hexdigest()  # noqa: E731
    assert merkle_root(leaves) == h(h(leaves[0], leaves[1]), leaves[2])
    five = [hashlib.sha256(bytes([i])).hexdigest() for i in range(5)]
    assert merkle_root(five) == h(h(h(five[0], five[1]), h(five[2], five[3])), five[4])


def test_a_sealed_and_anchored_journal_verifies(journal_witness):
    lines(5)
    seals, checkpoint = anchor()
    assert [seal.count for seal in seals] == [5] and checkpoint["payload"]["seal"] == 1
    assert [line.hash for line in JournalEntry.objects.order_by("pk")] == [
        leaf(line) for line in JournalEntry.objects.order_by("pk")
    ]
    lines(2)
    code, output = verify_command()
    assert code == 0 and "5 lignes vérifiées dans 1 sceau, 1 point d'ancrage ; 2 lignes pas encore scellées." in output
    seals, checkpoint = anchor()
    assert checkpoint["payload"] == {**checkpoint["payload"], "seal": 2, "lines": 7}
    assert len(list(journal_witness.glob("checkpoint-*.json"))) == 2
    assert verify().ok


def test_the_sealer_takes_lines_by_batches():
    lines(7)
    assert [seal.count for seal in seal_pending(batch=3)] == [3, 3, 1]
    assert JournalEntry.objects.filter(seal__isnull=True).count() == 0 and verify().ok


@pytest.mark.parametrize(
    "attack, message",
    [
        (
            f"UPDATE {TABLE} SET identifier_typed = 'T0000000' WHERE id = %(line)s",
            "Ligne n° {line} (sceau n° 1) modifiée",
        ),
        (f"UPDATE {TABLE} SET detail = 'x', hash = '' WHERE id = %(line)s", "Ligne n° {line} (sceau n° 1) modifiée"),
        (
            f"DELETE FROM {TABLE} WHERE id = %(line)s",
            "Sceau n° 1 : 4 lignes au lieu de 5 (à partir de la ligne n° {line})",
        ),
        (f"UPDATE {SEALS} SET root = repeat('0', 64) WHERE number = 1", "Sceau n° 1 falsifié"),
        (f"UPDATE {SEALS} SET count = 4 WHERE number = 1", "Sceau n° 1 falsifié"),
        (f"DELETE FROM {SEALS} WHERE number = 1", "Sceau n° 2 : un sceau manque avant lui"),
    ],
    ids=["altered", "altered-with-its-hash", "deleted", "forged-root", "forged-count", "seal-deleted"],
)
def test_tampering_fails_at_the_first_position(attack, message):
    rows = lines(5)
    seal_pending()
    lines(2)
    seal_pending()
    anchor()
    if "DELETE FROM" in attack and SEALS in attack:
        tamper(f"UPDATE {TABLE} SET seal_id = NULL WHERE seal_id = (SELECT id FROM {SEALS} WHERE number = 1)")
    tamper(attack % {"line": rows[2].pk} if "%(line)s" in attack else attack)
    code, output = verify_command()
    assert code == 1 and message.format(line=rows[2].pk) in output, output


def test_a_forged_line_inserted_into_a_seal_is_found():
    lines(3)
    seal_pending()
    seal = JournalSeal.objects.get()
    insert_forged(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "X", seal=seal.pk)
    forged = JournalEntry.objects.get(identifier_typed="X")  # its leaf computed right: the attacker knows SHA-256
    tamper(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", [leaf(forged), forged.pk])
    code, output = verify_command()
    assert code == 1 and "Sceau n° 1 : 4 lignes au lieu de 3 (ligne ajoutée)" in output, output


def test_a_truncated_tail_older_than_the_last_anchor_is_found():
    """The newest seals and their lines deleted together: the database alone is consistent, the witness is not."""
    lines(3)
    anchor()
    lines(3)
    anchor()
    tamper(f"DELETE FROM {TABLE} WHERE seal_id = (SELECT id FROM {SEALS} WHERE number = 2)")
    tamper(f"DELETE FROM {SEALS} WHERE number = 2")
    code, output = verify_command()
    assert code == 1 and "Sceau n° 2, ancré le" in output and "journal tronqué" in output


def test_a_forged_checkpoint_is_found(journal_witness):
    lines(2)
    anchor()
    file = next(journal_witness.glob("checkpoint-*.json"))
    checkpoint = json.loads(file.read_text())
    checkpoint["payload"]["lines"] = 1
    file.write_text(json.dumps(checkpoint))
    code, output = verify_command()
    assert code == 1 and "signature invalide (falsifié)" in output


def test_a_line_never_sealed_though_older_than_the_last_anchor_was_inserted():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)):
        lines(2)
        anchor()
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)):
        anchor()
    insert_forged(dt.datetime(2026, 11, 20, 9, 1, tzinfo=dt.UTC), "T1001161")
    code, output = verify_command()
    assert code == 1 and "jamais scellée (insérée)" in output


def test_the_application_never_updates_or_deletes_a_line():
    entry = lines(1)[0]
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).update(detail="x")
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.all().delete()


def as_application(cursor):
    """The servers' database user: no superuser, not a member of the purge role."""
    cursor.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cafpro_test_app') THEN "
        "CREATE ROLE cafpro_test_app NOLOGIN; END IF; END $$"
    )
    cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {TABLE}, {SEALS} TO cafpro_test_app")
    cursor.execute("SET LOCAL ROLE cafpro_test_app")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET detail = 'x'",
        f"UPDATE {TABLE} SET seal_id = (SELECT min(id) FROM {SEALS}), detail = 'x' WHERE seal_id IS NULL",
        f"DELETE FROM {TABLE}",
        f"TRUNCATE {TABLE} CASCADE",
        f"UPDATE {SEALS} SET root = 'x'",
        f"DELETE FROM {SEALS}",
        f"TRUNCATE {SEALS} CASCADE",
        f"SET LOCAL cafpro.journal_purge = 'on'; DELETE FROM {TABLE}",
    ],
    ids=[
        "update",
        "seal-and-alter",
        "delete",
        "truncate",
        "seal-update",
        "seal-delete",
        "seal-truncate",
        "old-switch",
    ],
)
def test_the_database_refuses_the_application_any_change(sql):
    lines(2)
    seal_pending()
    lines(1)
    with pytest.raises(DatabaseError, match="ajout seul"):
        with transaction.atomic(), connection.cursor() as cursor:
            as_application(cursor)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql)
    assert JournalEntry.objects.count() == 3 and JournalSeal.objects.get().root != "x"


def test_purge_removes_whole_old_seals_and_verification_still_holds(journal_witness):
    with time_machine.travel(dt.datetime(2025, 1, 15, 9, tzinfo=dt.UTC)):
        lines(4, "A0000000")
        anchor()
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)):
        recent = lines(3, "B0000000")
        out = StringIO()
        call_command("journal_purge", "--older-than", "12m", stdout=out)
        assert "4 lignes antérieures au 01/11/2025 (sceaux n° 1 à 1) purgées" in out.getvalue()
        remaining = list(JournalEntry.objects.order_by("pk"))
        assert remaining[:3] == recent and remaining[3].event == JournalEvent.JOURNAL_PURGED
        assert JournalSeal.objects.get(number=1).purged_at is not None
        anchor()
        result = verify()
        assert result.ok and result.lines == 4 and result.seals == 3, result.failures  # 1 purged, 2 since


def test_purge_refuses_a_tampered_journal_and_bad_arguments():
    with time_machine.travel(dt.datetime(2025, 1, 15, 9, tzinfo=dt.UTC)):
        rows = lines(3)
        seal_pending()
    tamper(f"UPDATE {TABLE} SET detail = 'x' WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match="Journal non intègre"):
        call_command("journal_purge", "--older-than", "6m", stdout=StringIO())
    assert JournalEntry.objects.count() == 3
    out = StringIO()
    call_command("journal_purge", "--older-than", "99m", stdout=out)
    assert "rien à purger" in out.getvalue().lower()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_the_sealer(reference_data):
    """8 threads × 10 lines, each with its own connection, while the sealer seals: every line is sealed once."""

    def write():
        try:
            for _ in range(10):
                journal_record(event=JournalEvent.LOGIN_FAILURE, identifier="Z9999999")
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    seal_pending()
    for thread in threads:
        thread.join()
    seal_pending()
    assert JournalEntry.objects.count() == 80 == sum(JournalSeal.objects.values_list("count", flat=True))
    assert verify().ok


def test_the_anchor_command_needs_a_signing_key_of_32_bytes(settings):
    lines(1)
    for value, message in [("", "CAFPRO_JOURNAL_SIGNING_KEY doit être défini"), ("Zm9v", "32 octets")]:
        settings.CAFPRO_JOURNAL_SIGNING_KEY = value
        err = StringIO()
        with pytest.raises(SystemExit) as exit:
            call_command("journal_anchor", stdout=StringIO(), stderr=err)
        assert exit.value.code == 2 and message in err.getvalue()


def test_the_anchor_command_reports_what_it_sealed(journal_witness):
    out = StringIO()
    call_command("journal_anchor", stdout=out)
    assert "Journal vide" in out.getvalue()
    lines(3)
    call_command("journal_anchor", stdout=out)
    assert "1 sceau créé ; sceau n° 1 ancré (3 lignes scellées)" in out.getvalue()
    assert len(list(journal_witness.glob("*.json"))) == 1


def test_a_syslog_witness_and_its_export_verify(tmp_path):
    """Production: the checkpoints go to syslog (here a UDP listener); `journal_verify --witness FILE` reads an
    export of those log lines."""
    import socket

    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(5)
    lines(2)
    anchor(f"syslog:127.0.0.1:{listener.getsockname()[1]}")
    message = listener.recv(65536).decode()
    listener.close()
    export = tmp_path / "syslog.log"
    export.write_text(f"Nov 28 10:00:00 cafpro {message}\n")
    code, output = verify_command("--witness", str(export))
    assert code == 0 and "1 point d'ancrage" in output
    export.write_text(export.read_text().replace('"lines": 2', '"lines": 3'))
    assert verify_command("--witness", str(export))[0] == 1
