"""Settings for a deployment: gunicorn (or another WSGI server) behind a reverse proxy that
terminates HTTPS, PostgreSQL, static files served by WhiteNoise after ``collectstatic``.
``python -m django check --deploy --fail-level WARNING`` passes with these settings.

Environment (docs/platform.md, "Production"):
  GOVINSPECT_DATABASE_URL   required, postgres://user@host:5432/name
  GOVINSPECT_ALLOWED_HOSTS  required, comma-separated host names the proxy forwards
  GOVINSPECT_WORKSPACE      the data folder (captures, reports, uploads, the secret key file)
  GOVINSPECT_SECRET_KEY     optional; default: the workspace's own key (WORKSPACE/secret_key)
  GOVINSPECT_CSRF_TRUSTED_ORIGINS  optional, e.g. https://wzjc.example.gov.cn
  GOVINSPECT_HSTS_SECONDS   optional, default 31536000 (one year)
"""

from __future__ import annotations

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from govinspect.web.secret import workspace_secret_key
from govinspect.web.settings import *  # noqa: F403
from govinspect.web.settings import MIDDLEWARE, WORKSPACE


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"生产环境必须设置环境变量 {name}（见 docs/platform.md）")
    return value


def _list(name: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


DEBUG = False
# Read (or created) now, so that a workspace the server cannot write fails at start-up.
SECRET_KEY = os.environ.get("GOVINSPECT_SECRET_KEY") or workspace_secret_key(WORKSPACE)

_database_url = _required("GOVINSPECT_DATABASE_URL")
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60,
                                               conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("生产环境请使用 PostgreSQL（GOVINSPECT_DATABASE_URL=postgres://…）")

ALLOWED_HOSTS = _required("GOVINSPECT_ALLOWED_HOSTS").split(",")
CSRF_TRUSTED_ORIGINS = _list("GOVINSPECT_CSRF_TRUSTED_ORIGINS")

# HTTPS is terminated by the reverse proxy, which must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("GOVINSPECT_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # the evidence replay alone allows its own origin

# Static files from the Python process (no separate static server needed behind the proxy).
MIDDLEWARE = list(MIDDLEWARE)
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
