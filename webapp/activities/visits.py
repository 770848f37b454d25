"""« Clore la visite » (seed 001, slide 17: « Je clos mes entretiens par la programmation
d'un nouvel entretien et d'une nouvelle opportunité »): one dialog, one service that books
the next appointment and creates the next opportunity (through their own services)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from webapp.activities.appointments.models import Appointment
from webapp.activities.appointments.services import AppointmentInput, book_appointment
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.errors import Refused
from webapp.extensions import db
from webapp.opportunities import services as opportunity_services
from webapp.opportunities.models import Opportunity, OpportunityType


@dataclass(frozen=True)
class NextOpportunity:
    name: str
    type_id: int
    purpose: str | None = None
    amount: Decimal | None = None
    probability: int | None = None
    expected_close_on: date | None = None


def close_visit(client: Client, rep: User, appointment: AppointmentInput,
                opportunity: NextOpportunity) -> tuple[Appointment, Opportunity]:
    """The next appointment (the client invited) and the next opportunity, together:
    either both are written or neither (the request's one transaction)."""
    if db.session.get(OpportunityType, opportunity.type_id) is None:
        raise Refused("Choisissez le type de l'opportunité.")
    booked = book_appointment(client, rep, appointment)
    created = opportunity_services.create({
        "name": opportunity.name.strip(), "client_id": client.id,
        "type_id": opportunity.type_id, "owner_id": rep.id, "email": client.email,
        "phone": client.phone, "purpose": opportunity.purpose, "amount": opportunity.amount,
        "probability": opportunity.probability,
        "expected_close_on": opportunity.expected_close_on}, rep)
    return booked, created
