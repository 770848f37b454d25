"""`flask data export`: every section, streamed to a pilote/v1 file.

Objects without a key first receive a stable generated one, ``<prefix>-<id>``, stored
in the database (without audit rows: it names the object, it changes nothing about it),
so that re-importing the export updates these objects instead of duplicating them.
"""

import json

from sqlalchemy import String, cast, exists, literal, select, update

from webapp.data.registry import FORMAT, SECTIONS
from webapp.data.sections import Section
from webapp.extensions import db


def write(out) -> dict[str, int]:
    """Write the export to the text stream ``out``; return the count of each section."""
    for section in SECTIONS:
        assign_missing_keys(section)
    db.session.commit()
    counts = {}
    out.write(f'{{\n  "format": {json.dumps(FORMAT)}')
    for section in SECTIONS:
        out.write(f',\n  "{section.name}": [')
        n = 0
        for n, record in enumerate(section.export(), 1):
            out.write(",\n    " if n > 1 else "\n    ")
            out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n  ]" if n else "]")
        counts[section.label] = n
    out.write("\n}\n")
    return counts


def assign_missing_keys(section: Section) -> None:
    """Give ``<prefix>-<id>`` to the rows without a key (``-2``, ``-3``… if taken)."""
    table = section.model.__table__
    other = table.alias("other")
    generated = literal(f"{section.key_prefix}-") + cast(table.c.id, String)
    db.session.execute(update(table)
                       .where(table.c.key.is_(None), ~exists().where(other.c.key == generated))
                       .values(key=generated))
    for row_id in db.session.scalars(select(table.c.id).where(table.c.key.is_(None))).all():
        db.session.execute(update(table).where(table.c.id == row_id)
                           .values(key=_free_key(table, f"{section.key_prefix}-{row_id}")))


def _free_key(table, base: str) -> str:
    n = 2
    while db.session.scalar(select(table.c.id).where(table.c.key == f"{base}-{n}")):
        n += 1
    return f"{base}-{n}"
