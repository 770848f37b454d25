"""The PDF editions of the Gestion tab (seed 004, "Editions"): the operation's synthesis,
the results per advisor and the step detail per advisor.

Each edition is assembled from ``compute`` only (one call for the scope, one per advisor
of ``advisors_in``), rendered by a template of ``templates/supervision/editions/`` and
turned into a PDF by WeasyPrint, which may read nothing but the ``static/`` folder.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask_babel import format_date
from weasyprint import HTML, URLFetcher

from webapp import clock
from webapp.auth.models import User
from webapp.clients.rules import search_key
from webapp.operations.models import Operation
from webapp.supervision.metrics import Figures, Scope, client_shares, compute, operations_in
from webapp.supervision.params import advisors_in
from webapp.supervision.rates import PACE_LABELS, pace


@dataclass(frozen=True)
class AdvisorFigures:
    advisor: User
    figures: Figures


@dataclass(frozen=True)
class OperationFigures:
    operation: Operation
    figures: Figures


@dataclass(frozen=True)
class StepSection:
    """One operation of the step detail: its steps for all the scope's advisors (None when
    the scope is one advisor), then for each advisor."""

    operation: Operation
    overall: Figures | None
    advisors: list[AdvisorFigures]


def pace_label(progress_rate: Decimal | None) -> str:
    """« en avance » / « en retard » (rates.pace), lower case inside the printed line."""
    found = pace(progress_rate)
    return PACE_LABELS[found].lower() if found else ""


def advisors_of(scope: Scope) -> list[User]:
    """The advisors an edition has a line for: the scope's one, or all of its advisors."""
    return [scope.advisor] if scope.advisor is not None else advisors_in(scope)


def synthese(scope: Scope) -> dict:
    """The scope's figures; over all operations, a line per operation as well."""
    figures = compute(scope)
    operations = [] if scope.operation is not None else [
        OperationFigures(o, compute(replace(scope, operation=o), steps=False))
        for o in operations_in(scope)]
    return {"figures": figures, "shares": client_shares(figures), "pace": pace_label,
            "operations": operations}


def conseillers(scope: Scope) -> dict:
    """A line per advisor, and the scope's total (which also counts unassigned clients)."""
    lines = [AdvisorFigures(a, compute(replace(scope, advisor=a), steps=False))
             for a in advisors_of(scope)]
    total = compute(scope, steps=False) if scope.advisor is None else None
    return {"lines": lines, "total": total}


def _step_section(scope: Scope) -> StepSection:
    overall = compute(scope)
    if scope.advisor is not None:
        return StepSection(scope.operation, None, [AdvisorFigures(scope.advisor, overall)])
    return StepSection(scope.operation, overall,
                       [AdvisorFigures(a, compute(replace(scope, advisor=a)))
                        for a in advisors_in(scope)])


def etapes(scope: Scope) -> dict:
    """The steps of the scope's operation, or of each operation holding clients in it."""
    if scope.operation is not None:
        return {"sections": [_step_section(scope)]}
    sections = [_step_section(replace(scope, operation=o)) for o in operations_in(scope)]
    return {"sections": [s for s in sections if any(a.figures.total for a in s.advisors)]}


@dataclass(frozen=True)
class Edition:
    title: str
    build: Callable[[Scope], dict]
    title_all: str | None = None  # the title over all operations, when it differs

    def title_for(self, scope: Scope) -> str:
        return self.title if scope.operation is not None else self.title_all or self.title


EDITIONS = {
    "synthese": Edition("Synthèse de l'opération", synthese, "Synthèse des opérations"),
    "conseillers": Edition("Bilan par conseiller", conseillers),
    "etapes": Edition("Détail des étapes par conseiller", etapes),
}


def long_day(value: date) -> str:
    """`22 novembre 2026`."""
    return format_date(value, "d MMMM yyyy")


def context(kind: str, scope: Scope) -> dict:
    """Everything an edition's template prints."""
    edition = EDITIONS[kind]
    return {"title": edition.title_for(scope), "scope": scope, "as_of": long_day(scope.as_of),
            "printed_on": clock.today(), **edition.build(scope)}


def filename(kind: str, scope: Scope) -> str:
    """`synthese-epargne-retraite-t1-2026-11-22.pdf` (ASCII, safe in a header)."""
    what = scope.operation.name if scope.operation is not None else "toutes operations"
    slug = "-".join(search_key(what).split()) or "operation"
    return f"{kind}-{slug}-{scope.as_of.isoformat()}.pdf"


class StaticOnly(URLFetcher):
    """WeasyPrint's fetcher, limited to files under one folder: no network, no other file."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"file"})
        self.root = root

    def fetch(self, url, headers=None):
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"Ressource refusée : {url}")
        return super().fetch(url, headers)


def render_pdf(html: str) -> bytes:
    """The PDF of an edition's HTML; relative URLs resolve under ``static/``."""
    root = Path(current_app.static_folder).resolve()
    return HTML(string=html, base_url=root.as_uri() + "/",
                url_fetcher=StaticOnly(root)).write_pdf()
