"""The demo password: random per checkout, kept in the ignored `.lantern/` directory."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.management.base import CommandError

from config.env import STATE_DIR

WORDS = [
    "amber",
    "willow",
    "harbour",
    "copper",
    "meadow",
    "thistle",
    "falcon",
    "pebble",
    "orchard",
    "juniper",
    "saffron",
    "quartz",
    "heron",
    "bramble",
    "cobalt",
    "lichen",
    "marigold",
    "otter",
    "puffin",
    "russet",
    "sorrel",
    "tamarind",
    "umber",
    "violet",
    "wren",
    "yarrow",
    "zephyr",
]


def require_demo_mode() -> None:
    if not settings.LANTERN_DEMO_MODE:
        raise CommandError(
            "This command only works in demo mode. It is refused on a real deployment."
        )


def demo_password() -> str:
    path = STATE_DIR / "demo-password"
    if not path.exists():
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        words = [secrets.choice(WORDS) for _ in range(3)]
        path.write_text("-".join(words) + f"-{secrets.randbelow(90) + 10}")
        path.chmod(0o600)
    return path.read_text().strip()
