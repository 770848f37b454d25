"""Rules of requests to the BO (seed 000, slides 4 to 6): one subject, a deadline, the
matrix's copies, and the R1 / R2 / simple workflows with who makes each move."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from webapp.choices import LabelledEnum

# --- Requests (slide 4 « Optimisation des demandes faites par mail ») -------------------

LABEL_MAX = 120
# What joins several topics in one label: « EVITER DE REGROUPER DIFFERENTES DEMANDES DANS
# UN MEME MAIL ». The slash belongs to the subject format itself.
_SEVERAL_TOPICS = re.compile(r"[;+&/\n]|(?:^|\s)\d+\s*[).]\s")
# Words that join two subjects in French; only between two known subjects do they make two
# requests (« Dupont et fils » is one name).
_JOINED = re.compile(r"\s*,\s*|\s+(?:et|ainsi que)\s+", re.IGNORECASE)
# The subjects slide 4 gives as examples besides the matrix's kinds (« TIME TOURS / Demande
# de stats ou SECUR PLUS / pb logimail »).
SEED_SUBJECTS = ("Demande de stats", "pb logimail")
# The generic head of a subject: « Demande de stats » is also said « stats ».
_GENERIC_HEAD = re.compile(r"^(?:demande (?:de |d )|support |pb |probleme |ajout )")


def subject(name: str, label: str) -> str:
    """« METTRE UN OBJET CLAIR ET RAPIDEMENT IDENTIFIABLE : « Nom du Client/Contrat » +
    libellé du sujet ou de la demande => exple : TIME TOURS / Demande de stats »."""
    return f"{' '.join(name.split()).upper()} / {' '.join(label.split())}"


def _fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces (« Mise en place (R2 validé) » →
    « mise en place r2 valide »)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _subject_names(known: Iterable[str]) -> set[str]:
    names = set()
    for subject_label in known:
        folded = _fold(subject_label)
        if folded:
            names.add(folded)
            if (short := _GENERIC_HEAD.sub("", folded)) and short != folded:
                names.add(short)
    return names


def _names_a_subject(part: str, names: set[str]) -> bool:
    folded = f" {_fold(part)} "
    return any(f" {name} " in folded for name in names)


def subject_count(label: str, known: Iterable[str]) -> int:
    """How many known subjects (the matrix's kinds, the seed's examples) the label joins
    with « et », « , » or « ainsi que »: « Demande de stats et pb logimail » is 2."""
    names = _subject_names(known)
    return sum(1 for part in _JOINED.split(label) if _names_a_subject(part, names))


def label_error(label: str | None, known: Iterable[str] = ()) -> str | None:
    """The label names one subject: « EVITER DE REGROUPER DIFFERENTES DEMANDES DANS UN
    MEME MAIL » (a second topic is a second request, « Autre sujet »). ``known``: the
    request kinds of the matrix, whose names joined by « et » make two requests."""
    text = " ".join((label or "").split())
    if not text:
        return "Indiquez le libellé du sujet (par exemple « Demande de stats »)."
    if len(text) > LABEL_MAX:
        return f"Le libellé ne doit pas dépasser {LABEL_MAX} caractères."
    if _SEVERAL_TOPICS.search(label or ""):
        return ("Un seul sujet par demande : ne regroupez pas plusieurs demandes, créez-en "
                "une autre avec « Autre sujet ».")
    if subject_count(text, (*known, *SEED_SUBJECTS)) > 1:
        return "Une demande par sujet : envoyez-en deux."
    return None


def deadline_error(deadline: date | None, today: date) -> str | None:
    """« INDIQUER UNE DEADLINE »: required, and not already past."""
    if deadline is None:
        return "Indiquez une deadline."
    if deadline < today:
        return "La deadline ne peut pas être dans le passé."
    return None


def copies_error(chosen: Iterable[int], offered: Iterable[int]) -> str | None:
    """« EVITER DE METTRE TOUT LE MONDE EN COPIE SYSTEMATIQUEMENT »: only the copies the
    routing matrix names for this kind of request."""
    if set(chosen) - set(offered):
        return "Seules les copies prévues pour ce type de demande sont possibles."
    return None


def is_overdue(deadline: date, closed: bool, today: date) -> bool:
    return not closed and deadline < today


# --- Workflows (slides 5 and 6) ------------------------------------------------------------

class Actor(LabelledEnum):
    """The parts played on a request; the label completes « … revient au commercial »."""

    COMMERCIAL = "commercial", "au commercial"  # who sent the request
    ASSIGNEE = "assignee", "au destinataire"    # who the matrix sends it to (e.g. Chris)
    BO = "bo", "à l'assistant BO"               # an assistant BO


@dataclass(frozen=True)
class State:
    key: str
    label: str
    closed: bool = False


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str
    actors: frozenset[Actor]
    needs_checklist: bool = False  # the new-contract checklist must be complete


@dataclass(frozen=True)
class Workflow:
    key: str
    label: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]

    @property
    def initial(self) -> str:
        return self.states[0].key

    def state(self, key: str) -> State:
        return next(s for s in self.states if s.key == key)


def _moves(*rows) -> tuple[Transition, ...]:
    return tuple(Transition(source, target, label, frozenset(actors), *rest)
                 for sources, target, label, actors, *rest in rows
                 for source in sources.split())


C, A, B = Actor.COMMERCIAL, Actor.ASSIGNEE, Actor.BO
CANCELLED = State("cancelled", "Annulée", closed=True)

WORKFLOWS = {
    # Every other request: taken, completed if need be, done.
    "simple": Workflow("simple", "Demande", (
        State("new", "Nouvelle"),
        State("in_progress", "En cours"),
        State("waiting", "En attente du commercial"),
        State("done", "Traitée", closed=True),
        CANCELLED,
    ), _moves(
        ("new", "in_progress", "Prendre en charge", {A, B}),
        ("in_progress", "waiting", "Demander un complément", {A, B}),
        ("waiting", "in_progress", "Complément apporté", {C}),
        ("in_progress", "done", "Marquer traitée", {A, B}),
        ("done", "in_progress", "Rouvrir", {C, A, B}),
        ("new in_progress waiting", "cancelled", "Annuler la demande", {C}),
    )),
    # « Commercial : Envoi du R1 complet avec deadline + Copie : David → Chris :
    # Tarification + Copie Assistant BO → Assistant BO : Vérification et envoi →
    # Commercial : Remise de projet → Client ».
    "r1": Workflow("r1", "Cotation compte SPEC (R1)", (
        State("sent", "R1 envoyé, en tarification"),
        State("priced", "Tarifé, à vérifier par le BO"),
        State("checked", "Vérifié, transmis au commercial"),
        State("delivered", "Projet remis au client", closed=True),
        CANCELLED,
    ), _moves(
        ("sent", "priced", "Tarification faite", {A}),
        ("priced", "checked", "Vérifier et envoyer au commercial", {B}),
        ("priced", "sent", "Renvoyer en tarification", {B}),
        ("checked", "delivered", "Projet remis au client", {C}),
        ("sent priced checked", "cancelled", "Annuler la demande", {C}),
    )),
    # « Commercial : Envoi du projet + Copie : David → Client : Décision + Copie
    # Commercial → Assistant BO : Transfert retour / réponse du client → Chris : Mise en
    # place ».
    "r2": Workflow("r2", "Remise de projet SPEC (R2)", (
        State("sent", "Projet envoyé au client"),
        State("accepted", "Accord du client"),
        State("forwarded", "Réponse transmise pour la mise en place"),
        State("in_place", "Mis en place", closed=True),
        State("refused", "Refus du client", closed=True),
        CANCELLED,
    ), _moves(
        ("sent", "accepted", "Accord du client reçu", {C, B}),
        ("sent", "refused", "Refus du client reçu", {C, B}),
        ("accepted", "forwarded", "Transmettre la réponse du client", {B}),
        ("forwarded", "in_place", "Mise en place effectuée", {A, B}, True),
        ("sent", "cancelled", "Annuler la demande", {C}),
    )),
}

# The R1 recap marks a client « ** : Client Signé » once the client accepted a project.
SIGNED_STATES = frozenset({"accepted", "forwarded", "in_place"})


def workflow(key: str | None) -> Workflow:
    return WORKFLOWS.get(key or "simple", WORKFLOWS["simple"])


def actors_of(user_id: int, is_bo: bool, author_id: int | None,
              handler_ids: Iterable[int]) -> frozenset[Actor]:
    """The parts a user plays on one request: who sent it, who it is sent to, BO."""
    actors = set()
    if user_id == author_id:
        actors.add(Actor.COMMERCIAL)
    if user_id in set(handler_ids):
        actors.add(Actor.ASSIGNEE)
    if is_bo:
        actors.add(Actor.BO)
    return frozenset(actors)


def allowed_transitions(workflow_key: str | None, state: str,
                        actors: frozenset[Actor]) -> list[Transition]:
    """The moves from ``state`` that one of ``actors`` may make."""
    return [t for t in workflow(workflow_key).transitions
            if t.source == state and t.actors & actors]


def transition_error(workflow_key: str | None, state: str, target: str,
                     actors: frozenset[Actor], checklist_complete: bool = True) -> str | None:
    """Why ``state`` → ``target`` is refused to ``actors`` (None when allowed)."""
    flow = workflow(workflow_key)
    move = next((t for t in flow.transitions if t.source == state and t.target == target),
                None)
    if move is None:
        return (f"La demande est « {flow.state(state).label} » : ce passage n'est pas "
                "possible.")
    if not move.actors & actors:
        who = " ou ".join(a.label for a in Actor if a in move.actors)
        return f"« {move.label} » revient {who}."
    if move.needs_checklist and not checklist_complete:
        return "Complétez d'abord la fiche de mise en place du nouveau contrat."
    return None
