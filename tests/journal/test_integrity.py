"""JRN-5 … JRN-9: the journal is append-only, sealed in batches (RFC 6962 Merkle roots, seals chained by hash),
anchored outside the database by signed checkpoints, and verified against them by `journal/proof.py`'s rules — fed
from the database by `journal_verify`, from an export by the standalone verifier. Failing closed is tested here;
the issue's tampering table is `test_tampering.py`."""

import base64
import datetime as dt
import json
import socket
import threading
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from journal import proof
from journal.enums import JournalEvent
from journal.integrity import SyslogWitness, anchor, leaf, line_of, seal_of, seal_pending, verify
from journal.models import AppendOnlyError, JournalCheckpoint, JournalEntry, JournalSeal
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


def test_a_line_is_one_insert_with_no_lock_and_no_read(django_assert_num_queries):
    """JRN-7: writers never wait for each other: no advisory lock, no read of the last line."""
    with django_assert_num_queries(1) as captured:
        journal_record(event=JournalEvent.LOGIN_FAILURE, identifier="Z0000001")
    assert captured.captured_queries[0]["sql"].startswith("INSERT")


def test_the_writer_takes_no_time_from_its_callers():
    """JRN-8: a line's time is the server's; only the generated-data path (demo, benchmarks) dates a line."""
    with pytest.raises(TypeError):
        journal_record(event=JournalEvent.LOGIN_FAILURE, occurred_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))


def test_a_sealed_and_anchored_journal_verifies(journal_witness):
    lines(5)
    seals, checkpoint = anchor()
    assert [(seal.version, seal.count) for seal in seals] == [(2, 5)] and checkpoint["payload"]["seal"] == 1
    first = JournalSeal.objects.get()
    assert first.hash == proof.seal_hash(seal_of(first)) and first.previous == "" and first.mac == ""
    assert [line.hash for line in JournalEntry.objects.order_by("pk")] == [
        proof.leaf_hash(line_of(line)) for line in JournalEntry.objects.order_by("pk")
    ]
    lines(2)
    code, output = verify_command()
    assert code == 0 and "Journal intègre et complet" in output, output
    assert "7 lignes vérifiées dans 1 sceaux" in output and "2 lignes en attente de scellement" in output
    assert proof.DEV_KEYS_MESSAGE in output, "the development keys are named"
    seals, checkpoint = anchor()
    assert checkpoint["payload"] == {**checkpoint["payload"], "seal": 2, "lines": 7, "seal_hash": seals[0].hash}
    assert seals[0].previous == first.hash, "chained by the previous seal's hash"
    assert len(list(journal_witness.glob("checkpoint-*.json"))) == 2
    assert JournalCheckpoint.objects.count() == 2
    assert verify().ok


def test_the_sealer_takes_lines_by_batches():
    lines(7)
    assert [seal.count for seal in seal_pending(batch=3)] == [3, 3, 1]
    anchor()
    assert JournalEntry.objects.filter(seal__isnull=True).count() == 0 and verify().ok


def test_two_lines_sharing_a_version_1_leaf_have_different_leaves():
    """JRN-8: the old leaf joined the fields by 0x1f, so a user agent holding 0x1f could shift a field into the
    next; the canonical JSON leaf cannot be confused."""
    one, two = lines(2)
    a, b = line_of(one), {**line_of(one), "id": one.pk}
    a.update(user_agent="Mozilla\x1fforged", detail="")
    b.update(user_agent="Mozilla", detail="forged")
    a["detail"], b["detail"] = "x", "x"
    a.update(user_agent="M", detail="\x1fz"), b.update(user_agent="M\x1f", detail="z")
    assert proof.leaf_hash_v1(a) == proof.leaf_hash_v1(b)
    assert proof.leaf_hash(a) != proof.leaf_hash(b) and leaf(one) == proof.leaf_hash(line_of(one))


# -- failing closed (JRN-6) ---------------------------------------------------------------------------------


