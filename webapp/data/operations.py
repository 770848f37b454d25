"""The ``operations`` section: campaigns with their objectives, steps and targets.

The file is checked with the rules the screens use (``operations.rules``): the dates and
the minimal plan of an operation (``creation_errors``), each advisor's share
(``share_error``), the order of a target's step records (``missing_mandatory_before``),
the mandatory actions of a step done (``unchecked_mandatory_actions``) and the conclusion
(``conclusion_error``). Operations are matched by key, steps by (operation, step key),
objectives by (operation, advisor), targets by (operation, client), a target's records
by (step or title, status, date). An import never deletes an operation, a step, an
objective or a target; a target's records listed in the file replace the stored ones
(those matching stay as they are, so a re-import writes nothing).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import String, and_, cast, exists, literal, select, update
from sqlalchemy.orm import aliased, selectinload

from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.data.clients import ADVISOR_ROLES
from webapp.data.schema import Field, Invalid, boolean, choice, key, ref, text
from webapp.data.sections import (
    Context,
    Item,
    Section,
    Tally,
    chunks,
    ids_by_key,
    objects_by_key,
    parse_item,
    rows_by_key,
)
from webapp.dates import FIRST_DAY, LAST_DAY, day_error
from webapp.extensions import db
from webapp.operations.defaults import CONCLUSION_KINDS, ensure_defaults
from webapp.operations.models import (
    AdvisorObjective,
    ConclusionKind,
    Operation,
    RecordStatus,
    Step,
    StepAction,
    StepKind,
    StepRecord,
    Target,
)
from webapp.operations.rules import (
    PlanStep,
    Share,
    can_add_targets,
    conclusion_error,
    creation_errors,
    dates_error,
    missing_mandatory_before,
    share_error,
    unchecked_mandatory_actions,
)
from webapp.operations.setup import services as setup
from webapp.operations.setup.services import ActionInput, OperationInput, StepInput
from webapp.operations.targets import services as targets
from webapp.operations.timeline import services as timeline
from webapp.operations.timeline.services import ConclusionInput, EventInput, RecordInput

NOTES_LENGTH = 5000  # as the client form
MONEY_DIGITS = 12  # Numeric(14, 2)


# --- Field checks -----------------------------------------------------------------------

def _decimal(value, places: int, digits: int, signed: bool) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid("nombre attendu (par exemple « 1500.50 »)")
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as error:
        raise Invalid(f"« {value} » n'est pas un nombre") from error
    if not number.is_finite():
        raise Invalid(f"« {value} » n'est pas un nombre")
    if number.as_tuple().exponent < -places:
        raise Invalid(f"{places} décimales au plus")
    if abs(number) >= 10 ** digits:
        raise Invalid("nombre trop grand")
    if number < 0 and not signed:
        raise Invalid("le montant ne peut pas être négatif")
    return number


def amount(signed: bool = False) -> Field:
    """An amount in € (decimal string or number, 2 decimals at most); ``signed`` leaves
    the sign to a rule function (``share_error``, ``conclusion_error``)."""
    return Field(lambda value: _decimal(value, 2, MONEY_DIGITS, signed))


def percent() -> Field:
    return Field(lambda value: _decimal(value, 4, 3, signed=True))


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value) -> date:
    if not isinstance(value, str) or not ISO_DAY.match(value):
        raise Invalid("date attendue au format AAAA-MM-JJ")
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise Invalid(f"date invalide « {value} »") from error
    if day_error(day):
        raise Invalid(f"date hors de {FIRST_DAY.year}–{LAST_DAY.year} « {value} »")
    return day


def day(required: bool = False) -> Field:
    return Field(_day, required)


HOUR = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _time(value) -> str:
    if not isinstance(value, str) or not HOUR.match(value):
        raise Invalid("heure attendue au format HH:MM")
    return value


def _list(value) -> list:
    if not isinstance(value, list):
        raise Invalid("liste attendue")
    return value


def _object(value) -> dict:
    if not isinstance(value, dict):
        raise Invalid("objet attendu")
    return value


def _labels(value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid("liste de libellés d'actions attendue")
    return value


def _done(value) -> str:
    if value != RecordStatus.DONE.value:
        raise Invalid(f"valeur inconnue « {value} » (valeur possible : done)")
    return value


FIELDS = {
    "key": key(),
    "name": text(Operation.name, required=True),
    "responsible": Field(ref("users").check, required=True, ref="users"),
    "objective": amount(),
    "start": day(required=True),
    "end": day(required=True),
    "notify_start": boolean(),
    "notify_on": day(),
    "archived": boolean(),
    "advisor_objectives": Field(_list),
    "steps": Field(_list),
    "sale_step": Field(key().check),
    "targets": Field(_list),
}
SHARE_FIELDS = {"advisor": Field(key().check, required=True), "amount": amount(signed=True),
                "percent": percent()}
STEP_FIELDS = {
    "key": key(),
    "name": text(Step.name, required=True),
    "kind": choice(StepKind),
    "mandatory": boolean(),
    "propose_next": boolean(),
    "instructions": text(Step.instructions, length=NOTES_LENGTH),
    "actions": Field(_list),
}
ACTION_FIELDS = {"label": text(StepAction.label, required=True), "mandatory": boolean()}
TARGET_FIELDS = {
    "client": Field(key().check, required=True),
    "advisor": Field(key().check),
    "potential": amount(),
    "entry_date": day(),
    "records": Field(_list),
    "conclusion": Field(_object),
}
RECORD_FIELDS = {
    "step": Field(key().check),
    "title": text(StepRecord.title),
    "kind": choice(StepKind),
    "status": choice(RecordStatus, required=True),
    "date": day(),
    "time": Field(_time),
    "place": text(StepRecord.place),
    "notes": text(StepRecord.notes, length=NOTES_LENGTH),
    "checked_actions": Field(_labels),
}
CONCLUSION_FIELDS = {
    "status": Field(_done, required=True),
    "kind": text(ConclusionKind.name, required=True),
    "success": Field(boolean().check, required=True),
    "date": day(required=True),
    "amount": amount(signed=True),
}
SIMPLE = ("name", "objective", "start", "end", "notify_start", "notify_on", "archived")
STEP_SIMPLE = ("name", "kind", "mandatory", "propose_next", "instructions")
STEP_DEFAULTS = {"kind": StepKind.TASK, "mandatory": True, "propose_next": False}


def _parse_list(parent: Item, name: str, fields: dict[str, Field], ctx: Context) -> None:
    """Replace the raw list ``parent.values[name]`` by its checked items (null: absent)."""
    raw = parent.values.get(name)
    if raw is None:
        parent.values.pop(name, None)
        return
    parsed = [parse_item(element, fields, f"{parent.path}.{name}[{index}]", ctx)
              for index, element in enumerate(raw)]
    parent.values[name] = [item for item in parsed if item is not None]


def _parse_nested(item: Item, ctx: Context) -> None:
    _parse_list(item, "advisor_objectives", SHARE_FIELDS, ctx)
    _parse_list(item, "steps", STEP_FIELDS, ctx)
    for step in item.values.get("steps", []):
        _parse_list(step, "actions", ACTION_FIELDS, ctx)
    _parse_list(item, "targets", TARGET_FIELDS, ctx)
    for target in item.values.get("targets", []):
        _parse_list(target, "records", RECORD_FIELDS, ctx)
        if target.values.get("conclusion") is not None:
            target.values["conclusion"] = parse_item(target.values["conclusion"],
                                                 CONCLUSION_FIELDS,
                                                 f"{target.path}.conclusion", ctx)


# --- Validation ---------------------------------------------------------------------------

@dataclass
class PlanEntry:
    """A step of an operation once the file is applied: the file's, then the stored ones
    the file does not name."""

    key: str
    name: str
    mandatory: bool
    actions: list[tuple[str, bool]]  # (label, mandatory)
    plan: PlanStep = field(init=False)


@dataclass
class Known:
    """What the file may refer to, from the file and the database."""

    roles: dict  # user key → role
    clients: set[str]
    kinds: dict[str, bool]  # conclusion kind name → positive
    stored: dict[str, Operation]  # operation key → stored operation
    targeted: dict[int, set[str]]  # stored operation id → client keys of its targets


def check(items: list[Item], ctx: Context) -> None:
    """The nested objects, their references, and the screens' rules of operations."""
    for item in items:
        _parse_nested(item, ctx)
    known = _known(items, ctx)
    for item in items:
        _check_operation(item, known, ctx)


