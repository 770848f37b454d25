"""The rules of proposals, pure (seed 001, slides 25, 40–42): amounts, the payment plan,
the anomalies checked at « Présenter », « Valider » and « Commander », the one-click
split, churn and the status moves. No database, no Flask."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

CENT = Decimal("0.01")
ZERO = Decimal(0)
ACTIVE_STATES = frozenset({"new", "modified", "cancelled"})  # « nouveau, modifié ou annulé »
KEPT_STATES = frozenset({"new", "renewed", "modified"})  # what a client still takes
CHURN_STATES = frozenset({"renewed", "modified"})  # products the client held
MAX_PLAN = 12


@dataclass(frozen=True)
class LineFacts:
    state: str
    amount_ht: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class SubOrderFacts:
    number: str
    mo: str = ""
    churned: bool = False
    lines: tuple[LineFacts, ...] = ()

    @property
    def label(self) -> str:
        return suborder_label(self.number, self.mo)

    @cached_property
    def ttc(self) -> Decimal:
        return sum((ttc(line.amount_ht, line.vat_rate) for line in self.lines), ZERO)


@dataclass(frozen=True)
class ProposalFacts:
    suborders: tuple[SubOrderFacts, ...] = ()
    instalments: tuple[Decimal, ...] = ()

    @cached_property
    def ttc(self) -> Decimal:
        return sum((s.ttc for s in self.suborders), ZERO)


@dataclass(frozen=True)
class Anomaly:
    """One anomaly: which rule (a … e, slide 25 and 42), the sub-order it names, the
    message the rep and the client read."""

    rule: str
    number: str
    message: str


def suborder_label(number: str, mo: str = "") -> str:
    """« 101 MO-4411 »: the sub-order's number, then its MO number (« XXX YYY »)."""
    return f"{number} {mo}".strip()


def ttc(amount_ht: Decimal, vat_rate: Decimal) -> Decimal:
    """The amount TTC of an amount HT at a VAT rate in %, to the cent (half up)."""
    return (amount_ht * (1 + vat_rate / 100)).quantize(CENT, ROUND_HALF_UP)


def euros(value: Decimal) -> str:
    """« −1 234,50 € » without Babel (messages are built outside a request too)."""
    text = f"{abs(value):,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{'−' if value < 0 else ''}{text}\u00a0€"


def _labels(suborders) -> str:
    return ", ".join(s.label for s in suborders)


def _negatives(facts: ProposalFacts):
    return [s for s in facts.suborders if s.ttc < 0]


def _positives(facts: ProposalFacts):
    return [s for s in facts.suborders if s.ttc > 0]


def plan_without_amount(facts: ProposalFacts) -> list[Anomaly]:
    """(a) Slide 25: « Cas montant TTC de la proposition commerciale <= 0 : le système
    indique une anomalie, car existence d'un plan de règlement (celui de la sous commande à
    montant positif) alors que le TTC est négatif »."""
    if not facts.instalments or facts.ttc > 0:
        return []
    named = _negatives(facts) or _positives(facts) or list(facts.suborders)
    return [Anomaly("a", s.number, (
        f"Le montant TTC de la proposition est de {euros(facts.ttc)} alors qu'un plan de "
        f"règlement existe : la commande {s.label} a un montant TTC de {euros(s.ttc)}, "
        "séparez-la dans une autre proposition commerciale afin de passer commande."))
        for s in named]


def plan_mismatch(facts: ProposalFacts) -> list[Anomaly]:
    """(b) Slide 25: « Cas montant TTC de la proposition commerciale > 0 : le système
    indique une anomalie car la somme TTC est différente de la somme des échéances du plan
    de règlement »."""
    total, planned = facts.ttc, sum(facts.instalments, ZERO)
    if total <= 0 or total == planned:
        return []
    named = _negatives(facts)
    if not named:
        return [Anomaly("b", s.number, (
            f"Le montant TTC de la proposition ({euros(total)}) diffère de la somme des "
            f"échéances du plan de règlement ({euros(planned)}) : recalculez le plan de "
            f"règlement de la commande {s.label}.")) for s in _positives(facts)[:1]]
    return [Anomaly("b", s.number, (
        f"Le montant TTC de la proposition ({euros(total)}) diffère de la somme des "
        f"échéances du plan de règlement ({euros(planned)}) : la commande {s.label} a un "
        "montant TTC négatif, séparez-la dans une autre proposition commerciale afin de "
        "passer commande.")) for s in named]


def negative_mixed(facts: ProposalFacts) -> list[Anomaly]:
    """(c) Slide 42: « toute(s) sous commande(s) qui supporte(nt) un montant négatif
    doi(ven)t être dissociée(s) du bon de commande unifié original »."""
    if not _positives(facts):
        return []
    return [Anomaly("c", s.number, (
        f"La proposition contient la commande {s.label} avec un montant TTC négatif "
        f"({euros(s.ttc)}) : veuillez la séparer dans une autre proposition commerciale "
        "afin de passer commande.")) for s in _negatives(facts)]


def is_empty(suborder: SubOrderFacts) -> bool:
    """A MO « sans produits actifs (ni nouveau, ni modifié, ni annulé) (montant à 0) »."""
    active = any(line.state in ACTIVE_STATES for line in suborder.lines)
    return not active and suborder.ttc == 0


