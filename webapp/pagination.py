"""Pagination of a select statement (every list is paginated).

Counts stop at COUNT_CAP: past it a list says "plus de 1 000" instead of counting every
matching row, which keeps the first page of a 100 000-row list as fast as the others.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Select, func, select

from webapp.extensions import db
from webapp.ids import MAX_ID

COUNT_CAP = 1000


@dataclass
class Page:
    items: list
    number: int
    size: int
    total: int  # at most cap + 1
    cap: int = COUNT_CAP

    @property
    def capped(self) -> bool:
        return self.total > self.cap

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number * self.size < self.total or (self.capped and
                                                         len(self.items) == self.size)


def page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def count_capped(stmt: Select, cap: int | None = COUNT_CAP) -> int:
    """The number of rows of ``stmt``, counting no further than ``cap`` + 1 (None: all)."""
    limited = stmt.order_by(None)
    if cap is not None:
        limited = limited.limit(cap + 1)
    return db.session.scalar(select(func.count()).select_from(limited.subquery()))


def page_number(number: int) -> int:
    """``number`` as a page number: from 1 to ``MAX_ID``, so that its offset stays within
    what both engines take (a page far beyond the rows is merely empty)."""
    return max(1, min(number, MAX_ID))


def paginate(stmt: Select, number: int, size: int | None = None) -> Page:
    """One page of ``stmt``'s rows and the (capped) total."""
    size = size or page_size()
    number = page_number(number)
    items = db.session.scalars(stmt.limit(size).offset((number - 1) * size)).all()
    return Page(items=items, number=number, size=size, total=count_capped(stmt))
