"""The ``opportunities`` section: the pipeline's opportunities, with the screens' rules.

The name is checked by ``opportunities.rules.name_error`` against the client file (in the
file or stored), the phone parsed by the client rule (a number whose plan cannot tell is
a mobile only when ``phone_is_mobile`` says so, a landline never is), and the stage's
requirements are those of a move (``opportunities.rules.unmet``) — except the meeting,
which the format does not carry. Types, stages and lost reasons are named as on screen.
Opportunities are matched by key; an import never deletes one.
"""

from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from webapp import clock
from webapp.auth.models import Branch, Role, User
from webapp.clients.models import Client, Language
from webapp.data.clients import compact_phone
from webapp.data.operations import amount, day
from webapp.data.schema import Field, Invalid, boolean, choice, email, key, phone, ref, text
from webapp.data.sections import (
    CHUNK,
    Context,
    Item,
    Section,
    Tally,
    ids_by_key,
    objects_by_key,
    referenced,
    rows_by_key,
)
from webapp.dates import FIRST_DAY, LAST_DAY, day_error
from webapp.extensions import db
from webapp.opportunities import services
from webapp.opportunities.board.services import enter_stage
from webapp.opportunities.defaults import LOST_REASONS, STAGES, TYPES, ensure_defaults
from webapp.opportunities.models import LostReason, Opportunity, OpportunityType, Stage
from webapp.opportunities.rules import (
    LANDLINE,
    Facts,
    is_expired,
    name_error,
    parse_requirements,
    unmet,
)

FLUSH_EVERY = 1000


def _integer(low: int, high: int) -> Field:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("nombre entier attendu")
        if not low <= value <= high:
            raise Invalid(f"entre {low} et {high}")
        return value

    return Field(check)


def _moment(value) -> datetime:
    if not isinstance(value, str):
        raise Invalid("date et heure attendues (ISO 8601 avec fuseau horaire)")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise Invalid(f"date et heure invalides « {value} »") from error
    if moment.tzinfo is None:
        raise Invalid("fuseau horaire manquant (par exemple « 2026-01-03T10:00:00-05:00 »)")
    if day_error(moment):
        raise Invalid(f"date hors de {FIRST_DAY.year}–{LAST_DAY.year} « {value} »")
    return moment.astimezone(UTC)  # stored in UTC (SQLite keeps no zone)


