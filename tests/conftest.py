"""Shared test set-up.

- The reference data (annexes 1 and 2) and the profile T12 are in every test database: data migrations
  load them. Transactional tests (browser, concurrency) flush the database after them: they request the
  `reference_data` fixture, which loads it again when it is missing. (Django's `serialized_rollback` is
  not used: under Playwright's greenlet the test code gets another connection object, which does not carry
  the serialized contents, and the restore is silently skipped.)
- `postgres` tests are skipped on SQLite, `e2e` tests where no Chromium is installed: each with its reason.
- Passwords are hashed with a fast hasher, except in the tests marked `argon2` (or counting Argon2 computations
  with `hash_calls`): those that assert Argon2 itself, and those whose users log in to a separate server
  process, which knows only the production hasher.
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


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hasher(request, settings):
    if "argon2" not in request.keywords and "hash_calls" not in request.fixturenames:
        settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def journal_witness(settings, tmp_path):
    """Each test's signed checkpoints go to its own directory (JRN-6), never to the work tree's."""
    settings.CAFPRO_JOURNAL_WITNESS = str(tmp_path / "journal-witness")
    return tmp_path / "journal-witness"


# The rows the data migrations load: the reference data of annexes 1 and 2 and the profiles.
REFERENCE_MODELS = [
    "conventions.Departement",
    "conventions.Caf",
    "conventions.CafContact",
    "conventions.Baj",
    "conventions.PostalCodeRule",
    "conventions.Profile",
]


@pytest.fixture(scope="session")
def reference_rows(django_db_setup, django_db_blocker):
    """The reference rows as the migrations left them, read once before any test flushes them."""
    from django.apps import apps
    from django.core import serializers

    with django_db_blocker.unblock():
        return serializers.serialize(
            "json", [row for label in REFERENCE_MODELS for row in apps.get_model(label).objects.order_by("pk")]
        )


@pytest.fixture
def reference_data(reference_rows, transactional_db):
    """The rows the data migrations load, loaded again after a transactional test flushed them."""
    from django.core import serializers

    from conventions.models import Caf

    if not Caf.objects.exists():
        for row in serializers.deserialize("json", reference_rows):
            row.save()
    yield  # the flush after a transactional test truncates every table: the journal's trigger lets a superuser


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
