"""Pure rules of the client query builder (« Requêtes », seed 004): the criteria a URL
holds, read and written back, the départements' postal codes, the advisor situations.

No database, no Flask: the criteria come in as ``{name: [values]}`` (a query string or a
saved query) and go out as a frozen ``Criteria``; ``criteria.py`` turns each one into one
SQL condition.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from webapp.clients.rules import search_key
from webapp.dates import FIRST_DAY, LAST_DAY
from webapp.ids import MAX_ID

MAX_VALUES = 50  # values per criterion (« au moins un de » lists)
MAX_TEXT = 100


class Situation:
    """« Situation du conseiller »: the client file's three (``clients.rules``) with
    « Aucun conseiller » split in two: never had one, or the advisor has left the firm."""

    PRESENT = "present"
    NEW = "new"
    FORMER = "former"
    NONE = "none"
    LABELS = {PRESENT: "Conseiller présent", NEW: "Nouveau conseiller",
              FORMER: "Conseiller parti (compte désactivé)", NONE: "Sans conseiller"}


class TargetState:
    """Where a client stands in an operation (« En cours », « Conclu positif / négatif »)."""

    IN_PROGRESS = "in_progress"
    POSITIVE = "positive"
    NEGATIVE = "negative"
    LABELS = {IN_PROGRESS: "En cours", POSITIVE: "Conclu positif",
              NEGATIVE: "Conclu négatif"}


YES, NO = "yes", "no"
YES_NO = {YES: "Oui", NO: "Non"}
LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "ar")  # clients.models.Language
_CODE = re.compile(r"[0-9A-Za-z]{1,10}")
_DEPARTMENT = re.compile(r"(0[1-9]|[1-8][0-9]|9[0-5]|2[AaBb]|97[1-8]|98[6-9])")
_SEPARATORS = re.compile(r"[,;\n]+")
# Control characters a browser never sends (a NUL fails on PostgreSQL): dropped.
_CONTROLS = {c: None for c in range(0x20)} | {0x7F: None, 0x09: " ", 0x0A: " ", 0x0D: " "}


def _ids(values) -> tuple:
    out = []
    for text in values:
        text = str(text).strip()
        if text.isdigit() and 0 < int(text) <= MAX_ID:
            out.append(int(text))
    return tuple(dict.fromkeys(out))


def ticked_ids(values) -> tuple[int, ...]:
    """Ids as posted (the ticked rows): malformed ones and ids beyond any row dropped."""
    return _ids(values)


def _among(allowed):
    def parse(values) -> tuple:
        return tuple(dict.fromkeys(v for v in (str(x).strip() for x in values) if v in allowed))
    return parse


def _one_of(allowed):
    def parse(values) -> tuple:
        return _among(allowed)(values)[-1:]
    return parse


def _day(values) -> tuple:
    for text in reversed(values):
        try:
            day = date.fromisoformat(str(text).strip())
        except ValueError:
            continue
        if FIRST_DAY <= day <= LAST_DAY:
            return (day,)
    return ()


def _split(values) -> list[str]:
    """« Lyon, Saint-Étienne ; Nantes » typed in one box, or repeated parameters."""
    return [part.strip() for text in values for part in _SEPARATORS.split(str(text))
            if part.strip()]


def _postal_codes(values) -> tuple:
    return tuple(dict.fromkeys(c.upper() for c in _split(values) if _CODE.fullmatch(c)))


def _departments(values) -> tuple:
    return tuple(dict.fromkeys(d.upper() for d in _split(values) if _DEPARTMENT.fullmatch(d)))


def _cities(values) -> tuple:
    """Cities as search keys: « Saint-Étienne » and « saint etienne » are one city."""
    return tuple(dict.fromkeys(k for k in (search_key(c[:MAX_TEXT]) for c in _split(values))
                               if k))


def _products(values) -> tuple:
    return tuple(dict.fromkeys(v.strip()[:120] for v in map(str, values) if v.strip()))


def _text(values) -> tuple:
    text = " ".join(str(values[-1]).split())[:MAX_TEXT] if values else ""
    return (text,) if text else ()


# The criteria, by URL parameter: how each one's values are read. Adding a criterion is
# one entry here and one condition in ``criteria.py`` (and its field in the builder).
PARAMS = {
    "q": _text,                                   # name, phone or e-mail starting with
    "advisor_id": _ids,
    "team_id": _ids,                              # the team and its sub-teams
    "branch_id": _ids,
    "postal_code": _postal_codes,
    "department": _departments,
    "city": _cities,
    "language": _among(LANGUAGES),
    "situation": _among(Situation.LABELS),
    "created_from": _day,
    "created_to": _day,
    "opportunity": _one_of(YES_NO),               # has / has not an opportunity …
    "stage_id": _ids,                             # … in one of these stages (any: none)
    "target": _one_of(YES_NO),                    # is / is not a target …
    "operation_id": _ids,                         # … of one of these operations …
    "target_state": _among(TargetState.LABELS),   # … in one of these states
    "product": _products,                         # holds an account of one of these kinds
    "bo_open": _one_of(YES_NO),                   # has an open back-office request
    "churned": _one_of(YES_NO),                   # is in total churn (« chute totale »)
    "complaint_open": _one_of(YES_NO),            # has an open complaint
}
# Parameters that only refine another one: alone, they select nothing.
REFINES = {"stage_id": "opportunity", "operation_id": "target", "target_state": "target"}


@dataclass(frozen=True)
class Criteria:
    """The criteria of a query, combined with AND; several values of one criterion mean
    « au moins un de ». ``values`` holds only the criteria that are set."""

    values: tuple[tuple[str, tuple], ...] = ()

    def __getitem__(self, name: str) -> tuple:
        return dict(self.values).get(name, ())

    def first(self, name: str, default=None):
        found = self[name]
        return found[0] if found else default

    def __bool__(self) -> bool:
        return bool(self.values)

    @property
    def names(self) -> set[str]:
        return {name for name, _ in self.values}

    @property
    def refinements(self) -> int:
        """How many criteria beyond the typed search (the builder's panel shows them)."""
        return len(self.names - {"q"})

    def with_values(self, name: str, values: tuple) -> "Criteria":
        """The same criteria, ``name`` replaced (an empty tuple removes it)."""
        kept = {n: v for n, v in self.values if n != name}
        if values:
            kept[name] = tuple(values)
        return Criteria(tuple((n, kept[n]) for n in PARAMS if n in kept))

    def as_args(self) -> list[tuple[str, str]]:
        """The criteria as URL arguments, in the builder's order (shareable, savable)."""
        return [(name, v.isoformat() if isinstance(v, date) else str(v))
                for name, values in self.values for v in values]

    def arg_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, value in self.as_args():
            out.setdefault(name, []).append(value)
        return out


def parse_criteria(args: Mapping[str, list]) -> Criteria:
    """The criteria in ``args`` (``{name: [values]}``): unknown names, malformed values and
    values beyond ``MAX_VALUES`` are no criterion (a filter never fails the page)."""
    found = []
    for name, parse in PARAMS.items():
        raw = [str(v).translate(_CONTROLS) for v in args.get(name, ())
               if v is not None][:MAX_VALUES]
        values = parse(raw) if raw else ()
        if values:
            found.append((name, values))
    return Criteria(tuple(found))


def criteria_from(values) -> Criteria:
    """The criteria of a query string or a posted form (a MultiDict)."""
    return parse_criteria(values.to_dict(flat=False))


def department_prefixes(department: str) -> tuple[str, ...]:
    """The postal codes' starts of a département: « 69 » → 69…, Corse-du-Sud « 2A » →
    200… and 201…, Haute-Corse « 2B » → 202…, 204… and 206…, « 974 » → 974…"""
    code = department.upper()
    if code == "2A":
        return ("200", "201")
    if code == "2B":
        return ("202", "204", "206")
    return (code,)


def department_key(department: str) -> tuple[str, bool]:
    """The two first characters of a département's postal codes, and whether they alone
    select it: « 69 » → (« 69 », True); Corsica's « 2A » → (« 20 », False), « 974 » →
    (« 97 », False): their own starts are checked besides."""
    prefixes = department_prefixes(department)
    key = prefixes[0][:2]
    return key, prefixes == (key,)


def refuse_bulk(count: int, limit: int) -> str | None:
    """A bulk action on more than ``limit`` clients is refused: the query is to be refined."""
    if count > limit:
        return (f"La requête donne {count} clients : affinez-la (au plus {limit} clients "
                "à la fois).")
    return None


def changed_since_preview(expected: int | None, actual: int) -> str | None:
    """The confirmation counted ``expected`` changes; the data moved meanwhile: nothing is
    written, the preview is shown again with the new count."""
    if expected is not None and expected != actual:
        return (f"Le résultat a changé depuis l'aperçu ({expected} prévu(s), {actual} "
                "maintenant) : vérifiez le nouvel aperçu puis confirmez.")
    return None
