"""Pagination of a select statement (every list is paginated)."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Select, func, select

from webapp.extensions import db


@dataclass
class Page:
    items: list
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(stmt: Select, number: int, size: int | None = None, count: bool = True) -> Page:
    """One page of ``stmt``'s rows and, unless ``count`` is False, the total count."""
    size = size or current_app.config["PAGE_SIZE"]
    number = max(1, number)
    items = db.session.scalars(stmt.limit(size).offset((number - 1) * size)).all()
    total = (db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
             if count else len(items))
    return Page(items=items, number=number, size=size, total=total)
