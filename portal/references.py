"""Reference codes people read aloud on the phone: short, unambiguous, not guessable."""
from __future__ import annotations

import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: letters and digits that are not mistaken for each other.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 8  # 25**8, about 1.5e11 codes: guessing is hopeless behind the rate limits


def new_reference() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_reference(typed: str) -> str:
    """What a person typed ("k7m4 q9tx", "K7M4Q9TX") in the stored form ("K7M4-Q9TX")."""
    code = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{code[:4]}-{code[4:]}" if len(code) == LENGTH else ""
