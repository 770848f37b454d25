"""The Bilan tabs: Détail (by operation, advisor, client, along the hierarchy with rows
expanded by htmx) and Synthèse (charts over one compute()); same figures as compute(),
scoped, "—" where a rate has no denominator, every count a way into Gestion."""

import json
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fixtures.operations import conclude, play_transformation_example, record
from tests.fixtures.supervision import listed
from webapp.auth.models import Access, Role
from webapp.extensions import db
from webapp.formatting import money, rate
from webapp.operations.models import AdvisorObjective
from webapp.supervision import charts
from webapp.supervision.metrics import Figures, Scope, StepFigures, compute
from webapp.supervision.rates import pace

AS_OF = date(2026, 2, 20)
HX = {"HX-Request": "true"}


def squeeze(text: str) -> str:
    """Spaces of the markup collapsed; the (narrow) no-break spaces of numbers kept."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


class Tables(HTMLParser):
    """Each table's rows as lists of cell texts, by table id (nested tables apart), and
    every link with its text."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[tuple[str, str]] = []
        self._stack: list[str] = []
        self._cell: list[str] | None = None
        self._link: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._stack.append(attrs.get("id") or f"table-{len(self.tables)}")
            self.tables.setdefault(self._stack[-1], [])
        elif tag == "tr" and self._stack:
            self.tables[self._stack[-1]].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []
        elif tag == "a":
            self._link = [attrs.get("href", ""), ""]

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            self._stack.pop()
        elif tag in ("td", "th") and self._cell is not None and self._stack:
            rows = self.tables[self._stack[-1]]
            if rows:
                rows[-1].append(squeeze("".join(self._cell)))
            self._cell = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], squeeze(self._link[1])))
            self._link = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._link is not None:
            self._link[1] += data


def page(http, url, **args) -> Tables:
    response = http.get(url, query_string={"as_of": AS_OF.isoformat(), **args})
    assert response.status_code == 200, response.status_code
    return Tables(response.get_data(as_text=True))


def by_label(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0].lstrip("▸ "): row[1:] for row in rows if row}


