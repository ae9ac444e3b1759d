"""JRN-5: the journal is append-only and tamper-evident; retention keeps verification valid."""

import datetime as dt
import threading
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from habilitations.enums import JournalEvent
from habilitations.journal import verify_chain
from habilitations.models import AppendOnlyError, JournalCheckpoint, JournalEntry
from habilitations.services import journal_record

pytestmark = pytest.mark.django_db


def lines(n, identifier="Z9999999"):
    return [journal_record(event=JournalEvent.LOGIN_FAILURE, identifier=f"{identifier[:-2]}{i:02d}") for i in range(n)]


def verify():
    out, err = StringIO(), StringIO()
    try:
        call_command("journal_verify", stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue()


def test_a_good_journal_verifies():
    lines(5)
    code, output = verify()
    assert code == 0 and "5 lignes vérifiées" in output


def tamper(sql, params):
    """An attacker with database rights: on PostgreSQL the triggers are switched off first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE habilitations_journalentry SET identifier_typed = 'T0000000' WHERE id = %s",
        "UPDATE habilitations_journalentry SET occurred_at = occurred_at + interval '1 second' WHERE id = %s",
        "DELETE FROM habilitations_journalentry WHERE id = %s",
    ],
    ids=["altered", "redated", "deleted"],
)
def test_a_tampered_journal_fails_at_the_first_broken_line(sql):
    rows = lines(5)
    if "interval" in sql and connection.vendor != "postgresql":
        sql = "UPDATE habilitations_journalentry SET occurred_at = '2000-01-01 00:00:00' WHERE id = %s"
    tamper(sql, [rows[2].pk])
    code, output = verify()
    assert code == 1
    broken = rows[3].pk if "DELETE" in sql else rows[2].pk
    assert f"ligne n° {broken}" in output and "après 2 lignes intègres" in output


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


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE habilitations_journalentry SET detail = 'x'",
        "DELETE FROM habilitations_journalentry",
        "TRUNCATE habilitations_journalentry CASCADE",
    ],
)
def test_the_postgresql_trigger_refuses_update_delete_truncate(sql):
    lines(2)
    with connection.cursor() as cursor:
        cursor.execute("SET cafpro.journal_purge = 'off'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks before TRUNCATE
        with pytest.raises(DatabaseError, match="ajout seul"):
            with transaction.atomic():
                cursor.execute(sql)
    assert JournalEntry.objects.count() == 2


def test_purge_keeps_verification_valid():
    with time_machine.travel(dt.datetime(2025, 1, 15, 9, tzinfo=dt.UTC)):
        lines(4, "A0000000")
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)):
        recent = lines(3, "B0000000")
        out = StringIO()
        call_command("journal_purge", "--older-than", "12m", stdout=out)
    assert "4 lignes antérieures au 01/11/2025 purgées" in out.getvalue()
    assert list(JournalEntry.objects.order_by("pk")) == recent
    checkpoint = JournalCheckpoint.objects.get()
    assert checkpoint.count == 4
    assert verify_chain().ok and verify_chain().checked == 3
    journal_record(event=JournalEvent.LOGIN_FAILURE, identifier="C0000000")
    assert verify_chain().ok and verify_chain().checked == 4


def test_purge_refuses_a_broken_chain_and_bad_arguments():
    with time_machine.travel(dt.datetime(2025, 1, 15, 9, tzinfo=dt.UTC)):
        rows = lines(3)
    tamper("UPDATE habilitations_journalentry SET detail = 'x' WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match="Chaîne rompue"):
        call_command("journal_purge", "--older-than", "6m", stdout=StringIO())
    assert JournalEntry.objects.count() == 3
    assert "rien à purger" in call_command_output("journal_purge", "--older-than", "99m").lower()


def call_command_output(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_cannot_fork_the_chain(reference_data):
    """Serialized insertion: 8 threads × 10 lines, each thread with its own connection; the chain verifies."""

    def write():
        try:
            for _ in range(10):
                journal_record(event=JournalEvent.LOGIN_FAILURE, identifier="Z9999999")
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert JournalEntry.objects.count() == 80
    assert verify_chain().ok
