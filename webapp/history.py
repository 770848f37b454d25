"""Audit trail: every insert, update and delete of an audited model writes history rows
in the same transaction, through one session hook."""

import contextvars
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import has_request_context
from flask_babel import format_decimal
from flask_login import current_user
from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    event,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from webapp import formatting
from webapp.choices import LabelledEnum
from webapp.database import UTCDateTime
from webapp.extensions import db

# Who acts outside a request (CLI import, demo, workers): a label such as "import".
cli_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("cli_actor", default=None)
# Set while the demo fills an empty database: its made-up rows are not history.
_unaudited: contextvars.ContextVar[bool] = contextvars.ContextVar("unaudited", default=False)


@contextmanager
def unaudited():
    """Writes inside this block leave no audit rows (the demo's generated data only)."""
    token = _unaudited.set(True)
    try:
        yield
    finally:
        _unaudited.reset(token)

ALWAYS_SKIPPED = {"id", "version", "created_at", "updated_at"}
HIDDEN = "••••"


class Audited:
    """Mixin: instances of this model are recorded in the audit trail.

    ``__audit_exclude__`` names derived columns not worth recording; ``__audit_hidden__``
    names secrets recorded as changed without their value.
    """

    __audit_exclude__: frozenset[str] = frozenset()
    __audit_hidden__: frozenset[str] = frozenset()


