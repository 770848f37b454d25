"""What a section of the pilote/v1 format is, and the helpers sections share.

A section (``teams``, ``users``, …) names its fields, checks its cross-object rules,
loads its validated items and exports its rows; ``registry.SECTIONS`` lists them in
import order, so a domain plugs in its own section without touching the others.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select

from webapp.data.schema import Field, Invalid
from webapp.extensions import db

CHUNK = 5000  # keys per IN (…) query: well under SQLite's and PostgreSQL's limits


@dataclass
class Item:
    """One object of the file: its JSON path and the values that passed their checks."""

    path: str  # clients[3]
    values: dict[str, Any]
    ok: bool = True

    @property
    def key(self) -> str | None:
        return self.values.get("key")


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def __str__(self):
        return (f"{_plural(self.created, 'création', 'créations')}, "
                f"{_plural(self.updated, 'mise à jour', 'mises à jour')}, "
                f"{self.unchanged} sans changement")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n < 2 else many}"


@dataclass
class Context:
    """The validation state: errors found so far and the valid items of each section."""

    errors: list[str] = field(default_factory=list)
    items: dict[str, list[Item]] = field(default_factory=dict)
    declared: dict[str, dict[str, Item]] = field(default_factory=dict)  # section → key → item

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def fail(self, item: Item, name: str, message: str) -> None:
        item.ok = False
        self.error(f"{item.path}.{name}", message)


@dataclass(frozen=True)
class Section:
    name: str  # the JSON list, e.g. "clients"
    label: str  # for the summary, e.g. "Clients"
    model: type
    key_prefix: str  # exported key of an object without one: "<prefix>-<id>"
    unknown: str  # dangling reference message, e.g. "client inconnu"
    fields: dict[str, Field]
    check: Callable[[list[Item], Context], None]
    load: Callable[[list[Item]], Tally]
    export: Callable[[], Iterator[dict]]


def chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def rows_by_key(model, keys: Iterable[str], *columns) -> dict[str, Any]:
    """``{key: row}`` of the rows of ``model`` with one of ``keys``; rows hold ``columns``."""
    found = {}
    for chunk in chunks(set(keys) - {None}):
        stmt = select(model.key, model.id, *columns).where(model.key.in_(chunk))
        found.update((row.key, row) for row in db.session.execute(stmt))
    return found


def ids_by_key(model, keys: Iterable[str]) -> dict[str, int]:
    return {k: row.id for k, row in rows_by_key(model, keys).items()}


def objects_by_key(model, keys: Iterable[str], *options) -> dict[str, Any]:
    """``{key: object}`` of the ORM objects of ``model`` with one of ``keys``."""
    found = {}
    for chunk in chunks(set(keys) - {None}):
        stmt = select(model).where(model.key.in_(chunk)).options(*options)
        found.update((obj.key, obj) for obj in db.session.scalars(stmt))
    return found


def assign(obj, values: dict, names: Iterable[str]) -> bool:
    """Copy the given ``names`` from ``values`` onto ``obj`` where they differ.

    A field absent from the file keeps its value; setting only what differs keeps a
    re-import from writing audit rows or touching ``updated_at``.
    """
    changed = False
    for name in names:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed = True
    return changed


def snapshot(obj) -> dict[str, Any]:
    """The column values of ``obj`` (a service's write compared before and after tells
    the tally whether the import changed it)."""
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def referenced(items: list[Item], name: str) -> set[str]:
    """The keys the items' field ``name`` refers to."""
    return {item.values[name] for item in items if item.values.get(name)}


def check_unique(items: list[Item], ctx: Context, name: str, owners: dict[str, str | None],
                 used: str, taken: str) -> None:
    """A value (a name, an e-mail) appears once in the file and belongs to no other stored
    object; ``owners`` maps the stored values to their owner's key."""
    seen: dict[str, Item] = {}
    for item in items:
        value = item.values.get(name)
        if value is None:
            continue
        if value in seen:
            ctx.fail(item, name, f"{used} par {seen[value].path}")
        elif value in owners and owners[value] != item.key:
            ctx.fail(item, name, taken)
        seen.setdefault(value, item)


def parse_item(raw, fields: dict[str, Field], path: str, ctx: Context) -> Item | None:
    """One object of the file, checked field by field: unknown fields, bad values and
    missing required ones are errors at their path."""
    if not isinstance(raw, dict):
        ctx.error(path, "objet attendu")
        return None
    item = Item(path, {})
    for name in raw:
        if name not in fields:
            ctx.fail(item, name, "champ inconnu")
    for name, spec in fields.items():
        try:
            value = spec.check(raw[name]) if raw.get(name) is not None else None
        except Invalid as error:
            ctx.fail(item, name, str(error))
            continue
        if value is None and spec.required:
            ctx.fail(item, name, "champ obligatoire")
        elif name in raw:
            item.values[name] = value
    return item