@pytest.mark.parametrize("location", ["", "missing-directory", "syslog:127.0.0.1:6514"])
def test_verification_fails_closed_on_a_witness_it_cannot_read(settings, tmp_path, location):
    lines(2)
    anchor()
    settings.CAFPRO_JOURNAL_WITNESS_READ = str(tmp_path / location) if location.startswith("missing") else location
    settings.CAFPRO_JOURNAL_WITNESS = "" if not location else settings.CAFPRO_JOURNAL_WITNESS
    if not location:
        settings.CAFPRO_JOURNAL_WITNESS_READ = ""
    code, output = verify_command()
    assert code == 1 and "témoin illisible" in output, output


def test_verification_fails_closed_without_any_checkpoint(tmp_path):
    lines(2)
    seal_pending()
    (tmp_path / "empty").mkdir()
    code, output = verify_command("--witness", str(tmp_path / "empty"))
    assert code == 1 and "aucun point d'ancrage valide" in output, output


def test_verification_fails_when_the_sealer_stopped():
    lines(2)
    anchor()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)):
        code, output = verify_command()
    assert code == 1 and "témoin en retard : le scelleur est arrêté ou le témoin tronqué" in output, output


def test_development_keys_are_a_failure_in_production(settings):
    lines(2)
    anchor()
    code, output = verify_command("--production")
    assert code == 1 and "clé publique" in output and proof.DEV_KEYS_MESSAGE in output, output
    settings.SECURE = True  # DJANGO_SECURE=1 implies --production
    code, output = verify_command()
    assert code == 1 and "clé publique" in output and proof.DEV_KEYS_MESSAGE in output, output


def test_the_sealer_refuses_bad_or_missing_keys_in_production(settings):
    lines(1)
    for secure, value, message in [
        (False, "Zm9v", "32 octets"),
        (True, "", "CAFPRO_JOURNAL_SIGNING_KEY doit être défini"),
        (True, base64.b64encode(proof.DEV_SEED).decode(), "Clé de signature de développement refusée"),
        (True, base64.b64encode(b"k" * 32).decode(), "ne correspond pas à CAFPRO_JOURNAL_VERIFY_KEY"),
    ]:
        settings.SECURE, settings.CAFPRO_JOURNAL_SIGNING_KEY = secure, value
        settings.CAFPRO_JOURNAL_VERIFY_KEY = base64.b64encode(proof.public_key_of(b"v" * 32)).decode()
        err = StringIO()
        with pytest.raises(SystemExit) as exit:
            call_command("journal_anchor", stdout=StringIO(), stderr=err)
        assert exit.value.code == 2 and message in err.getvalue()
    assert not JournalCheckpoint.objects.exists()


def test_a_configured_key_pair_verifies_without_dev_keys(settings):
    seed = b"s" * 32
    settings.CAFPRO_JOURNAL_SIGNING_KEY = base64.b64encode(seed).decode()
    settings.CAFPRO_JOURNAL_VERIFY_KEY = base64.b64encode(proof.public_key_of(seed)).decode()
    lines(2)
    anchor()
    code, output = verify_command("--production")
    assert code == 0 and proof.DEV_KEYS_MESSAGE not in output, output


def test_the_anchor_command_reports_what_it_sealed(journal_witness):
    out = StringIO()
    call_command("journal_anchor", stdout=out)
    assert "Journal vide" in out.getvalue()
    lines(3)
    call_command("journal_anchor", stdout=out)
    assert "1 sceau créé ; sceau n° 1 ancré (3 lignes scellées)" in out.getvalue()
    assert len(list(journal_witness.glob("*.json"))) == 1


# -- the syslog witness over TCP (RFC 6587) ------------------------------------------------------------------


