"""The demo's proposals (issue #16): for the first clients of each advisor, proposals in
every state (en préparation, validée, commandée, signée, remise en production, en rejet)
and some anomalous ones (a « MO- » mixed with positive sub-orders, an empty MO, a
sub-order churned in full), all written through the proposals' services."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from webapp.activities.catalogue.models import Product
from webapp.clients.models import Client
from webapp.data.demo_state import Demo
from webapp.extensions import db
from webapp.proposals import services
from webapp.proposals.models import Status

CATALOGUE = [  # key, label, range, price HT
    ("pave-annuaire", "Pavé annuaire", "Annuaire imprimé", "480.00"),
    ("inscription-plus", "Inscription enrichie", "Annuaire imprimé", "220.00"),
    ("site-visibilite", "Site visibilité", "Sites", "890.00"),
    ("video-pro", "Vidéo professionnelle", "Sites", "650.00"),
    ("display-local", "Display local", "Display", "1200.00"),
    ("avis-clients", "Gestion des avis clients", "Services", "35.00"),
]
# (name, status, sub-orders as (number, MO, churned, [(product, state, amount or None)]))
PLANS = [
    ("Plan visibilité {year}", Status.DRAFT, [
        ("001", "MO-{n}1", False, [("pave-annuaire", "renewed", None)]),
        ("201", "MO-{n}3", False, [("site-visibilite", "new", None)])]),
    ("Relance annuaire", Status.DRAFT, [  # anomalous: a « MO- » with positive ones
        ("001", "MO-{n}1", False, [("pave-annuaire", "renewed", None)]),
        ("101", "MO-{n}2", False, [("inscription-plus", "cancelled", "-900.00")]),
        ("201", "MO-{n}3", False, [("video-pro", "new", None)])]),
    ("Simulation sites", Status.DRAFT, [  # anomalous: an empty MO and a churned range
        ("001", "MO-{n}1", False, [("site-visibilite", "renewed", None)]),
        ("101", "MO-{n}2", False, [("avis-clients", "renewed", "0.00")]),
        ("301", "MO-{n}4", True, [("display-local", "renewed", None)])]),
    ("Printemps display", Status.VALIDATED, [
        ("001", "MO-{n}1", False, [("display-local", "new", None)])]),
    ("Offre complète", Status.ORDERED, [
        ("001", "MO-{n}1", False, [("pave-annuaire", "renewed", None),
                                   ("inscription-plus", "modified", None)])]),
    ("Reconduction {year}", Status.SIGNED, [
        ("001", "MO-{n}1", False, [("pave-annuaire", "renewed", None)])]),
    ("Vidéo et avis", Status.PRODUCTION, [
        ("001", "MO-{n}1", False, [("video-pro", "new", None), ("avis-clients", "new", None)])]),
    ("Site et annuaire", Status.REJECTED, [
        ("001", "MO-{n}1", False, [("site-visibilite", "new", None)])]),
]
MAX_CLIENTS = 40
# The bench's proposals (bench/scenarios_proposals.py): 40 sub-orders each, valid, in
# preparation; one is validated per measured request, so a large demo holds enough.
BIG_SUBORDERS = 40
BIG_KEY = "demo-proposal-big-"


def big_count(scale: int) -> int:
    return 120 if scale >= 10_000 else 2


def _products() -> dict[str, Product]:
    """The catalogue's products the demo names, added when missing (keys are stable)."""
    found = {p.key: p for p in db.session.scalars(
        select(Product).where(Product.key.in_([c[0] for c in CATALOGUE])))}
    for key, label, range_, price in CATALOGUE:
        if key not in found:
            found[key] = Product(key=key, label=label, range=range_,
                                 unit_price_ht=Decimal(price), active=True)
            db.session.add(found[key])
    db.session.flush()
    return found


def create(demo: Demo) -> None:
    products = _products()
    wanted = min(MAX_CLIENTS, max(8, demo.scale // 10))
    clients = db.session.scalars(select(Client).where(Client.advisor_id.is_not(None))
                                 .order_by(Client.id).limit(wanted)).all()
    signed_at = datetime.now(UTC) - timedelta(days=3)
    count = 0
    for index, client in enumerate(clients):
        name, status, suborders = PLANS[index % len(PLANS)]
        n = f"{client.id:04d}"
        proposal = services.create_proposal(client, services.ProposalInput(
            name=name.format(year=demo.today.year + 1), plan_count=demo.rng.choice((1, 3, 10))),
            None, key=f"demo-proposal-{client.id}")
        proposal.author_id = client.advisor_id
        services.set_suborders(proposal, [
            (services.SubOrderInput(number=number, mo=mo.format(n=n),
                                    range_label=products[lines[0][0]].range, churned=churned),
             [services.LineSpec(products[key], state,
                                Decimal(amount) if amount else products[key].unit_price_ht)
              for key, state, amount in lines])
            for number, mo, churned, lines in suborders])
        services.restore_status(proposal, status, signed_at=signed_at,
                                reason="Mandat de prélèvement illisible")
        count += 1
    count += _big(demo, products, len(clients))
    demo.counts["Propositions commerciales"] = count


def _big(demo: Demo, products: dict, offset: int) -> int:
    """Proposals of 40 sub-orders (001 … 391), one product each, for the bench."""
    wanted = big_count(demo.scale)
    clients = db.session.scalars(select(Client).where(Client.advisor_id.is_not(None))
                                 .order_by(Client.id).offset(offset).limit(wanted)).all()
    keys = [c[0] for c in CATALOGUE if c[0] != "avis-clients"]
    for n, client in enumerate(clients):
        proposal = services.create_proposal(client, services.ProposalInput(
            name=f"Plan national {n + 1}", plan_count=12), None, key=f"{BIG_KEY}{n + 1}")
        proposal.author_id = client.advisor_id
        specs = []
        for i in range(BIG_SUBORDERS):
            product = products[keys[i % len(keys)]]
            specs.append((services.SubOrderInput(number=f"{i * 10 + 1:03d}", mo=f"MO-{n}-{i}",
                                                 range_label=product.range),
                          [services.LineSpec(product, "renewed" if i % 2 else "new",
                                             product.unit_price_ht)]))
        services.set_suborders(proposal, specs)
    return len(clients)
