"""Bilan – Synthèse charts: plotly figures built from one ``Figures``, serialised to JSON
that static/js/charts.js hands to ``Plotly.newPlot`` (no inline script: CSP).

Every number a chart shows is one of ``Figures``' and is printed with the Babel filters,
so the chart, its table fallback and the rest of the page agree to the digit.

The figures are plotly's figure dictionaries, serialised by plotly's encoder; the tests
pass each one through ``plotly.graph_objects.Figure``, whose validators reject a wrong
property. Building ``graph_objects`` on every request would cost 25–30 ms a page (their
validation), a fifth of the Synthèse's time budget, for the same JSON.
"""

from decimal import Decimal
from functools import cached_property

from markupsafe import Markup
from plotly.io.json import to_json_plotly

from webapp.formatting import euros, rate
from webapp.supervision.metrics import Figures, StepFigures, client_shares
from webapp.supervision.rates import percent

# Static (no hover, no drag): a finger scrolling the page is never caught by a chart.
CONFIG = {"responsive": True, "staticPlot": True, "displayModeBar": False}
COLOURS = {"objective": "#1f3a5f", "collected": "#198754", "potential": "#86b7fe",
           "accepted": "#198754", "refused": "#dc3545", "in_progress": "#6c757d",
           "behind": "#f8d7da", "ahead": "#d1e7dd", "bar": "#1f3a5f"}
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
        "size": 14, "color": "#212529"}
def _layout(height: int, **extra) -> dict:
    return {"height": height, "autosize": True, "separators": ", ", "font": FONT,
            "margin": {"l": 20, "r": 20, "t": 30, "b": 20},
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", **extra}


def as_json(figure: dict) -> Markup:
    """The figure and its config as JSON safe inside <script type="application/json">."""
    text = to_json_plotly({**figure, "config": CONFIG})
    # Our own figures' JSON, with <, > and & escaped for a <script> element (bandit B704).
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e")  # nosec B704
                  .replace("&", "\\u0026"))


def objective_figure(f: Figures) -> dict:
    """« le montant actuellement collecté, l'objectif assigné à l'opération et la collecte
    potentielle pour les clients qui n'ont pas terminé l'opération »: the objective beside
    what is collected with the remaining potential stacked on it."""
    done = "Collecté + potentiel"
    bars = [("Objectif", "Objectif", f.objective, "objective", "#ffffff"),
            ("Collecté", done, f.collected, "collected", "#ffffff"),
            ("Potentiel restant", done, f.remaining_potential, "potential", "#212529")]
    return {"data": [{"type": "bar", "name": name, "x": [x], "y": [float(amount)],
                      "text": [euros(amount)], "textposition": "inside",
                      "insidetextanchor": "middle", "cliponaxis": False,
                      "textfont": {"color": text}, "marker": {"color": COLOURS[colour]}}
                     for name, x, amount, colour, text in bars],
            "layout": _layout(320, barmode="stack", showlegend=True,
                              legend={"orientation": "h", "y": -0.12},
                              yaxis={"tickformat": ",.0f", "ticksuffix": " €",
                                     "rangemode": "tozero", "automargin": True},
                              xaxis={"automargin": True})}


def _gauge(value: float, top: float, height: int, **gauge) -> dict:
    return {"data": [{"type": "indicator", "mode": "gauge+number", "value": value,
                      "number": {"suffix": " %", "valueformat": ",.2f"},
                      "gauge": {"axis": {"range": [0, top], "ticksuffix": " %"},
                                "bar": {"color": COLOURS["bar"]}, **gauge}}],
            "layout": _layout(height, margin={"l": 50, "r": 55, "t": 25, "b": 10})}


def progress_figure(f: Figures) -> dict | None:
    """The progress rate against 100 % (on time): behind in red, ahead in green."""
    value = percent(f.progress_rate)
    if value is None:
        return None
    top = max(150.0, value * 1.1)
    return _gauge(value, top, 240,
                  steps=[{"range": [0, 100], "color": COLOURS["behind"]},
                         {"range": [100, top], "color": COLOURS["ahead"]}],
                  threshold={"value": 100, "line": {"color": "#212529", "width": 3},
                             "thickness": 0.9})


def clients_figure(f: Figures) -> dict | None:
    """Clients accepted, refused and in progress, each with its percentage."""
    if not f.total:
        return None
    shares = client_shares(f)
    return {"data": [{"type": "pie", "labels": [s.label for s in shares],
                      "values": [s.count for s in shares],
                      "customdata": [rate(s.share) for s in shares],
                      "texttemplate": "%{value} (%{customdata})", "textposition": "inside",
                      "sort": False, "direction": "clockwise", "hole": 0.45,
                      "marker": {"colors": [COLOURS[s.figure] for s in shares]}}],
            "layout": _layout(280, legend={"orientation": "h", "y": -0.05})}


def rate_figure(value: Decimal | None) -> dict | None:
    """A rate on a 0–100 % gauge (the transformation or the equipment rate)."""
    shown = percent(value)
    if shown is None:
        return None
    return _gauge(shown, max(100.0, shown), 200)


def step_figure(step: StepFigures) -> dict | None:
    """A step's progress and passage rates as two bars (a missing rate has no bar)."""
    rates = [(label, value) for label, value in (
        ("Taux d'avancement", step.progress_rate), ("Taux de passage", step.passage_rate))
        if value is not None]
    if not rates:
        return None
    values = [percent(value) for _, value in rates]
    return {"data": [{"type": "bar", "orientation": "h", "x": values,
                      "y": [label for label, _ in rates],
                      "text": [rate(value) for _, value in rates], "textposition": "auto",
                      "marker": {"color": COLOURS["bar"]}}],
            "layout": _layout(60 + 50 * len(rates),
                              margin={"l": 20, "r": 20, "t": 10, "b": 30},
                              xaxis={"range": [0, max(100.0, *values)], "ticksuffix": " %",
                                     "automargin": True},
                              yaxis={"autorange": "reversed", "automargin": True})}


def step_chart(step: StepFigures) -> Markup | None:
    figure = step_figure(step)
    return as_json(figure) if figure else None


class Synthesis:
    """The page's charts, each built when the template first asks for it (an htmx
    request for one block builds only that block's)."""

    def __init__(self, figures: Figures):
        self.figures = figures

    @staticmethod
    def _json(figure: dict | None) -> Markup | None:
        return as_json(figure) if figure else None

    @cached_property
    def objective(self) -> Markup:
        return self._json(objective_figure(self.figures))

    @cached_property
    def progress(self) -> Markup | None:
        return self._json(progress_figure(self.figures))

    @cached_property
    def clients(self) -> Markup | None:
        return self._json(clients_figure(self.figures))

    @cached_property
    def transformation(self) -> Markup | None:
        return self._json(rate_figure(self.figures.transformation_rate))

    @cached_property
    def equipment(self) -> Markup | None:
        return self._json(rate_figure(self.figures.equipment_rate))
