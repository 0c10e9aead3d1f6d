"""The test suite: real PostgreSQL, fast password hashing, tasks run inline."""

from config.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789abcdefghijklmnop"  # noqa: S105
# Argon2 is asserted in the base settings by a test; hashing cost is not what tests exercise.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANTERN_DEMO_MODE = True
WHITENOISE_USE_FINDERS = True
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
LANTERN_BASE_URL = "https://lantern.test"
# Uploaded photos stay in memory: tests never write to the state directory.
STORAGES = {
    **STORAGES,  # noqa: F405
    "private_media": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
