"""Where Lantern may send a user next: only to its own pages."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def local_path(link: str) -> str:
    """`link` when it is a path within Lantern ("/people/..."), otherwise "" (an address on
    another site, or "//host/..." which browsers read as one, could be used to phish)."""
    if (
        link.startswith("/")
        and not link.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(link, allowed_hosts=set())
    ):
        return link
    return ""