def _known(items: list[Item], ctx: Context) -> Known:
    users, clients = set(), set()
    for item in items:
        users |= {s.values.get("advisor") for s in item.values.get("advisor_objectives", [])}
        for target in item.values.get("targets", []):
            users.add(target.values.get("advisor"))
            clients.add(target.values.get("client"))
    in_file = ctx.declared.get("users", {})
    roles = {k: u.values.get("role") for k, u in in_file.items()}
    roles.update((k, row.role) for k, row in
                 rows_by_key(User, users - in_file.keys(), User.role).items())
    declared_clients = ctx.declared.get("clients", {}).keys()
    clients = declared_clients | rows_by_key(Client, clients - declared_clients).keys()
    # the default kinds are created by the load if missing (``ensure_defaults``)
    kinds = dict(CONCLUSION_KINDS)
    kinds.update(db.session.execute(select(ConclusionKind.name, ConclusionKind.positive)).all())
    stored = objects_by_key(Operation, [item.key for item in items],
                            selectinload(Operation.steps).selectinload(Step.actions),
                            selectinload(Operation.sale_step))
    targeted = defaultdict(set)
    for chunk in chunks([op.id for op in stored.values()]):
        for operation_id, client_key in db.session.execute(
                select(Target.operation_id, Client.key).join(Client)
                .where(Target.operation_id.in_(chunk))):
            targeted[operation_id].add(client_key)
    return Known(roles, clients, kinds, stored, targeted)


