"""Complaints, churn and quotes in the activity feed's registry: each source's SELECT
runs on both engines and gives the client's rows, newest first once unioned."""

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import literal, union_all

from webapp import clock
from webapp.activities.churn.services import record_churn
from webapp.activities.complaints.services import ComplaintInput, file_complaint
from webapp.activities.feed import SOURCES
from webapp.activities.quotes.services import create_quote
from webapp.extensions import db


def test_sources_give_the_clients_rows(app, org, make_client):
    client = make_client(advisor=org["advisor"])
    other = make_client(last_name="Autre")
    complaint = file_complaint(client, ComplaintInput(2026, "C-5", "Logo erroné"), None)
    quote = create_quote(client, "Pavé S2", clock.today() + timedelta(days=5), None,
                         clock.today())
    record_churn(client.id, scope="total", day=date(2026, 11, 30), reason="closure")
    file_complaint(other, ComplaintInput(2026, "C-5", "Autre client"), None)
    db.session.commit()
    kinds = ("complaint", "quote", "churn")
    selects = [SOURCES[k].rows(client.id).add_columns(
        literal(k).label("kind")) for k in kinds]
    rows = db.session.execute(union_all(*selects)).all()
    titles = {row.kind: row.title for row in rows}
    assert len(rows) == 3 and all(row.at.tzinfo is not None for row in rows)
    assert titles == {"complaint": "Réclamation — commande C-5 (Déposée)",
                      "quote": "Devis — Pavé S2 (Brouillon)",
                      "churn": "Chute totale — Cessation d'activité"}
    with app.test_request_context():
        assert SOURCES["complaint"].link(complaint.id) == url_for(
            "activities.complaint", complaint_id=complaint.id)
        assert SOURCES["quote"].link(quote.id).endswith(f"/activities/quotes/{quote.id}")
        assert SOURCES["churn"].link(client.id) == f"/clients/{client.id}#followup"
