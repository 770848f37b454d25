"""The PDF editions of the Gestion tab, read back with pdftotext: the figures printed are
``compute``'s, formatted as everywhere else, for the scope and the date printed."""

import threading
from dataclasses import replace
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.documents import pdf_text
from tests.fixtures.operations import conclude, record
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.formatting import euros, number, rate
from webapp.operations.models import AdvisorObjective
from webapp.supervision.editions import render_pdf
from webapp.supervision.metrics import Scope, compute

AS_OF = date(2026, 2, 20)


def flat(text: str) -> str:
    """Text as compared: plain spaces, none before "€" and "%" (``pdftotext -layout`` drops
    the one after a lone digit, "0 €" → "0€")."""
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    return text.replace(" €", "€").replace(" %", "%")


def row(*cells) -> str:
    return flat(" ".join(str(c) for c in cells))


def advisor_cells(f) -> str:
    return row(euros(f.objective), euros(f.collected), euros(f.remaining_to_objective),
               euros(f.potential), euros(f.remaining_potential), rate(f.progress_rate),
               number(f.total), number(f.accepted), number(f.refused), number(f.in_progress),
               rate(f.transformation_rate), rate(f.equipment_rate))


def step_row(step) -> str:
    return row(step.position, step.name, number(step.concerned), number(step.completed),
               number(step.no_longer_concerned), rate(step.progress_rate),
               rate(step.passage_rate))


def get_pdf(http, url, filename=None) -> list[str]:
    response = http.get(url)
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')
    if filename:
        assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.data.startswith(b"%PDF")
    return pdf_text(response.data)


def has_line(pages: list[str], expected: str) -> bool:
    return any(flat(expected) in flat(line) for page in pages for line in page.splitlines())


@pytest.fixture
def team_campaign(org, campaign, make_user, make_client, make_target):  # noqa: F811
    """The Lyon manager's operation: 6 targets of Marc's (2 signed, 1 refused, steps
    recorded), 3 of Zoé's (1 sold), Marc's share 37,5 %, Zoé's 100 000 €."""
    operation, marc = campaign(6)
    zoe = make_user(Role.ADVISOR, team=org["lyon"], name="Zoé Vidal")
    theirs = [make_target(operation, make_client("Client", f"Z{i}", advisor=zoe),
                          potential="20000") for i in range(3)]
    for target in marc[:4]:
        record(target, 1)
    for target in marc[:3]:
        record(target, 2)
    record(marc[0], 3)
    conclude(marc[0], "Signature", "150000")
    conclude(marc[1], "Vente", "12500.50")
    conclude(marc[2], "Refus")
    record(theirs[0], 1)
    record(theirs[0], 2, status="planned")
    conclude(theirs[1], "Vente", "40000")
    db.session.add_all([
        AdvisorObjective(operation_id=operation.id, advisor_id=org["advisor"].id,
                         percent=Decimal("37.5")),
        AdvisorObjective(operation_id=operation.id, advisor_id=zoe.id, amount=100000)])
    db.session.commit()
    return operation, zoe


def test_synthese_prints_the_figures_of_compute(org, team_campaign, login):
    operation, _ = team_campaign
    f = compute(Scope(viewer=org["manager"], as_of=AS_OF, operation=operation))
    pages = get_pdf(login(org["manager"]),
                    f"/supervision/editions/synthese.pdf?operation={operation.key}"
                    "&as_of=2026-02-20", "synthese-epargne-retraite-t1-2026-02-20.pdf")
    text = pages[0]
    assert "Pilote — Synthèse de l'opération" in text and "au 20 février 2026" in text
    assert ("Opération : Épargne retraite T1 · Conseiller : Tous les conseillers · "
            "Édité par Claire Martin") in text
    assert "Page 1 / 1" in text and len(pages) == 1
    for label, value in [("Objectif", euros(f.objective)), ("Potentiel", euros(f.potential)),
                         ("Collecté", euros(f.collected)),
                         ("Reste à réaliser", euros(f.remaining_to_objective)),
                         ("Potentiel restant", euros(f.remaining_potential)),
                         ("Attendu à date", euros(f.expected_to_date)),
                         ("Taux d'avancement", f"{rate(f.progress_rate)} (en retard)"),
                         ("Jours écoulés / restants", "51 / 10"),
                         ("Ont accepté", row(f.accepted, rate(Decimal(f.accepted) / f.total))),
                         ("Ont refusé", row(f.refused, rate(Decimal(f.refused) / f.total))),
                         ("En cours", row(f.in_progress, rate(Decimal(f.in_progress) / f.total))),
                         ("Total", str(f.total)),
                         ("Taux de transformation", rate(f.transformation_rate)),
                         ("Taux d'équipement", rate(f.equipment_rate))]:
        assert has_line(pages, row(label, value)), (label, value, text)
    # The campaign's own figures, so that a wrong compute() cannot pass unnoticed.
    assert has_line(pages, "Collecté 202 501 €") and has_line(pages, "Objectif 400 000 €")
    assert has_line(pages, "Taux d'équipement 33,33 %")
    for step in f.steps:
        assert has_line(pages, step_row(step)), step_row(step)
    assert has_line(pages, "4 Suivi 0 0 4 — —")  # no passage rate for the last step