def _check_operation(item: Item, known: Known, ctx: Context) -> None:
    values, stored = item.values, known.stored.get(item.key)
    plan = _plan(item, stored, ctx)
    by_key = {entry.key: entry for entry in plan}
    sale = values.get("sale_step")
    if sale is not None and sale not in by_key:
        ctx.fail(item, "sale_step", f"étape inconnue « {sale} » (l'étape de vente est l'une "
                                    "des étapes de l'opération)")
    sale_chosen = sale is not None or (stored is not None and stored.sale_step is not None)
    if values.get("name") and values.get("start") and values.get("end"):
        date_problem = dates_error(values["start"], values["end"])
        for message in creation_errors(values["name"], values["start"], values["end"],
                                       len(plan), sale_chosen):
            name = ("end" if message == date_problem else "steps" if not plan
                    else "sale_step")
            ctx.fail(item, name, message)
    _check_shares(item, known, ctx)
    # Archived in the database and staying so: no new client. An operation the file
    # creates or archives takes its targets as they are, so that an export reloads.
    closed = (stored is not None and not can_add_targets(stored.archived)
              and values.get("archived", True))
    seen: dict[str, Item] = {}
    for target in values.get("targets", []):
        client = target.values.get("client")
        if client in seen:
            ctx.fail(target, "client", f"client déjà ciblé par {seen[client].path}")
            continue
        if client is not None:
            seen[client] = target
        if client is not None and client not in known.clients:
            ctx.fail(target, "client", f"client inconnu « {client} »")
        elif closed and client not in known.targeted[stored.id]:
            ctx.fail(target, "client", "l'opération est archivée : elle ne peut plus être "
                                       "attribuée à un nouveau client")
        _check_advisor(target, known, ctx)
        _check_records(target, plan, by_key, ctx)
        _check_conclusion(target, known, ctx)


def _plan(item: Item, stored: Operation | None, ctx: Context) -> list[PlanEntry]:
    """The steps once the file is applied, in order; duplicated step keys are errors."""
    old = {step.key: step for step in stored.steps} if stored else {}
    plan, seen = [], {}
    for step in item.values.get("steps", []):
        step_key = step.key
        if step_key in seen:
            ctx.fail(step, "key", f"clé en double (déjà utilisée par {seen[step_key].path})")
            continue
        if step_key is None:
            continue
        seen[step_key] = step
        before = old.get(step_key)
        if "actions" in step.values:
            actions = [(a.values.get("label"), bool(a.values.get("mandatory")))
                       for a in step.values["actions"]]
        else:
            actions = [(a.label, a.mandatory) for a in before.actions] if before else []
        mandatory = step.values.get("mandatory")
        if mandatory is None:
            mandatory = before.mandatory if before else STEP_DEFAULTS["mandatory"]
        plan.append(PlanEntry(step_key, step.values.get("name"), mandatory, actions))
    plan += [PlanEntry(step.key, step.name, step.mandatory,
                       [(a.label, a.mandatory) for a in step.actions])
             for step in (stored.steps if stored else []) if step.key not in seen]
    for position, entry in enumerate(plan, 1):
        entry.plan = PlanStep(id=position, position=position, mandatory=entry.mandatory)
    return plan


