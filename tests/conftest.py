"""Shared test set-up.

- The reference data (annexes 1 and 2) and the profile T12 are in every test database: data migrations
  load them. Transactional tests (browser, concurrency) flush the database after them: they request the
  `reference_data` fixture, which loads it again when it is missing. (Django's `serialized_rollback` is
  not used: under Playwright's greenlet the test code gets another connection object, which does not carry
  the serialized contents, and the restore is silently skipped.)
- `postgres` tests are skipped on SQLite, `e2e` tests where no Chromium is installed: each with its reason.
"""

import os
import shutil

import pytest
from django.db import connection

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (the CI does)"))
        if "e2e" in item.keywords and not CHROMIUM:
            item.add_marker(
                pytest.mark.skip(reason="needs the system Chromium: apt-get install chromium (the CI does)")
            )


@pytest.fixture
def reference_data(transactional_db):
    """The rows the data migrations load, loaded again after a transactional test flushed them."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    from conventions.models import Caf
    from conventions.reference import load_reference

    if not Caf.objects.exists():
        load_reference(apps, SimpleNamespace(connection=connection))
        importlib.import_module("habilitations.migrations.0002_profile_t12").create_t12(apps, None)
    yield
    if connection.vendor == "postgresql":
        # The flush after a transactional test truncates every table; the journal's append-only trigger
        # lets it through only on the retention path's flag (JRN-5).
        with connection.cursor() as cursor:
            cursor.execute("SET cafpro.journal_purge = 'on'")


@pytest.fixture(scope="session")
def browser():
    """The system Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
    # are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, reference_data):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()