class SyslogServer:
    """A syslog collector over TCP reading RFC 6587 octet-counted frames and storing each message on its own line
    of a log file — what an rsyslog/syslog-ng server with a file action keeps, and what the verifier reads back."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                connection_, _ = self.sock.accept()
            except OSError:
                return
            with connection_:
                data = b""
                while chunk := connection_.recv(65536):
                    data += chunk
            while data:
                length, _, rest = data.partition(b" ")
                message, data = rest[: int(length)], rest[int(length) :]
                with self.path.open("a") as log:
                    log.write(message.decode() + "\n")

    def close(self):
        self.sock.close()


def test_a_tcp_syslog_witness_and_its_log_verify(tmp_path):
    """JRN-6: the checkpoints go to syslog over TCP, octet-counted; `journal_verify --witness FILE` reads back the
    server's log; a checkpoint altered there is found; the sending address itself cannot be read back."""
    server = SyslogServer(tmp_path / "cafpro.log")
    lines(2)
    anchor(f"syslog:127.0.0.1:{server.port}")
    lines(1)
    anchor(f"syslog:127.0.0.1:{server.port}")
    server.thread.join(timeout=0.5)
    server.close()
    log = (tmp_path / "cafpro.log").read_text().splitlines()
    assert len(log) == 2 and all(line.startswith("<110>1 ") and proof.CHECKPOINT_MARK in line for line in log)
    code, output = verify_command("--witness", str(tmp_path / "cafpro.log"))
    assert code == 0 and "2 points d'ancrage valides" in output, output
    (tmp_path / "cafpro.log").write_text("\n".join(log).replace('"lines":3', '"lines":4') + "\n")
    code, output = verify_command("--witness", str(tmp_path / "cafpro.log"))
    assert code == 1 and "point d'ancrage du sceau n° 2" in output, output
    code, output = verify_command("--witness", f"syslog:127.0.0.1:{server.port}")
    assert code == 1 and "adresse d'envoi" in output


def test_an_unreachable_syslog_witness_is_an_error_not_a_silence():
    lines(1)
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(CommandError, match="Témoin injoignable"):
        call_command("journal_anchor", "--witness", f"syslog:127.0.0.1:{port}", stdout=StringIO())
    assert not JournalCheckpoint.objects.exists()


def test_a_syslog_frame_is_octet_counted():
    frame = SyslogWitness.frame({"payload": {"seal": 1}, "signature": "x"})
    length, _, message = frame.partition(b" ")
    assert int(length) == len(message) and message.startswith(b"<110>1 ")


# -- the export and the standalone verifier (JRN-9) -----------------------------------------------------------


def test_an_export_verifies_with_the_public_key_alone(tmp_path):
    lines(3)
    anchor()
    lines(2)
    out = StringIO()
    call_command("journal_export", "--out", str(tmp_path / "export"), stdout=out)
    assert "5 lignes, 1 sceau, 1 point d'ancrage" in out.getvalue()
    key = base64.b64encode(proof.dev_public_key()).decode()
    assert proof.main([str(tmp_path / "export"), "--public-key", key]) == 0
    exported = [json.loads(row) for row in (tmp_path / "export" / "lines.jsonl").read_text().splitlines()]
    assert [row["seal"] for row in exported] == [1, 1, 1, None, None]


# -- retention (JRN-5) ---------------------------------------------------------------------------------------


def test_purge_removes_whole_old_seals_and_verification_still_holds(journal_witness):
    with time_machine.travel(dt.datetime(2025, 1, 15, 9, tzinfo=dt.UTC)):
        lines(4, "A0000000")
        anchor()
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)):
        recent = lines(3, "B0000000")
        anchor()
        out = StringIO()
        call_command("journal_purge", "--older-than", "12m", stdout=out)
        assert "4 lignes antérieures au 01/11/2025 (sceaux n° 1 à 1) purgées" in out.getvalue()
        remaining = list(JournalEntry.objects.order_by("pk"))
        assert remaining[:3] == recent and remaining[3].event == JournalEvent.JOURNAL_PURGED
        assert JournalSeal.objects.get(number=1).purged_at is not None
        anchor()
        result = verify()
        assert result.ok and result.purged_seals == 1 and result.lines == 4 and result.seals == 3, result.failures


