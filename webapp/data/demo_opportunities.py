"""Demo step: the pipeline of a car dealer's BDC — ``demo.scale`` opportunities spread
over the 13 stages, their meetings and calls, and each branch's SPEX rotation and DV
group — inserted in bulk.

Every row is one the screens would accept (``flask data import`` re-checks them): the
name is the client's, a meeting stage has its prerequisites (a mobile, an e-mail, the
SPEX, the DV…), lost and invalid stages a reason, sales their dates; subjects and
priorities come from ``opportunities.rules``. Some opportunities of the first stages are
older than 8 weeks (expired), a few share a stock number (conflicts), some meetings and
calls are today.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from itertools import accumulate

from sqlalchemy import func, insert, select

from webapp import clock
from webapp.auth.models import Role, Team, User
from webapp.clients.models import Client
from webapp.data.bulk import built_at_the_end, insert_rows
from webapp.data.demo_state import Demo
from webapp.extensions import db
from webapp.opportunities import tally
from webapp.opportunities.defaults import ensure_defaults
from webapp.opportunities.models import (
    BranchStaff,
    Call,
    LostReason,
    Meeting,
    Opportunity,
    OpportunityType,
    Stage,
)
from webapp.opportunities.rules import (
    EXPIRY_DAYS,
    follow_up_date,
    meeting_priority,
    meeting_subject,
    remarks_template,
    stock_key,
)

CHUNK = 5000
# Stage key → weight: most leads end lost or delivered; a few in each step between.
STAGE_WEIGHTS = {"en-traitement": 8, "reponse-envoyee": 7, "contacte": 10, "perdu-bdc": 15,
                 "invalide-bdc": 4, "rdv-cedule": 6, "rdv-present": 6, "perdu-salle": 10,
                 "pris-en-charge": 5, "perdu-fi": 2, "vendu-non-livre": 4, "livre": 17,
                 "suivi-long-terme": 6}
TYPE_WEIGHTS = {"Lead Internet": 45, "Phone-Up": 25, "Clavardage": 15, "SMS": 15}
EARLY = {"en-traitement", "reponse-envoyee", "contacte"}
MET = {"rdv-cedule", "rdv-present", "pris-en-charge", "perdu-fi", "vendu-non-livre", "livre"}
SOLD = {"pris-en-charge", "perdu-fi", "vendu-non-livre", "livre"}
VEHICLES = (("Toyota", ("RAV4", "Corolla", "Camry", "Highlander")),
            ("Honda", ("Civic", "CR-V", "HR-V")), ("Hyundai", ("Tucson", "Kona", "Ioniq 5")),
            ("Ford", ("Escape", "F-150", "Mustang Mach-E")), ("Mazda", ("CX-5", "Mazda3")),
            ("Kia", ("Sportage", "Niro", "Sorento")), ("Volkswagen", ("Golf", "Tiguan")),
            ("Renault", ("Clio", "Captur", "Mégane E-Tech")), ("Peugeot", ("208", "3008")))
PURPOSES = ("Véhicule familial", "Trajets domicile-travail", "Remplacement du véhicule actuel",
            "Véhicule de fonction", "Premier véhicule", None, None)
HISTORY_DAYS = 700
STAGE_KEYS = list(STAGE_WEIGHTS)
STAGE_CUMULATED = list(accumulate(STAGE_WEIGHTS.values()))
TYPE_CUMULATED = list(accumulate(TYPE_WEIGHTS.values()))
REMARKS = remarks_template()


@dataclass
class _Branch:
    spex: list[int]
    dv: int | None


@dataclass
class _Env:
    demo: Demo
    now: datetime
    stages: dict[str, Stage]
    types: list[int]
    reasons: list[int]
    owners: list[int]
    branches: dict[int, _Branch]
    stock_pool: int
    rows: list[dict] = field(default_factory=list)
    meetings: list[tuple[str, dict]] = field(default_factory=list)  # (opportunity key, row)
    calls: list[tuple[str, dict]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"meetings": 0, "calls": 0})


def create(demo: Demo) -> None:
    """Insert the rotation, then the opportunities client by client, with their meetings
    and calls."""
    ensure_defaults()
    env = _env(demo)
    width = max(6, len(str(demo.scale)))
    clients = max(1, db.session.scalar(select(func.count()).select_from(Client.__table__)))
    made = index = 0
    with (built_at_the_end(Opportunity.__table__, Meeting.__table__, Call.__table__),
          tally.counted_at_the_end(db.session.connection())):
        for chunk in _client_chunks():
            for client in chunk:
                for _ in range(_quota(demo.scale, clients, index)):
                    made += 1
                    _opportunity(env, client, f"o-{made:0{width}d}")
                index += 1
            if len(env.rows) >= CHUNK:
                _flush(env)
        _flush(env)
    demo.counts.update({"Opportunités": made, "Réunions": env.counts["meetings"],
                        "Appels programmés": env.counts["calls"]})


def _quota(scale: int, clients: int, index: int) -> int:
    """Opportunities of the ``index``-th client: ``scale`` spread evenly over them."""
    return (index + 1) * scale // clients - index * scale // clients


def _client_chunks():
    """The clients, a chunk at a time, in id order (keyset: constant memory)."""
    table = Client.__table__
    last = 0
    while True:
        rows = db.session.execute(
            select(table.c.id, table.c.first_name, table.c.last_name, table.c.phone,
                   table.c.phone_is_mobile, table.c.phone2, table.c.phone2_is_mobile,
                   table.c.email, table.c.branch_id, table.c.language)
            .where(table.c.id > last).order_by(table.c.id).limit(CHUNK)).all()
        if not rows:
            return
        last = rows[-1].id
        yield rows


def _env(demo: Demo) -> _Env:
    stages = {s.key: s for s in db.session.scalars(select(Stage))}
    types = dict(db.session.execute(select(OpportunityType.name, OpportunityType.id)).all())
    reasons = list(db.session.scalars(select(LostReason.id).order_by(LostReason.id)))
    users = User.__table__
    owners = list(db.session.scalars(select(users.c.id).where(
        users.c.role == Role.BDC_AGENT, users.c.active).order_by(users.c.id)))
    managers = dict(db.session.execute(
        select(Team.__table__.c.name, users.c.id).join(Team.__table__,
                                                       Team.__table__.c.id == users.c.team_id)
        .where(users.c.role == Role.MANAGER).order_by(users.c.id)).all())
    branches = {}
    staff = []
    for agency in demo.agencies:
        branch = _Branch(spex=list(agency.advisor_ids), dv=managers.get(agency.name))
        branches[agency.branch_id] = branch
        staff += [{"branch_id": agency.branch_id, "user_id": user_id, "duty": "spex",
                   "position": n} for n, user_id in enumerate(branch.spex, 1)]
        if branch.dv:
            staff.append({"branch_id": agency.branch_id, "user_id": branch.dv, "duty": "dv",
                          "position": 1})
    if staff:
        db.session.execute(insert(BranchStaff.__table__), staff)
    return _Env(demo=demo, now=datetime.now(UTC), stages=stages,
                types=[types[name] for name in TYPE_WEIGHTS], reasons=reasons,
                owners=owners or [None], branches=branches,
                stock_pool=max(1000, demo.scale * 20))


def _mobile(client) -> str | None:
    if client.phone_is_mobile:
        return client.phone
    return client.phone2 if client.phone2_is_mobile else None


def _opportunity(env: _Env, client, key: str) -> None:
    rng, now, today = env.demo.rng, env.now, env.demo.today
    stage_key = rng.choices(STAGE_KEYS, cum_weights=STAGE_CUMULATED)[0]
    mobile = _mobile(client)
    branch = env.branches.get(client.branch_id) if client.branch_id else None
    if stage_key == "rdv-cedule" and not (mobile and client.email and branch and branch.spex
                                          and branch.dv and env.owners[0]):
        stage_key = "contacte"  # not ready for a meeting: still being worked on
    stage = env.stages[stage_key]
    if stage_key in EARLY:
        expired = rng.random() < 0.3
        age = rng.randrange(EXPIRY_DAYS + 1, 400) if expired else rng.randrange(0, EXPIRY_DAYS)
    else:
        age = rng.randrange(10, HISTORY_DAYS)
    created = now - timedelta(days=age, seconds=rng.randrange(86400))
    entered = created + (now - created) * rng.random() * (0.3 if stage_key in EARLY else 1)
    make, models = rng.choice(VEHICLES)
    staffed = branch is not None and branch.spex and (stage_key in MET or rng.random() < 0.3)
    row = {
        "key": key, "name": f"{client.first_name} {client.last_name}", "client_id": client.id,
        "type_id": rng.choices(env.types, cum_weights=TYPE_CUMULATED)[0],
        "stage_id": stage.id, "stage_entered_at": entered,
        "phone": mobile, "phone_is_mobile": True if mobile else None,
        "email": client.email, "branch_id": client.branch_id, "language": client.language,
        "owner_id": rng.choice(env.owners),
        "spex_id": rng.choice(branch.spex) if staffed else None,
        "sales_director_id": branch.dv if staffed else None,
        "purpose": rng.choice(PURPOSES),
        "amount": rng.randrange(15, 90) * 1000 if rng.random() < 0.75 else None,
        "probability": _probability(rng, stage),
        "expected_close_on": (created + timedelta(days=rng.randrange(30, 120))).date(),
        "vehicle_make": make, "vehicle_model": rng.choice(models),
        "vehicle_year": today.year - rng.randrange(0, 6),
        "stock_number": None, "stock_key": None, "vehicle_notes": None,
        "has_trade_in": False, "trade_make": None, "trade_model": None, "trade_year": None,
        "trade_odometer": None, "follow_up_on": None,
        "remarks": REMARKS,  # as every creation (form, import) pre-fills it
        "lost_reason_id": rng.choice(env.reasons) if (stage.lost or stage.invalid) else None,
        "sale_date": None, "delivery_date": None, "copied_from_id": None,
        "created_at": created, "updated_at": entered, "version": 1,
    }
    row["created_by_id"] = row["owner_id"]
    if rng.random() < 0.55:
        stock = f"S{rng.randrange(env.stock_pool):07d}"
        row["stock_number"], row["stock_key"] = stock, stock_key(stock)
    if rng.random() < 0.25:
        trade_make, trade_models = rng.choice(VEHICLES)
        row.update(has_trade_in=True, trade_make=trade_make,
                   trade_model=rng.choice(trade_models),
                   trade_year=today.year - rng.randrange(4, 15),
                   trade_odometer=rng.randrange(20, 250) * 1000)
    if stage_key in SOLD:
        row["sale_date"] = entered.date()
    if stage_key == "livre":
        row["delivery_date"] = min(today, entered.date() + timedelta(days=rng.randrange(3, 30)))
    env.rows.append(row)
    if stage_key in MET and staffed:
        _meeting(env, client, row, upcoming=stage_key == "rdv-cedule")
    elif stage_key in EARLY and rng.random() < 0.1:
        _call(env, row)


def _probability(rng, stage: Stage) -> int:
    if stage.won:
        return 100
    if stage.lost or stage.invalid:
        return 0
    return rng.choice((20, 30, 40, 50, 60))


def _meeting(env: _Env, client, row: dict, upcoming: bool) -> None:
    rng, today = env.demo.rng, env.demo.today
    if upcoming:  # planned: today for some (the « RDV aujourd'hui » badge), else soon
        day = today if rng.random() < 0.15 else today + timedelta(days=rng.randrange(1, 15))
    else:
        day = row["stage_entered_at"].date() - timedelta(days=rng.randrange(0, 5))
    # typed in the branch's (the app's) time, stored in UTC
    starts = datetime.combine(day, time(rng.randrange(9, 19), rng.choice((0, 30))),
                              clock.zone()).astimezone(UTC)
    deposit = rng.choice(("stripe", "card", "transfer")) if rng.random() < 0.1 else None
    virtual = rng.random() < 0.1
    stocks = (row["stock_number"],) if row["stock_number"] else ()
    env.meetings.append((row["key"], {
        "subject": meeting_subject(client.first_name, stocks, bool(deposit), virtual),
        "starts_at": starts, "duration_minutes": 60, "location": None,
        "priority": meeting_priority(bool(deposit), stocks), "category": "meeting",
        "virtual": virtual, "device": rng.choice(("iphone", "android")) if virtual else None,
        "branch_id": row["branch_id"], "language": row["language"],
        "stock_numbers": row["stock_number"], "deposit_kind": deposit,
        "receipt_name": None, "receipt_original": None, "receipt_mimetype": None,
        "esign_status": rng.choice((None, "sent", "signed")) if deposit else None,
        "transfer": False, "status": "planned" if upcoming else "present",
        "description": None, "spex_id": row["spex_id"], "sequence": 0,
        "created_by_id": row["owner_id"], "created_at": row["stage_entered_at"],
        "version": 1}))
    if upcoming:
        row["follow_up_on"] = follow_up_date(day)


def _call(env: _Env, row: dict) -> None:
    rng, today = env.demo.rng, env.demo.today
    day = today + timedelta(days=rng.randrange(-1, 6))
    env.calls.append((row["key"], {
        "subject": "Appel de suivi", "assigned_to_id": row["owner_id"],
        "scheduled_at": datetime.combine(day, time(rng.randrange(9, 18), rng.choice((0, 30))),
                                         clock.zone()).astimezone(UTC),
        "done_at": None, "created_by_id": row["owner_id"], "created_at": env.now}))


def _flush(env: _Env) -> None:
    """Insert the opportunities gathered so far, then their meetings and calls."""
    if not env.rows:
        return
    table = Opportunity.__table__
    insert_rows(table, env.rows)
    ids = dict(db.session.execute(
        select(table.c.key, table.c.id)
        .where(table.c.key.between(env.rows[0]["key"], env.rows[-1]["key"]))).all())
    for model, items, count in ((Meeting, env.meetings, "meetings"),
                                (Call, env.calls, "calls")):
        if items:
            insert_rows(model.__table__,
                        [{"opportunity_id": ids[k], **row} for k, row in items])
            env.counts[count] += len(items)
    env.rows, env.meetings, env.calls = [], [], []

