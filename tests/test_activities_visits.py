"""« Clore la visite »: the next appointment and the next opportunity in one dialog,
both or neither."""

import pytest
from sqlalchemy import select

from webapp.activities.appointments.models import Appointment
from webapp.extensions import db
from webapp.opportunities.models import Opportunity, OpportunityType


@pytest.fixture
def anne(org, make_client):
    return make_client(advisor=org["advisor"], email="anne.roux@example.com")


def posted(**changes):
    lead = db.session.scalar(select(OpportunityType.id).order_by(OpportunityType.id))
    return {"subject": "Prochain rendez-vous", "starts_at": "2031-06-10T15:00",
            "duration_minutes": "45", "place": "Boutique", "opportunity_name": "Site 2032",
            "type_id": str(lead), "purpose": "Site visibilité", "amount": "1 200,50",
            "probability": "40", "expected_close_on": "2031-09-30", **changes}


def test_close_the_visit(org, login, anne):
    http = login(org["advisor"])
    page = http.get(f"/activities/clients/{anne.id}/close-visit")
    assert page.status_code == 200 and "Nouvelle opportunité" in page.text
    assert http.post(f"/activities/clients/{anne.id}/close-visit",
                     data=posted()).status_code == 302
    appointment = db.session.scalars(select(Appointment)).one()
    opportunity = db.session.scalars(select(Opportunity)).one()
    assert appointment.duration_minutes == 45 and appointment.client_id == anne.id
    assert (opportunity.name, str(opportunity.amount), opportunity.owner_id) == (
        "Site 2032", "1200.50", org["advisor"].id)


def test_neither_is_written_on_bad_input(org, login, anne):
    http = login(org["advisor"])
    for changes in ({"opportunity_name": ""}, {"type_id": "999999"}, {"subject": ""},
                    {"amount": "beaucoup"}, {"probability": "140"},
                    {"starts_at": "2090-01-01T10:00"}):
        response = http.post(f"/activities/clients/{anne.id}/close-visit",
                             data=posted(**changes))
        assert response.status_code == 422, changes
        assert "Site visibilité" in response.text  # nothing typed is lost
    db.session.rollback()
    assert db.session.scalars(select(Appointment)).all() == []
    assert db.session.scalars(select(Opportunity)).all() == []
