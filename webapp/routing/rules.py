"""Pure rules of client request routing (seed 002): who receives a request, the 7-day
feedback, the bonus/malus, « ne pas casser un contrat pour un autre » and the boosters.

Plain values in, an answer out: no database, no Flask."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from webapp.clients.rules import AdvisorSituation
from webapp.notifications.rules import FEEDBACK_DAYS, feedback_overdue

# Seed 002, word for word (the seed's « le. » is the ellipsis the issue writes « le… »).
MANDATORY_SENTENCE = ("Merci de nous faire un retour sous 7 jours avec les actions émises "
                      "(Appel effectué le…, RDV posé, affaire nouvelle, etc.)")
LISTEN = "Bien écouter la demande client et cibler la compagnie."

TRANSMIT = "transmit"  # to the client's present or new advisor
TABLE = "table"        # no advisor left: the competence table proposes


def routing_decision(situation: str) -> str:
    """« Pour les conseillers présents ou les nouveaux conseillers, la procédure est simple.
    Il faut lui transmettre la demande »; « quand il n'y a plus AUCUN conseiller »: the
    competence table."""
    if situation in (AdvisorSituation.PRESENT, AdvisorSituation.NEW):
        return TRANSMIT
    return TABLE


def routing_error(type_id: int | None, company_id: int | None) -> str | None:
    """« On connaît la demande client et la compagnie concernée »: both before routing."""
    if not type_id:
        return "Choisissez le type de demande avant de router."
    if not company_id:
        return "Ciblez la compagnie concernée avant de router."
    return None


# -- the competence table ------------------------------------------------------------------

def parse_sectors(text: str | None) -> tuple[str, ...]:
    """« 69, 01 ; 4400 » → ('69', '01', '4400'): départements or postal-code prefixes."""
    raw = (text or "").replace(";", ",").replace(" ", ",").split(",")
    return tuple(dict.fromkeys(p.strip().upper() for p in raw if p.strip()))


def sectors_error(text: str | None) -> str | None:
    """A sector is a département (2A, 2B, 01…976) or a postal-code prefix of 1 to 5 digits."""
    for sector in parse_sectors(text):
        if sector not in ("2A", "2B") and not (sector.isdigit() and 1 <= len(sector) <= 5):
            return (f"Secteur « {sector} » illisible : un département (69, 2A) ou un début "
                    "de code postal.")
    return None


def sector_matches(sectors: Iterable[str], postal_code: str | None) -> bool:
    """The client's postal code falls in one of the advisor's sectors (Corsica: 20xxx is
    2A or 2B, by its prefix 200/201 or 202/206)."""
    code = "".join((postal_code or "").split())
    if not code:
        return False
    for sector in sectors:
        if sector == "2A" and code[:3] in ("200", "201"):
            return True
        if sector == "2B" and code[:3] in ("202", "203", "204", "205", "206"):
            return True
        if code.startswith(sector):
            return True
    return False


@dataclass(frozen=True)
class Candidate:
    """An advisor as the competence table describes them."""

    advisor_id: int
    name: str
    volunteer: bool
    sectors: tuple[str, ...]
    competences: frozenset[tuple[int, int]]  # (request type id, company id)
    certified: bool
    max_open: int | None  # the open load above which they receive nothing more
    open_load: int
    score: int
    active: bool = True


@dataclass(frozen=True)
class Need:
    """What the request asks of an advisor."""

    type_id: int
    company_id: int
    postal_code: str | None
    needs_certification: bool = False


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    eligible: bool
    why: tuple[str, ...]      # the reasons, in the order the screen shows them
    blockers: tuple[str, ...]  # why not, for an ineligible advisor
    sector: bool


def assess(candidate: Candidate, need: Need) -> Ranked:
    """« les secteurs géographiques, les compétences pour gérer les demandes et si le
    conseiller a les conditions pour les recevoir », the volunteer flag, load and score."""
    why, blockers = [], []
    if not candidate.active:
        blockers.append("ne fait plus partie du cabinet")
    if candidate.volunteer:
        why.append("volontaire")
    else:
        blockers.append("non volontaire")
    if (need.type_id, need.company_id) in candidate.competences:
        why.append("compétent pour ce type et cette compagnie")
    else:
        blockers.append("pas de compétence pour ce type et cette compagnie")
    if need.needs_certification and not candidate.certified:
        blockers.append("certification requise")
    if candidate.max_open is not None and candidate.open_load >= candidate.max_open:
        blockers.append(f"charge maximale atteinte ({candidate.open_load}/{candidate.max_open})")
    elif not blockers:
        why.append("conditions remplies")
    sector = sector_matches(candidate.sectors, need.postal_code)
    if sector:
        why.insert(0, "secteur du client")
    why.append(f"{candidate.open_load} demande(s) en cours")
    why.append(f"score {candidate.score:+d}")
    return Ranked(candidate, not blockers, tuple(why), tuple(blockers), sector)


def rank(candidates: Iterable[Candidate], need: Need) -> list[Ranked]:
    """The eligible advisors first: in the client's sector, then the least loaded, then
    the best scored (then by name, so that the order is stable)."""
    assessed = [assess(c, need) for c in candidates]
    return sorted(assessed, key=lambda r: (not r.eligible, not r.sector, r.candidate.open_load,
                                           -r.candidate.score, r.candidate.name,
                                           r.candidate.advisor_id))


# -- the 7-day feedback ---------------------------------------------------------------------

def due_on(transmitted_on: date) -> date:
    """« un retour sous 7 jours »: due 7 calendar days after the transmission day (the
    app's calendar, Europe/Paris: the caller passes the local day)."""
    return transmitted_on + timedelta(days=FEEDBACK_DAYS)


class State:
    WAITING = "waiting"
    OVERDUE = "overdue"
    ANSWERED = "answered"
    CLOSED = "closed"


STATE_LABELS = {State.WAITING: "En attente de retour", State.OVERDUE: "Retour en retard",
                State.ANSWERED: "Retour reçu", State.CLOSED: "Clôturée"}


def state(transmitted_on: date, today: date, answered_on: date | None,
          closed_on: date | None) -> str:
    """Closed, answered, or waiting: overdue once the 7 days have passed without feedback."""
    if closed_on is not None:
        return State.CLOSED
    if answered_on is not None:
        return State.ANSWERED
    if feedback_overdue(transmitted_on, today, answered=False):
        return State.OVERDUE
    return State.WAITING


def reminder_due(transmitted_on: date, today: date, answered: bool, days_before: int = 2) -> bool:
    """The advisor is reminded ``days_before`` days before the due date, until they answer."""
    due = due_on(transmitted_on)
    return not answered and due - timedelta(days=days_before) <= today <= due


# -- bonus / malus (rules as data: the points come from the ScoreRule table) ----------------

class Points:
    """The keys of the bonus/malus rules; their points and labels are data."""

    IN_TIME = "feedback_in_time"
    LATE = "feedback_late"
    MISSING = "feedback_missing"
    MONEY_PITCH = "money_pitch"
    NEW_BUSINESS = "new_business"
    BROKEN_CONTRACT = "broken_contract"


DEFAULT_POINTS = {
    Points.IN_TIME: ("Retour sous 7 jours", 2),
    Points.LATE: ("Retour après 7 jours", -1),
    Points.MISSING: ("Pas de retour (7 jours passés)", -3),
    Points.MONEY_PITCH: ("Money Pitch réalisé", 1),
    Points.NEW_BUSINESS: ("Affaire nouvelle", 3),
    Points.BROKEN_CONTRACT: ("Contrat cassé pour un autre (confirmé)", -5),
}


@dataclass(frozen=True)
class Facts:
    """What happened to one request, as the bonus/malus reads it."""

    transmitted_on: date
    answered_on: date | None
    money_pitch: bool = False
    new_business: bool = False
    broken_contract_confirmed: bool = False


def scoring(facts: Facts, today: date, points: Mapping[str, int]) -> list[tuple[str, int]]:
    """The points one request earns its advisor: « faire un retour sous 7 jours » (bonus,
    late: malus, none past the 7 days: malus), « réaliser un Money Pitch », a new business
    (bonus), « ne pas casser un contrat pour un autre » (malus once confirmed)."""
    due = due_on(facts.transmitted_on)
    keys = []
    if facts.answered_on is not None:
        keys.append(Points.IN_TIME if facts.answered_on <= due else Points.LATE)
    elif feedback_overdue(facts.transmitted_on, today, answered=False):
        keys.append(Points.MISSING)
    if facts.money_pitch:
        keys.append(Points.MONEY_PITCH)
    if facts.new_business:
        keys.append(Points.NEW_BUSINESS)
    if facts.broken_contract_confirmed:
        keys.append(Points.BROKEN_CONTRACT)
    return [(key, points[key]) for key in keys if points.get(key)]


# -- « ne pas casser un contrat pour un autre » --------------------------------------------

@dataclass(frozen=True)
class Closure:
    """An existing contract of the client ending (a rachat, an arrêt, a closing)."""

    company_id: int
    on: date
    label: str


def broken_contract(new_business_on: date, company_id: int | None,
                    closures: Sequence[Closure], window_days: int) -> Closure | None:
    """A new business with a company while the client's existing contract with the same
    company ends within ``window_days`` of it (before or after): flagged for a manager's
    review, never a malus by itself."""
    if company_id is None:
        return None
    for closure in sorted(closures, key=lambda c: abs((c.on - new_business_on).days)):
        if closure.company_id == company_id and \
                abs((closure.on - new_business_on).days) <= window_days:
            return closure
    return None


# -- boosters --------------------------------------------------------------------------------

def allocate(clients: int, players: Mapping[int, int], floor: int, cap: int) -> dict[int, int]:
    """« Les conseillers jouant le jeu bénéficieront de plus gros boosters de fichiers
    clients »: ``clients`` orphan files shared among the volunteers in proportion to their
    score above ``floor`` (at or below it: nothing), at most ``cap`` each. Largest
    remainders (then the better score, then the id) take the rounding; what a capped
    advisor cannot take goes to the others; what nobody can take stays unallocated."""
    weights = {a: s - floor for a, s in players.items() if s > floor}
    given = dict.fromkeys(weights, 0)
    left = max(clients, 0)
    while left and weights:
        total = sum(weights.values())
        shares = {a: left * w / total for a, w in weights.items()}
        whole = {a: min(int(s), cap - given[a]) for a, s in shares.items()}
        rest = left - sum(whole.values())
        order = sorted(weights, key=lambda a: (-(shares[a] - int(shares[a])), -players[a], a))
        for a in order:
            if rest <= 0:
                break
            if given[a] + whole[a] < cap and whole[a] == int(shares[a]):
                whole[a] += 1
                rest -= 1
        for a, n in whole.items():
            given[a] += n
        left -= sum(whole.values())
        weights = {a: w for a, w in weights.items() if given[a] < cap}
        if not sum(whole.values()):
            break
    return {a: n for a, n in given.items() if n}
