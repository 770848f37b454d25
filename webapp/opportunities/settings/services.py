"""The pipeline's settings, data an admin changes: the stages, and two « named lists »
(the opportunity types and the lost reasons) handled by one set of functions, and the
branches' SPEX rotation and DV groups. Writes take plain values, check the rules (raising
``Refused``) and flush; the request commits."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from webapp.auth.models import Role, User
from webapp.errors import Refused
from webapp.extensions import db
from webapp.opportunities.models import (
    BranchStaff,
    Duty,
    LostReason,
    Opportunity,
    OpportunityType,
    Stage,
)
from webapp.opportunities.rules import (
    TAKEN,
    StageSettings,
    first_stage_error,
    item_delete_error,
    name_taken,
    nature_flags,
    requirements_text,
    stage_delete_error,
    stage_nature,
    stage_settings_errors,
)
from webapp.ordering import renumber


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
    """How many opportunities point to one stage, type or reason."""
    return db.session.scalar(select(func.count()).select_from(Opportunity)
                             .where(column == item_id))


def reorder(model, ordered_ids: list[int]) -> None:
    """Put a named list in this order (``ordered_ids``: every row's id)."""
    renumber(db.session.scalars(select(model)), ordered_ids)


def _next_position(model) -> int:
    return (db.session.scalar(select(func.max(model.position))) or 0) + 1


# --- Stages -------------------------------------------------------------------------------

def settings_of(stage: Stage) -> StageSettings:
    """A stored stage's settings, as the rules read them."""
    return StageSettings(stage_nature(stage.won, stage.lost, stage.invalid),
                         stage.expires_after_days, stage.requirements, stage.stamps,
                         stage.relaunch_after_days)


@dataclass(frozen=True)
class StageInput:
    """A stage as an admin sets it: its name and description, and its settings."""

    name: str
    description: str | None
    settings: StageSettings


def _refuse_name(model, name: str, exclude_id: int | None) -> None:
    others = db.session.scalars(select(model.name).where(model.id != (exclude_id or -1)))
    if name_taken(name, others):
        raise Refused(TAKEN)


def stage_refusal(stage: Stage | None, values: StageInput) -> str | None:
    """Why a stage cannot take these values (the rules between its settings; the first
    stage's, which receives the new opportunities), or None."""
    errors = stage_settings_errors(values.settings)
    if errors:
        return " ".join(errors.values())
    if stage is not None and ordered(Stage)[0].id == stage.id:
        return first_stage_error(values.name, values.settings)
    return None


def save_stage(stage: Stage | None, values: StageInput) -> Stage:
    """Create (last in the order) or change a stage."""
    _refuse_name(Stage, values.name, stage.id if stage else None)
    if refusal := stage_refusal(stage, values):
        raise Refused(refusal)
    if stage is None:
        stage = Stage(position=_next_position(Stage))
        db.session.add(stage)
    stage.name, stage.description = values.name, values.description or None
    for flag, value in nature_flags(values.settings.nature).items():
        setattr(stage, flag, value)
    stage.expires_after_days = values.settings.expires_after_days
    stage.relaunch_after_days = values.settings.relaunch_after_days
    stage.required = requirements_text(values.settings.required)
    stage.stamps = values.settings.stamps or None
    db.session.flush()
    return stage


def reorder_refusal(ordered_ids: list[int]) -> str | None:
    """Why the stages cannot take this order: the one put first must be able to receive
    the new opportunities."""
    first = db.session.get(Stage, ordered_ids[0])
    return first_stage_error(first.name, settings_of(first))


def reorder_stages(ordered_ids: list[int]) -> None:
    """Put the stages in this order (every stage's id), unless the one put first cannot
    receive the new opportunities."""
    if refusal := reorder_refusal(ordered_ids):
        raise Refused(refusal)
    renumber(db.session.scalars(select(Stage)), ordered_ids)


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


def delete_stage(stage: Stage) -> None:
    """Delete an empty stage, never the last one nor one leaving an unfit first stage."""
    if refusal := stage_delete_refusal(stage):
        raise Refused(refusal)
    db.session.delete(stage)
    db.session.flush()


# --- Named lists --------------------------------------------------------------------------

def save_item(spec: NamedList, item, name: str):
    """Add an item (last in the order) or rename one; its name unique whatever the case."""
    _refuse_name(spec.model, name, item.id if item else None)
    if item is None:
        item = spec.model(position=_next_position(spec.model))
        db.session.add(item)
    item.name = name
    db.session.flush()
    return item


def item_delete_refusal(spec: NamedList, item) -> str | None:
    """Why a type or a reason cannot be deleted (in use, or the last one), or None."""
    items = db.session.scalar(select(func.count()).select_from(spec.model))
    return item_delete_error(item.name, usage_count(spec.usage, item.id), items, spec.one)


def delete_item(spec: NamedList, item) -> None:
    """Delete a type or a reason no opportunity uses, never the last one."""
    if refusal := item_delete_refusal(spec, item):
        raise Refused(refusal)
    db.session.delete(item)
    db.session.flush()


# --- The branches' SPEX rotation and DV groups --------------------------------------------

def staff_refusal(branch_id: int, user_id: int, duty: str) -> str | None:
    """A SPEX is an advisor, a DV a manager; once per branch and duty."""
    role = db.session.scalar(select(User.role).where(User.id == user_id))
    if role is None:
        return "Utilisateur introuvable."
    if role != (Role.ADVISOR if duty == Duty.SPEX else Role.MANAGER):
        return "Un SPEX est un conseiller ; un DV est un responsable."
    if db.session.scalar(select(BranchStaff.id).where(
            BranchStaff.branch_id == branch_id, BranchStaff.user_id == user_id,
            BranchStaff.duty == duty)):
        return "Déjà inscrit dans cette succursale pour ce rôle."
    return None


def add_staff(branch_id: int, user_id: int, duty: str) -> BranchStaff:
    """Put someone last in a branch's rotation (SPEX) or DV group."""
    if refusal := staff_refusal(branch_id, user_id, duty):
        raise Refused(refusal)
    last = db.session.scalar(select(func.max(BranchStaff.position)).where(
        BranchStaff.branch_id == branch_id, BranchStaff.duty == duty))
    row = BranchStaff(branch_id=branch_id, user_id=user_id, duty=duty,
                      position=(last or 0) + 1)
    db.session.add(row)
    db.session.flush()
    return row


def remove_staff(row: BranchStaff) -> None:
    """Take someone out of a branch's rotation or DV group."""
    db.session.delete(row)
    db.session.flush()
