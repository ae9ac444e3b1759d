"""The benchmarks (NF-3): each a script run by hand, its results recorded in docs/performance.md."""

import os
import sys


def setup_postgres(database, settings):
    """Django set up on the PostgreSQL database at `database` with `settings`, migrated; a clear message and exit
    when the database is not PostgreSQL or cannot be reached."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ["DATABASE_URL"] = database
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import OperationalError, connection

    if connection.vendor != "postgresql":
        sys.exit("Ce banc d'essai vise PostgreSQL : --database postgres://…")
    try:
        call_command("migrate", verbosity=0)
    except OperationalError as error:
        sys.exit(f"Base de données injoignable ({database}) : {error}")
