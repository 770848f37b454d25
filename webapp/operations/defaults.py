"""Default data of the operations module (the initial migration inserts the same rows)."""

from sqlalchemy import select

from webapp.extensions import db
from webapp.operations.models import ConclusionKind

# IMPORT-FORMAT.md: « kinds are data, the defaults being Vente, Signature (positive),
# Refus, Sans décision (negative) ».
CONCLUSION_KINDS = (("Vente", True), ("Signature", True), ("Refus", False),
                    ("Sans décision", False))


def ensure_defaults() -> None:
    """Insert the default conclusion kinds that are missing (idempotent)."""
    existing = set(db.session.scalars(select(ConclusionKind.name)))
    for position, (name, positive) in enumerate(CONCLUSION_KINDS, 1):
        if name not in existing:
            db.session.add(ConclusionKind(name=name, positive=positive, position=position))
    db.session.flush()