def _utc(moment: datetime | None) -> datetime | None:
    """Stored instants are UTC; SQLite gives them back without their zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


FIELDS = {
    "key": key(),
    "client": Field(ref("clients").check, required=True, ref="clients"),
    "name": text(Opportunity.name, required=True),
    "type": text(OpportunityType.name, required=True),
    "stage": text(Stage.name, required=True),
    "owner": ref("users"),
    "spex": ref("users"),
    "sales_director": ref("users"),
    "branch": ref("branches"),
    "phone": phone(Opportunity.phone),
    "phone_is_mobile": boolean(),
    "email": email(Opportunity.email),
    "language": choice(Language),
    "purpose": text(Opportunity.purpose),
    "amount": amount(),
    "probability": _integer(0, 100),
    "expected_close_on": day(),
    "vehicle_make": text(Opportunity.vehicle_make),
    "vehicle_model": text(Opportunity.vehicle_model),
    "vehicle_year": _integer(1950, 2100),
    "stock_number": text(Opportunity.stock_number),
    "vehicle_notes": text(Opportunity.vehicle_notes, length=5000),
    "has_trade_in": boolean(),
    "trade_make": text(Opportunity.trade_make),
    "trade_model": text(Opportunity.trade_model),
    "trade_year": _integer(1950, 2100),
    "trade_odometer": _integer(0, 2_000_000),
    "follow_up_on": day(),
    "remarks": text(Opportunity.remarks, length=20000),
    "lost_reason": text(LostReason.name),
    "sale_date": day(),
    "delivery_date": day(),
    "created_at": Field(_moment),
}
SIMPLE = ("name", "email", "language", "purpose", "amount", "probability",
          "expected_close_on", "vehicle_make", "vehicle_model", "vehicle_year",
          "stock_number", "vehicle_notes", "has_trade_in", "trade_make", "trade_model",
          "trade_year", "trade_odometer", "follow_up_on", "remarks", "sale_date",
          "delivery_date")
PEOPLE = {"owner": "owner_id", "spex": "spex_id", "sales_director": "sales_director_id"}
ROLES = {"spex": (Role.ADVISOR, "un SPEX est un conseiller"),
         "sales_director": (Role.MANAGER, "un DV est un responsable")}


def _names(model) -> dict[str, int]:
    return dict(db.session.execute(select(model.name, model.id)).all())


def _stages() -> dict[str, object]:
    """The stages by name, the default ones included even if not stored yet (the load
    creates them, as the migration does)."""
    stored = {s.name: s for s in db.session.scalars(select(Stage))}
    defaults = {d.name: d for d in STAGES if d.name not in stored}
    return {**defaults, **stored}


def check(items: list[Item], ctx: Context) -> None:
    """Named types, stages and reasons exist; the name is the client's; the SPEX is an
    advisor and the DV a manager; the phone's mobile flag holds; the stage's
    requirements are met."""
    stages = _stages()
    names = {"type": set(_names(OpportunityType)) | set(TYPES),
             "lost_reason": set(_names(LostReason)) | set(LOST_REASONS)}
    clients_in_file = ctx.declared.get("clients", {})
    stored = rows_by_key(Client, referenced(items, "client") - clients_in_file.keys(),
                         Client.first_name, Client.last_name)
    users_in_file = ctx.declared.get("users", {})
    wanted = referenced(items, "spex") | referenced(items, "sales_director")
    stored_users = rows_by_key(User, wanted - users_in_file.keys(), User.role)
    for item in items:
        values = item.values
        for name in ("type", "lost_reason"):
            if values.get(name) is not None and values[name] not in names[name]:
                ctx.fail(item, name, f"valeur inconnue « {values[name]} »")
        if values.get("stage") is not None and values["stage"] not in stages:
            ctx.fail(item, "stage", f"étape inconnue « {values['stage']} »")
        client = values.get("client")
        first, last = _client_names(client, clients_in_file, stored)
        error = name_error(values["name"], first, last) if (
            values.get("name") and first is not None) else None
        if error:
            ctx.fail(item, "name", error[0].lower() + error[1:])
        for name, (role, message) in ROLES.items():
            user = values.get(name)
            if user is None:
                continue
            found = (users_in_file[user].values.get("role") if user in users_in_file
                     else getattr(stored_users.get(user), "role", None))
            if found is not None and found != role:
                ctx.fail(item, name, message)
        _check_phone(item, ctx)
        if item.ok and values.get("stage") in stages:
            _check_requirements(item, stages[values["stage"]], first, last, ctx)


def _client_names(client, in_file: dict, stored: dict) -> tuple[str | None, str | None]:
    if client in in_file:
        return in_file[client].values.get("first_name"), in_file[client].values.get("last_name")
    if client in stored:
        return stored[client].first_name, stored[client].last_name
    return None, None


def _check_phone(item: Item, ctx: Context) -> None:
    """The flag the screens set: mobile as parsed, or confirmed where the plan cannot tell
    (``phone_is_mobile: true``); a landline is never a mobile."""
    parsed, confirmed = item.values.get("phone"), item.values.get("phone_is_mobile")
    if parsed is None:
        return
    if confirmed and parsed.is_mobile is False:
        ctx.fail(item, "phone_is_mobile", LANDLINE[0].lower() + LANDLINE[1:])
    elif parsed.is_mobile is None and confirmed is not None:
        item.values["phone"] = replace(parsed, is_mobile=confirmed)


def _check_requirements(item: Item, stage, first, last, ctx: Context) -> None:
    """An import is not a back door: the stage's requirements, as for a move (the
    meeting excepted: the format carries none)."""
    values = item.values
    created = values.get("created_at")
    parsed = values.get("phone")
    facts = Facts(
        name=values.get("name"), client_first_name=first, client_last_name=last,
        phone=parsed.display if parsed else None,
        phone_is_mobile=parsed.is_mobile if parsed else None, email=values.get("email"),
        branch_id=1 if values.get("branch") else None, language=values.get("language"),
        owner_id=1 if values.get("owner") else None,
        spex_id=1 if values.get("spex") else None,
        sales_director_id=1 if values.get("sales_director") else None,
        expired=bool(created) and is_expired(clock.local_day(created), clock.today(),
                                             stage.expires_after_days),
        has_meeting=True, lost_reason_id=1 if values.get("lost_reason") else None,
        sale_date=values.get("sale_date"), delivery_date=values.get("delivery_date"))
    required = parse_requirements(stage.required)
    for requirement in unmet(required, facts):
        field = _FIELD_OF.get(requirement.key, "stage")
        ctx.fail(item, field, f"« {stage.name} » demande : {requirement.label.lower()}")


_FIELD_OF = {"name": "name", "phone": "phone", "email": "email", "branch": "branch",
             "language": "language", "owner": "owner", "spex": "spex",
             "sales_director": "sales_director", "lost_reason": "lost_reason",
             "sale_date": "sale_date", "delivery_date": "delivery_date"}


def load(items: list[Item]) -> Tally:
    """Create or update the opportunities (the default stages, types and reasons first,
    if missing) through the pipeline's services, as the screens do."""
    ensure_defaults()
    opportunities = objects_by_key(Opportunity, [item.key for item in items])
    refs = {"client": ids_by_key(Client, referenced(items, "client")),
            "branch": ids_by_key(Branch, referenced(items, "branch")),
            "user": ids_by_key(User, set().union(*(referenced(items, n) for n in PEOPLE))),
            "type": _names(OpportunityType), "stage": objects_by_name(Stage),
            "lost_reason": _names(LostReason)}
    tally = Tally()
    for item in items:
        opportunity = opportunities.get(item.key)
        values, stage = _columns(item.values, refs), refs["stage"][item.values["stage"]]
        if opportunity is None:
            services.create({"key": item.key, **values}, None, stage,
                            entered_at=item.values.get("created_at") or datetime.now(UTC))
            tally.count(True, True)
            continue
        changed = services.differs(opportunity, values) or opportunity.stage_id != stage.id
        services.fill(opportunity, values)
        if opportunity.stage_id != stage.id:
            enter_stage(opportunity, stage, datetime.now(UTC))
        tally.count(False, changed)
    db.session.flush()
    return tally


