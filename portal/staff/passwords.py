"""Password hashes (Argon2id with the library's recommended parameters) and the strength rule."""
from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

hasher = PasswordHasher()
MIN_LENGTH = 12


@cache
def _dummy_hash() -> str:
    """Checked against when the e-mail address is unknown, so timing does not reveal which addresses
    exist. Made on the first such sign-in, not at import: hashing takes 64 MiB for a moment, and every
    gunicorn worker (most never see a staff sign-in) would otherwise pay it at start. Two threads making
    it at once is harmless: both hashes verify the same way."""
    return hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def password_matches(user, password: str) -> bool:
    try:
        return hasher.verify(user.password_hash if user else _dummy_hash(), password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def strength_problem(password: str, user, current: str = ""):
    """Why a new password will not do, or None. Length is what counts most (NIST SP 800-63B); beyond it,
    a password must not be the old one or be made of the person's own name or address."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(min)d characters.", min=MIN_LENGTH)
    if current and password == current:
        return _l("Choose a password other than the current one.")
    lowered = password.lower()
    own = [user.email.split("@")[0].lower(), *(part.lower() for part in user.name.split() if len(part) > 3)]
    # Mostly one's own name or address, or a few characters repeated ("aaaaaaaaaaaa", "abcabcabcabc").
    mostly_own = any(word in lowered and len(lowered) - len(word) < MIN_LENGTH // 2 for word in own)
    if mostly_own or len(set(lowered)) < 5:
        return _l("This password is too easy to guess. Use a few words that have nothing to do with you.")
    return None
