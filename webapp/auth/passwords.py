"""Password hashing with argon2; the parameters come from PASSWORD_HASH_PROFILE."""

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

DEFAULT_PROFILE = "RFC_9106_LOW_MEMORY"


def _hasher() -> PasswordHasher:
    name = (current_app.config.get("PASSWORD_HASH_PROFILE", DEFAULT_PROFILE)
            if has_app_context() else DEFAULT_PROFILE)
    return PasswordHasher.from_parameters(getattr(profiles, name))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
