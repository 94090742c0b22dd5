"""Word search that ignores case and accents: "kasityo" finds "Käsityö", "CAFE" finds "café"."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


class _Kept(dict):
    """str.translate's table for fold: each character kept as it is, or dropped (None), decided once
    per character and remembered, so folding runs at C speed (the index folds every activity's text)."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        self[code] = kept = ch if not unicodedata.combining(ch) and (ch.isprintable() or ch.isspace()) else None
        return kept


_KEPT = _Kept()


def fold(text: str) -> str:
    """Lower case, accents and control characters (which PostgreSQL refuses in text) removed."""
    kept = unicodedata.normalize("NFKD", text.casefold()).translate(_KEPT)
    return _SPACES.sub(" ", kept).strip()


def words(text: str, limit: int = 8) -> list[str]:
    """The query's words, folded; at most `limit`, each at least two letters."""
    return [w for w in fold(text).split(" ") if len(w) >= 2][:limit]
