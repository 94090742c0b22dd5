"""Reference codes people read aloud on the phone: short, unambiguous, not guessable."""
from __future__ import annotations

import secrets
import unicodedata

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: letters and digits that are not mistaken for each other.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 8  # 25**8, about 1.5e11 codes: guessing is hopeless behind the rate limits


def new_reference() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_reference(typed: str) -> str:
    """What a person typed ("k7m4 q9tx", "K7M4Q9TX") in the stored form ("K7M4-Q9TX")."""
    # NFKC first: full-width letters and digits (K７M４) are the same code typed another way.  # noqa: RUF003
    code = "".join(ch for ch in unicodedata.normalize("NFKC", typed).upper() if ch.isascii() and ch.isalnum())
    return f"{code[:4]}-{code[4:]}" if len(code) == LENGTH else ""


def free_reference(model) -> str:
    """A new reference no `model` row has yet. Checked before the INSERT (which carries personal data)
    so that the INSERT is sent once and never retried for a taken reference."""
    from sqlalchemy import select

    from portal import db

    while True:
        reference = new_reference()
        if db.session().scalar(select(model.id).where(model.reference == reference)) is None:
            return reference
