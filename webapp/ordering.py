"""Lists an admin or a manager puts in order by drag or ↑/↓ (operations, their steps, the
pipeline's stages, the named lists): the posted order, and positions 1…n."""

from collections.abc import Iterable

from flask import abort, request
from sqlalchemy import select

from webapp.extensions import db


def posted_ids(expected: Iterable[int] | None = None, name: str = "ids") -> list[int]:
    """The posted ids in their new order: 400 if malformed (empty, not numbers, repeated);
    404 unless they are exactly ``expected`` (when given)."""
    raw = request.form.getlist(name)
    if not raw or not all(x.isdigit() and len(x) <= 12 for x in raw) \
            or len(set(raw)) != len(raw):
        abort(400)
    ids = [int(x) for x in raw]
    if expected is not None and set(ids) != set(expected):
        abort(404)
    return ids


def all_ids(model) -> set[int]:
    """Every row's id: what a reorder of the whole table must post."""
    return set(db.session.scalars(select(model.id)))


def renumber(rows: Iterable, ordered_ids: list[int]) -> None:
    """Give ``rows`` (each with ``id`` and ``position``) the positions 1…n in this order."""
    by_id = {row.id: row for row in rows}
    for position, row_id in enumerate(ordered_ids, 1):
        by_id[row_id].position = position
    db.session.flush()
