"""Local development and the demo partnership: `./bin/lantern start`."""

from config.env import env_bool, local_secret
from config.settings.base import *  # noqa: F403

DEBUG = env_bool("LANTERN_DEBUG", default=True)
SECRET_KEY = local_secret("secret_key")
LANTERN_DEMO_MODE = True
LANTERN_PHASE = "Demo"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Emails print to the console.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