def without_active_product(facts: ProposalFacts) -> list[Anomaly]:
    """(d) Slide 42: « la commande XXX YYY ne contient aucun produit nouveau, modifié ou
    annulé, veuillez la supprimer de votre proposition commerciale afin de passer
    commande »."""
    return [Anomaly("d", s.number, (
        f"La commande {s.label} ne contient aucun produit nouveau, modifié ou annulé : "
        "veuillez la supprimer de votre proposition commerciale afin de passer commande "
        "(le Service Client traite cette MO).")) for s in facts.suborders if is_empty(s)]


def churned_mixed(facts: ProposalFacts) -> list[Anomaly]:
    """(e) Slide 42: « des commandes sésame chutées en totalité » ne peuvent être
    fusionnées dans une proposition unique."""
    churned = [s for s in facts.suborders if s.churned]
    if not churned or len(churned) == len(facts.suborders):
        return []
    return [Anomaly("e", s.number, (
        f"La commande {s.label} est chutée en totalité : veuillez la retirer de votre "
        "proposition commerciale afin de passer commande (chute partielle).")) for s in churned]


RULES = (plan_without_amount, plan_mismatch, negative_mixed, without_active_product,
         churned_mixed)


def anomalies(facts: ProposalFacts) -> list[Anomaly]:
    """Every anomaly of the proposal, rule by rule (empty: it may be validated)."""
    return [anomaly for rule in RULES for anomaly in rule(facts)]


@dataclass(frozen=True)
class Split:
    """The one-click split: numbers moved to a new proposal, removed as empty (to the
    service client), removed as churned in full (a partial churn)."""

    moved: tuple[str, ...] = ()
    emptied: tuple[str, ...] = ()
    churned: tuple[str, ...] = ()

    @property
    def needed(self) -> bool:
        return bool(self.moved or self.emptied or self.churned)


def split_of(facts: ProposalFacts) -> Split:
    """Slide 25: « séparer les sous commandes ayant un montant négatif et les sous
    commandes ayant un montant positif dans 2 propositions commerciales différentes »;
    slide 42: the MO without an active product go to the service client; churned ones
    leave the proposal."""
    if not anomalies(facts):
        return Split()
    churned = tuple(s.number for s in facts.suborders if s.churned)
    rest = [s for s in facts.suborders if not s.churned]
    emptied = tuple(s.number for s in rest if is_empty(s))
    rest = [s for s in rest if not is_empty(s)]
    positive = any(s.ttc > 0 for s in rest)
    moved = tuple(s.number for s in rest if s.ttc < 0) if positive else ()
    return Split(moved, emptied, churned if len(churned) < len(facts.suborders) else ())


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def payment_plan(facts: ProposalFacts, count: int, start: date) -> list[tuple[date, Decimal]]:
    """The plan of the proposal's positive part (the positive sub-orders' TTC), in
    ``count`` monthly instalments from ``start``, to the cent, the last one taking the
    rest; no plan when nothing is positive."""
    positive = sum((s.ttc for s in facts.suborders if s.ttc > 0), ZERO)
    if positive <= 0:
        return []
    count = max(1, min(count, MAX_PLAN))
    share = (positive / count).quantize(CENT, ROUND_HALF_UP)
    amounts = [share] * (count - 1) + [positive - share * (count - 1)]
    return [(_add_months(start, i), amount) for i, amount in enumerate(amounts)]


def total_churn_asked(facts: ProposalFacts) -> str | None:
    """Slide 40: « LA CHUTE TOTALE : le client ne souhaite reconduire aucun des produits
    et ne souscrit à aucun nouveau produit », entered on the client, not as a proposal. A
    credit (a proposal of « MO- », slide 42's « Proposition 2 ») is not a churn."""
    if not facts.suborders or any(s.ttc < 0 for s in facts.suborders if not s.churned):
        return None
    kept = any(line.state in KEPT_STATES for s in facts.suborders if not s.churned
               for line in s.lines)
    if kept:
        return None
    return ("Le client ne reconduit aucun produit et n'en souscrit aucun nouveau : c'est une "
            "chute totale, à enregistrer sur le client (date et motif) plutôt qu'une "
            "proposition.")


def line_removal_churns(state: str) -> bool:
    """Slide 40, « la chute produit » : removing a product the client held (renewed or
    modified) is a product churn; removing a new one is not."""
    return state in CHURN_STATES


def suborder_removal_churns(states) -> bool:
    """Slide 40, « la chute partielle » : removing a sub-order holding a product the
    client had is the churn of that range."""
    return any(state in CHURN_STATES for state in states)


# The status moves: action → (the statuses it starts from, the status it leads to).
MOVES = {
    "validate": (("draft",), "validated"),
    "order": (("validated",), "ordered"),
    "sign": (("ordered",), "signed"),
    "release": (("signed",), "production"),
    "reject": (("production",), "rejected"),
}
MOVE_REFUSALS = {
    "validate": "Seule une proposition en préparation peut être validée.",
    "order": "Validez la proposition avant de la commander.",
    "sign": "Commandez la proposition avant de la faire signer.",
    "release": "Seul un bon de commande signé peut être remis en production.",
    "reject": "Seule une commande remise en production peut être mise en rejet.",
}


def move_error(action: str, status: str) -> str | None:
    """Why ``action`` cannot run from ``status`` (None: it can)."""
    sources, _target = MOVES[action]
    return None if status in sources else MOVE_REFUSALS[action]


def edit_error(status: str) -> str | None:
    """Only a proposal in preparation or validated changes (validating again after)."""
    if status in ("draft", "validated"):
        return None
    return "La proposition est commandée : elle ne peut plus être modifiée (dupliquez-la)."


def order_number(year: int, sequence: int) -> str:
    """« BCU-2026-000042 »: the unified order form's number (slide 38)."""
    return f"BCU-{year}-{sequence:06d}"
