"""Demo step: client request routing (seed 002) through its services: a competence table
(volunteers, sectors from their agency's towns, competences, conditions), orphan clients
(their advisor's period closed), and a few hundred requests in every state — waiting,
overdue, answered in time or late, closed, a new business flagged for review — with the
bonus/malus points they earn."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp import clock
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.clients.services import assign_advisor
from webapp.data.demo_state import Demo
from webapp.extensions import db
from webapp.routing import queries
from webapp.routing.competences.services import ProfileInput, save_profile
from webapp.routing.defaults import ensure_defaults
from webapp.routing.intake.services import IntakeInput, record_transmitted
from webapp.routing.models import ActionKind, RoutedBy
from webapp.routing.tracking.services import FeedbackInput, record_feedback, rescore

DESCRIPTIONS = (
    "Le client souhaite un rachat partiel pour financer des travaux.",
    "Demande l'arrêt des versements programmés à partir du mois prochain.",
    "Souhaite arbitrer vers un support moins exposé.",
    "Mécontent des performances de son contrat sur l'année écoulée.",
    "Part à la retraite en fin d'année : demande le détail de la prestation.",
    "Appel suite au courrier de changement de conseiller.",
)
NOTES = ("Message laissé", "Client joint, RDV à fixer", "Proposition envoyée", None)


def create(demo: Demo) -> None:
    rng, today = demo.rng, demo.today
    ensure_defaults()  # a database built without the migrations has no types yet
    types, companies = queries.types(), queries.companies()
    pairs = [(t.id, c.id) for t in types for c in companies]
    towns = {a for agency in demo.agencies for a in agency.advisor_ids}
    sectors = {advisor_id: sorted({code[:2] for code, _ in agency.towns})
               for agency in demo.agencies for advisor_id in agency.advisor_ids}
    advisors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(towns)))}
    profiles = 0
    for advisor_id, advisor in sorted(advisors.items()):
        if rng.random() < 0.35:
            continue
        save_profile(advisor, ProfileInput(
            volunteer=rng.random() < 0.75, sectors=", ".join(sectors[advisor_id]),
            certified=rng.random() < 0.4,
            max_open=rng.choice((None, 8, 12, 20)),
            competences=frozenset(rng.sample(pairs, min(len(pairs), rng.randint(6, 14))))))
        profiles += 1
    count = min(400, max(60, demo.scale * 2 // 3))
    orphan_count = max(10, min(60, demo.scale // 10))
    clients = _drawn(rng, orphan_count + count)
    orphans = clients[:orphan_count]
    for client in orphans:
        assign_advisor(client, None, today - timedelta(days=rng.randint(30, 400)))
    db.session.flush()
    volunteers = [p.advisor for p in queries.profiles() if p.volunteer]
    followed = clients[len(orphans):] or clients
    scoring = (queries.points(), {r.key: r.label for r in queries.score_rules()})
    for n in range(count):
        # One in six of the orphans' calls is routed by the table; the rest are followed.
        orphan = n % 6 == 0 and volunteers and n // 6 < len(orphans) // 2
        client = orphans[n // 6] if orphan else followed[n % len(followed)]
        advisor = rng.choice(volunteers) if orphan else client.advisor
        _request(demo, client, advisor, rng.choice(types), rng.choice(companies), n,
                 RoutedBy.TABLE if orphan else RoutedBy.SITUATION, scoring)
    left = db.session.scalar(select(func.count(Client.id)).where(Client.advisor_id.is_(None)))
    demo.counts.update({"Tableau des compétences": profiles, "Demandes clients": count,
                        "Clients sans conseiller": left})


def _drawn(rng, wanted: int) -> list[Client]:
    """``wanted`` clients with an advisor, drawn at random, loaded with their advisor
    history (the ids of all, the objects of those drawn only: a million clients)."""
    ids = list(db.session.scalars(select(Client.id).where(Client.advisor_id.is_not(None))
                                  .order_by(Client.id)))
    rng.shuffle(ids)
    drawn = ids[:wanted]
    loaded = {client.id: client for client in db.session.scalars(
        select(Client).where(Client.id.in_(drawn))
        .options(selectinload(Client.advisor_periods), selectinload(Client.advisor)))}
    return [loaded[client_id] for client_id in drawn]


def _request(demo: Demo, client, advisor, request_type, company, n: int, routed_by,
             scoring) -> None:
    rng, today = demo.rng, demo.today
    days_ago = rng.randint(0, 45)
    sent_on = today - timedelta(days=days_ago)
    moment = datetime.combine(sent_on, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))),
                              clock.zone()).astimezone(UTC)
    req = record_transmitted(IntakeInput(
        client=client, channel=rng.choice(("phone", "phone", "email")), request_type=request_type,
        company=company, description=rng.choice(DESCRIPTIONS), key=f"demo-request-{n + 1}",
        transmitted_at=moment), advisor, None, routed_by,
        "conseiller du client" if routed_by == RoutedBy.SITUATION else "tableau des compétences")
    state = rng.random()
    if state < 0.3 or days_ago == 0:
        rescore(req, today, *scoring)   # waiting, or overdue: the missing malus
        return
    answer_after = rng.choice((1, 2, 3, 5, 6, 7, 9, 12))
    answered = min(sent_on + timedelta(days=answer_after), today)
    kinds = [ActionKind.CALL] + rng.sample(
        [ActionKind.MEETING, ActionKind.MONEY_PITCH, ActionKind.NEW_BUSINESS, ActionKind.OTHER],
        rng.randint(0, 2))
    for kind in kinds:
        record_feedback(req, FeedbackInput(kind, answered, None, rng.choice(NOTES) or ""),
                        advisor, answered, rescored=False)
    if state > 0.65:
        req.closed_on = min(answered + timedelta(days=rng.randint(0, 5)), today)
    rescore(req, today, *scoring)


