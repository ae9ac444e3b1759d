"""CAFPRO settings: one module, every environment difference is an environment variable.

See `.env.example` and the README for the list. Embedded SQLite by default; PostgreSQL through
`DATABASE_URL`. `DJANGO_SECURE=1` turns on the production security settings (AUTH-4).
"""

import base64
import datetime as dt
import hashlib
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "core",
    "conventions",
    "habilitations",
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
# NF-2 (WCAG 2.2.1): a warning this many seconds before the idle limit, with « Rester connecté ».
CAFPRO_IDLE_WARNING = env.int("CAFPRO_IDLE_WARNING", default=120)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = CAFPRO_SESSION_MAX_AGE
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# AUTH-5: a password older than this many days must be changed at the next login.
CAFPRO_PASSWORD_MAX_AGE_DAYS = env.int("CAFPRO_PASSWORD_MAX_AGE_DAYS", default=90)
# JRN-5, JRN-6: the keys of the journal, kept outside the database. CAFPRO_JOURNAL_KEY: the HMAC key of the
# seals' chain — production refuses to start without its own (rotating the secret key must not break the
# verification). CAFPRO_JOURNAL_SIGNING_KEY: the Ed25519 private key that signs the checkpoints (32 bytes in
# base64; needed by `journal_anchor` only), CAFPRO_JOURNAL_VERIFY_KEY its public key (for a verifier elsewhere).
# In development both are derived from the secret key. CAFPRO_JOURNAL_WITNESS: where the signed checkpoints go —
# a directory, `syslog` or `syslog:HOST:PORT` (docs/deployment.md).
CAFPRO_JOURNAL_KEY = env.str("CAFPRO_JOURNAL_KEY", default="")
if not CAFPRO_JOURNAL_KEY:
    if SECURE:
        raise ImproperlyConfigured("CAFPRO_JOURNAL_KEY doit être défini quand DJANGO_SECURE=1 (clé du journal).")
    CAFPRO_JOURNAL_KEY = f"journal:{SECRET_KEY}"
CAFPRO_JOURNAL_SIGNING_KEY = env.str("CAFPRO_JOURNAL_SIGNING_KEY", default="")
if not CAFPRO_JOURNAL_SIGNING_KEY and not SECURE:
    CAFPRO_JOURNAL_SIGNING_KEY = base64.b64encode(
        hashlib.sha256(f"journal-signing:{SECRET_KEY}".encode()).digest()
    ).decode()
CAFPRO_JOURNAL_VERIFY_KEY = env.str("CAFPRO_JOURNAL_VERIFY_KEY", default="")
CAFPRO_JOURNAL_WITNESS = env.str("CAFPRO_JOURNAL_WITNESS", default=str(BASE_DIR / "var" / "journal-witness"))
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
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "identifier"
AXES_USERNAME_CALLABLE = "habilitations.network.client_username"
AXES_CLIENT_IP_CALLABLE = "habilitations.network.client_ip"
AXES_LOCKOUT_CALLABLE = "habilitations.views.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # our own journal records every attempt (JRN-1)
AXES_VERBOSE = False
# axes.W006 warns that a lockout keyed on the identifier alone can be sprayed across identifiers from one
# address: the manual's rule is per identifier (AUTH-3); spraying shows in the journal's irregularities.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
_lockout_cooloff = env.int("CAFPRO_LOCKOUT_COOLOFF", default=0)
AXES_COOLOFF_TIME = dt.timedelta(seconds=_lockout_cooloff) if _lockout_cooloff else None

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