def _check_shares(item: Item, known: Known, ctx: Context) -> None:
    seen: dict[str, Item] = {}
    for share in item.values.get("advisor_objectives", []):
        advisor = share.values.get("advisor")
        if advisor in seen:
            ctx.fail(share, "advisor", f"conseiller déjà présent en {seen[advisor].path}")
        elif advisor is not None:
            seen[advisor] = share
            _check_advisor(share, known, ctx)
        amount_, percent_ = share.values.get("amount"), share.values.get("percent")
        if message := share_error(Share(amount_, percent_)):
            if (amount_ is None) == (percent_ is None):
                share.ok = False
                ctx.error(share.path, message)
            else:
                ctx.fail(share, "amount" if percent_ is None else "percent", message)


def _check_advisor(item: Item, known: Known, ctx: Context) -> None:
    advisor = item.values.get("advisor")
    if advisor is None:
        return
    if advisor not in known.roles:
        ctx.fail(item, "advisor", f"utilisateur inconnu « {advisor} »")
    elif known.roles[advisor] is not None and known.roles[advisor] not in ADVISOR_ROLES:
        ctx.fail(item, "advisor", f"« {advisor} » n'est ni conseiller ni responsable")


def _check_records(target: Item, plan: list[PlanEntry], by_key: dict[str, PlanEntry],
                   ctx: Context) -> None:
    """Each record names a step of the plan (or is an event with a title); no step is
    recorded twice; none comes after a mandatory step that is not done; a step done has
    its mandatory actions checked."""
    records = target.values.get("records", [])
    done = {by_key[r.values["step"]].plan.id for r in records
            if r.values.get("step") in by_key and r.values.get("status") == RecordStatus.DONE}
    names = {entry.plan.id: entry.name for entry in plan}
    seen: dict[str, Item] = {}
    for record in records:
        step_key, title = record.values.get("step"), record.values.get("title")
        if step_key is None:
            if title is None:
                ctx.fail(record, "step", "champ obligatoire (ou « title » pour un événement "
                                         "hors des étapes)")
            continue
        if title is not None or "kind" in record.values:
            ctx.fail(record, "title" if title is not None else "kind",
                     "réservé aux événements hors des étapes (sans « step »)")
        if step_key not in by_key:
            ctx.fail(record, "step", f"étape inconnue « {step_key} »")
            continue
        if step_key in seen:
            ctx.fail(record, "step", f"étape déjà saisie en {seen[step_key].path}")
            continue
        seen[step_key] = record
        entry = by_key[step_key]
        if missing := missing_mandatory_before([e.plan for e in plan], entry.plan.id, done):
            ctx.fail(record, "step", f"l'étape obligatoire « {names[missing[0].id]} » "
                                     "n'est pas terminée : cette étape ne peut pas être saisie")
        _check_actions(record, entry, ctx)


def _check_actions(record: Item, entry: PlanEntry, ctx: Context) -> None:
    labels = record.values.get("checked_actions")
    if labels is None:
        return
    known_labels = {label for label, _ in entry.actions}
    for label in labels:
        if label not in known_labels:
            ctx.fail(record, "checked_actions", f"action inconnue « {label} »")
    if record.values.get("status") == RecordStatus.DONE:
        actions = [(position, mandatory) for position, (_, mandatory)
                   in enumerate(entry.actions)]
        checked = {position for position, (label, _) in enumerate(entry.actions)
                   if label in labels}
        for position in unchecked_mandatory_actions(actions, checked):
            ctx.fail(record, "checked_actions", f"action obligatoire non cochée : "
                                                f"« {entry.actions[position][0]} »")


def _check_conclusion(target: Item, known: Known, ctx: Context) -> None:
    conclusion = target.values.get("conclusion")
    if conclusion is None:
        return
    kind, success = conclusion.values.get("kind"), conclusion.values.get("success")
    if kind is None or success is None:
        return
    if kind not in known.kinds:
        ctx.fail(conclusion, "kind", f"type de conclusion inconnu « {kind} » (valeurs "
                                     f"possibles : {', '.join(known.kinds)})")
        return
    positive, money = known.kinds[kind], conclusion.values.get("amount")
    if message := conclusion_error(money, success, positive):
        amount_wrong = conclusion_error(money, positive, positive) is not None
        ctx.fail(conclusion, "amount" if amount_wrong else "success", message)


# --- Loading ------------------------------------------------------------------------------

@dataclass
class Refs:
    users: dict[str, int]
    clients: dict[str, tuple[int, int | None]]  # key → (id, advisor id)
    kinds: dict[str, ConclusionKind]


