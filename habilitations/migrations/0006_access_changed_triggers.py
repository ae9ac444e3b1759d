"""CONS-5, HAB-2: any write that can change what a greffier reaches — a habilitation inserted, updated or
deleted; a convention, a CAF or a profile updated — bumps the `access_version` of the users concerned, in the
database, in the writing transaction, whatever wrote it (a service, the admin, a shell, plain SQL). The access
kept in a session (`habilitations.access`) is stamped with that version: it is computed again at the user's next
request. `tests/habilitations/test_access.py` checks that the triggers exist, since a later migration that
rebuilds one of these tables on SQLite would drop them."""

from django.db import migrations

BUMP = "UPDATE habilitations_user SET access_version = access_version + 1 WHERE id IN ({users})"
USERS = {
    "convention": "SELECT user_id FROM habilitations_habilitation WHERE convention_id = NEW.id",
    "caf": (
        "SELECT h.user_id FROM habilitations_habilitation h "
        "JOIN conventions_convention c ON c.id = h.convention_id WHERE c.caf_id = NEW.id"
    ),
    "profile": "SELECT user_id FROM habilitations_habilitation WHERE profile_id = NEW.id",
}
TABLES = {"convention": "conventions_convention", "caf": "conventions_caf", "profile": "conventions_profile"}

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION cafpro_habilitation_access_changed() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN {BUMP.format(users="OLD.user_id")}; END IF;
        IF TG_OP <> 'DELETE' THEN {BUMP.format(users="NEW.user_id")}; END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER habilitation_access_changed AFTER INSERT OR UPDATE OR DELETE ON habilitations_habilitation
        FOR EACH ROW EXECUTE FUNCTION cafpro_habilitation_access_changed();
    """,
    *(
        f"""
        CREATE OR REPLACE FUNCTION cafpro_{name}_access_changed() RETURNS trigger AS $$
        BEGIN
            {BUMP.format(users=USERS[name])};
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {name}_access_changed AFTER UPDATE ON {TABLES[name]}
            FOR EACH ROW EXECUTE FUNCTION cafpro_{name}_access_changed();
        """
        for name in USERS
    ),
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS habilitation_access_changed ON habilitations_habilitation;"
    "DROP FUNCTION IF EXISTS cafpro_habilitation_access_changed();",
    *(
        f"DROP TRIGGER IF EXISTS {name}_access_changed ON {TABLES[name]};"
        f"DROP FUNCTION IF EXISTS cafpro_{name}_access_changed();"
        for name in USERS
    ),
]

SQLITE = [
    "CREATE TRIGGER habilitation_access_changed_insert AFTER INSERT ON habilitations_habilitation "
    f"BEGIN {BUMP.format(users='NEW.user_id')}; END;",
    "CREATE TRIGGER habilitation_access_changed_update AFTER UPDATE ON habilitations_habilitation "
    f"BEGIN {BUMP.format(users='NEW.user_id, OLD.user_id')}; END;",
    "CREATE TRIGGER habilitation_access_changed_delete AFTER DELETE ON habilitations_habilitation "
    f"BEGIN {BUMP.format(users='OLD.user_id')}; END;",
    *(
        f"CREATE TRIGGER {name}_access_changed AFTER UPDATE ON {TABLES[name]} BEGIN {BUMP.format(users=USERS[name])}; END;"
        for name in USERS
    ),
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS habilitation_access_changed_insert;",
    "DROP TRIGGER IF EXISTS habilitation_access_changed_update;",
    "DROP TRIGGER IF EXISTS habilitation_access_changed_delete;",
    *(f"DROP TRIGGER IF EXISTS {name}_access_changed;" for name in USERS),
]


def forwards(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    statements = POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("habilitations", "0005_access_version_purpose"),
        ("conventions", "0006_t12_annex"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
