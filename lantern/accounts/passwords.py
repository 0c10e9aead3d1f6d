"""Password rules beyond Django's own, following NCSC guidance: length over complexity, and a
deny-list of passwords an attacker would try first against this service."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

# Words an attacker would guess for this service and its users' work. A password made mostly of
# one of these (after removing digits and symbols) is refused.
CONTEXT_WORDS = frozenset(
    {
        "lantern",
        "fenbridge",
        "password",
        "safeguarding",
        "safeguard",
        "mash",
        "police",
        "council",
        "social",
        "socialworker",
        "children",
        "welcome",
        "letmein",
        "qwerty",
        "changeme",
        "admin",
        "administrator",
    }
)
MAX_LENGTH = 128
# Common substitutions, undone before comparing ("P@ssw0rd" is "password").
_UNLEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)


class ContextDenyListValidator:
    """Refuses passwords that are a service or job word padded with digits or symbols."""

    def validate(self, password: str, user: Any = None) -> None:
        core = re.sub(r"[^a-z]", "", password.lower().translate(_UNLEET))
        if core in CONTEXT_WORDS or any(
            core.startswith(word) and len(core) - len(word) <= 3 for word in CONTEXT_WORDS
        ):
            raise ValidationError(
                "This password is too easy to guess because it is based on a common word. "
                "Try three random words together.",
                code="password_context_word",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be a common word such as the name of this service."


class MaximumLengthValidator:
    """Bounds hashing work: Argon2 over a megabyte of input is a denial-of-service vector."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                f"Your password must be {MAX_LENGTH} characters or fewer.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password must be {MAX_LENGTH} characters or fewer."