def load(items: list[Item]) -> Tally:
    """Create or update the operations, their steps, objectives and targets, through the
    set-up and timeline services (the screens' write path). An operation the file
    archives is archived last, once its targets are in."""
    operations = objects_by_key(
        Operation, [item.key for item in items],
        selectinload(Operation.steps).selectinload(Step.actions),
        selectinload(Operation.shares))
    ensure_defaults()
    refs = _refs(items)
    tally = Tally()
    for item in items:
        operation = operations.get(item.key)
        if created := operation is None:
            operation = _create(item, refs)
        changed = created or _save(operation, item, refs)
        changed |= _load_steps(operation, item)
        changed |= _load_shares(operation, item, refs)
        db.session.flush()
        archived = item.values.get("archived")
        if archived is None:
            archived = operation.archived
        changed |= _load_targets(operation, item, refs)
        if operation.archived != archived:
            setup.set_archived(operation, archived)
            changed = True
        tally.count(created, changed)
    db.session.flush()
    return tally


def _operation_input(operation: Operation | None, item: Item, refs: Refs) -> OperationInput:
    """The stored settings (none for a new operation) with the file's over them: a field
    absent from the file keeps its value. ``archived`` is set after the targets."""
    current = {name: getattr(operation, name) for name in SIMPLE} if operation else {}
    current["responsible_id"] = operation.responsible_id if operation else None
    values = {**current, **{k: v for k, v in item.values.items() if k in SIMPLE}}
    values["responsible_id"] = refs.users[item.values["responsible"]]
    return OperationInput(
        name=values["name"], responsible_id=values["responsible_id"], start=values["start"],
        end=values["end"], objective=values.get("objective"),
        notify_start=bool(values.get("notify_start")), notify_on=values.get("notify_on"),
        archived=bool(operation.archived) if operation else False)


def _create(item: Item, refs: Refs) -> Operation:
    """A new operation with the file's first step (the sale step until the file names
    one), last in the list: imported operations keep their creation order."""
    first = item.values["steps"][0]
    return setup.create_operation(_operation_input(None, item, refs),
                                  _step_input(None, first), None, key=item.key)


def _save(operation: Operation, item: Item, refs: Refs) -> bool:
    """The file's settings on a stored operation; whether anything changed."""
    before = _snapshot(operation, (*SIMPLE, "responsible_id"))
    setup.save_operation(operation, _operation_input(operation, item, refs))
    return before != _snapshot(operation, (*SIMPLE, "responsible_id"))


def _snapshot(obj, names) -> tuple:
    return tuple(getattr(obj, name) for name in names)


def _refs(items: list[Item]) -> Refs:
    users, clients = set(), set()
    for item in items:
        users.add(item.values["responsible"])
        users |= {s.values["advisor"] for s in item.values.get("advisor_objectives", [])}
        for target in item.values.get("targets", []):
            users.add(target.values.get("advisor"))
            clients.add(target.values["client"])
    client_rows = rows_by_key(Client, clients, Client.advisor_id)
    return Refs(users=ids_by_key(User, users),
                clients={k: (row.id, row.advisor_id) for k, row in client_rows.items()},
                kinds={k.name: k for k in db.session.scalars(select(ConclusionKind))})


def _step_input(step: Step | None, step_item: Item) -> StepInput:
    current = ({name: getattr(step, name) for name in STEP_SIMPLE} if step
               else {**STEP_DEFAULTS, "instructions": None})
    values = {**current, **{k: v for k, v in step_item.values.items() if k in STEP_SIMPLE}}
    return StepInput(**values, key=step_item.key)


def _load_steps(operation: Operation, item: Item) -> bool:
    """The file's steps first, in its order, then the stored steps it does not name."""
    if "steps" not in item.values and "sale_step" not in item.values:
        return False
    changed = False
    old = {step.key: step for step in operation.steps}
    named = []
    for step_item in item.values.get("steps", []):
        step = old.get(step_item.key)
        if step is None:
            step = setup.add_step(operation, _step_input(None, step_item))
            changed = True
        else:
            before = _snapshot(step, STEP_SIMPLE)
            setup.save_step(step, _step_input(step, step_item))
            changed |= before != _snapshot(step, STEP_SIMPLE)
        if "actions" in step_item.values:
            changed |= _load_actions(step, step_item.values["actions"])
        named.append(step)
    order = named + [step for step in operation.steps if step not in named]
    if [step.position for step in order] != list(range(1, len(order) + 1)):
        setup.renumber_steps(operation, [step.id for step in order])
        changed = True
    if (sale := item.values.get("sale_step")) is not None:
        step = next(step for step in order if step.key == sale)
        if operation.sale_step_id != step.id:
            setup.set_sale_step(operation, step)
            changed = True
    return changed


