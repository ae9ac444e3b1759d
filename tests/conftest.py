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

import faulthandler
import gc
import os
import shutil
import sys
import threading
import traceback

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
def new_context(browser, live_server, reference_data):
    """Opens browser contexts on the live server, in French; closes them after the test, each page first led to
    a blank page. Chromium (156) may never answer the disposal of a context whose page is between a navigation's
    response and its commit: a test ending on an act's answer hung whole runs, CI's among them, in `context.close()`
    (Playwright's protocol log: `Target.disposeBrowserContext` sent on the response, answered only when the browser
    was killed)."""
    contexts = []

    def open_context(**options):
        contexts.append(browser.new_context(locale="fr-FR", base_url=live_server.url, **options))
        return contexts[-1]

    yield open_context
    for context in contexts:
        for page in context.pages:
            leave(page)
        context.close()


def leave(page):
    """Leads the page to a blank one; a navigation of the test still committing goes first (it interrupts ours)."""
    from playwright.sync_api import Error

    for _ in range(3):
        try:
            return page.goto("about:blank")
        except Error as error:
            if "interrupted by another navigation" not in error.message:
                raise
    raise AssertionError(f"{page.url} keeps navigating: the context cannot be closed safely")


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# A test still running after this many seconds stops the run (the suite takes minutes; a hang must not eat CI's 90).
TIME_LIMIT = int(os.environ.get("CAFPRO_TEST_TIME_LIMIT", "300"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Every test (set-up, call, teardown) runs under a time limit; past it, the run stops with the test's name and
    every stack — the threads' and the greenlets' (Playwright's sync API runs the test code in one: a thread's
    stack alone shows only the browser driver's event loop)."""
    watchdog = threading.Timer(TIME_LIMIT, stop_the_run, args=(item,))
    watchdog.daemon = True
    watchdog.start()
    try:
        return (yield)
    finally:
        watchdog.cancel()


def stop_the_run(item):
    import greenlet

    item.config.pluginmanager.getplugin("capturemanager").suspend_global_capture()  # the terminal, not the test's
    out = sys.stderr
    print(f"\n*** {item.nodeid}: still running after {TIME_LIMIT} s; the run stops. Its stacks:", file=out)
    for suspended in (
        o for o in gc.get_objects() if issubclass(type(o), greenlet.greenlet) and o.gr_frame is not None
    ):
        print("--- greenlet", file=out)
        traceback.print_stack(suspended.gr_frame, file=out)
    faulthandler.dump_traceback(file=out, all_threads=True)
    out.flush()
    os._exit(3)