def test_synthese_over_all_operations_lists_each(org, campaign, login):  # noqa: F811
    first, (a,) = campaign(1, name="Épargne retraite T1")
    campaign(0, objective="200000", name="Prévoyance TNS")
    conclude(a, "Vente", "30000")
    pages = get_pdf(login(org["manager"]), "/supervision/editions/synthese.pdf?as_of=2026-02-20",
                    "synthese-toutes-operations-2026-02-20.pdf")
    assert "Pilote — Synthèse des opérations" in pages[0]
    assert "Opération : Toutes les opérations" in pages[0]
    assert has_line(pages, "Objectif 600 000 €") and "Jours écoulés" not in pages[0]
    assert has_line(pages, "Épargne retraite T1 400 000 € 30 000 €")
    # No client: its client rates are undefined ("—"), never 0 %.
    assert has_line(pages, "Prévoyance TNS 200 000 € 0 € 0,00 % 0 0 — —")


def test_conseillers_one_line_per_advisor_and_the_total(org, team_campaign, login):
    operation, zoe = team_campaign
    scope = Scope(viewer=org["manager"], as_of=AS_OF, operation=operation)
    pages = get_pdf(login(org["manager"]),
                    f"/supervision/editions/conseillers.pdf?operation={operation.id}"
                    "&as_of=2026-02-20")
    assert "Pilote — Bilan par conseiller" in pages[0] and "au 20 février 2026" in pages[0]
    for advisor in (org["advisor"], zoe):
        f = compute(replace(scope, advisor=advisor))
        assert has_line(pages, f"{advisor.name} {advisor_cells(f)}"), advisor.name
    assert has_line(pages, f"Total {advisor_cells(compute(scope))}")
    assert has_line(pages, "Marc Petit 150 000 € 162 501 €")  # 37,5 % of 400 000 €
    assert has_line(pages, "Zoé Vidal 100 000 € 40 000 € 60 000 €")


def test_an_advisor_gets_only_their_own_line(org, team_campaign, login):
    operation, zoe = team_campaign
    marc = org["advisor"]
    pages = get_pdf(login(marc), f"/supervision/editions/conseillers.pdf?operation={operation.id}"
                                 "&as_of=2026-02-20")
    f = compute(Scope(viewer=marc, as_of=AS_OF, operation=operation))
    assert has_line(pages, f"Marc Petit {advisor_cells(f)}")
    assert "Zoé Vidal" not in "".join(pages) and "Édité par Marc Petit" in pages[0]
    # The manager narrowing to Zoé gets her line, and no total.
    pages = get_pdf(login(org["manager"]), "/supervision/editions/conseillers.pdf?"
                                           f"operation={operation.id}&advisor={zoe.id}")
    assert "Conseiller : Zoé Vidal" in pages[0] and "Marc Petit" not in "".join(pages)
    assert not has_line(pages, "Total")


