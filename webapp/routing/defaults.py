"""Default data of request routing (migration 7c4e1b9a2d30 inserts the same rows): the
seed's request types, a few companies, the bonus/malus points and the settings row."""

from sqlalchemy import insert, select

from webapp.extensions import db
from webapp.routing.models import ClientRequestType, Company, RoutingSettings, ScoreRule
from webapp.routing.rules import DEFAULT_POINTS

# Seed 002's examples: (name, ends a contract, needs a certification).
REQUEST_TYPES = (
    ("Demande de rachat", True, False),
    ("Arrêt des versements", True, False),
    ("Arbitrage", False, True),
    ("Mécontentement dû aux performances", False, False),
    ("Demande de prestation retraite", False, False),
)
COMPANIES = ("Generali", "AXA", "Allianz", "SwissLife", "Cardif", "Spirica")


def ensure_defaults() -> None:
    """Insert the default rows that are missing (plain inserts, as the migration)."""
    types = set(db.session.scalars(select(ClientRequestType.name)))
    rows = [{"name": name, "ends_contract": ends, "needs_certification": cert,
             "active": True, "position": position}
            for position, (name, ends, cert) in enumerate(REQUEST_TYPES, 1) if name not in types]
    if rows:
        db.session.execute(insert(ClientRequestType), rows)
    companies = set(db.session.scalars(select(Company.name)))
    rows = [{"name": name, "active": True} for name in COMPANIES if name not in companies]
    if rows:
        db.session.execute(insert(Company), rows)
    keys = set(db.session.scalars(select(ScoreRule.key)))
    rows = [{"key": key, "label": label, "points": points}
            for key, (label, points) in DEFAULT_POINTS.items() if key not in keys]
    if rows:
        db.session.execute(insert(ScoreRule), rows)
    if db.session.scalar(select(RoutingSettings.id)) is None:
        db.session.execute(insert(RoutingSettings), [{"contract_window_days": 90,
                                                      "booster_floor": 0, "booster_cap": 20}])
