"""Password hashes: Argon2id with the library's recommended parameters."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

hasher = PasswordHasher()
# Checked against when the e-mail address is unknown, so timing does not reveal which addresses exist.
_DUMMY_HASH = hasher.hash("not a real password")
MIN_LENGTH = 12


def hash_password(password: str) -> str:
    return hasher.hash(password)


def password_matches(user, password: str) -> bool:
    try:
        return hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False