def test_etapes_per_advisor(org, team_campaign, login):
    operation, zoe = team_campaign
    scope = Scope(viewer=org["manager"], as_of=AS_OF, operation=operation)
    pages = get_pdf(login(org["manager"]),
                    f"/supervision/editions/etapes.pdf?operation={operation.id}&as_of=2026-02-20",
                    "etapes-epargne-retraite-t1-2026-02-20.pdf")
    text = flat("\n".join(pages))
    assert "Pilote — Détail des étapes par conseiller" in pages[0]
    blocks = {"Tous les conseillers": compute(scope)}
    blocks |= {a.name: compute(replace(scope, advisor=a)) for a in (org["advisor"], zoe)}
    positions = [text.index(heading) for heading in blocks]
    assert positions == sorted(positions)  # all, then the advisors by name
    for heading, f in blocks.items():
        section = text[text.index(heading):]
        for step in f.steps:
            assert step_row(step) in section, (heading, step_row(step))
    assert "Marc Petit — 6 clients" in text and "Zoé Vidal — 3 clients" in text
    # Zoé: 2 concerned by step 1 (one done, one waiting), 1 completed, 1 concluded without.
    zoe_part = text[text.index("Zoé Vidal —"):]
    assert flat("1 Appel 2 1 1 50,00 % 100,00 %") in zoe_part


def test_etapes_without_operation_lists_each_operation(org, campaign, login):  # noqa: F811
    first, (a,) = campaign(1, name="Épargne retraite T1")
    second, (b,) = campaign(1, name="Prévoyance TNS")
    campaign(0, name="Sans client")
    record(b, 1)
    pages = get_pdf(login(org["manager"]), "/supervision/editions/etapes.pdf")
    text = flat("\n".join(pages))
    assert "Opération : Toutes les opérations" in text
    assert text.index("Épargne retraite T1") < text.index("Prévoyance TNS")
    assert "Sans client" not in text
    assert flat("1 Appel 1 1 0 100,00 % 100,00 %") in text[text.index("Prévoyance TNS"):]


def test_many_advisors_run_over_several_pages(org, campaign, make_user, make_client,  # noqa: F811
                                              make_target, login):
    operation, _ = campaign(0)
    for i in range(60):
        advisor = make_user(Role.ADVISOR, team=org["lyon"], name=f"Conseiller {i:02d}")
        make_target(operation, make_client("Client", f"P{i:02d}", advisor=advisor))
    pages = get_pdf(login(org["manager"]),
                    f"/supervision/editions/conseillers.pdf?operation={operation.id}")
    count = len(pages)
    assert count >= 2
    for n, page in enumerate(pages, 1):
        assert f"Page {n} / {count}" in page
        assert "Pilote — Bilan par conseiller" in page  # the running header
        assert "d'équipement" in page  # the table's header row, repeated
    text = flat("\n".join(pages))
    assert all(flat(f"Conseiller {i:02d} 0 € 0 €") in text for i in range(60))


def test_edition_scope_and_bad_requests(org, campaign, login):  # noqa: F811
    operation, _ = campaign(1)
    other = login(org["other_advisor"])
    for kind in ("synthese", "conseillers", "etapes"):
        url = f"/supervision/editions/{kind}.pdf?operation={operation.id}"
        assert other.get(url).status_code == 404  # another team's operation
    manager = login(org["manager"])
    assert manager.get("/supervision/editions/bilan.pdf").status_code == 404
    assert manager.get("/supervision/editions/synthese.pdf?as_of=hier").status_code == 400
    assert manager.get("/supervision/editions/synthese.pdf?advisor=99999").status_code == 404
    response = login(org["other_advisor"]).get("/supervision/editions/conseillers.pdf")
    assert "Aucun conseiller n'a de client dans ce périmètre." in pdf_text(response.data)[0]



def test_render_pdf_fetches_nothing_from_the_network(app, tmp_path):
    """A stray URL in an edition is not fetched (a real server counts the requests)."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.css"
    secret.write_text("p { color: red }")
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        with app.test_request_context():
            pdf = render_pdf(f'<link rel="stylesheet" href="{url}/x.css">'
                             f'<link rel="stylesheet" href="{secret.as_uri()}">'
                             f'<img src="{url}/logo.png" alt=""><p>Bonjour</p>')
    finally:
        server.shutdown()
        server.server_close()
    assert hits == [] and "Bonjour" in pdf_text(pdf)[0]
