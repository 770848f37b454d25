"""The list view of the pipeline (same filters as the board) and its export rows."""

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from webapp.auth.models import Branch, User
from webapp.clients.models import Client
from webapp.clock import local_day
from webapp.extensions import db
from webapp.opportunities.board.queries import Filters, totals, visible
from webapp.opportunities.models import Opportunity, OpportunityType, Stage
from webapp.opportunities.rules import is_expired
from webapp.pagination import COUNT_CAP, Page, page_number, page_size, paginate

EXPORT_CHUNK = 2000
COLUMNS = ("N°", "Nom", "Client", "Téléphone", "Courriel", "Type", "Étape", "Expirée",
           "Gestionnaire", "SPEX", "DV", "Succursale", "Montant", "Probabilité (%)",
           "Clôture prévue", "Véhicule", "No stock", "Suivi à faire", "Créée le")


def _ordered(stmt):
    return stmt.order_by(Opportunity.created_at.desc(), Opportunity.id.desc())


def list_page(filters: Filters, number: int) -> Page:
    """One page, newest first; without a period filter the total is the tally's exact
    count for the viewer's scope (one sum over its rows), else counted up to COUNT_CAP."""
    stmt = _ordered(visible(select(Opportunity), filters)).options(
        selectinload(Opportunity.client), selectinload(Opportunity.stage),
        selectinload(Opportunity.type), selectinload(Opportunity.owner),
        selectinload(Opportunity.branch))
    if filters.since or filters.until:
        return paginate(stmt, number)
    total = sum(t.count for stage_id, t in totals(filters).items()
                if not filters.stage_id or stage_id == filters.stage_id)
    size, number = page_size(), page_number(number)
    items = db.session.scalars(stmt.limit(size).offset((number - 1) * size)).all()
    return Page(items=items, number=number, size=size, total=total,
                cap=max(total, COUNT_CAP))


def export_rows(filters: Filters, today: date) -> Iterator[tuple]:
    """Every row the filters keep, read a chunk at a time (memory stays flat). The query
    is built now, in the request, not when the first row is read: a streamed response is
    read after the request committed, when the viewer's scope can no longer be loaded."""
    return _rows(_export_statement(filters), today)


def _export_statement(filters: Filters):
    owner, spex, director = aliased(User), aliased(User), aliased(User)
    stmt = _ordered(visible(
        select(Opportunity.id, Opportunity.name, Client.first_name, Client.last_name,
               Opportunity.phone, Opportunity.email, OpportunityType.name, Stage.name,
               Stage.expires_after_days, owner.name, spex.name, director.name, Branch.name,
               Opportunity.amount, Opportunity.probability, Opportunity.expected_close_on,
               Opportunity.vehicle_make, Opportunity.vehicle_model, Opportunity.vehicle_year,
               Opportunity.stock_number, Opportunity.follow_up_on, Opportunity.created_at)
        .join(Client, Client.id == Opportunity.client_id)
        .join(OpportunityType, OpportunityType.id == Opportunity.type_id)
        .join(Stage, Stage.id == Opportunity.stage_id)
        .outerjoin(owner, owner.id == Opportunity.owner_id)
        .outerjoin(spex, spex.id == Opportunity.spex_id)
        .outerjoin(director, director.id == Opportunity.sales_director_id)
        .outerjoin(Branch, Branch.id == Opportunity.branch_id), filters)
    ).execution_options(yield_per=EXPORT_CHUNK)
    return stmt


def _rows(stmt, today: date) -> Iterator[tuple]:
    for (id_, name, first, last, phone, email, type_, stage, days, owner_name, spex_name,
         director_name, branch, amount, probability, close, make, model, year, stock,
         follow_up, created_at) in db.session.execute(stmt):
        created = local_day(created_at)
        yield (id_, name, f"{first} {last}", phone, email, type_, stage,
               "Oui" if is_expired(created, today, days) else "Non", owner_name, spex_name,
               director_name, branch, amount, probability, close,
               " ".join(str(v) for v in (make, model, year) if v), stock, follow_up, created)
