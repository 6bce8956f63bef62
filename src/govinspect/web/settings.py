"""Django settings for the command line, the demo and `govinspect serve` (local use).
SQLite in the workspace folder by default; PostgreSQL when GOVINSPECT_DATABASE_URL is set
(e.g. postgres://postgres@127.0.0.1:5432/test). A deployment behind a web server uses
``govinspect.web.settings_production`` (docs/platform.md)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from govinspect.web.secret import lazy_workspace_secret_key

WORKSPACE = Path(os.environ.get("GOVINSPECT_WORKSPACE", "govinspect-data")).resolve()

# No built-in key: GOVINSPECT_SECRET_KEY, else the workspace's own (secret.py), created on
# first use in WORKSPACE/secret_key with mode 0600.
SECRET_KEY = os.environ.get("GOVINSPECT_SECRET_KEY") or lazy_workspace_secret_key()
DEBUG = os.environ.get("GOVINSPECT_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("GOVINSPECT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "govinspect.web.roster",
    "govinspect.web.rounds",
    "govinspect.web.review",
    "govinspect.web.accounts",
    "govinspect.web.decisions",
    "govinspect.web.rectify",
    "govinspect.web.workspace",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "govinspect.web.api",
    "govinspect.web.alerts",
    "govinspect.web.pipeline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "govinspect.web.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

WSGI_APPLICATION = "govinspect.web.wsgi.application"

_database_url = os.environ.get("GOVINSPECT_DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(WORKSPACE / "govinspect.sqlite3"),
            # The prober thread writes while the pipeline writes: IMMEDIATE transactions take
            # the write lock up front so the busy timeout applies (a deferred transaction that
            # upgrades fails at once with "database is locked"), and WAL lets readers go on.
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE",
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = str(WORKSPACE / "static")
# Files units attach to rectification items: served only through the workspace's scoped views.
MEDIA_ROOT = str(WORKSPACE / "media")
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# The automatic re-check after a unit marks an item 已整改 (rectify/recheck.py): thread | sync
# | off | "module.path:callable" (called with the item, e.g.
# "govinspect.web.pipeline.queue:enqueue_recheck" to run it on the task queue's workers).
GOVINSPECT_RECHECK = os.environ.get("GOVINSPECT_RECHECK", "thread")

LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "workspace:login"
SESSION_COOKIE_AGE = 8 * 3600  # a working day

# Task queue (docs/scale.md): Celery workers on this broker (e.g. redis://127.0.0.1:6379/0);
# unset, the pipeline runs in-process.
GOVINSPECT_BROKER_URL = os.environ.get("GOVINSPECT_BROKER_URL", "")
# A task whose worker died is delivered again after this many seconds (Redis visibility
# timeout): longer than the longest stage (a shard's crawl), else a slow stage runs twice.
GOVINSPECT_BROKER_VISIBILITY_S = int(os.environ.get("GOVINSPECT_BROKER_VISIBILITY_S", "21600"))
GOVINSPECT_PROBE_TICK_S = float(os.environ.get("GOVINSPECT_PROBE_TICK_S", "60"))

# Alerts (docs/alerts.md): e-mail through this SMTP server; robots are set per recipient.
EMAIL_HOST = os.environ.get("GOVINSPECT_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("GOVINSPECT_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("GOVINSPECT_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("GOVINSPECT_SMTP_PASSWORD", "")
EMAIL_USE_SSL = os.environ.get("GOVINSPECT_SMTP_SSL", "") == "1"
EMAIL_USE_TLS = os.environ.get("GOVINSPECT_SMTP_STARTTLS", "") == "1"
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = os.environ.get("GOVINSPECT_ALERT_FROM", "govinspect@localhost")
GOVINSPECT_ALERT_OUTAGE_AFTER = int(os.environ.get("GOVINSPECT_ALERT_OUTAGE_AFTER", "3"))
GOVINSPECT_ALERT_DEADLINE_NEAR_DAYS = 3
GOVINSPECT_ALERT_DIGEST_HOUR = 8

# REST API (docs/api.md): token or session sign-in; every view scoped by accounts.scope.Scope.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["govinspect.web.api.permissions.HasRole"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govinspect API",
    "DESCRIPTION": "政府网站与政务新媒体检查：名录、检查轮次、得分、问题与证据、整改事项、复核决定。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ItemStateEnum": "govinspect.web.rectify.models.ItemState"},
}
