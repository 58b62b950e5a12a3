"""Borough's one settings module.

Everything comes from environment variables with embedded defaults, so that `make run`
works on a laptop with nothing else installed, and production is configured by the
environment alone (12-factor). `.env.example` documents every variable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# -- Mode -----------------------------------------------------------------------------
# BOROUGH_ENV is "development" (the embedded default), "test" or "production".
BOROUGH_ENV = env("BOROUGH_ENV", "development")
PRODUCTION = BOROUGH_ENV == "production"
TESTING = BOROUGH_ENV == "test" or "pytest" in sys.modules
DEBUG = env_bool("DEBUG", default=not PRODUCTION and not TESTING)

VAR_DIR = Path(env("BOROUGH_VAR_DIR", str(PROJECT_DIR / "var"))).resolve()
if not PRODUCTION:
    (VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

_INSECURE_KEY_PREFIX = "insecure-development-key-"
SECRET_KEY = env("SECRET_KEY", _INSECURE_KEY_PREFIX + "change-me-in-production")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def check_production_settings() -> None:
    """Refuse to run in production with a weak secret key or no explicit hosts."""
    if not PRODUCTION:
        return
    problems = []
    if (
        SECRET_KEY.startswith(_INSECURE_KEY_PREFIX)
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the host names this server answers to")
    if problems:
        raise ImproperlyConfigured("Borough refuses to start in production: " + "; ".join(problems))


check_production_settings()

# -- Applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "borough.core",
    "borough.accounts",
    "borough.places",
    "borough.catalogue",
    "borough.cases",
    "borough.contacts",
    "borough.portal",
    "borough.backoffice",
    "borough.demo",
    "borough.notify",
    "borough.open311",
    "borough.dispatch",
    "borough.api",
    "borough.insight",
    "borough.waste",
    "borough.payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The footer's "Cymraeg" / "English" link (?lang=cy): kept in the language cookie.
    "borough.core.language.LanguageSwitchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Adds request.user.is_verified(): whether this session passed a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "borough.urls"
WSGI_APPLICATION = "borough.wsgi.application"
ASGI_APPLICATION = "borough.asgi.application"

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
                "borough.core.context_processors.site",
                "borough.core.branding.brand",
            ],
        },
    },
]

# -- Database -------------------------------------------------------------------------
# The embedded default is SQLite in WAL mode under var/; DATABASE_URL switches to PostgreSQL.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "borough.sqlite3"),
            # Each gunicorn thread keeps its connection rather than opening one per request
            # (opening and running the PRAGMAs was a tenth of an Open311 POST's web CPU).
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# -- Identity -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests use a fast hasher, production never does.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/sign-in/"
# Staff must give a code from an authenticator app (TOTP) after their password. On by
# default in production; a member of staff who has set up an app is asked for a code anyway.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", default=PRODUCTION)
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", env("SITE_NAME", "Borough"))

# -- Background work ------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}
# A worker is healthy when it has written a heartbeat this recently.
WORKER_HEARTBEAT_SECONDS = int(env("WORKER_HEARTBEAT_SECONDS", "10"))
WORKER_STALE_SECONDS = int(env("WORKER_STALE_SECONDS", "60"))
# How often a worker enqueues the SLA check (due-soon warnings, breaches and escalation).
SLA_CHECK_SECONDS = int(env("SLA_CHECK_SECONDS", "300"))
# How often a worker sends the dispatches due a retry and polls Open311 contractors for updates.
DISPATCH_SWEEP_SECONDS = int(env("DISPATCH_SWEEP_SECONDS", "60"))
# How often a worker deletes temporary uploads older than a day (forms never sent).
UPLOAD_SWEEP_SECONDS = int(env("UPLOAD_SWEEP_SECONDS", "3600"))
# The longest a member of staff may ask the round planner to search (seconds).
ROUND_PLAN_MAX_SECONDS = int(env("ROUND_PLAN_MAX_SECONDS", "300"))

# -- Email ----------------------------------------------------------------------------
# Console by default; "file" writes each message under var/mail; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif env("EMAIL_BACKEND") == "file":
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Borough <no-reply@borough.localhost>")
# The address of this site, for links in emails (which have no request to build them from).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# -- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# -- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production WhiteNoise serves straight from the finders: no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# -- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))

# -- Borough --------------------------------------------------------------------------
# Open311 reads without an API key: requests a minute from one address.
OPEN311_ANONYMOUS_RATE_LIMIT = int(env("OPEN311_ANONYMOUS_RATE_LIMIT", "120"))
# How long the public performance page keeps a council's figures before working them out
# again (they are dropped at once when a channel cost or target changes).
INSIGHT_PUBLIC_CACHE_SECONDS = int(env("INSIGHT_PUBLIC_CACHE_SECONDS", "600"))
SITE_NAME = env("SITE_NAME", "Borough")
# The organisation (slug) that brands pages not belonging to one; else the first council.
BOROUGH_DEFAULT_ORGANISATION = env("BOROUGH_DEFAULT_ORGANISATION", "")
DEMO_SEED = int(env("DEMO_SEED", "20261122"))
# Maps: none of their own tiles by default (boundaries, wards and reports are drawn from our
# own data). A council with a tile server sets its URL template and attribution (plain text).
MAP_TILE_URL = env("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION")

# Payments: "test" (the built-in test provider, a card page on this site that takes no money)
# or "govuk_pay". GOV.UK Pay needs its API key; its webhooks are checked with the signing secret.
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", "test")
if PAYMENT_PROVIDER not in ("test", "govuk_pay"):
    raise ImproperlyConfigured("PAYMENT_PROVIDER must be test or govuk_pay")
GOVUK_PAY_API_KEY = env("GOVUK_PAY_API_KEY")
GOVUK_PAY_BASE_URL = env("GOVUK_PAY_BASE_URL", "https://publicapi.payments.service.gov.uk")
GOVUK_PAY_WEBHOOK_SECRET = env("GOVUK_PAY_WEBHOOK_SECRET")
# How often a worker checks unfinished payments with their provider (and expires abandoned ones).
PAYMENT_RECONCILE_SECONDS = int(env("PAYMENT_RECONCILE_SECONDS", "300"))

# -- Logging: structured (one JSON object a line) -------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "borough.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING" if TESTING else "INFO"},
    },
}
