"""Demo step 3: commercial operations through the set-up services (the operation, its
plan, its actions, its shares, its sale step, archived last); their targets and step
records — the volume — inserted in bulk.

A few campaigns of a French bank's year, each with a few hundred targets drawn from the
demo clients, and one national campaign of ``min(scale // 5, 20 000)`` targets × 6 steps
(the QUALITY.md bench: 120 000 step records at 100 000 clients). Each target walks the
plan in order as the screens allow it (``rules.missing_mandatory_before``): a step is
recorded only once every earlier mandatory step is done; optional steps may be skipped;
a step done has its actions checked. Conclusions follow their kind (``conclusion_error``).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from webapp.auth.models import Role, User
from webapp.clients.models import Client
from webapp.data.bulk import insert_rows
from webapp.data.demo_state import Demo
from webapp.extensions import db
from webapp.operations import progress
from webapp.operations.defaults import ensure_defaults
from webapp.operations.models import (
    ConclusionKind,
    Operation,
    RecordStatus,
    StepRecord,
    Target,
)
from webapp.operations.rules import PlanStep, Share, missing_mandatory_before
from webapp.operations.setup import services as setup
from webapp.operations.setup.services import ActionInput, OperationInput, StepInput

CHUNK = 5000
BIG_TARGETS = 20_000
PLACES = ("En agence", "Au domicile du client", "Visioconférence", "Par téléphone")
NOTES = ("Client intéressé, à rappeler après ses congés.", "Souhaite comparer avec sa "
         "banque actuelle.", "Demande une simulation chiffrée.", "Conjoint présent au "
         "rendez-vous.", "Attend le versement de sa prime.")

# name, kind, mandatory, [(action, mandatory)]
Plan = list[tuple[str, str, bool, list[tuple[str, bool]]]]


@dataclass(frozen=True)
class Campaign:
    key: str
    name: str
    start: int  # days from today
    days: int
    archived: bool
    objective: int
    steps: Plan
    sale: int  # 1-based position of the sale step
    big: bool = False


CALL = ("Appel de prise de contact", "task", True,
        [("Vérifier la fiche client", True), ("Préparer le rendez-vous", False)])
CAMPAIGNS = (
    Campaign("op-epargne-retraite-t1", "Épargne retraite T1", -45, 90, False, 400_000, [
        CALL,
        ("Rendez-vous de présentation", "meeting", True, []),
        ("Envoi de la documentation PER", "mail", False, []),
        ("Relance", "reminder", False, []),
        ("Signature", "task", True, [("Faire signer le bulletin", True),
                                     ("Scanner les pièces justificatives", False)]),
    ], sale=5),
    Campaign("op-assurance-vie-versements", "Assurance vie – versements programmés", -20,
             120, False, 600_000, [
                 CALL,
                 ("Rendez-vous bilan", "meeting", True, []),
                 ("Simulation des versements", "followup", False, []),
                 ("Mise en place des versements", "task", True,
                  [("Saisir le mandat de prélèvement", True)]),
             ], sale=4),
    Campaign("op-prevoyance-tns", "Prévoyance TNS", 10, 75, False, 250_000, [
        ("Qualification du besoin", "task", True, [("Vérifier le statut TNS", True)]),
        ("Rendez-vous d'étude", "meeting", True, []),
        ("Étude personnalisée", "followup", True, []),
        ("Relance", "reminder", False, []),
        ("Signature du contrat", "task", True, [("Faire signer le contrat", True)]),
    ], sale=5),
    Campaign("op-credit-immo-renegociation", "Crédit immobilier – renégociation", -300, 120,
             True, 1_500_000, [
                 CALL,
                 ("Étude du prêt en cours", "followup", True, []),
                 ("Rendez-vous de proposition", "meeting", True, []),
                 ("Relance", "reminder", False, []),
                 ("Édition de l'offre", "task", True, [("Envoyer l'offre", True)]),
             ], sale=5),
    Campaign("op-bilan-patrimonial-national", "Bilan patrimonial – campagne nationale",
             -200, 300, False, 5_000_000, [
                 CALL,
                 ("Mail de confirmation", "mail", True, []),
                 ("Rendez-vous bilan patrimonial", "meeting", True, []),
                 ("Fiche de suivi", "followup", True, []),
                 ("Relance", "reminder", True, []),
                 ("Souscription", "task", True, [("Faire signer le bulletin", True)]),
             ], sale=6, big=True),
)


@dataclass
class _Step:
    id: int
    position: int
    kind: str
    mandatory: bool
    checked: str | None  # every action of the step, as a record of it done checks them


@dataclass
class _Env:
    demo: Demo
    clients: list[tuple[int, int]]  # (client id, advisor id) of the followed clients
    managers: list[int]
    kinds: dict[str, tuple[int, bool]]  # name → (id, positive)
    now: datetime
    records: int = 0
    targets: int = 0


def create(demo: Demo) -> None:
    """Insert the campaigns; the big one last."""
    ensure_defaults()
    env = _Env(demo, _followed_clients(), _managers(),
               {k.name: (k.id, k.positive) for k in db.session.scalars(select(ConclusionKind))},
               datetime.now(UTC))
    small = max(5, min(demo.scale // 25, 400))
    for campaign in CAMPAIGNS:
        count = min(demo.scale // 5, BIG_TARGETS) if campaign.big else small
        _campaign(env, campaign, min(count, len(env.clients)))
    demo.counts.update({"Opérations": len(CAMPAIGNS), "Cibles": env.targets,
                        "Saisies d'étapes": env.records})


def _followed_clients() -> list[tuple[int, int]]:
    table = Client.__table__
    return [tuple(row) for row in db.session.execute(
        select(table.c.id, table.c.advisor_id).where(table.c.advisor_id.is_not(None))
        .order_by(table.c.id))]


def _managers() -> list[int]:
    table = User.__table__
    return list(db.session.scalars(select(table.c.id).where(
        table.c.role == Role.MANAGER, table.c.manage_operations).order_by(table.c.id)))


def _campaign(env: _Env, campaign: Campaign, count: int) -> None:
    """The operation, its plan and its shares through the set-up services (the screens'
    write path); its targets and their records, the demo's volume, in bulk."""
    rng, today = env.demo.rng, env.demo.today
    start = today + timedelta(days=campaign.start)
    responsible = rng.choice(env.managers)
    name, kind, mandatory, _actions = campaign.steps[0]
    operation = setup.create_operation(
        OperationInput(name=campaign.name, responsible_id=responsible, start=start,
                       end=start + timedelta(days=campaign.days),
                       objective=Decimal(campaign.objective)),
        StepInput(name=name, kind=kind, mandatory=mandatory, propose_next=True, key="s1"),
        responsible, key=campaign.key)
    steps = _steps(operation, campaign.steps)
    setup.set_sale_step(operation, operation.steps[campaign.sale - 1])
    chosen = rng.sample(env.clients, count)
    _shares(env, operation, campaign, chosen)
    _targets(env, operation.id, campaign, start, steps, chosen)
    if campaign.archived:
        setup.set_archived(operation, True)


