"""Word search that ignores case and accents: "kasityo" finds "Käsityö", "CAFE" finds "café"."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, accents and control characters (which PostgreSQL refuses in text) removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and (ch.isprintable() or ch.isspace()))
    return _SPACES.sub(" ", kept).strip()


def words(text: str, limit: int = 8) -> list[str]:
    """The query's words, folded; at most `limit`, each at least two letters."""
    return [w for w in fold(text).split(" ") if len(w) >= 2][:limit]
