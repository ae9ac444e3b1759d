"""AUTH-4 and the production settings: `check --deploy` is clean, headers and cookies are hardened."""

import base64
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from journal import proof
from tests.helpers import PRODUCTION, run_manage, run_python


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_harden_transport_and_cookies():
    result = run_python(
        "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_NAME,"
        " settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.DEBUG)",
        PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    redirect, hsts, session_name, csrf_name, session_secure, csrf_secure, debug = result.stdout.split()
    assert redirect == "True" and int(hsts) >= 31_536_000
    assert session_name.startswith("__Host-") and csrf_name.startswith("__Host-")
    assert session_secure == csrf_secure == "True"
    assert debug == "False"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("print(settings.SECRET_KEY)", {**PRODUCTION, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY doit être défini" in result.stderr


def test_production_refuses_to_start_without_the_journal_public_key_or_with_development_keys():
    """JRN-6: production needs the journal's public key (a verifier needs nothing else), never the development
    keys — public on purpose, their journal proves nothing; web processes need no journal secret at all."""
    result = run_python("print(settings.CAFPRO_JOURNAL_VERIFY_KEY)", {**PRODUCTION, "CAFPRO_JOURNAL_VERIFY_KEY": ""})
    assert result.returncode != 0 and "CAFPRO_JOURNAL_VERIFY_KEY doit être défini" in result.stderr
    dev_public = base64.b64encode(proof.dev_public_key()).decode()
    result = run_python("print(1)", {**PRODUCTION, "CAFPRO_JOURNAL_VERIFY_KEY": dev_public})
    assert result.returncode != 0 and "clé de développement" in result.stderr
    dev_seed = base64.b64encode(proof.DEV_SEED).decode()
    result = run_python("print(1)", {**PRODUCTION, "CAFPRO_JOURNAL_SIGNING_KEY": dev_seed})
    assert result.returncode != 0 and "clé de développement est refusée en production" in result.stderr
    result = run_python("print(settings.CAFPRO_JOURNAL_SIGNING_KEY or 'aucune')", PRODUCTION)
    assert result.returncode == 0 and result.stdout.strip() == "aucune", "no signing key derived in production"


def test_the_default_witness_lies_outside_the_code_directory():
    """JRN-6: checkpoints written into the work tree would go with the code (and its operator)."""
    result = run_python("print(settings.CAFPRO_JOURNAL_WITNESS)", {"CAFPRO_JOURNAL_WITNESS": ""})
    witness = Path(result.stdout.strip())
    assert result.returncode == 0 and witness.is_absolute()
    assert not witness.resolve().is_relative_to(Path(settings.BASE_DIR).resolve()), witness


@pytest.mark.argon2
def test_argon2_is_the_first_hasher():
    assert settings.PASSWORD_HASHERS == ["habilitations.hashers.CafproArgon2PasswordHasher"]


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get(reverse("allocataires:home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