class AuditRow(db.Model):
    __tablename__ = "audit_row"
    __table_args__ = (Index("ix_audit_row_object", "object_type", "object_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor: Mapped[str | None] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(10))  # insert, update, delete
    field: Mapped[str | None] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)

    user = db.relationship("User", foreign_keys=[user_id])

    ACTION_LABELS = {"insert": "Création", "update": "Modification", "delete": "Suppression",
                     "login": "Connexion", "login_fail": "Échec de connexion"}

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS[self.action]


def _text(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "value"):  # enums
        value = value.value
    return str(value)


def _actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, None
    return None, cli_actor.get()


def _columns(obj):
    mapper = inspect(obj).mapper
    skipped = ALWAYS_SKIPPED | obj.__audit_exclude__
    return [c.key for c in mapper.column_attrs if c.key not in skipped]


def _shown(obj, key, value):
    return HIDDEN if key in obj.__audit_hidden__ and value is not None else _text(value)


def _rows_for(obj, action):
    state = inspect(obj)
    base = {"object_type": obj.__tablename__, "object_id": obj.id, "action": action}
    if action == "delete":
        return [{**base, "field": None, "old": None, "new": None}]
    if action == "insert":
        return _insert_rows(obj, base, {key: getattr(obj, key) for key in _columns(obj)})
    rows = []
    for key in _columns(obj):
        hist = state.attrs[key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if _text(old) != _text(new):
                rows.append({**base, "field": key, "old": _shown(obj, key, old),
                             "new": _shown(obj, key, new)})
    return rows


def _insert_rows(model, base: dict, values: dict) -> list[dict]:
    """An inserted record's audit rows: one per column set, or one bare row."""
    rows = [{**base, "field": key, "old": None, "new": _shown(model, key, value)}
            for key, value in values.items() if value is not None]
    return rows or [{**base, "field": None, "old": None, "new": None}]


def _after_flush(session: Session, _context):
    if _unaudited.get():
        return
    rows = []
    for action, objects in (("insert", session.new), ("update", session.dirty),
                            ("delete", session.deleted)):
        for obj in objects:
            if isinstance(obj, Audited):
                rows.extend(_rows_for(obj, action))
    if rows:
        user_id, actor = _actor()
        now = datetime.now(UTC)
        for row in rows:
            row.update(at=now, user_id=user_id, actor=actor)
        session.connection().execute(insert(AuditRow), rows)


def log_bulk_insert(model, rows: list[dict]) -> None:
    """Audit rows for an INSERT statement run in bulk, which the session hook cannot see:
    each row (its ``id`` and the values inserted) recorded as the hook records an inserted
    object, the columns' scalar defaults included, in the caller's transaction."""
    if _unaudited.get() or not rows:
        return
    columns = inspect(model).columns
    defaults = {key: column.default.arg for key, column in columns.items()
                if column.default is not None and column.default.is_scalar}
    keys = [key for key, _column in columns.items()
            if key not in ALWAYS_SKIPPED | model.__audit_exclude__]
    user_id, actor = _actor()
    now = datetime.now(UTC)
    audit = [{**line, "at": now, "user_id": user_id, "actor": actor}
             for row in rows
             for line in _insert_rows(model, {"object_type": model.__tablename__,
                                              "object_id": row["id"], "action": "insert"},
                                      {key: row.get(key, defaults.get(key)) for key in keys})]
    db.session.connection().execute(insert(AuditRow), audit)


def log_bulk_update(object_type: str, changes: list[tuple[int, str, object, object]]) -> None:
    """Audit rows for an UPDATE statement run in bulk, which the session hook cannot see:
    (object id, field, old, new) for each changed field, in the caller's transaction."""
    user_id, actor = _actor()
    now = datetime.now(UTC)
    rows = [{"at": now, "user_id": user_id, "actor": actor, "object_type": object_type,
             "object_id": object_id, "action": "update", "field": name,
             "old": _text(old), "new": _text(new)}
            for object_id, name, old, new in changes if _text(old) != _text(new)]
    if rows and not _unaudited.get():
        # Through the connection (Core executemany, batched): the ORM's bulk insert would
        # split the rows wherever an old value is None, 10 000 statements for 5 000 targets.
        db.session.connection().execute(insert(AuditRow), rows)


def history_of(obj) -> list[AuditRow]:
    """The audit rows of one record, newest first."""
    return db.session.scalars(
        select(AuditRow)
        .where(AuditRow.object_type == obj.__tablename__, AuditRow.object_id == obj.id)
        .order_by(AuditRow.id.desc())
        .limit(200)
    ).all()


def _load_old_values(mapper, cls):
    """Audited columns load their old value before a change, so history shows old → new
    even when the object was expired by a previous commit."""
    if issubclass(cls, Audited):
        for prop in mapper.column_attrs:
            event.listen(getattr(cls, prop.key), "set", _keep, active_history=True)


def _keep(_target, value, _oldvalue, _initiator):
    return value


event.listen(Mapper, "mapper_configured", _load_old_values)


def value_labels(rows: list[AuditRow], resolvers: dict) -> dict[tuple[str, str], str]:
    """Readable values for history rows: ``resolvers[field](raw values) -> {raw: label}``,
    called once per field (ids become names in one query, codes become labels)."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.field in resolvers:
            wanted.setdefault(row.field, set()).update(
                v for v in (row.old, row.new) if v is not None)
    return {(field, raw): label for field, values in wanted.items()
            for raw, label in resolvers[field](values).items()}


def names_by_id(model, column):
    """A resolver turning stored ids into ``column`` values (e.g. user ids into names)."""

    def resolve(values: set[str]) -> dict[str, str]:
        ids = [int(v) for v in values if v.isdigit()]
        rows = db.session.execute(select(model.id, column).where(model.id.in_(ids)))
        return {str(pk): str(label) for pk, label in rows}

    return resolve


def enum_labels(enum_cls):
    """A resolver turning stored enum values into their French labels."""
    labels = {m.value: m.label for m in enum_cls}
    return lambda values: {v: labels.get(v, v) for v in values}


def _models() -> dict[str, type]:
    """The mapped classes by table name."""
    return {m.class_.__tablename__: m.class_ for m in db.Model.registry.mappers
            if hasattr(m.class_, "__tablename__")}


def display_name(obj) -> str:
    """How a screen names a row: its ``__str__``, else its name or title, else its number."""
    if type(obj).__str__ is not object.__str__:
        return str(obj)
    for attribute in ("name", "title", "label"):
        if isinstance(getattr(obj, attribute, None), str):
            return getattr(obj, attribute)
    return f"n° {obj.id}"


def _instant(raw: str) -> str:
    value = datetime.fromisoformat(raw)
    return formatting.moment(value if value.tzinfo else value.replace(tzinfo=UTC))


def _decimal(scale: int | None):
    def show(raw: str) -> str:
        value = Decimal(raw)
        return (format_decimal(value, format="#,##0.00") if scale == 2
                else formatting.number(value))

    return show


def _converter(column):
    """How one stored text of ``column`` reads on a screen (None: as it is)."""
    kind = column.type
    if isinstance(kind, UTCDateTime | DateTime):
        return _instant
    if isinstance(kind, Date):
        return lambda raw: formatting.day(date.fromisoformat(raw))
    enum_class = getattr(kind, "enum_class", None)
    if enum_class is not None and issubclass(enum_class, LabelledEnum):
        return lambda raw: enum_class(raw).label
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return _decimal(kind.scale)
    return None


def _shown_value(convert, raw: str) -> str:
    try:
        return convert(raw)
    except (ValueError, ArithmeticError, KeyError):
        return raw  # a value stored before a type change: shown as stored, never an error


def readable_values(rows: list[AuditRow]) -> dict[tuple[str, str], str]:
    """Every history value as the screens show it, from the audited column's type: a date
    ``22/11/2026``, an instant in the app's time zone, an amount in French, an enum's label,
    a foreign key's row by its name (one query per referenced table)."""
    models, found, wanted = _models(), {}, {}
    for row in rows:
        model = models.get(row.object_type)
        column = model.__table__.c.get(row.field) if model is not None and row.field else None
        if column is None:
            continue
        for raw in (v for v in (row.old, row.new) if v not in (None, HIDDEN)):
            if column.foreign_keys:
                target = models.get(next(iter(column.foreign_keys)).column.table.name)
                if target is not None and raw.isdigit() and len(raw) < 19:
                    wanted.setdefault(target, {})[int(raw)] = row.field
            elif convert := _converter(column):
                found[(row.field, raw)] = _shown_value(convert, raw)
    for target, ids in wanted.items():
        for obj in db.session.scalars(select(target).where(target.id.in_(ids))):
            found[(ids[obj.id], str(obj.id))] = display_name(obj)
    return found


def init_app(app) -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    app.jinja_env.globals["readable_values"] = readable_values
