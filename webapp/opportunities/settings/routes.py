"""The pipeline's settings, for admins (PRODUCT §2: stages, their requirements and the
lost reasons are data): the stages, then the types and the lost reasons, two « named
lists » served by the same views. Reordering posts the ids in their new order, as the
operations' steps do (static/js/sortable-lists.js); ``staff`` holds the branches'
rotation."""

from flask import abort, flash, redirect, render_template, url_for

from webapp.auth.decorators import role_required
from webapp.auth.models import Role
from webapp.errors import Refused
from webapp.extensions import db
from webapp.opportunities import bp
from webapp.opportunities.models import Opportunity, Stage
from webapp.opportunities.rules import NATURES, REQUIREMENTS, STAMPS, stage_nature
from webapp.opportunities.settings import services as settings_services
from webapp.opportunities.settings.forms import NamedItemForm, StageForm
from webapp.opportunities.settings.services import (
    NAMED_LISTS,
    NamedList,
    delete_item,
    item_delete_refusal,
    ordered,
    reorder,
    save_item,
    save_stage,
    stage_delete_refusal,
    usage_count,
    usage_counts,
)
from webapp.ordering import all_ids, posted_ids

STAGES_PAGE = "opportunities/settings/stages.html"
LABELS = {"natures": NATURES, "requirements": REQUIREMENTS, "stamps": STAMPS,
          "nature_of": stage_nature}


# --- Stages -------------------------------------------------------------------------------

def _stages_context(error: str | None = None) -> dict:
    return {"stages": ordered(Stage), "counts": usage_counts(Opportunity.stage_id),
            "error": error, "tab": "stages", **LABELS}


@bp.route("/settings/stages")
@role_required(Role.ADMIN)
def settings_stages():
    """The stages in their order (the board's columns), with how many opportunities each
    holds."""
    return render_template(STAGES_PAGE, **_stages_context())


@bp.route("/settings/stages/reorder", methods=["POST"])
@role_required(Role.ADMIN)
def reorder_stages():
    """Persist the dragged order; refused (the list as it was, and why) when the stage
    put first cannot receive the new opportunities."""
    try:
        settings_services.reorder_stages(posted_ids(all_ids(Stage)))
    except Refused as refusal:
        return render_template("opportunities/settings/_stages.html",
                               **_stages_context(refusal.message)), 422
    return "", 204


def _saved_stage(form: StageForm, stage: Stage | None) -> Stage | None:
    """The stage saved, or None with the service's refusal shown on the form."""
    try:
        return save_stage(stage, form.values())
    except Refused as refusal:
        form.form_errors.append(refusal.message)
        return None


def _stage_form_page(form: StageForm, stage: Stage | None, code: int = 200):
    context = {"form": form, "stage": stage, "tab": "stages", **LABELS}
    if stage is not None:
        context |= {"in_stage": usage_count(Opportunity.stage_id, stage.id),
                    "delete_refusal": stage_delete_refusal(stage)}
    return render_template("opportunities/settings/stage_form.html", **context), code


@bp.route("/settings/stages/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_stage():
    """Add a stage; it goes last."""
    form = StageForm()
    if form.validate_on_submit() and (stage := _saved_stage(form, None)):
        flash(f"Étape « {stage.name} » ajoutée, en dernière position.", "success")
        return redirect(url_for("opportunities.settings_stages"))
    return _stage_form_page(form, None, 422 if form.errors else 200)


@bp.route("/settings/stages/<int:stage_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_stage(stage_id: int):
    """Rename a stage, change its nature, expiry, requirements or the date it records."""
    stage = db.session.get(Stage, stage_id) or abort(404)
    first = ordered(Stage)[0].id == stage.id
    form = StageForm(stage=stage, first=first)
    if form.validate_on_submit() and _saved_stage(form, stage):
        flash(f"Étape « {stage.name} » enregistrée.", "success")
        return redirect(url_for("opportunities.settings_stages"))
    return _stage_form_page(form, stage, 422 if form.errors else 200)


@bp.route("/settings/stages/<int:stage_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def delete_stage(stage_id: int):
    """Delete an empty stage (confirmed in a dialog), never the last one."""
    stage = db.session.get(Stage, stage_id) or abort(404)
    name = stage.name
    try:
        settings_services.delete_stage(stage)
    except Refused as refusal:
        flash(refusal.message, "danger")
        return redirect(url_for("opportunities.edit_stage", stage_id=stage.id))
    flash(f"Étape « {name} » supprimée.", "success")
    return redirect(url_for("opportunities.settings_stages"))


# --- Named lists: the types and the lost reasons --------------------------------------------

def _spec(list_key: str) -> NamedList:
    return NAMED_LISTS.get(list_key) or abort(404)


def _item(spec: NamedList, item_id: int):
    return db.session.get(spec.model, item_id) or abort(404)


def _list_context(spec: NamedList, error: str | None = None) -> dict:
    return {"spec": spec, "items": ordered(spec.model), "counts": usage_counts(spec.usage),
            "error": error, "tab": spec.key}


@bp.route("/settings/<list_key>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings_list(list_key: str):
    """A named list in its order, with the form adding a name at its end."""
    spec = _spec(list_key)
    form = NamedItemForm(spec=spec)
    if form.validate_on_submit() and (item := _saved_item(spec, None, form)):
        flash(f"« {item.name} » ajouté à la liste.", "success")
        return redirect(url_for("opportunities.settings_list", list_key=spec.key))
    return render_template("opportunities/settings/named_list.html", form=form,
                           **_list_context(spec)), 422 if form.errors else 200


@bp.route("/settings/<list_key>/reorder", methods=["POST"])
@role_required(Role.ADMIN)
def reorder_list(list_key: str):
    """Persist the dragged order of a named list (the order of its choices)."""
    spec = _spec(list_key)
    reorder(spec.model, posted_ids(all_ids(spec.model)))
    return "", 204


def _saved_item(spec: NamedList, item, form: NamedItemForm):
    """The item saved, or None with the service's refusal under the name."""
    try:
        return save_item(spec, item, form.name.data)
    except Refused as refusal:
        form.name.errors.append(refusal.message)
        return None


def _item_page(spec: NamedList, item, form: NamedItemForm, code: int = 200):
    return render_template(
        "opportunities/settings/named_item.html", spec=spec, item=item, form=form,
        used_by=usage_count(spec.usage, item.id), delete_refusal=item_delete_refusal(spec, item),
        tab=spec.key), code


@bp.route("/settings/<list_key>/<int:item_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_list_item(list_key: str, item_id: int):
    """Rename a type or a lost reason (the opportunities using it follow)."""
    spec = _spec(list_key)
    item = _item(spec, item_id)
    form = NamedItemForm(spec=spec, item=item)
    if form.validate_on_submit() and _saved_item(spec, item, form):
        flash(f"« {item.name} » enregistré.", "success")
        return redirect(url_for("opportunities.settings_list", list_key=spec.key))
    return _item_page(spec, item, form, 422 if form.errors else 200)


@bp.route("/settings/<list_key>/<int:item_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def delete_list_item(list_key: str, item_id: int):
    """Delete a type or a reason no opportunity uses (confirmed in a dialog)."""
    spec = _spec(list_key)
    item = _item(spec, item_id)
    name = item.name
    try:
        delete_item(spec, item)
    except Refused as refusal:
        flash(refusal.message, "danger")
        return redirect(url_for("opportunities.edit_list_item", list_key=spec.key,
                                item_id=item.id))
    flash(f"« {name} » supprimé de la liste.", "success")
    return redirect(url_for("opportunities.settings_list", list_key=spec.key))