def _steps(operation: Operation, plan: Plan) -> list[_Step]:
    """The plan's steps (the first made with the operation) and their actions."""
    made = []
    for position, (name, kind, mandatory, actions) in enumerate(plan, 1):
        step = operation.steps[0] if position == 1 else setup.add_step(
            operation, StepInput(name=name, kind=kind, mandatory=mandatory,
                                 propose_next=position < len(plan), key=f"s{position}"))
        action_ids = [setup.add_action(step, ActionInput(label, required)).id
                      for label, required in actions]
        made.append(_Step(step.id, position, kind, mandatory,
                          StepRecord.encode_checked(action_ids)))
    return made


def _shares(env: _Env, operation: Operation, campaign: Campaign, chosen: list) -> None:
    """The objective split over the advisors with the most targets: in € for some, in %
    for others."""
    counts: dict[int, int] = {}
    for _client, advisor in chosen:
        counts[advisor] = counts.get(advisor, 0) + 1
    leaders = sorted(counts, key=lambda a: (-counts[a], a))[:8]
    for n, advisor in enumerate(leaders):
        if n % 2:
            share = Share(percent=Decimal(env.demo.rng.choice((5, 7.5, 10, 12.5))))
        else:
            share = Share(amount=Decimal(campaign.objective // 20 * env.demo.rng.randint(1, 3)))
        setup.add_share(operation, advisor, share)


def _targets(env: _Env, operation_id: int, campaign: Campaign, start: date,
             steps: list[_Step], chosen: list) -> None:
    plan = [PlanStep(s.id, s.position, s.mandatory) for s in steps]
    for first in range(0, len(chosen), CHUNK):
        rows, walks = [], []
        for client_id, advisor_id in chosen[first:first + CHUNK]:
            row, records = _walk(env, campaign, start, steps, plan)
            rows.append({"operation_id": operation_id, "client_id": client_id,
                         "advisor_id": advisor_id, "version": 1, **row})
            walks.append((client_id, records))
        insert_rows(Target.__table__, rows)
        ids = dict(db.session.execute(
            select(Target.__table__.c.client_id, Target.__table__.c.id)
            .where(Target.__table__.c.operation_id == operation_id,
                   Target.__table__.c.client_id.in_([c for c, _ in walks]))).all())
        records = [{"target_id": ids[client_id], "created_at": env.now, **record}
                   for client_id, made in walks for record in made]
        for part in range(0, len(records), CHUNK):
            insert_rows(StepRecord.__table__, records[part:part + CHUNK])
        env.targets += len(rows)
        env.records += len(records)
    progress.refresh(db.session, Target.operation_id == operation_id)


def _walk(env: _Env, campaign: Campaign, start: date, steps: list[_Step],
          plan: list[PlanStep]) -> tuple[dict, list[dict]]:
    """One target's path through the plan, and its conclusion."""
    rng, today = env.demo.rng, env.demo.today
    entry = start + timedelta(days=rng.randrange(0, 15))
    potential = Decimal(rng.randrange(10, 300) * 500)
    keen = 0.97 if campaign.big else 0.72  # chance to go on to the next step
    day, records, done = entry, [], set()
    for step in steps:
        if not step.mandatory and rng.random() < 0.35:
            continue  # an optional step skipped: it blocks nothing
        if missing_mandatory_before(plan, step.id, done):
            break
        day += timedelta(days=rng.randrange(1, 9))
        if day > today or entry > today:
            records.append(_record(env, step, RecordStatus.PLANNED, max(day, today)))
            break
        if rng.random() > keen:
            status = (RecordStatus.CANCELLED if campaign.archived or rng.random() < 0.3
                      else RecordStatus.PLANNED)
            records.append(_record(env, step, status,
                                   today + timedelta(days=rng.randrange(1, 20))
                                   if status == RecordStatus.PLANNED else day))
            break
        records.append(_record(env, step, RecordStatus.DONE, day))
        done.add(step.id)
    row = {"potential": potential, "entry_date": entry, "concluded": False,
           "conclusion_kind_id": None, "success": None, "conclusion_date": None,
           "amount": None}
    sold = steps[campaign.sale - 1].id in done
    if sold and rng.random() < 0.9:
        row.update(_conclusion(env, rng.choice(("Vente", "Signature")), day,
                               potential * Decimal(rng.randrange(30, 111)) / 100))
    elif records and records[-1]["status"] == RecordStatus.CANCELLED and rng.random() < 0.7:
        row.update(_conclusion(env, rng.choice(("Refus", "Sans décision")), day, None))
    return row, records


def _record(env: _Env, step: _Step, status: RecordStatus, day: date) -> dict:
    rng = env.demo.rng
    meeting = step.kind == "meeting"
    return {"step_id": step.id, "kind": step.kind, "status": status.value, "day": day,
            "time": f"{rng.randrange(9, 18):02d}:{rng.choice(('00', '30'))}" if meeting
            else None,
            "place": rng.choice(PLACES) if meeting else None,
            "notes": rng.choice(NOTES) if rng.random() < 0.1 else None,
            "checked_actions": step.checked if status == RecordStatus.DONE else None}


def _conclusion(env: _Env, kind: str, day: date, collected: Decimal | None) -> dict:
    kind_id, positive = env.kinds[kind]
    amount = collected.quantize(Decimal("0.01")) if collected is not None else None
    return {"concluded": True, "conclusion_kind_id": kind_id, "success": positive,
            "conclusion_date": min(day + timedelta(days=env.demo.rng.randrange(0, 8)),
                                   env.demo.today),
            "amount": amount}
