"""Production: every secret and address from the environment, HTTPS only."""

from config.env import BASE_DIR, env_bool, env_int, env_list, env_str
from config.settings.base import *  # noqa: F403

SECRET_KEY = env_str("SECRET_KEY")
# Old keys still accepted while sessions signed with them expire (see docs/runbooks).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    **STORAGES,  # noqa: F405 - the private media storage from the base settings
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANTERN_DEMO_MODE = False

# Email through the partnership's SMTP relay (notifications carry no personal data).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", default=587),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            "timeout": env_int("EMAIL_TIMEOUT", default=10),
        },
    }
}
# Emails link here to sign in: the service's own address.
LANTERN_BASE_URL = env_str("LANTERN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")  # noqa: F405