def drill_args(href: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


@pytest.fixture
def played(org, campaign):  # noqa: F811
    """METRICS.md's examples in one operation of 10 targets of Marc's (as_of day 51 of 61):
    2 signed (one before, one after the sale step), 1 refused after it, 1 before it."""
    operation, targets = campaign(10)
    play_transformation_example(targets, early="150000", late="50000")
    return operation, targets


def figures_of(org, operation=None, viewer="manager", advisor=None):
    return compute(Scope(viewer=org[viewer], as_of=AS_OF, operation=operation, advisor=advisor))


# --- Synthèse ---------------------------------------------------------------------------

def test_synthese_shows_the_figures_of_compute(org, login, played):
    operation, _ = played
    f = figures_of(org, operation)
    tables = page(login(org["manager"]), "/supervision/synthese", operation=operation.id)
    objective = dict(by_label(tables.tables["synthese-objective"]))
    assert objective == {"Objectif": [money(f.objective)], "Potentiel": [money(f.potential)],
                         "Collecté": [money(f.collected)],
                         "Reste à réaliser": [money(f.remaining_to_objective)],
                         "Potentiel restant": [money(f.remaining_potential)]}
    assert money(f.collected) == "200\u202f000\u00a0€"
    progress = by_label(tables.tables["synthese-progress"])
    assert progress["Taux d'avancement"] == ["59,80 %"]  # METRICS.md, not the seed's 50 %
    assert progress["Jours écoulés / restants"] == ["51 / 10 (sur 61)"]
    counts = by_label(tables.tables["synthese-counts"])
    assert counts == {"Clients": ["Nombre", "Part"], "Ont accepté": ["2", "20,00 %"],
                      "Ont refusé": ["2", "20,00 %"], "En cours": ["6", "60,00 %"],
                      "Total": ["10", ""]}
    assert by_label(tables.tables["synthese-transformation"]) == {
        "Taux de transformation": ["66,67 %"]}
    assert by_label(tables.tables["synthese-equipment"]) == {
        "Taux d'équipement": [rate(f.equipment_rate)]}
    steps = by_label(tables.tables["steps-table"])
    assert [steps[f"{s.position}. {s.name}"][:3] for s in f.steps] == [
        [str(s.concerned), str(s.completed), str(s.no_longer_concerned)] for s in f.steps]


def test_synthese_charts_carry_the_same_numbers(org, login, played):
    operation, _ = played
    html = login(org["manager"]).get(f"/supervision/synthese?operation={operation.id}"
                                     f"&as_of={AS_OF}").get_data(as_text=True)
    charts = dict(re.findall(
        r'<script type="application/json" id="chart-([\w-]+)">(.*?)</script>', html, re.S))
    assert set(charts) == {"objective", "progress", "clients", "transformation", "equipment",
                           "step-1"}
    figures = {name: json.loads(text) for name, text in charts.items()}
    bars = {t["name"]: t["y"][0] for t in figures["objective"]["data"]}
    assert bars == {"Objectif": 400000, "Collecté": 200000, "Potentiel restant": 6000}
    assert figures["progress"]["data"][0]["value"] == 59.8
    assert figures["clients"]["data"][0]["values"] == [2, 2, 6]
    assert figures["transformation"]["data"][0]["value"] == 66.67
    assert figures["equipment"]["config"] == {"responsive": True, "staticPlot": True,
                                              "displayModeBar": False}
    assert 'id="synthese-pace">En retard</span>' in html
    # Loaded from static/ on this page only, and no inline script at all.
    assert "/static/vendor/plotly-4.1.1.min.js" in html
    assert not re.search(r"<script(?![^>]*(src=|application/json))", html)


def test_charts_are_valid_plotly_figures(app):
    """Each figure dictionary passes plotly's own validators (a misspelt property raises),
    with a rate above the gauge's range, and none where there is nothing to draw."""
    import plotly.graph_objects as go

    step = StepFigures("s2", "Rendez-vous", 2, concerned=8, completed=7,
                       progress_rate=Decimal("0.875"), passage_rate=Decimal("1.2"))
    f = Figures(objective=Decimal("400000"), potential=Decimal("520000"),
                collected=Decimal("450000"), remaining_to_objective=Decimal(0),
                remaining_potential=Decimal("70000"), calendar=None,
                expected_to_date=Decimal("300000"), progress_rate=Decimal("1.5"), total=10,
                accepted=2, refused=1, in_progress=7, transformation_rate=Decimal("0.6667"),
                equipment_rate=Decimal("0.2"), steps=[step])
    built = [charts.objective_figure(f), charts.progress_figure(f), charts.clients_figure(f),
             charts.rate_figure(f.transformation_rate), charts.step_figure(step)]
    for figure in built:
        go.Figure(figure)  # raises ValueError on an invalid property or value
    gauge = built[1]["data"][0]
    assert gauge["value"] == 150.0 and gauge["gauge"]["axis"]["range"][1] == 165.0
    assert built[2]["data"][0]["customdata"] == ["20,00 %", "10,00 %", "70,00 %"]
    assert built[4]["data"][0]["x"] == [87.5, 120.0]
    empty = Figures(**{**vars(f), "progress_rate": None, "total": 0, "accepted": 0,
                       "refused": 0, "in_progress": 0, "transformation_rate": None})
    assert charts.progress_figure(empty) is None and charts.clients_figure(empty) is None
    assert charts.rate_figure(None) is None
    assert charts.step_figure(StepFigures("s1", "Appel", 1)) is None
    # Safe inside <script>: no "</script>" can close it early.
    assert "<" not in charts.as_json({"data": [], "layout": {"title": {"text": "</script>"}}})


def test_pace_ahead_from_100_percent():
    """« S'il est supérieur à 100 %, alors vous êtes en avance, dans le cas contraire, vous
    êtes en retard »."""
    assert pace(Decimal("1.2")) == "ahead" and pace(Decimal("1")) == "ahead"
    assert pace(Decimal("0.598")) == "behind" and pace(None) is None


def test_synthese_step_chosen_with_htmx(org, login, campaign):  # noqa: F811
    """8 concerned by "Rendez-vous de présentation", 7 completed → 87,50 %; of those 7, 4
    refused there and 3 wait for the next step → passage 3 / 7 = 42,86 %."""
    operation, targets = campaign(8)
    for target in targets:
        record(target, 1)
    for target in targets[:7]:
        record(target, 2)
    record(targets[7], 2, status="planned")
    for target in targets[:4]:
        conclude(target, "Refus")
    http = login(org["manager"])
    url = f"/supervision/synthese?operation={operation.id}&as_of={AS_OF}&step=2"
    fragment = http.get(url, headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Vary" in fragment.headers
    tables = Tables(fragment.text)
    rates = tables.tables["step-rates-table"]
    assert rates[0] == ["Taux d'avancement", "87,50 %"]
    # Passage: concerned by "Signature" (3 waiting for it) / completed (7) = 42,86 %.
    assert rates[2] == ["Taux de passage à l'étape suivante", "42,86 %"]
    assert 'id="step-link-2"' in fragment.text and 'aria-current="true"' in fragment.text
    assert 'hx-get="/supervision/synthese?operation=' in fragment.text
    assert "<html" in http.get(url).text
    last = Tables(http.get(url.replace("step=2", "step=4"), headers=HX).text)
    assert last.tables["step-rates-table"][2] == ["Taux de passage à l'étape suivante", "—"]


def test_synthese_zero_denominators_show_a_dash(org, login, campaign):  # noqa: F811
    operation, _ = campaign(0)
    http = login(org["manager"])
    response = http.get(f"/supervision/synthese?operation={operation.id}&as_of={AS_OF}")
    tables = Tables(response.text)
    assert by_label(tables.tables["synthese-transformation"]) == {
        "Taux de transformation": ["—"]}
    assert by_label(tables.tables["synthese-equipment"]) == {"Taux d'équipement": ["—"]}
    assert by_label(tables.tables["synthese-counts"])["Ont accepté"] == ["0", "—"]
    assert by_label(tables.tables["step-rates-table"])["Taux d'avancement"] == ["—"]
    assert 'id="chart-clients"' not in response.text  # nothing to draw
    assert 'id="chart-equipment"' not in response.text


def test_synthese_operation_not_started(org, login, campaign):  # noqa: F811
    operation, _ = campaign(2)
    response = login(org["manager"]).get(
        f"/supervision/synthese?operation={operation.id}&as_of=2025-12-01")
    assert "n&#39;a pas encore commencé" in response.text
    assert by_label(Tables(response.text).tables["synthese-progress"])[
        "Taux d'avancement"] == ["—"]
    assert 'id="chart-progress"' not in response.text


def test_synthese_of_all_operations(org, login, campaign):  # noqa: F811
    first, (a,) = campaign(1, name="A")
    campaign(1, objective="200000", name="B")
    conclude(a, "Vente", "100000")
    f = figures_of(org)
    tables = page(login(org["manager"]), "/supervision/synthese")
    assert by_label(tables.tables["synthese-objective"])["Objectif"] == [money(f.objective)]
    assert by_label(tables.tables["synthese-progress"])["Taux d'avancement"] == [
        rate(f.progress_rate)]
    assert "Jours écoulés / restants" not in by_label(tables.tables["synthese-progress"])
    assert "steps-table" not in tables.tables


def test_synthese_drill_links_carry_the_scope(org, login, played):
    operation, _ = played
    http = login(org["manager"])
    tables = page(http, "/supervision/synthese", operation=operation.id)
    refused = [href for href, text in tables.links if "figure=refused" in href]
    assert len(refused) == 1
    assert drill_args(refused[0]) == {"operation": str(operation.id), "as_of": "2026-02-20",
                                      "figure": "refused"}
    step = operation.steps[2]
    concerned = [href for href, _ in tables.links
                 if "figure=concerned" in href and f"step={step.id}" in href]
    assert len(concerned) == 1
    assert len(listed(http, operation, figure="refused")) == 2


# --- Détail -----------------------------------------------------------------------------

@pytest.fixture
def lyon(org, make_user, campaign, make_client, make_target):  # noqa: F811
    """Two operations; Marc (share 37,5 % of the first) and Zoé (Lyon, no share) follow
    clients; Léa (Nantes) one in the second."""
    first, targets = campaign(4, name="Épargne retraite T1")
    zoe = make_user(Role.ADVISOR, team=org["lyon"], name="Zoé Arnaud")
    second, _ = campaign(0, objective="200000", name="Prévoyance TNS")
    for i in range(2):
        make_target(first, make_client("Zoé", f"Client{i}", advisor=zoe), potential="3000")
    make_target(second, make_client("Marc", "Second", advisor=org["advisor"]),
                potential="7000")
    make_target(second, make_client("Léa", "Nantaise", advisor=org["other_advisor"]),
                potential="9000")
    db.session.add(AdvisorObjective(operation_id=first.id, advisor_id=org["advisor"].id,
                                    percent=Decimal("37.5")))
    db.session.commit()
    record(targets[0], 1)
    record(targets[0], 2)
    conclude(targets[0], "Vente", "12000")
    conclude(targets[1], "Refus")
    return first, second, zoe, targets


def test_detail_by_operation(org, login, lyon):
    first, second, _, _ = lyon
    tables = page(login(org["manager"]), "/supervision/detail", group="operation")
    rows = by_label(tables.tables["bilan-table"][1:])
    f1, f2 = figures_of(org, first), figures_of(org, second)
    assert rows["Épargne retraite T1"] == [
        "6", "1", "1", "4", money(f1.potential), money(f1.collected), money(f1.objective),
        rate(f1.equipment_rate), rate(f1.transformation_rate)]
    # The manager runs both operations: Léa's target counts too.
    assert rows["Prévoyance TNS"][:5] == ["2", "0", "0", "2", "16\u202f000\u00a0€"]
    assert rows["Total"][:6] == ["8", "1", "1", "6", money(f1.potential + f2.potential),
                                 money(f1.collected)]
    assert rows["Total"][6] == money(f1.objective + f2.objective)
    accepted = [href for href, text in tables.links
                if "figure=accepted" in href and f"operation={first.id}" in href]
    assert len(accepted) == 1 and drill_args(accepted[0])["as_of"] == "2026-02-20"


def test_detail_transformation_per_operation(org, login, campaign):  # noqa: F811
    """Each operation's sale step counts for its own targets: in the second operation a
    client refused after its sale step (0 / 1 = 0 %), in the first nobody passed it."""
    first, (a,) = campaign(1, name="A")
    second, (b,) = campaign(1, name="B")
    for position in (1, 2, 3):
        record(b, position)
    conclude(b, "Refus")
    record(a, 1)
    rows = by_label(page(login(org["manager"]), "/supervision/detail", group="operation")
                    .tables["bilan-table"][1:])
    assert rate(figures_of(org, second).transformation_rate) == "0,00 %"
    assert rows["A"][-1] == "—" and rows["B"][-1] == "0,00 %"


def test_detail_by_advisor_with_shares(org, login, lyon):
    first, _, zoe, _ = lyon
    http = login(org["manager"])
    tables = page(http, "/supervision/detail", group="advisor", operation=first.id)
    rows = by_label(tables.tables["bilan-table"][1:])
    marc = figures_of(org, first, advisor=org["advisor"])
    assert rows["Marc Petit"] == [
        "4", "1", "1", "2", money(marc.potential), "12\u202f000\u00a0€", "150\u202f000\u00a0€",
        "25,00 %", "100,00 %"]
    assert marc.objective == Decimal("150000.00")
    assert rows["Zoé Arnaud"][:7] == ["2", "0", "0", "2", "6\u202f000\u00a0€", "0\u00a0€", "—"]
    assert rows["Zoé Arnaud"][7:] == ["0,00 %", "—"]  # nobody past the sale step
    hrefs = [href for href, _ in tables.links if "figure=in_progress" in href]
    assert {drill_args(h).get("advisor") for h in hrefs} == {
        str(org["advisor"].id), str(zoe.id), None}  # two advisors, then the total
    # Each advisor's link lists exactly their clients in progress.
    assert len(listed(http, first, advisor=org["advisor"].id, figure="in_progress")) == 2


def test_detail_by_client_with_step_numbers(app, org, login, lyon):
    first, _, _, targets = lyon
    app.config["PAGE_SIZE"] = 4
    http = login(org["manager"])
    tables = page(http, "/supervision/detail", group="client", operation=first.id)
    rows = tables.tables["table-0"][1:]
    assert len(rows) == 4 and "Suivante" in [text for _, text in tables.links]
    sold = targets[0].client
    assert [f"{sold.last_name} {sold.first_name}", "Épargne retraite T1", "Marc Petit", "2",
            "Accepté", "Vente", "1\u202f000\u00a0€", "12\u202f000\u00a0€"] in rows
    second = page(http, "/supervision/detail", group="client", operation=first.id, page=2)
    assert len(second.tables["table-0"]) == 1 + 2
    fragment = http.get(f"/supervision/detail?group=client&operation={first.id}&page=2",
                        headers=HX)
    assert "<html" not in fragment.text and "Marc Petit" in fragment.text


def test_detail_hierarchy_expands_team_then_advisor(org, login, lyon):
    first, _, zoe, _ = lyon
    http = login(org["manager"])
    html = http.get(f"/supervision/detail?as_of={AS_OF}").text
    top = by_label(Tables(html).tables["bilan-table"][1:])
    # The Lyon manager starts at his agency (the region holds nobody directly); the
    # targets of Léa's in the operation he runs show under Nantes.
    assert set(top) == {"Agence Lyon", "Agence Nantes", "Total"}
    f = figures_of(org)
    assert top["Total"][:6] == [str(f.total), str(f.accepted), str(f.refused),
                                str(f.in_progress), money(f.potential), money(f.collected)]
    expand = re.search(r'hx-get="(/supervision/detail/rows\?[^"]*team=' + str(org["lyon"].id)
                       + r'[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "parent=row-team-" in expand and "depth=1" in expand
    rows = http.get(expand, headers=HX).text
    advisors = by_label(Tables(f"<table>{rows}</table>").tables["table-0"])
    assert set(advisors) == {"Marc Petit", "Zoé Arnaud"}
    assert advisors["Marc Petit"][:4] == ["5", "1", "1", "3"]
    assert f'data-tree-parent="row-team-{org["lyon"].id}"' in rows
    clients_url = re.search(r'hx-get="([^"]*advisor=' + str(zoe.id) + r'[^"]*)"',
                            rows).group(1).replace("&amp;", "&")
    clients = http.get(clients_url, headers=HX).text
    assert clients.count("Zoé Arnaud") == 2 and "Marc Petit" not in clients
    assert "Étape" in clients and "data-tree-parent" in clients


def test_detail_hierarchy_from_the_top_for_all_access(org, login, lyon, make_user):
    director = make_user(Role.MANAGER, team=org["region"], name="Dora Directrice",
                         operations_access=Access.ALL)
    http = login(director)
    top = by_label(page(http, "/supervision/detail").tables["bilan-table"][1:])
    assert set(top) == {"Agence Lyon", "Agence Nantes", "Total"}
    assert top["Agence Nantes"][:2] == ["1", "0"]


def test_detail_operation_rows_expand_to_advisors(org, login, lyon):
    first, _, _, _ = lyon
    http = login(org["manager"])
    html = http.get(f"/supervision/detail?group=operation&as_of={AS_OF}").text
    url = re.search(r'hx-get="([^"]*list=advisors[^"]*operation=' + str(first.id) + '[^"]*)"'
                    r'|hx-get="([^"]*operation=' + str(first.id) + '[^"]*list=advisors[^"]*)"',
                    html)
    rows = http.get((url.group(1) or url.group(2)).replace("&amp;", "&"), headers=HX).text
    advisors = by_label(Tables(f"<table>{rows}</table>").tables["table-0"])
    assert set(advisors) == {"Marc Petit", "Zoé Arnaud"}
    assert f"operation={first.id}" in rows  # their drill links keep the operation


def test_detail_scope(org, login, lyon):
    first, second, _, _ = lyon
    marc = login(org["advisor"])
    rows = by_label(page(marc, "/supervision/detail", group="advisor").tables["bilan-table"][1:])
    assert set(rows) == {"Marc Petit", "Total"}  # not Zoé, not Léa
    assert rows["Total"][0] == "5"
    lea = login(org["other_advisor"])
    assert lea.get(f"/supervision/detail?operation={first.id}").status_code == 404
    assert lea.get(f"/supervision/synthese?operation={first.id}").status_code == 404
    assert lea.get(f"/supervision/detail/rows?operation={first.id}").status_code == 404
    assert lea.get(f"/supervision/detail/rows?team={org['lyon'].id}").status_code == 404
    lea_rows = by_label(page(lea, "/supervision/detail", group="advisor").tables[
        "bilan-table"][1:])
    assert set(lea_rows) == {"Léa Bernard", "Total"}


def test_detail_empty_scope_and_bad_input(org, login):
    http = login(org["bdc_agent"])
    html = http.get("/supervision/detail").text
    assert "Aucun client dans ce périmètre." in html
    assert http.get("/supervision/detail?group=nimporte").status_code == 200
    assert http.get("/supervision/detail?as_of=hier").status_code == 400
    assert http.get("/supervision/detail/rows?depth=x&parent=<b>").status_code == 200
    assert http.get("/supervision/synthese?step=zz").status_code == 200
