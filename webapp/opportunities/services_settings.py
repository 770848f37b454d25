"""The pipeline's settings, data an admin changes: the stages, and two « named lists »
(the opportunity types and the lost reasons) handled by one set of functions. Writes
flush; the route commits."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from webapp.extensions import db
from webapp.opportunities.models import LostReason, Opportunity, OpportunityType, Stage
from webapp.opportunities.rules import (
    StageSettings,
    first_stage_error,
    item_delete_error,
    nature_flags,
    requirements_text,
    stage_delete_error,
    stage_nature,
)


@dataclass(frozen=True)
class NamedList:
    """A list of names the opportunities point to (their type, their lost reason)."""

    key: str  # in the URL
    model: type
    usage: InstrumentedAttribute  # the opportunity's column pointing to an item
    title: str
    intro: str
    one: str  # « un type »: for the message refusing to delete the last one
    add_label: str

    @property
    def max_length(self) -> int:
        return self.model.__table__.c.name.type.length


NAMED_LISTS = {spec.key: spec for spec in (
    NamedList("types", OpportunityType, Opportunity.type_id, "Types d'opportunité",
              "Le type choisi sur chaque opportunité (filtre du tableau et de la liste).",
              "un type", "Nouveau type"),
    NamedList("lost-reasons", LostReason, Opportunity.lost_reason_id, "Raisons de perte",
              "Ce qu'on choisit en passant une opportunité dans une étape perdue ou "
              "invalide.", "une raison de perte", "Nouvelle raison"),
)}


# --- Reading ------------------------------------------------------------------------------

def ordered(model) -> list:
    """The stages, types or reasons in their order."""
    return db.session.scalars(select(model).order_by(model.position, model.id)).all()


def usage_counts(column: InstrumentedAttribute) -> dict[int, int]:
    """How many opportunities point to each stage, type or reason (one GROUP BY)."""
    return dict(db.session.execute(
        select(column, func.count()).where(column.is_not(None)).group_by(column)).all())


def usage_count(column: InstrumentedAttribute, item_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Opportunity)
                             .where(column == item_id))


def renumber(model, ordered_ids: list[int]) -> None:
    """Positions 1…n in this order (``ordered_ids``: every row's id)."""
    rows = {row.id: row for row in db.session.scalars(select(model))}
    for position, row_id in enumerate(ordered_ids, 1):
        rows[row_id].position = position
    db.session.flush()


def _next_position(model) -> int:
    return (db.session.scalar(select(func.max(model.position))) or 0) + 1


# --- Stages -------------------------------------------------------------------------------

def settings_of(stage: Stage) -> StageSettings:
    return StageSettings(stage_nature(stage.won, stage.lost, stage.invalid),
                         stage.expires_after_days, stage.requirements, stage.stamps)


def save_stage(stage: Stage | None, form) -> Stage:
    """Create (last in the order) or change a stage from its validated form."""
    if stage is None:
        stage = Stage(position=_next_position(Stage))
        db.session.add(stage)
    stage.name = form.name.data
    stage.description = form.description.data or None
    for flag, value in nature_flags(form.nature.data).items():
        setattr(stage, flag, value)
    stage.expires_after_days = form.expires_after_days.data
    stage.required = requirements_text(form.required.data)
    stage.stamps = form.stamps.data or None
    db.session.flush()
    return stage


def reorder_refusal(ordered_ids: list[int]) -> str | None:
    """Why the stages cannot take this order: the one put first must be able to receive
    the new opportunities."""
    first = db.session.get(Stage, ordered_ids[0])
    return first_stage_error(first.name, settings_of(first))


def stage_delete_refusal(stage: Stage) -> str | None:
    """Why ``stage`` cannot be deleted (opportunities in it, the last stage, or the one
    that would become first cannot receive new opportunities), or None."""
    stages = ordered(Stage)
    refusal = stage_delete_error(stage.name, usage_count(Opportunity.stage_id, stage.id),
                                 len(stages))
    if refusal is None and stages[0].id == stage.id:
        successor = stages[1]
        error = first_stage_error(successor.name, settings_of(successor))
        if error:
            refusal = f"Sans « {stage.name} », « {successor.name} » deviendrait la première " \
                      f"étape. {error}"
    return refusal


def delete(row) -> None:
    """Delete a stage, a type or a reason (its refusal checked first)."""
    db.session.delete(row)
    db.session.flush()


# --- Named lists --------------------------------------------------------------------------

def save_item(spec: NamedList, item, name: str):
    """Add an item (last in the order) or rename one."""
    if item is None:
        item = spec.model(position=_next_position(spec.model))
        db.session.add(item)
    item.name = name
    db.session.flush()
    return item


def item_delete_refusal(spec: NamedList, item) -> str | None:
    items = db.session.scalar(select(func.count()).select_from(spec.model))
    return item_delete_error(item.name, usage_count(spec.usage, item.id), items, spec.one)
