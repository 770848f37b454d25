"""Read queries on booklets: the contracts, each agency's allowance with what it ordered
this year and its last order, the orders."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.auth.scope import scoped
from webapp.backoffice.booklets.rules import booklet_channel, next_order_date
from webapp.backoffice.models import BookletAllowance, BookletContract, BookletOrder
from webapp.extensions import db
from webapp.pagination import Page, paginate


def contracts() -> list[BookletContract]:
    return db.session.scalars(select(BookletContract).order_by(BookletContract.position,
                                                               BookletContract.id)).all()


def allowance_of(client_id: int, contract_id: int) -> BookletAllowance | None:
    return db.session.scalar(select(BookletAllowance).where(
        BookletAllowance.client_id == client_id, BookletAllowance.contract_id == contract_id))


def ordered_in(client_id: int, contract_id: int, year: int) -> int:
    """Booklets of a contract an agency ordered in a calendar year."""
    return db.session.scalar(select(func.coalesce(func.sum(BookletOrder.quantity), 0)).where(
        BookletOrder.client_id == client_id, BookletOrder.contract_id == contract_id,
        BookletOrder.ordered_on.between(date(year, 1, 1), date(year, 12, 31))))


def last_order(client_id: int, contract_id: int) -> tuple[date, int] | None:
    order = db.session.scalar(select(BookletOrder)
                              .where(BookletOrder.client_id == client_id,
                                     BookletOrder.contract_id == contract_id)
                              .order_by(BookletOrder.ordered_on.desc(), BookletOrder.id.desc())
                              .limit(1))
    return (order.ordered_on, order.quantity) if order else None


@dataclass(frozen=True)
class Usage:
    allowance: BookletAllowance
    ordered: int
    last_on: date | None
    next_on: date | None

    @property
    def channel(self) -> str:
        return booklet_channel(self.allowance.contract.on_logimail, self.allowance.groupist)


def usage_page(year: int, number: int = 1) -> Page:
    """Each agency's allowance: ordered this year, last order, next possible one (two
    grouped queries for the page, whatever its size)."""
    stmt = (scoped(select(BookletAllowance), BookletAllowance)
            .options(selectinload(BookletAllowance.client),
                     selectinload(BookletAllowance.contract))
            .order_by(BookletAllowance.client_id, BookletAllowance.contract_id))
    page = paginate(stmt, number)
    clients = {a.client_id for a in page.items}
    totals = {(c, k): total for c, k, total in db.session.execute(
        select(BookletOrder.client_id, BookletOrder.contract_id, func.sum(BookletOrder.quantity))
        .where(BookletOrder.client_id.in_(clients),
               BookletOrder.ordered_on.between(date(year, 1, 1), date(year, 12, 31)))
        .group_by(BookletOrder.client_id, BookletOrder.contract_id))}
    lasts = _last_orders(clients)
    page.items = [Usage(a, totals.get((a.client_id, a.contract_id), 0),
                        *_next(lasts.get((a.client_id, a.contract_id)), a.yearly_quota))
                  for a in page.items]
    return page


def _last_orders(clients: set[int]) -> dict[tuple[int, int], tuple[date, int]]:
    """The last order of each (agency, contract) pair of these agencies, in one query."""
    if not clients:
        return {}
    ranked = (select(BookletOrder.client_id, BookletOrder.contract_id, BookletOrder.ordered_on,
                     BookletOrder.quantity,
                     func.row_number().over(
                         partition_by=(BookletOrder.client_id, BookletOrder.contract_id),
                         order_by=(BookletOrder.ordered_on.desc(), BookletOrder.id.desc())
                     ).label("rank"))
              .where(BookletOrder.client_id.in_(clients))).subquery()
    rows = db.session.execute(select(ranked).where(ranked.c.rank == 1)).all()
    return {(r.client_id, r.contract_id): (r.ordered_on, r.quantity) for r in rows}


def _next(last: tuple[date, int] | None, quota: int) -> tuple[date | None, date | None]:
    if last is None:
        return None, None
    return last[0], next_order_date(last[0], last[1], quota)


def orders_page(number: int = 1) -> Page:
    stmt = (scoped(select(BookletOrder), BookletOrder)
            .options(selectinload(BookletOrder.client), selectinload(BookletOrder.contract))
            .order_by(BookletOrder.ordered_on.desc(), BookletOrder.id.desc()))
    return paginate(stmt, number)
