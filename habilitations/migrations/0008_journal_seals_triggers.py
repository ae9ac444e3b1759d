"""JRN-5, JRN-6: on PostgreSQL, the database refuses any change to the journal but two, each to one actor:

- the sealer sets, once, a line's seal and leaf hash — nothing else of the line may change;
- the role `cafpro_journal_purge` deletes sealed lines and marks their seals purged — the retention path; the
  servers' own database user is not a member of it (docs/deployment.md), so no setting a session could set opens it.

TRUNCATE is left to a superuser, who could switch the triggers off anyway (the test suite flushes its database so);
that is what the signed checkpoints outside the database answer (habilitations.journal)."""

from django.db import migrations

LINES = """
CREATE OR REPLACE FUNCTION cafpro_journal_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.seal_id IS NULL AND NEW.seal_id IS NOT NULL
           AND (to_jsonb(NEW) - 'seal_id' - 'hash') = (to_jsonb(OLD) - 'seal_id' - 'hash') THEN
            RETURN NEW;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF current_user = 'cafpro_journal_purge' AND OLD.seal_id IS NOT NULL THEN
            RETURN OLD;
        END IF;
    ELSIF TG_OP = 'TRUNCATE' THEN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'journal des accès en ajout seul (JRN-5) : % refusé', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

SEALS = """
CREATE OR REPLACE FUNCTION cafpro_journal_seal_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF current_user = 'cafpro_journal_purge' AND OLD.purged_at IS NULL AND NEW.purged_at IS NOT NULL
           AND (to_jsonb(NEW) - 'purged_at') = (to_jsonb(OLD) - 'purged_at') THEN
            RETURN NEW;
        END IF;
    ELSIF TG_OP = 'TRUNCATE' THEN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'sceaux du journal en ajout seul (JRN-6) : % refusé', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_seal_append_only_rows BEFORE UPDATE OR DELETE ON habilitations_journalseal
    FOR EACH ROW EXECUTE FUNCTION cafpro_journal_seal_append_only();
CREATE TRIGGER journal_seal_append_only_truncate BEFORE TRUNCATE ON habilitations_journalseal
    FOR EACH STATEMENT EXECUTE FUNCTION cafpro_journal_seal_append_only();
"""

ROLE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cafpro_journal_purge') THEN
        IF (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE cafpro_journal_purge NOLOGIN;
        ELSE
            RAISE NOTICE 'rôle cafpro_journal_purge à créer par l''administrateur de la base (docs/deployment.md)';
        END IF;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'cafpro_journal_purge') THEN
        GRANT SELECT, DELETE ON habilitations_journalentry TO cafpro_journal_purge;
        GRANT SELECT, UPDATE ON habilitations_journalseal TO cafpro_journal_purge;
    END IF;
END;
$$;
"""

DROP = """
DROP TRIGGER IF EXISTS journal_seal_append_only_rows ON habilitations_journalseal;
DROP TRIGGER IF EXISTS journal_seal_append_only_truncate ON habilitations_journalseal;
DROP FUNCTION IF EXISTS cafpro_journal_seal_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in (LINES, SEALS, ROLE):
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("habilitations", "0007_journal_seals")]

    operations = [migrations.RunPython(forwards, backwards)]
