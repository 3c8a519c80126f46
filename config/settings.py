"""The one settings module. Every value comes from the environment; defaults suit development.

Production differs only by values: DEBUG=0, SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_str

# Lets annotations like `admin.ModelAdmin[Job]` run; mypy checks them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# prometheus_client picks multiprocess mode when first imported, after these settings load in
# every process (daphne, workers, manage.py): the processes of a host share this folder.
PROMETHEUS_MULTIPROC_DIR = Path(
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(VAR_DIR / "prometheus"))
)
PROMETHEUS_MULTIPROC_DIR.mkdir(parents=True, exist_ok=True)

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "ops.apps.OpsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "documents",
    "jobs",
    "notes",
    "ops",
]

MIDDLEWARE = [
    "ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES: dict[str, dict[str, Any]] = {
    "default": dict(
        dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web, workers and beat share one file: WAL lets readers run beside the writer, and
    # IMMEDIATE transactions take the write lock up front instead of failing to upgrade.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not memory) so that test workers and servers in subprocesses share it; one per
    # test run so that runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # One test database per test run, so that runs side by side do not drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, Channels, Celery ----------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 times reads out after 5 s, the layer's own blocking receive time:
            # without this, idle consumers die every few seconds (channels_redis #422).
            # redis-py 8's pool refuses (not queues) past 100 connections at once: a daphne
            # process with a thousand clients subscribing together needs more.
            "hosts": [
                {
                    "address": env_str("CHANNEL_LAYER_URL", REDIS_URL),
                    "socket_timeout": None,
                    "max_connections": env_int("CHANNEL_LAYER_MAX_CONNECTIONS", 1000),
                }
            ],
            "prefix": env_str("CHANNEL_LAYER_PREFIX", "pdfnotes"),
            "capacity": env_int("CHANNEL_LAYER_CAPACITY", 1000),
            "expiry": 60,
            "group_expiry": 86400,
        },
    }
}

# Shared by every process (upload and sign-in throttling must hold across daphne processes).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "pdfnotes"),
    }
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
# Redis redelivers an unacknowledged task after this long, even while it still runs: keep it
# far above the hard time limit.
BROKER_VISIBILITY_TIMEOUT = env_int("BROKER_VISIBILITY_TIMEOUT", 3600)
if BROKER_VISIBILITY_TIMEOUT <= 2 * CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "BROKER_VISIBILITY_TIMEOUT must be over twice CELERY_TASK_TIME_LIMIT."
    )
# Prefixes every broker key: processes with different prefixes share a Redis but not queues
# (each test run gets its own; see scripts/with_redis.py --test).
BROKER_KEY_PREFIX = env_str("BROKER_KEY_PREFIX", "")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    **({"global_keyprefix": BROKER_KEY_PREFIX} if BROKER_KEY_PREFIX else {}),
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}

# --- Jobs and events ------------------------------------------------------------------------

EVENT_RETENTION = timedelta(days=env_float("EVENT_RETENTION_DAYS", 7))
JOB_STALLED_AFTER = timedelta(seconds=env_int("JOB_STALLED_AFTER_SECONDS", 600))
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
# In-stage progress events per job are coalesced to at most one per this interval.
EVENT_PROGRESS_INTERVAL = env_float("EVENT_PROGRESS_INTERVAL_SECONDS", 0.25)

# --- Uploads and PDF limits -----------------------------------------------------------------

UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
UPLOAD_THROTTLE_RATE = env_str("UPLOAD_THROTTLE_RATE", "60/hour")
PDF_MAX_PAGES = env_int("PDF_MAX_PAGES", 500)
PDF_TIME_BUDGET_SECONDS = env_float("PDF_TIME_BUDGET_SECONDS", 120)
PDF_WORKER_MEMORY_MB = env_int("PDF_WORKER_MEMORY_MB", 1024)

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Notes generation -----------------------------------------------------------------------

NOTES_GENERATOR = env_str("NOTES_GENERATOR", "auto")
if NOTES_GENERATOR not in {"auto", "local", "anthropic"}:
    raise ImproperlyConfigured("NOTES_GENERATOR must be one of auto, local, anthropic.")
ANTHROPIC_API_KEY = env_str("ANTHROPIC_API_KEY", "")
if NOTES_GENERATOR == "anthropic" and not ANTHROPIC_API_KEY:
    raise ImproperlyConfigured("NOTES_GENERATOR=anthropic needs ANTHROPIC_API_KEY.")
ANTHROPIC_MODEL = env_str("ANTHROPIC_MODEL", "")
ANTHROPIC_MAX_TOKENS = env_int("ANTHROPIC_MAX_TOKENS", 4096)
ANTHROPIC_TIMEOUT_SECONDS = env_float("ANTHROPIC_TIMEOUT_SECONDS", 120)

# --- Files, static, auth --------------------------------------------------------------------

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "uploads": UPLOAD_THROTTLE_RATE,
        "sign_in": env_str("SIGN_IN_THROTTLE_RATE", "20/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PDF notes API",
    "DESCRIPTION": "Upload PDFs, follow their jobs, read the notes. Events: see docs/protocol.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The UI's assets are served from this site (drf-spectacular-sidecar): no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The async polling endpoints are plain views: this hook documents them (then the default).
    "POSTPROCESSING_HOOKS": [
        "config.api_schema.add_polling_endpoints",
        "drf_spectacular.hooks.postprocess_schema_enums",
    ],
}

# --- Security -------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole domain to HTTPS for browsers for months; it is the
        # domain owner's decision, made with SECURE_HSTS_PRELOAD=1, not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Operations -----------------------------------------------------------------------------

# `/metrics` answers a bearer of this token (Prometheus) or a staff session; empty: staff only.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# --- Logging --------------------------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "ops.logging_filters.RedactSecrets"}},
    "formatters": {"json": {"()": "config.json_logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Without this, Django's default plain-text handler repeats its lines when DEBUG is on.
        "django": {"handlers": [], "level": LOG_LEVEL},
        "django.db.backends": {"level": "INFO"},
        "daphne": {"level": "WARNING"},
        # pypdf warns per malformed object; the job's outcome already says what matters.
        "pypdf": {"level": "ERROR"},
    },
}