def test_purge_refuses_a_tampered_journal_an_unreadable_witness_and_a_short_retention(tmp_path):
    with time_machine.travel(dt.datetime(2025, 1, 15, 9, tzinfo=dt.UTC)):
        rows = lines(3)
        anchor()
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)):
        anchor()
        with pytest.raises(CommandError, match="témoin illisible"):
            call_command("journal_purge", "--witness", str(tmp_path / "nowhere"), stdout=StringIO())
        with pytest.raises(CommandError, match="au moins 12 mois"):
            call_command("journal_purge", "--older-than", "6m", stdout=StringIO())
        tamper(f"UPDATE {TABLE} SET detail = 'x' WHERE id = %s", [rows[1].pk])
        with pytest.raises(CommandError, match="Journal non intègre"):
            call_command("journal_purge", stdout=StringIO())
    assert JournalEntry.objects.count() == 3


def tamper(sql, params=()):
    """An attacker holding the database: as its superuser, the triggers switched off first (PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


# -- what the database refuses (PostgreSQL) -------------------------------------------------------------------


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
    checkpoints = JournalCheckpoint._meta.db_table
    cursor.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {TABLE}, {SEALS}, {checkpoints} TO cafpro_test_app"
    )
    cursor.execute("SET LOCAL ROLE cafpro_test_app")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql, message",
    [
        (f"UPDATE {TABLE} SET detail = 'x'", "ajout seul"),
        (
            f"UPDATE {TABLE} SET seal_id = (SELECT min(id) FROM {SEALS}), detail = 'x' WHERE seal_id IS NULL",
            "ajout seul",
        ),
        (f"UPDATE {TABLE} SET seal_id = (SELECT min(id) FROM {SEALS}) WHERE seal_id IS NULL", "pas été scellée"),
        (f"DELETE FROM {TABLE}", "ajout seul"),
        (f"TRUNCATE {TABLE} CASCADE", "ajout seul"),
        (f"UPDATE {SEALS} SET root = 'x'", "ajout seul"),
        (f"DELETE FROM {SEALS}", "ajout seul"),
        (f"TRUNCATE {SEALS} CASCADE", "ajout seul"),
        ("DELETE FROM journal_journalcheckpoint", "ajout seul"),
        ("UPDATE journal_journalcheckpoint SET anchored_at = now() - interval '1 year'", "ajout seul"),
        (
            f"INSERT INTO {TABLE} (occurred_at, event, identifier_typed, user_agent, detail, allocataire_number, "
            "rubrique, period, legal_aid_file, procedure, hash, seal_id) VALUES (now() - interval '30 days', "
            "'login_success', 'T0000000', '', '', '', '', '', '', '', '', NULL)",
            "antérieure au dernier point d'ancrage",
        ),
        (
            f"INSERT INTO {TABLE} (occurred_at, event, identifier_typed, user_agent, detail, allocataire_number, "
            f"rubrique, period, legal_aid_file, procedure, hash, seal_id) VALUES (now(), 'login_success', 'T0000000', "
            f"'', '', '', '', '', '', '', 'x', (SELECT min(id) FROM {SEALS}))",
            "sans sceau",
        ),
        (
            f"INSERT INTO {SEALS} (version, number, sealed_at, count, first_line, last_line, root, previous, hash, "
            "mac) VALUES (2, 99, now(), 1, 1, 1, 'x', '', 'x', '')",
            "ne suit pas",
        ),
    ],
    ids=[
        "update",
        "seal-and-alter",
        "attach-to-an-old-seal",
        "delete",
        "truncate",
        "seal-update",
        "seal-delete",
        "seal-truncate",
        "checkpoint-delete",
        "checkpoint-update",
        "back-dated-line",
        "line-born-sealed",
        "seal-out-of-chain",
    ],
)
def test_the_database_refuses_the_application_any_change(sql, message):
    lines(2)
    anchor()
    lines(1)
    with pytest.raises(DatabaseError, match=message):
        with transaction.atomic(), connection.cursor() as cursor:
            as_application(cursor)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql)
    assert JournalEntry.objects.count() == 3 and JournalSeal.objects.get().root != "x"


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
    anchor()
    assert JournalEntry.objects.count() == 80 == sum(JournalSeal.objects.values_list("count", flat=True))
    assert verify().ok
