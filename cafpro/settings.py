"""CAFPRO settings: one module, every environment difference is an environment variable.

See `.env.example` and the README for the list. Embedded SQLite by default; PostgreSQL through
`DATABASE_URL`. `DJANGO_SECURE=1` turns on the production security settings (AUTH-4).
"""

import base64
import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from journal import proof

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECURE = env.bool("DJANGO_SECURE", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=not SECURE)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if SECURE:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY doit être défini quand DJANGO_SECURE=1.")
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # First: its commands of the same name wrap django.contrib.auth's, axes' and django-otp's account commands,
    # journaled (AUD-1).
    "habilitations",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "journal",
    "conventions",
    "allocataires",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "habilitations.middleware.SessionPolicyMiddleware",
    "habilitations.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cafpro.urls"
WSGI_APPLICATION = "cafpro.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "habilitations.context_processors.session_timing",
                "habilitations.context_processors.second_factor_reset",
                "habilitations.context_processors.administration",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the threaded development server read while a command writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif env.bool("DATABASE_POOL", default=False):
    # Django's native psycopg pool: one pool per process; needs CONN_MAX_AGE = 0.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=2),
        "max_size": env.int("DATABASE_POOL_MAX", default=10),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "habilitations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked identifier before any password check
    "django.contrib.auth.backends.ModelBackend",
]
# One hasher: Django picks a hasher by algorithm name ("argon2"), so ours alone verifies every Argon2 hash
# and upgrades those made with other parameters at the next login.
PASSWORD_HASHERS = ["habilitations.hashers.CafproArgon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "habilitations.validators.PartnerPasswordValidator"},
    {"NAME": "habilitations.validators.StaffPasswordValidator"},
    {"NAME": "habilitations.validators.IdentifierPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "habilitations:login"

# Sessions (AUTH-6, AUTH-7): in the database, shared by every app process; ended after
# CAFPRO_IDLE_TIMEOUT seconds without a request and CAFPRO_SESSION_MAX_AGE seconds after the login.
CAFPRO_IDLE_TIMEOUT = env.int("CAFPRO_IDLE_TIMEOUT", default=600)
CAFPRO_SESSION_MAX_AGE = env.int("CAFPRO_SESSION_MAX_AGE", default=8 * 3600)
# NF-2: where the accessibility statement sends a user who cannot reach a content.
CAFPRO_ACCESSIBILITY_CONTACT = env.str("CAFPRO_ACCESSIBILITY_CONTACT", default="accessibilite@cafpro.example.fr")
# RGPD-1: the publisher's facts shown by « Mentions légales » and « Données personnelles ». The defaults are
# placeholders, visibly so, to fill before production (README, "Before production").
_TO_FILL = "[À compléter avant la mise en production : {}]"
CAFPRO_LEGAL = {
    "publisher": env.str("CAFPRO_LEGAL_PUBLISHER", default=_TO_FILL.format("organisme éditeur du service")),
    "publisher_address": env.str("CAFPRO_LEGAL_PUBLISHER_ADDRESS", default=_TO_FILL.format("adresse de l'éditeur")),
    "director": env.str("CAFPRO_LEGAL_DIRECTOR", default=_TO_FILL.format("fonction du directeur de la publication")),
    "host": env.str("CAFPRO_LEGAL_HOST", default=_TO_FILL.format("hébergeur (nom, adresse, téléphone)")),
    "dpo_contact": env.str(
        "CAFPRO_LEGAL_DPO_CONTACT", default=_TO_FILL.format("adresse du délégué à la protection des données")
    ),
    "rights_contact": env.str("CAFPRO_LEGAL_RIGHTS_CONTACT", default=_TO_FILL.format("adresse où exercer vos droits")),
}
# NF-2 (WCAG 2.2.1): a warning this many seconds before the idle limit, with « Rester connecté ».
CAFPRO_IDLE_WARNING = env.int("CAFPRO_IDLE_WARNING", default=120)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = CAFPRO_SESSION_MAX_AGE
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# AUTH-5: a password older than this many days must be changed at the next login.
CAFPRO_PASSWORD_MAX_AGE_DAYS = env.int("CAFPRO_PASSWORD_MAX_AGE_DAYS", default=90)
# JRN-6, JRN-8, JRN-9: the journal's keys, outside the database. The seals are chained by hash: no secret at all
# for the web processes. CAFPRO_JOURNAL_SIGNING_KEY: the Ed25519 private key (32 bytes in base64) that signs the
# checkpoints — given to the sealer (`journal_anchor`) alone, never to gunicorn (`make serve`).
# CAFPRO_JOURNAL_VERIFY_KEY: its public key, all a verifier needs; required in production, where the development
# keys (`journal.proof.DEV_SEED`, public on purpose: their journal proves nothing) are refused. Outside production,
# without keys, the development keys are used and the verifier names them.
# CAFPRO_JOURNAL_WITNESS: where the sealer writes the signed checkpoints — a directory (by default outside the
# code directory) or `syslog:HOST:PORT` (TCP, RFC 6587). CAFPRO_JOURNAL_WITNESS_READ: where the verifier reads them
# back (the syslog server's log file; by default the witness directory). CAFPRO_JOURNAL_MAX_AGE_MINUTES: the
# newest checkpoint older than this fails verification (the sealer anchors every minute).
CAFPRO_JOURNAL_SIGNING_KEY = env.str("CAFPRO_JOURNAL_SIGNING_KEY", default="")
CAFPRO_JOURNAL_VERIFY_KEY = env.str("CAFPRO_JOURNAL_VERIFY_KEY", default="")
if SECURE and CAFPRO_JOURNAL_VERIFY_KEY in ("", base64.b64encode(proof.dev_public_key()).decode()):
    raise ImproperlyConfigured(
        "CAFPRO_JOURNAL_VERIFY_KEY doit être défini quand DJANGO_SECURE=1, et ne pas être la clé de développement "
        "(clé publique du journal, docs/deployment.md)."
    )
if SECURE and CAFPRO_JOURNAL_SIGNING_KEY:
    if base64.b64decode(CAFPRO_JOURNAL_SIGNING_KEY + "==") == proof.DEV_SEED:
        raise ImproperlyConfigured("CAFPRO_JOURNAL_SIGNING_KEY : la clé de développement est refusée en production.")
_STATE_HOME = Path(env.str("XDG_STATE_HOME", default=str(Path.home() / ".local" / "state")))
CAFPRO_JOURNAL_WITNESS = env.str("CAFPRO_JOURNAL_WITNESS", default="") or str(
    _STATE_HOME / "cafpro" / "journal-witness"
)
CAFPRO_JOURNAL_WITNESS_READ = env.str("CAFPRO_JOURNAL_WITNESS_READ", default="")
CAFPRO_JOURNAL_MAX_AGE_MINUTES = env.int("CAFPRO_JOURNAL_MAX_AGE_MINUTES", default=10)
# JRN-5: how long the journal is kept (CNIL: 6 months to 1 year), for `journal_purge` without --older-than.
CAFPRO_JOURNAL_RETENTION_MONTHS = env.int("CAFPRO_JOURNAL_RETENTION_MONTHS", default=12)
# JRN-4: the thresholds of the irregularity rules (docs/security.md).
CAFPRO_IRREGULARITIES = {
    "failures_per_identifier": env.int("CAFPRO_IRR_FAILURES_PER_IDENTIFIER", default=5),
    "failures_per_address": env.int("CAFPRO_IRR_FAILURES_PER_ADDRESS", default=10),
    "unknown_identifiers": env.int("CAFPRO_IRR_UNKNOWN_IDENTIFIERS", default=3),
    "off_hours": env.int("CAFPRO_IRR_OFF_HOURS", default=1),
    "working_hours": (env.int("CAFPRO_IRR_WORKDAY_START", default=7), env.int("CAFPRO_IRR_WORKDAY_END", default=20)),
    "volume_factor": env.int("CAFPRO_IRR_VOLUME_FACTOR", default=3),
    "volume_floor": env.int("CAFPRO_IRR_VOLUME_FLOOR", default=30),
    "many_dossiers": env.int("CAFPRO_IRR_MANY_DOSSIERS", default=20),
    "many_dossiers_minutes": env.int("CAFPRO_IRR_MANY_DOSSIERS_MINUTES", default=60),
    "refused": env.int("CAFPRO_IRR_REFUSED", default=3),
    # PUR-3: more distinct allocataires than this for one legal-aid file in a day, more files for one allocataire.
    "file_dossiers": env.int("CAFPRO_IRR_FILE_DOSSIERS", default=5),
    "dossier_files": env.int("CAFPRO_IRR_DOSSIER_FILES", default=3),
}
# JRN-1: number of trusted reverse proxies in front of the app (X-Forwarded-For is ignored when 0).
CAFPRO_TRUSTED_PROXY_COUNT = env.int("CAFPRO_TRUSTED_PROXY_COUNT", default=0)

# Lockout (AUTH-3), django-axes: per identifier, 3 consecutive failures, a success resets the count;
# lifted by a CAF administrator, or after CAFPRO_LOCKOUT_COOLOFF seconds when set (default: never).
AXES_FAILURE_LIMIT = 3
AXES_LOCKOUT_PARAMETERS = ["username"]
# A success resets the count (AUTH-3) — the login itself does it (`login_attempt`), not django-axes: with a second
# factor (AUTH-11) the success is the right code, else logging in again would erase the wrong codes' count.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_FORM_FIELD = "identifier"
AXES_USERNAME_CALLABLE = "habilitations.network.client_username"
AXES_CLIENT_IP_CALLABLE = "journal.network.client_ip"
AXES_LOCKOUT_CALLABLE = "habilitations.views.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # our own journal records every attempt (JRN-1)
AXES_VERBOSE = False
# AUD-1: axes' own admin pages (attempts, logs) are not registered: deleting an attempt there would unlock an
# identifier around the journaled, CAF-scoped unlock (`habilitations.services.user_unlock`); the locked identifiers
# are shown by the habilitations' « blocage » filter and the work list.
AXES_ENABLE_ADMIN = False
# axes.W006 warns that a lockout keyed on the identifier alone can be sprayed across identifiers from one
# address: the manual's rule is per identifier (AUTH-3); spraying shows in the journal's irregularities.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
_lockout_cooloff = env.int("CAFPRO_LOCKOUT_COOLOFF", default=0)
AXES_COOLOFF_TIME = dt.timedelta(seconds=_lockout_cooloff) if _lockout_cooloff else None
# AUTH-3, ROLE-7: a staff identifier's lockout (CAF agents, administrators) always lifts by itself after this many
# seconds without a new failure, or earlier by the national security officer; never "for good".
CAFPRO_STAFF_LOCKOUT_COOLOFF = env.int("CAFPRO_STAFF_LOCKOUT_COOLOFF", default=15 * 60)
if CAFPRO_STAFF_LOCKOUT_COOLOFF <= 0:
    raise ImproperlyConfigured("CAFPRO_STAFF_LOCKOUT_COOLOFF : un nombre de secondes positif.")

# AUTH-11: the second factor (TOTP, RFC 6238, django-otp) of the staff roles. Wrong codes count toward the lockout
# above (AUTH-3), so django-otp's own growing delays are off: they would refuse the right code typed just after a
# wrong one. The issuer is the name the authenticator app shows beside the code.
OTP_TOTP_ISSUER = env.str("CAFPRO_OTP_ISSUER", default="Cafpro")
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# How many single-use recovery codes an enrolment gives (shown once).
CAFPRO_RECOVERY_CODES = 10

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves what `collectstatic` gathered (hashed names); elsewhere whitenoise reads the sources.
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles") if SECURE else None
WHITENOISE_USE_FINDERS = not SECURE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if SECURE
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security headers, always on.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # our French page, not the framework's (#24)

# No inline script or style anywhere: everything is served from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}

if SECURE:
    # AUTH-4: HTTPS only; cookies bound to the host and never sent in clear.
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    # Only behind a reverse proxy that sets X-Forwarded-Proto itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# DIA-3: notifications of Dialogue messages to the CAF that asked for them. Console by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cafpro@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
