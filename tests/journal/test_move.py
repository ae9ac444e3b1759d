"""The journal moved from `habilitations` into its own app (issue #23 §4) without touching its data: a database
holding lines under the old state is migrated, and its lines are all there, sealable and verifiable; the
permission already given on the journal follows its model."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from journal.integrity import anchor, verify
from journal.models import JournalEntry
from tests.habilitations.factories import UserFactory

BEFORE = ("habilitations", "0012_partner_space")


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_the_lines_and_they_still_verify(tmp_path):
    national = UserFactory()
    national.user_permissions.add(Permission.objects.get(codename="view_national_journal"))
    executor = MigrationExecutor(connection)
    executor.migrate([("journal", None)])  # back to the state before the move: the journal in habilitations
    executor.loader.build_graph()
    old_apps = executor.loader.project_state([BEFORE]).apps
    old_line = old_apps.get_model("habilitations", "JournalEntry")
    assert old_line._meta.db_table == JournalEntry._meta.db_table
    for i in range(5):
        old_line.objects.create(event="login_failure", identifier_typed=f"OLDSTAT{i}")
    assert Permission.objects.filter(content_type__app_label="habilitations", codename="view_national_journal")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = JournalEntry.objects.filter(identifier_typed__startswith="OLDSTAT")
    assert sorted(moved.values_list("identifier_typed", flat=True)) == [f"OLDSTAT{i}" for i in range(5)]
    anchor(tmp_path)
    result = verify(tmp_path)
    assert result.ok, result.failures
    assert result.lines == 5
    national = type(national).objects.get(pk=national.pk)
    assert national.has_perm("journal.view_national_journal"), "the permission follows the model"
