"""Saving with a version check: two people editing one record never overwrite each other.

Versioned models carry ``version_id_col`` (SQLAlchemy bumps it on every UPDATE and raises
``StaleDataError`` when the row moved on). The form posts the version it was built from;
``save_versioned`` compares it first (a change already committed), then flushes (a change
committed between our read and our write), and either way raises ``Conflict``.
"""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm.exc import StaleDataError

from webapp.errors import Refused
from webapp.extensions import db

T = TypeVar("T")

STALE = ("Ces données viennent d'être modifiées par quelqu'un d'autre : vérifiez puis "
         "validez à nouveau.")


class Conflict(Refused):
    """The record changed since the form was built (HTTP 409)."""

    def __init__(self, message: str = STALE):
        super().__init__(message, status=409)


def conflicts(record, posted_version) -> bool:
    """The posted version is not the record's current one (someone saved meanwhile)."""
    return str(posted_version) != str(record.version)


def save_versioned(record, posted_version, write: Callable[[], T],
                   message: str = STALE) -> T:
    """Run ``write`` (a service call changing ``record``) only if ``posted_version`` is the
    record's version, and flush; raise ``Conflict`` (the session rolled back) otherwise."""
    if conflicts(record, posted_version):
        raise Conflict(message)
    try:
        result = write()
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(message) from None
    return result
