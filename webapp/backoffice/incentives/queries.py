"""Read queries on incentives: each seller's policies and total over a period (SQL GROUP
BY), rounded by the rule, once per seller."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from webapp.auth.scope import scoped
from webapp.backoffice.incentives.rules import incentives_per_seller
from webapp.backoffice.models import Sale
from webapp.extensions import db
from webapp.pagination import Page, page_number

PAGE_SIZE = 50


@dataclass(frozen=True)
class SellerIncentive:
    agency: str
    seller: str
    policies: int
    exact: Decimal      # the sum of the policies' incentives
    incentive: Decimal  # rounded to the euro, per seller


def _grouped(start: date | None, end: date | None):
    stmt = scoped(select(Sale.agency, Sale.seller, func.count(Sale.id), func.sum(Sale.amount)),
                  Sale)
    if start:
        stmt = stmt.where(Sale.sold_on >= start)
    if end:
        stmt = stmt.where(Sale.sold_on <= end)
    return stmt.group_by(Sale.agency, Sale.seller).order_by(Sale.agency, Sale.seller)


def _rows(rows) -> list[SellerIncentive]:
    rounded = incentives_per_seller(((r[0], r[1]), r[3]) for r in rows)
    return [SellerIncentive(r[0], r[1], r[2], r[3], rounded[(r[0], r[1])]) for r in rows]


def sellers_page(start: date | None, end: date | None, number: int = 1) -> Page:
    number = page_number(number)
    rows = db.session.execute(_grouped(start, end).limit(PAGE_SIZE + 1)
                              .offset((number - 1) * PAGE_SIZE)).all()
    return Page(items=_rows(rows[:PAGE_SIZE]), number=number, size=PAGE_SIZE,
                total=(number - 1) * PAGE_SIZE + len(rows))


@dataclass(frozen=True)
class Totals:
    sellers: int
    policies: int
    exact: Decimal
    incentive: Decimal


def totals(start: date | None, end: date | None) -> Totals:
    """The period's totals; the incentive total is the sum of the rounded seller totals."""
    grouped = _grouped(start, end).order_by(None).subquery()
    sellers, policies, exact = db.session.execute(select(
        func.count(), func.coalesce(func.sum(grouped.c[2]), 0),
        func.coalesce(func.sum(grouped.c[3]), 0))).one()
    incentive = sum((i.incentive for i in every_seller(start, end)), Decimal(0))
    return Totals(sellers, policies, Decimal(exact), incentive)


def every_seller(start: date | None, end: date | None) -> Iterator[SellerIncentive]:
    """All sellers of the period, streamed in chunks (the export)."""
    result = db.session.execute(_grouped(start, end).execution_options(yield_per=1000))
    for chunk in result.partitions():
        yield from _rows(chunk)