def _load_actions(step: Step, actions: list[Item]) -> bool:
    """Actions are matched by position: the records' checked actions keep their meaning."""
    changed = False
    stored = sorted(step.actions, key=lambda a: a.position)
    for position, action_item in enumerate(actions, 1):
        values = ActionInput(label=action_item.values["label"],
                             mandatory=bool(action_item.values.get("mandatory")))
        if position <= len(stored):
            action = stored[position - 1]
            if (action.label, action.mandatory) != (values.label, values.mandatory):
                setup.save_action(action, values)
                changed = True
        else:
            setup.add_action(step, values)
            changed = True
    for extra in stored[len(actions):]:
        setup.remove_action(extra)
        changed = True
    return changed


def _load_shares(operation: Operation, item: Item, refs: Refs) -> bool:
    changed = False
    old = {share.advisor_id: share for share in operation.shares}
    for share_item in item.values.get("advisor_objectives", []):
        advisor_id = refs.users[share_item.values["advisor"]]
        values = Share(amount=share_item.values.get("amount"),
                       percent=share_item.values.get("percent"))
        share = old.get(advisor_id)
        if share is None:
            setup.add_share(operation, advisor_id, values)
            changed = True
        elif (share.amount, share.percent) != (values.amount, values.percent):
            setup.save_share(share, values)
            changed = True
    return changed


def _load_targets(operation: Operation, item: Item, refs: Refs) -> bool:
    """The file's targets through the targets' and timeline's services: a new client is
    added (its advisor by default the client's), a stored one updated where the file
    differs; a concluded follow-up whose records change is reopened first, then concluded
    again as the file says."""
    if not item.values.get("targets"):
        return False
    steps = {step.key: step for step in operation.steps}
    stmt = (select(Target).where(Target.operation_id == operation.id)
            .options(selectinload(Target.records)))
    old = {target.client_id: target for target in db.session.scalars(stmt)}
    clients = objects_by_key(Client, [t.values["client"] for t in item.values["targets"]])
    changed = False
    for target_item in item.values["targets"]:
        values = target_item.values
        client = clients[values["client"]]
        target = old.get(client.id)
        wanted = _target_values(target, client, values, refs)
        if target is None:
            _writable(operation)
            target = targets.add_target(operation, client, *wanted)
            changed = True
        elif (target.advisor_id, target.potential, target.entry_date) != wanted:
            _writable(operation)
            targets.update_target(target, *wanted)
            changed = True
        if "records" in values:
            changed |= _load_records(target, values["records"], steps, values, refs)
        if "conclusion" in values:
            changed |= _load_conclusion(target, values["conclusion"], refs)
    return changed


def _writable(operation: Operation) -> None:
    """An archived operation whose targets the file changes is brought back while they
    are written (as a manager would), and archived again by ``load``."""
    if operation.archived:
        setup.set_archived(operation, False)


def _target_values(target: Target | None, client: Client, values: dict,
                   refs: Refs) -> tuple:
    """(advisor id, potential, entry date): the file's, else the stored ones (a new
    target: the client's advisor, no potential, no entry date)."""
    advisor_id = target.advisor_id if target else client.advisor_id
    if "advisor" in values:
        advisor_id = refs.users.get(values["advisor"]) or client.advisor_id
    return (advisor_id, values.get("potential", target and target.potential),
            values.get("entry_date", target and target.entry_date))


def _load_conclusion(target: Target, conclusion: Item | None, refs: Refs) -> bool:
    """The file's conclusion through the timeline's services (reopened, then concluded
    again when it differs); whether anything changed."""
    wanted = None
    if conclusion is not None:
        values = conclusion.values
        wanted = ConclusionInput(kind=refs.kinds[values["kind"]], day=values["date"],
                                 amount=values.get("amount"))
    if wanted is None and not target.concluded:
        return False
    if wanted is not None and target.concluded and (
            target.conclusion_kind_id, target.conclusion_date, target.amount) == (
            wanted.kind.id, wanted.day, wanted.amount):
        return False
    _writable(target.operation)
    if target.concluded:
        timeline.reopen(target)
    if wanted is not None:
        timeline.conclude(target, wanted)
    return True


