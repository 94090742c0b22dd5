"""Word search that ignores case and accents: "kasityo" finds "Käsityö", "CAFE" finds "café"."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _SPACES.sub(" ", "".join(ch for ch in decomposed if not unicodedata.combining(ch))).strip()


def words(text: str, limit: int = 8) -> list[str]:
    """The query's words, folded; at most `limit`, each at least two letters."""
    return [w for w in fold(text).split(" ") if len(w) >= 2][:limit]
