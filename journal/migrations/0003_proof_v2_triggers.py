"""JRN-5, JRN-8: on PostgreSQL, what the database itself refuses in the journal, whoever the application is.

- A line is inserted unsealed, and not dated before the newest checkpoint by more than the longest transaction
  (10 minutes): a back-dated line would slip under an anchor already signed.
- A line is attached once, only to the seal made in the same transaction (the sealer's), within that seal's range,
  and never to a purged seal; nothing else of a line ever changes.
- Only the role `cafpro_journal_purge` deletes lines, and only sealed lines of a seal sealed longer ago than the
  retention (365 days); it alone marks such a seal purged, and nothing else of a seal changes.
- A seal is inserted next in number and chained to the previous one (its hash, or its HMAC for version 1).
- Checkpoints are append-only.

TRUNCATE is left to a superuser (the test suite flushes its database so); a superuser can switch triggers off
anyway: that is what the signed checkpoints outside the database answer (docs/security.md)."""

import importlib

from django.db import migrations

LINES = """
CREATE OR REPLACE FUNCTION cafpro_journal_line_insert() RETURNS trigger AS $$
DECLARE
    newest timestamptz;
BEGIN
    IF NEW.seal_id IS NOT NULL OR NEW.hash <> '' THEN
        RAISE EXCEPTION 'journal des accès : une ligne s''écrit sans sceau (JRN-8)';
    END IF;
    SELECT max(anchored_at) INTO newest FROM journal_journalcheckpoint;
    IF newest IS NOT NULL AND NEW.occurred_at < newest - interval '10 minutes' THEN
        RAISE EXCEPTION 'journal des accès : ligne datée du % antérieure au dernier point d''ancrage (%) : refusée (JRN-8)',
            NEW.occurred_at, newest;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION cafpro_journal_append_only() RETURNS trigger AS $$
DECLARE
    sealed record;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.seal_id IS NULL AND NEW.seal_id IS NOT NULL
           AND (to_jsonb(NEW) - 'seal_id' - 'hash') = (to_jsonb(OLD) - 'seal_id' - 'hash') THEN
            -- the seal must be this transaction's own: a row visible here whose inserting transaction is still
            -- in progress can only be ours (another's uncommitted rows are invisible), savepoints included
            SELECT first_line, last_line, purged_at, xmin::text::bigint AS made_in INTO sealed
                FROM habilitations_journalseal WHERE id = NEW.seal_id;
            IF FOUND AND sealed.purged_at IS NULL AND NEW.id BETWEEN sealed.first_line AND sealed.last_line
               AND pg_xact_status(((txid_current() >> 32) * 4294967296 + sealed.made_in)::text::xid8)
                   = 'in progress' THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'journal des accès : ligne % rattachée à un sceau où elle n''a pas été scellée (JRN-8)',
                NEW.id;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF current_user = 'cafpro_journal_purge' THEN
            IF OLD.seal_id IS NOT NULL AND OLD.occurred_at < now() - interval '365 days' AND EXISTS (
                SELECT FROM habilitations_journalseal
                WHERE id = OLD.seal_id AND sealed_at < now() - interval '365 days'
            ) THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'journal des accès : ligne % plus récente que la durée de conservation : purge refusée (JRN-5)',
                OLD.id;
        END IF;
    ELSIF TG_OP = 'TRUNCATE' THEN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'journal des accès en ajout seul (JRN-5) : % refusé', TG_OP;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS journal_line_insert ON habilitations_journalentry;
CREATE TRIGGER journal_line_insert BEFORE INSERT ON habilitations_journalentry
    FOR EACH ROW EXECUTE FUNCTION cafpro_journal_line_insert();
"""

SEALS = """
CREATE OR REPLACE FUNCTION cafpro_journal_seal_append_only() RETURNS trigger AS $$
DECLARE
    last record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT number, version, hash, mac INTO last FROM habilitations_journalseal ORDER BY number DESC LIMIT 1;
        IF NEW.version = 2 AND NEW.purged_at IS NULL AND (
            (NOT FOUND AND NEW.number = 1 AND NEW.previous = '')
            OR (FOUND AND NEW.number = last.number + 1
                AND NEW.previous = CASE WHEN last.version = 1 THEN last.mac ELSE last.hash END)
        ) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'sceaux du journal : le sceau n° % ne suit pas le dernier sceau (JRN-8)', NEW.number;
    ELSIF TG_OP = 'UPDATE' THEN
        IF current_user = 'cafpro_journal_purge' AND OLD.purged_at IS NULL AND NEW.purged_at IS NOT NULL
           AND (to_jsonb(NEW) - 'purged_at') = (to_jsonb(OLD) - 'purged_at') THEN
            IF OLD.sealed_at < now() - interval '365 days' THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'sceau n° % plus récent que la durée de conservation : purge refusée (JRN-5)', OLD.number;
        END IF;
    ELSIF TG_OP = 'TRUNCATE' THEN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'sceaux du journal en ajout seul (JRN-6) : % refusé', TG_OP;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS journal_seal_insert ON habilitations_journalseal;
CREATE TRIGGER journal_seal_insert BEFORE INSERT ON habilitations_journalseal
    FOR EACH ROW EXECUTE FUNCTION cafpro_journal_seal_append_only();
"""

CHECKPOINTS = """
CREATE OR REPLACE FUNCTION cafpro_journal_checkpoint_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'points d''ancrage du journal en ajout seul (JRN-6) : % refusé', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_checkpoint_append_only_rows BEFORE UPDATE OR DELETE ON journal_journalcheckpoint
    FOR EACH ROW EXECUTE FUNCTION cafpro_journal_checkpoint_append_only();
CREATE TRIGGER journal_checkpoint_append_only_truncate BEFORE TRUNCATE ON journal_journalcheckpoint
    FOR EACH STATEMENT EXECUTE FUNCTION cafpro_journal_checkpoint_append_only();
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'cafpro_journal_purge') THEN
        GRANT SELECT ON journal_journalcheckpoint TO cafpro_journal_purge;
    END IF;
END;
$$;
"""

DROP = """
DROP TRIGGER IF EXISTS journal_line_insert ON habilitations_journalentry;
DROP FUNCTION IF EXISTS cafpro_journal_line_insert();
DROP TRIGGER IF EXISTS journal_seal_insert ON habilitations_journalseal;
DROP TRIGGER IF EXISTS journal_checkpoint_append_only_rows ON journal_journalcheckpoint;
DROP TRIGGER IF EXISTS journal_checkpoint_append_only_truncate ON journal_journalcheckpoint;
DROP FUNCTION IF EXISTS cafpro_journal_checkpoint_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in (LINES, SEALS, CHECKPOINTS):
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    """Back to the functions of habilitations/0008 (version 1)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)
        version_1 = importlib.import_module("habilitations.migrations.0008_journal_seals_triggers")
        schema_editor.execute(version_1.LINES, params=None)
        schema_editor.execute(version_1.SEALS.split("CREATE TRIGGER")[0], params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0002_proof_v2")]

    operations = [migrations.RunPython(forwards, backwards)]