def _load_records(target: Target, records: list[Item], steps: dict[str, Step],
                  values: dict, refs: Refs) -> bool:
    """Stored records matching a file record by (step or title, status, date) are updated,
    the others deleted; the file's unmatched records are created, the plan's steps in
    the plan's order (so each meets the mandatory-step rule as on the screen), then the
    events, through the timeline's services."""
    wanted = [_record_values(record.values, steps) for record in records]
    pool = defaultdict(list)
    for stored in target.records:
        pool[(stored.step_id, stored.title, stored.status, stored.day)].append(stored)
    updates, creations = [], []
    for record in wanted:
        match = pool.get((record.step and record.step.id, record.title,
                          record.values.status, record.values.day))
        if match:
            stored = match.pop(0)
            if _record_differs(stored, record):
                updates.append((stored, record))
        else:
            creations.append(record)
    leftovers = [r for rows in pool.values() for r in rows]
    if not (updates or creations or leftovers):
        return False
    _writable(target.operation)
    if target.concluded:
        timeline.reopen(target)
        if "conclusion" not in values:  # the file keeps the stored conclusion
            values["conclusion"] = _stored_conclusion(target, refs)
    for stored in leftovers:
        timeline.remove_record(stored)
    for stored, record in updates:
        _write_record(target, record, stored)
    creations.sort(key=lambda r: r.step.position if r.step else len(steps) + 1)
    for record in creations:
        _write_record(target, record, None)
    return True


@dataclass(frozen=True)
class FileRecord:
    """A record of the file: its step (None for an event) and what the services take."""

    step: Step | None
    title: str | None
    kind: str
    values: RecordInput


def _record_values(values: dict, steps: dict[str, Step]) -> FileRecord:
    step = steps.get(values.get("step"))
    checked = frozenset()
    if step is not None:
        labels = values.get("checked_actions")
        if labels is None:
            checked = frozenset(a.id for a in step.actions if a.mandatory
                                and values["status"] == RecordStatus.DONE)
        else:
            checked = frozenset(a.id for a in step.actions if a.label in labels)
    return FileRecord(
        step=step, title=None if step else values.get("title"),
        kind=step.kind if step else values.get("kind", StepKind.TASK),
        values=RecordInput(status=values["status"], day=values.get("date"),
                           time=values.get("time"), place=values.get("place"),
                           notes=values.get("notes"), checked=checked))


def _record_differs(stored: StepRecord, record: FileRecord) -> bool:
    """Whether the services would change the stored record (what ``_fill`` writes for
    the step's kind: notes; a meeting's time and place; a task's actions)."""
    typed = record.values
    if stored.notes != ((typed.notes or "").strip() or None):
        return True
    if record.step is None:
        return stored.kind != record.kind
    if record.step.kind == StepKind.MEETING:
        return (stored.time, stored.place) != (typed.time or None,
                                               (typed.place or "").strip() or None)
    if record.step.kind == StepKind.TASK:
        return stored.checked != set(typed.checked)
    return False


def _write_record(target: Target, record: FileRecord, stored: StepRecord | None) -> None:
    if record.step is None:
        event = EventInput(kind=record.kind, title=record.title, status=record.values.status,
                           day=record.values.day, notes=record.values.notes)
        if stored is None:
            timeline.record_event(target, event, None)
        else:
            timeline.update_event(stored, event)
    elif stored is None:
        timeline.record_step(target, record.step, record.values, None)
    else:
        timeline.update_step_record(stored, record.values)


def _stored_conclusion(target: Target, refs: Refs) -> Item:
    """The stored conclusion as a file item (to conclude again after the records)."""
    kind = next(k for k, v in refs.kinds.items() if v.id == target.conclusion_kind_id)
    return Item(path="", values={"kind": kind, "date": target.conclusion_date,
                                 "amount": target.amount})


# --- Export -------------------------------------------------------------------------------

def export():
    _assign_missing_step_keys()
    user = aliased(User)
    stmt = (select(Operation, user.key.label("responsible"))
            .join(user, Operation.responsible_id == user.id)
            .options(selectinload(Operation.steps).selectinload(Step.actions),
                     selectinload(Operation.sale_step))
            .order_by(Operation.key))
    for operation, responsible in db.session.execute(stmt).all():
        yield {
            "key": operation.key, "name": operation.name, "responsible": responsible,
            "objective": _number(operation.objective), "start": _iso(operation.start),
            "end": _iso(operation.end), "notify_start": operation.notify_start,
            **({"notify_on": _iso(operation.notify_on)} if operation.notify_on else {}),
            "archived": operation.archived,
            "advisor_objectives": _export_shares(operation),
            "steps": [_export_step(step) for step in operation.steps],
            "sale_step": operation.sale_step.key if operation.sale_step else None,
            "targets": list(_export_targets(operation)),
        }


