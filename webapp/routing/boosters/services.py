"""Boosters: orphan client files (no advisor, no request in progress) allocated to the
volunteers who play the game, more to the better scored; applied in one transaction."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.clients.services import assign_advisor
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.alerts import notify
from webapp.routing import queries, rules
from webapp.routing.models import ClientRequest


@dataclass(frozen=True)
class Share:
    advisor: User
    score: int
    clients: tuple[Client, ...]


@dataclass(frozen=True)
class Plan:
    shares: tuple[Share, ...]
    orphans: int
    floor: int
    cap: int

    @property
    def allocated(self) -> int:
        return sum(len(s.clients) for s in self.shares)


def orphans_query(limit: int | None = None):
    """« clients sans conseillers ni aucune demande en cours »: no advisor (or one who
    left), no request open."""
    in_progress = exists().where(ClientRequest.client_id == Client.id,
                                 ClientRequest.closed_on.is_(None))
    stmt = (select(Client).outerjoin(Client.advisor)
            .where((Client.advisor_id.is_(None)) | (User.active.is_(False)), ~in_progress)
            .order_by(Client.id))
    return stmt.limit(limit) if limit else stmt


def plan(viewer: User) -> Plan:
    """The preview: how many orphan files go to whom (the viewer's volunteers), and which."""
    settings = queries.settings()
    volunteers = {p.advisor_id: p.advisor for p in queries.profiles(viewer) if p.volunteer}
    totals = queries.scores(volunteers)
    players = {a: totals.get(a, 0) for a in volunteers}
    cap_total = settings.booster_cap * len(players)
    orphans = list(db.session.scalars(orphans_query(cap_total or 1)))
    counts = rules.allocate(len(orphans), players, settings.booster_floor, settings.booster_cap)
    shares, start = [], 0
    for advisor_id in sorted(counts, key=lambda a: (-players[a], volunteers[a].name)):
        n = counts[advisor_id]
        shares.append(Share(volunteers[advisor_id], players[advisor_id],
                            tuple(orphans[start:start + n])))
        start += n
    return Plan(tuple(shares), len(orphans), settings.booster_floor, settings.booster_cap)


def apply(viewer: User, expected: int, today: date, path: str | None = None) -> Plan:
    """Allocate as previewed: the advisor history records each change, each advisor is
    told once. ``expected`` is the count the preview showed (a change since: 409)."""
    current = plan(viewer)
    if current.allocated != expected:
        raise Refused("Les fichiers orphelins ont changé depuis l'aperçu : vérifiez le "
                      "nouvel aperçu avant d'appliquer.", status=409)
    if not current.allocated:
        raise Refused("Aucun fichier à attribuer.")
    for share in current.shares:
        for client in share.clients:
            assign_advisor(client, share.advisor.id, today)
        notify(share.advisor.id, "routing-booster",
               f"Booster : {len(share.clients)} fiche(s) client vous sont attribuées", path)
    db.session.flush()
    return current
