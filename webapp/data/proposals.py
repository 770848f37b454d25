"""The ``proposals`` section: commercial proposals with their sub-orders and product lines
(issue #16), written through the proposals' services.

A proposal is matched by key. Its lines name catalogue products by key (products already
in the database). A status past « en préparation » is reached as on screen: an anomalous
proposal is refused at validation. Re-importing the export changes nothing."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import clock
from webapp.activities.catalogue.models import Product
from webapp.clients.models import Client
from webapp.data.operations import day
from webapp.data.opportunities import _moment
from webapp.data.schema import Field, Invalid, choice, key, ref, text
from webapp.data.sections import (
    CHUNK,
    Context,
    Item,
    Section,
    Tally,
    objects_by_key,
    referenced,
    rows_by_key,
)
from webapp.extensions import db
from webapp.proposals import rules, services
from webapp.proposals.models import Billing, LineState, ProductLine, Proposal, Status, SubOrder

STATES = set(LineState.labels())
SIGNED = {Status.SIGNED, Status.PRODUCTION, Status.REJECTED}


def _integer(low: int, high: int):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid(f"nombre entier entre {low} et {high} attendu")
        return value

    return Field(check)


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError as error:
        raise Invalid("montant attendu (« -120.50 »)") from error
    if isinstance(value, bool) or not amount.is_finite() or abs(amount) >= Decimal("1e10") \
            or amount != amount.quantize(Decimal("0.01")):
        raise Invalid("montant attendu, deux décimales au plus, sous 10 milliards")
    return amount.quantize(Decimal("0.01"))


def _text(value, length: int, what: str) -> str:
    if not isinstance(value, str) or len(value.strip()) > length:
        raise Invalid(f"{what} : texte de {length} caractères au plus attendu")
    return value.strip()


def _line(raw, where: str) -> dict:
    if not isinstance(raw, dict) or set(raw) - {"product", "state", "amount_ht"}:
        raise Invalid(f"{where} : objet {{product, state, amount_ht}} attendu")
    if raw.get("state") not in STATES:
        raise Invalid(f"{where}.state : une de {', '.join(sorted(STATES))}")
    return {"product": _text(raw.get("product"), 80, f"{where}.product"),
            "state": raw["state"], "amount_ht": _amount(raw.get("amount_ht"))}


def _suborders(value) -> list[dict]:
    """``[{number, mo, range, churned, lines: [{product, state, amount_ht}]}]``."""
    if not isinstance(value, list):
        raise Invalid("liste de sous-commandes attendue")
    found, numbers = [], set()
    for index, raw in enumerate(value):
        where = f"[{index}]"
        if not isinstance(raw, dict) or set(raw) - {"number", "mo", "range", "churned", "lines"}:
            raise Invalid(f"{where} : objet {{number, mo, range, churned, lines}} attendu")
        number = _text(raw.get("number"), 10, f"{where}.number")
        if not number.isdigit() or len(number) != 3 or number in numbers:
            raise Invalid(f"{where}.number : trois chiffres, une fois par proposition")
        numbers.add(number)
        churned, lines = raw.get("churned", False), raw.get("lines", [])
        if not isinstance(churned, bool) or not isinstance(lines, list):
            raise Invalid(f"{where} : churned true/false, lines une liste")
        found.append({"number": number, "mo": _text(raw.get("mo", ""), 20, f"{where}.mo"),
                      "range": _text(raw.get("range", ""), 120, f"{where}.range"),
                      "churned": raw.get("churned", False),
                      "lines": [_line(line, f"{where}.lines[{i}]")
                                for i, line in enumerate(raw.get("lines", []))]})
    return found


FIELDS = {
    "key": key(),
    "client": Field(ref("clients").check, required=True, ref="clients"),
    "name": text(Proposal.name, required=True),
    "status": choice(Status),
    "plan_count": _integer(1, rules.MAX_PLAN),
    "plan_start": day(),
    "billing": choice(Billing),
    "notes": text(Proposal.notes, length=5000),
    "signed_at": Field(lambda v: _moment(v)),
    "number": text(Proposal.number),
    "rejected_reason": text(Proposal.rejected_reason, length=2000),
    "suborders": Field(_suborders),
}


def _facts(values: dict, rates: dict) -> rules.ProposalFacts:
    """The proposal of the file as the anomaly rules read it (its plan: the one the
    services will compute)."""
    suborders = tuple(rules.SubOrderFacts(s["number"], s["mo"], s["churned"], tuple(
        rules.LineFacts(line["state"], line["amount_ht"], rates[line["product"]])
        for line in s["lines"])) for s in values.get("suborders") or ())
    plan = rules.payment_plan(rules.ProposalFacts(suborders), values.get("plan_count", 1),
                              values.get("plan_start") or clock.today())
    return rules.ProposalFacts(suborders, tuple(amount for _day, amount in plan))


def check(items: list[Item], ctx: Context) -> None:
    """Every product a line names is in the catalogue (stored, or in the file's); a
    status past « en préparation » needs a proposal the anomaly rules let through (as
    « Valider » does), a signed one its signature time."""
    wanted = {line["product"] for item in items for s in item.values.get("suborders") or ()
              for line in s["lines"]}
    in_file = ctx.declared.get("catalogue", {})  # the file's catalogue loads first
    found = rows_by_key(Product, wanted - in_file.keys(), Product.vat_rate)
    rates = {row.key: row.vat_rate for row in found.values()} | {
        key: product.values["vat_rate"] for key, product in in_file.items()}
    for item in items:
        missing = [line["product"] for s in item.values.get("suborders") or ()
                   for line in s["lines"] if line["product"] not in rates]
        if missing:
            ctx.fail(item, "suborders", f"produit inconnu « {missing[0]} »")
            continue
        status = item.values.get("status") or Status.DRAFT
        if status == Status.DRAFT:
            continue
        facts = _facts(item.values, rates)
        if anomalies := rules.anomalies(facts):
            ctx.fail(item, "status", f"« {Status(status).label} » refusé : {anomalies[0].message}")
        elif status in SIGNED and not item.values.get("signed_at"):
            ctx.fail(item, "signed_at", "champ obligatoire pour une proposition signée")


def _specs(values: dict, products: dict) -> list:
    return [(services.SubOrderInput(number=s["number"], mo=s["mo"], range_label=s["range"],
                                    churned=s["churned"]),
             [services.LineSpec(products[line["product"]], line["state"], line["amount_ht"])
              for line in s["lines"]]) for s in values.get("suborders") or ()]


def _same(proposal: Proposal, values: dict) -> bool:
    return export_suborders(proposal) == [
        {"number": s["number"], "mo": s["mo"], "range": s["range"], "churned": s["churned"],
         "lines": [{**line, "amount_ht": format(line["amount_ht"], "f")} for line in s["lines"]]}
        for s in values.get("suborders") or ()]


def load(items: list[Item]) -> Tally:
    """Create or update the proposals through their services."""
    proposals = objects_by_key(Proposal, [item.key for item in items])
    clients = objects_by_key(Client, referenced(items, "client"))
    products = objects_by_key(Product, {line["product"] for item in items
                                        for s in item.values.get("suborders") or ()
                                        for line in s["lines"]})
    tally = Tally()
    for item in items:
        values, proposal = item.values, proposals.get(item.key)
        created = proposal is None
        tally.count(created, _write(proposal, values, clients, products, item.key))
    db.session.flush()
    return tally


def _write(proposal, values, clients, products, key) -> bool:
    basics = services.ProposalInput(
        name=values["name"], plan_count=values.get("plan_count", 1),
        plan_start=values.get("plan_start"))
    if proposal is None:
        proposal = services.create_proposal(clients[values["client"]], basics, None, key=key)
        services.set_suborders(proposal, _specs(values, products))
        changed = True
    else:
        changed = False
        if proposal.editable and not _same(proposal, values) and "suborders" in values:
            services.set_suborders(proposal, _specs(values, products))
            changed = True
        if proposal.editable and (proposal.name, proposal.plan_count) != (
                values["name"], values.get("plan_count", proposal.plan_count)):
            services.update_proposal(proposal, basics)
            changed = True
    if values.get("billing") and proposal.billing != values["billing"]:
        proposal.billing, changed = values["billing"], True
    status = values.get("status") or proposal.status
    if status != proposal.status:
        services.restore_status(proposal, status, values.get("signed_at"), values.get("number"),
                                values.get("rejected_reason"))
        changed = True
    return changed


def export_suborders(proposal: Proposal) -> list[dict]:
    return [{"number": s.number, "mo": s.mo, "range": s.range_label, "churned": s.churned,
             "lines": [{"product": line.product_key, "state": line.state,
                        "amount_ht": format(line.amount_ht, "f")} for line in s.lines]}
            for s in proposal.suborders]


def export():
    stmt = (select(Proposal, Client.key.label("client"))
            .join(Client, Client.id == Proposal.client_id)
            .options(selectinload(Proposal.suborders).selectinload(SubOrder.lines)
                     .selectinload(ProductLine.product))
            .order_by(Proposal.key).execution_options(yield_per=CHUNK))
    for proposal, client in db.session.execute(stmt):
        record = {"key": proposal.key, "client": client, "name": proposal.name,
                  "status": proposal.status, "plan_count": proposal.plan_count,
                  "plan_start": proposal.plan_start.isoformat() if proposal.plan_start else None,
                  "billing": proposal.billing, "notes": proposal.notes or None,
                  "signed_at": proposal.signed_at.isoformat() if proposal.signed_at else None,
                  "number": proposal.number, "rejected_reason": proposal.rejected_reason,
                  "suborders": export_suborders(proposal)}
        yield {name: value for name, value in record.items() if value is not None}


SECTION = Section(name="proposals", label="Propositions commerciales", model=Proposal,
                  key_prefix="proposal", unknown="proposition inconnue", fields=FIELDS,
                  check=check, load=load, export=export)