def _assign_missing_step_keys() -> None:
    """Give ``step-<id>`` to the steps without a key, committed like the exporter's keys,
    so that re-importing the export updates these steps instead of duplicating them."""
    table = Step.__table__
    other = table.alias("other")
    generated = literal("step-") + cast(table.c.id, String)
    db.session.execute(update(table).where(
        table.c.key.is_(None),
        ~exists().where(and_(other.c.operation_id == table.c.operation_id,
                             other.c.key == generated))).values(key=generated))
    db.session.commit()


def _export_shares(operation: Operation) -> list[dict]:
    stmt = (select(User.key, AdvisorObjective.amount, AdvisorObjective.percent)
            .join(User, AdvisorObjective.advisor_id == User.id)
            .where(AdvisorObjective.operation_id == operation.id).order_by(User.key))
    return [{"advisor": row.key, "amount": _number(row.amount)} if row.amount is not None
            else {"advisor": row.key, "percent": _number(row.percent)}
            for row in db.session.execute(stmt)]


def _export_step(step: Step) -> dict:
    record = {"key": step.key, "name": step.name, "kind": str(StepKind(step.kind).value),
              "mandatory": step.mandatory, "propose_next": step.propose_next}
    if step.instructions:
        record["instructions"] = step.instructions
    record["actions"] = [{"label": a.label, "mandatory": a.mandatory} for a in step.actions]
    return record


def _export_targets(operation: Operation):
    steps = {step.id: step for step in operation.steps}
    labels = {a.id: a.label for step in operation.steps for a in step.actions}
    records = defaultdict(list)
    for record in db.session.execute(
            select(StepRecord.target_id, StepRecord.step_id, StepRecord.title,
                   StepRecord.kind, StepRecord.status, StepRecord.day, StepRecord.time,
                   StepRecord.place, StepRecord.notes, StepRecord.checked_actions)
            .join(Target).where(Target.operation_id == operation.id)
            .order_by(StepRecord.target_id, StepRecord.id)):
        records[record.target_id].append(_export_record(record, steps, labels))
    advisor = aliased(User)
    stmt = (select(Target, Client.key.label("client"), advisor.key.label("advisor"),
                   ConclusionKind.name.label("kind"))
            .join(Client, Target.client_id == Client.id)
            .outerjoin(advisor, Target.advisor_id == advisor.id)
            .outerjoin(ConclusionKind, Target.conclusion_kind_id == ConclusionKind.id)
            .where(Target.operation_id == operation.id).order_by(Client.key))
    for target, client_key, advisor_key, kind in db.session.execute(stmt):
        conclusion = None
        if target.concluded:
            conclusion = {"status": "done", "kind": kind, "success": target.success,
                          "date": _iso(target.conclusion_date),
                          "amount": _number(target.amount)}
        yield {"client": client_key, "advisor": advisor_key,
               "potential": _number(target.potential), "entry_date": _iso(target.entry_date),
               "records": records.get(target.id, []), "conclusion": conclusion}
        db.session.expunge(target)  # 20 000 targets: keep the session small


def _export_record(row, steps: dict[int, Step], labels: dict[int, str]) -> dict:
    if row.step_id is not None:
        record = {"step": steps[row.step_id].key}
    else:
        record = {"title": row.title, "kind": row.kind}
    record.update(status=row.status, date=_iso(row.day))
    for name in ("time", "place", "notes"):
        if getattr(row, name):
            record[name] = getattr(row, name)
    checked = [labels[i] for i in sorted(StepRecord.decode_checked(row.checked_actions))
               if i in labels]
    if checked:
        record["checked_actions"] = checked
    return record


def _number(value: Decimal | None) -> str | None:
    """``Decimal("400000.00")`` → ``"400000"``; ``Decimal("37.5000")`` → ``"37.5"``."""
    return None if value is None else format(value.normalize(), "f")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


SECTION = Section(name="operations", label="Opérations", model=Operation, key_prefix="op",
                  unknown="opération inconnue", fields=FIELDS, check=check, load=load,
                  export=export)
