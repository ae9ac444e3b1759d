"""Running the project's commands in a child process, as a user would, with a clean environment."""

import os
import subprocess
import sys

from django.conf import settings

from tests.kit import PURPOSE

# The production variables, with a throw-away key (tests only).
PRODUCTION = {
    "DJANGO_SECURE": "1",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7#Qk2!vR9zL0pW4mN8sT3yB6cF1hJ5gD0aE2uI7oP9lK4jH8-test-only-key",
    "DJANGO_ALLOWED_HOSTS": "cafpro.example.fr",
    # the journal's public key only: web processes hold no journal secret (JRN-6); its private key, for the
    # sealer's tests: PRODUCTION_SIGNING_KEY
    "CAFPRO_JOURNAL_VERIFY_KEY": "uygZT0cEoSWoYO03fxo2PQ667p2AdHa2qvipoND2ZUk=",
}
PRODUCTION_SIGNING_KEY = "XF7FptJYqQT2LSDMs+jwCd3Xsb7MXWVkwIVAaGPVE6E="


def child_env(extra=None):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **(extra or {})}


def run_manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env=child_env(env),
        timeout=120,
    )


def run_python(code, env=None):
    """Runs `code` after django.setup(), with `settings` imported."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env=child_env({"DJANGO_SETTINGS_MODULE": "cafpro.settings", **(env or {})}),
        timeout=120,
    )


def open_dossier(client, number, **data):
    """Posts the search form of the menu for `number`, stating the tests' legal-aid file."""
    return client.post("/consulter/", {"number": number, **PURPOSE, **data})