def objects_by_name(model) -> dict[str, object]:
    return {row.name: row for row in db.session.scalars(select(model))}


def _columns(values: dict, refs: dict) -> dict:
    """The file's fields present, as the opportunity's columns (only those given: a field
    absent from the file keeps its value)."""
    columns = {name: values[name] for name in SIMPLE if name in values}
    ids = {"client_id": ("client", "client"), "type_id": ("type", "type"),
           "branch_id": ("branch", "branch"), "lost_reason_id": ("lost_reason", "lost_reason"),
           **{column: (name, "user") for name, column in PEOPLE.items()}}
    columns |= {column: refs[ref].get(values.get(name))
                for column, (name, ref) in ids.items() if name in values}
    if "phone" in values:
        parsed = values["phone"]
        columns["phone"] = parsed.display if parsed else None
        columns["phone_is_mobile"] = parsed.is_mobile if parsed else None
    if "created_at" in values:
        columns["created_at"] = values["created_at"]
    return columns


def export():
    client, owner, spex, director = (aliased(Client), aliased(User), aliased(User),
                                     aliased(User))
    stmt = (
        select(Opportunity, client.key.label("client"), owner.key.label("owner"),
               spex.key.label("spex"), director.key.label("sales_director"),
               Branch.key.label("branch"), OpportunityType.name.label("type"),
               Stage.name.label("stage"), LostReason.name.label("lost_reason"))
        .join(client, client.id == Opportunity.client_id)
        .join(OpportunityType, OpportunityType.id == Opportunity.type_id)
        .join(Stage, Stage.id == Opportunity.stage_id)
        .outerjoin(owner, owner.id == Opportunity.owner_id)
        .outerjoin(spex, spex.id == Opportunity.spex_id)
        .outerjoin(director, director.id == Opportunity.sales_director_id)
        .outerjoin(Branch, Branch.id == Opportunity.branch_id)
        .outerjoin(LostReason, LostReason.id == Opportunity.lost_reason_id)
        .order_by(Opportunity.key)
        .execution_options(yield_per=CHUNK))
    for row in db.session.execute(stmt):
        opportunity = row[0]
        record = {"key": opportunity.key, "client": row.client, "name": opportunity.name,
                  "type": row.type, "stage": row.stage, "owner": row.owner, "spex": row.spex,
                  "sales_director": row.sales_director, "branch": row.branch,
                  "phone": compact_phone(opportunity.phone),
                  "phone_is_mobile": opportunity.phone_is_mobile}
        for name in SIMPLE:
            if name != "name":
                record[name] = _json(getattr(opportunity, name))
        record["lost_reason"] = row.lost_reason
        record["created_at"] = _utc(opportunity.created_at).isoformat()
        db.session.expunge(opportunity)  # 100 000 opportunities: keep the session small
        yield record


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "normalize"):  # Decimal
        return format(value.normalize(), "f")
    return value


SECTION = Section(name="opportunities", label="Opportunités", model=Opportunity,
                  key_prefix="opp", unknown="opportunité inconnue", fields=FIELDS,
                  check=check, load=load, export=export)
