"""Reading configuration from the environment, in one place.

Production takes every secret from the environment; local runs keep generated secrets under
the ignored `.lantern/` directory so that nothing secret is ever committed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("LANTERN_STATE_DIR", BASE_DIR / ".lantern"))


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"The environment variable {name} must be set.")
    return value


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, *, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret(name: str) -> str:
    """A per-checkout secret generated on first use and kept in `.lantern/` (never committed)."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    path = STATE_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()
