"""JRN-5: on PostgreSQL, the database itself refuses UPDATE, DELETE and TRUNCATE on the access journal.
The only way around is the retention path (`journal_purge`), which sets `cafpro.journal_purge` for its own
transaction before deleting whole old periods."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cafpro_journal_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('cafpro.journal_purge', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        ELSIF TG_OP = 'TRUNCATE' THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'journal des accès en ajout seul (JRN-5) : % refusé', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_append_only_rows BEFORE UPDATE OR DELETE ON habilitations_journalentry
    FOR EACH ROW EXECUTE FUNCTION cafpro_journal_append_only();
CREATE TRIGGER journal_append_only_truncate BEFORE TRUNCATE ON habilitations_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION cafpro_journal_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS journal_append_only_rows ON habilitations_journalentry;
DROP TRIGGER IF EXISTS journal_append_only_truncate ON habilitations_journalentry;
DROP FUNCTION IF EXISTS cafpro_journal_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("habilitations", "0002_profile_t12")]

    operations = [migrations.RunPython(forwards, backwards)]
