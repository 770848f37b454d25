"""Default data of the back-office desk (migration b7d2f1a2c3e4 inserts the same rows)."""

from sqlalchemy import insert, select

from webapp.backoffice.booklets.rules import BOOKLET_CONTRACTS
from webapp.backoffice.models import BookletContract, RequestType
from webapp.extensions import db

# Slide 3 « Quelles demandes, à qui ? »: (name, workflow, to the BO queue, new-contract
# checklist, the seed's line). The people (Chris, David) are users: an admin names them in
# the matrix; until then a request goes to the BO queue.
REQUEST_TYPES = (
    ("Cotation R1", "r1", False, False, "À : Chris (tarification) · copie : David"),
    ("Mise en place partenariat (R2 validé)", "r2", True, True, "À : BO · copie : David"),
    ("Log agences", "simple", True, False, "À : BO"),
    ("Ajout produit distrib", "simple", True, False, "À : BO"),
    ("Demande de stats", "simple", False, False, "À : David + Chris"),
    ("Support RDV", "simple", False, False, "À : David + Chris"),
    ("Support formation", "simple", False, False, "À : David + Chris"),
    ("Infos diverses", "simple", False, False, "À : David + Chris"),
)


def ensure_defaults() -> None:
    """Insert the default request types and booklet contracts that are missing (as the
    migration does: plain inserts, not changes made by someone)."""
    types = set(db.session.scalars(select(RequestType.name)))
    rows = [{"name": name, "workflow": flow, "to_bo": to_bo, "checklist": checklist,
             "hint": hint, "position": position, "active": True}
            for position, (name, flow, to_bo, checklist, hint) in enumerate(REQUEST_TYPES, 1)
            if name not in types]
    if rows:
        db.session.execute(insert(RequestType), rows)
    contracts = set(db.session.scalars(select(BookletContract.name)))
    rows = [{"name": name, "on_logimail": on_logimail, "position": position}
            for position, (name, on_logimail) in enumerate(BOOKLET_CONTRACTS, 1)
            if name not in contracts]
    if rows:
        db.session.execute(insert(BookletContract), rows)
