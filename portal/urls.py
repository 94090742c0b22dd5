"""Addresses on this site: where a form may send the visitor back to."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def safe_return_path(value: str | None) -> str:
    """Only a path on this site: never an address that would send the visitor elsewhere. Control
    characters are refused outright, because URL parsing drops them ("/\t/evil" becomes "//evil")."""
    if (value and len(value) < 2000 and value.startswith("/") and not value.startswith("//")
            and "\\" not in value and all(ch.isprintable() and not ch.isspace() for ch in value)):
        parts = urlsplit(value)
        if not parts.scheme and not parts.netloc:
            return value
    return url_for("pages.home")
