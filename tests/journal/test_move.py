"""The journal moved from `habilitations` into its own app (issue #23 §4) without touching its data, then to seals
of version 2 (JRN-8): a database holding lines and a version 1 seal under the old state is migrated; its lines are
all there, the version 1 seal still verifies through its checkpoint, the next seal chains onto it, and the
permission already given on the journal follows its model."""

import datetime as dt
import hmac
import json

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from journal import proof
from journal.integrity import anchor, verify
from journal.models import JournalEntry, JournalSeal
from tests.habilitations.factories import UserFactory

BEFORE = ("habilitations", "0012_partner_space")


def iso(moment):
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def seal_version_1(old_apps, witness):
    """What the old sealer did: leaves over the fields joined by 0x1f, a seal chained by HMAC, and a checkpoint
    naming it by HMAC and root (signed here with the key the deployment keeps)."""
    old_line = old_apps.get_model("habilitations", "JournalEntry")
    old_seal = old_apps.get_model("habilitations", "JournalSeal")
    rows = list(old_line.objects.order_by("pk"))
    leaves = [
        proof.leaf_hash_v1(
            {
                "id": row.pk,
                "occurred_at": iso(row.occurred_at),
                "user_id": row.user_id,
                "caf_id": row.caf_id,
                "source_ip": row.source_ip,
                **{
                    name: getattr(row, name)
                    for name in proof.LINE_FIELDS[2:]
                    if name not in ("user_id", "caf_id", "source_ip")
                },
            }
        )
        for row in rows
    ]
    sealed_at = dt.datetime.fromisoformat(iso(timezone.now()))
    seal = old_seal.objects.create(
        number=1,
        sealed_at=sealed_at,
        count=len(rows),
        first_line=rows[0].pk,
        last_line=rows[-1].pk,
        root=proof.merkle_root(leaves),
        previous="",
        mac=hmac.new(b"the old secret", b"seal 1", "sha256").hexdigest(),
    )
    for row, value in zip(rows, leaves, strict=True):
        old_line.objects.filter(pk=row.pk).update(seal=seal, hash=value)
    payload = proof.checkpoint_payload(
        seal={
            "version": 1,
            "number": 1,
            "sealed_at": iso(sealed_at),
            "count": len(rows),
            "first_line": rows[0].pk,
            "last_line": rows[-1].pk,
            "root": seal.root,
            "previous": "",
            "mac": seal.mac,
        },
        lines=len(rows),
        anchored_at=timezone.now(),
    )
    witness.mkdir(parents=True, exist_ok=True)
    (witness / "checkpoint-000000000001-v1.json").write_text(
        json.dumps(proof.sign_checkpoint(payload, proof.DEV_SEED))
    )


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_the_lines_and_version_1_seals_still_verify(journal_witness):
    national = UserFactory()
    national.user_permissions.add(Permission.objects.get(codename="view_national_journal"))
    executor = MigrationExecutor(connection)
    executor.migrate([("journal", None)])  # back to the state before the move: the journal in habilitations
    executor.loader.build_graph()
    old_apps = executor.loader.project_state([BEFORE]).apps
    old_line = old_apps.get_model("habilitations", "JournalEntry")
    assert old_line._meta.db_table == JournalEntry._meta.db_table
    for i in range(5):
        old_line.objects.create(event="login_failure", identifier_typed=f"OLDSTAT{i}", user_agent="a\x1fb")
    seal_version_1(old_apps, journal_witness)
    old_line.objects.create(event="login_failure", identifier_typed="OLDSTAT5")  # not sealed yet
    assert Permission.objects.filter(content_type__app_label="habilitations", codename="view_national_journal")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = JournalEntry.objects.filter(identifier_typed__startswith="OLDSTAT")
    assert sorted(moved.values_list("identifier_typed", flat=True)) == [f"OLDSTAT{i}" for i in range(6)]
    assert JournalSeal.objects.get(number=1).version == 1
    seals, _ = anchor()
    assert seals[0].version == 2 and seals[0].previous == JournalSeal.objects.get(number=1).mac
    result = verify()
    assert result.ok, result.failures
    assert result.lines == 6 and result.seals == 2
    assert "1 sceaux de version 1 : chaînage vérifiable seulement par leurs points d'ancrage" in result.notes
    national = type(national).objects.get(pk=national.pk)
    assert national.has_perm("journal.view_national_journal"), "the permission follows the model"
