"""Tasks: created from the client file, changed, their status set in one click; a rejet
processed in one action; « Mes tâches » for the home page; the group's tasks."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.activities import bp
from webapp.activities.moments import local
from webapp.activities.tasks import queries
from webapp.activities.tasks.forms import HandBackForm, StatusForm, TaskForm
from webapp.activities.tasks.models import Task, TaskKind, TaskStatus
from webapp.activities.tasks.services import create_task, hand_back, set_status, update_task
from webapp.auth.redirects import is_our_page
from webapp.auth.scope import get_or_404
from webapp.clients.models import Client
from webapp.concurrency import Conflict, save_versioned
from webapp.errors import Refused
from webapp.forms import saved, show_refusal
from webapp.ids import id_param
from webapp.opportunities.models import Opportunity
from webapp.pagination import paginate

PAGE = "activities/tasks/task.html"


@bp.route("/clients/<int:client_id>/tasks/new", methods=["GET", "POST"])
@login_required
def new_task(client_id: int):
    """A task (or a rejet, with its reason) on the client (``?opportunity=``: and on one
    of its opportunities)."""
    client = get_or_404(Client, client_id)
    opportunity = _opportunity_of(client)
    form = TaskForm(data=None if request.method == "POST" else {
        "assignee_id": client.advisor_id or current_user.id})
    if saved(form, lambda: create_task(client.id, **form.creation(), issuer_id=current_user.id,
                                       opportunity_id=opportunity and opportunity.id)):
        flash("Tâche enregistrée.", "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    return render_template("activities/tasks/new.html", client=client, form=form,
                           opportunity=opportunity), 422 if request.method == "POST" else 200


def _opportunity_of(client: Client) -> Opportunity | None:
    """The opportunity named in the query string: one of the client's, or 404."""
    opportunity_id = request.args.get("opportunity", 0, type=id_param)
    if not opportunity_id:
        return None
    opportunity = get_or_404(Opportunity, opportunity_id)
    if opportunity.client_id != client.id:
        abort(404)
    return opportunity


def _task_page(task: Task, form: TaskForm, status: int = 200, message: str | None = None):
    return render_template(PAGE, task=task, form=form, hand_back_form=HandBackForm(),
                           message=message), status


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: int):
    """A task's page: its form; a rejet's processing."""
    item = get_or_404(Task, task_id)
    form = TaskForm(data=_task_data(item) if request.method == "GET" else None,
                    keep_assignee=item.assignee_id)
    if request.method == "GET" or not form.validate_on_submit():
        return _task_page(item, form, 422 if form.errors else 200)
    try:
        save_versioned(item, form.version.data, lambda: update_task(item, form.values()))
    except Conflict as conflict:
        return _task_page(get_or_404(Task, task_id), form, 409, conflict.message)
    except Refused as refusal:
        show_refusal(form, refusal)
        return _task_page(item, form, 422)
    flash("Tâche enregistrée.", "success")
    return redirect(url_for("clients.detail", client_id=item.client_id))


@bp.route("/tasks/<int:task_id>/status", methods=["POST"])
@login_required
def task_status(task_id: int):
    """« Terminée » (or back to « à faire ») in one click from a list."""
    item = get_or_404(Task, task_id)
    form = StatusForm()
    if not form.validate_on_submit():
        raise Refused("Statut inconnu.")
    set_status(item, form.status.data)
    flash(f"« {item.subject} » : {item.status_label.lower()}.", "success")
    return redirect(_back(url_for("clients.detail", client_id=item.client_id)))


@bp.route("/tasks/<int:task_id>/hand-back", methods=["POST"])
@login_required
def hand_back_rejet(task_id: int):
    """Slide 43: the comment enriched and the rejet handed back to its issuer, at once."""
    item = get_or_404(Task, task_id)
    form = HandBackForm()
    if not form.validate_on_submit():
        return render_template(PAGE, task=item, form=_readonly_form(item),
                               hand_back_form=form, message=None), 422
    try:
        hand_back(item, form.values(), current_user)
    except Refused as refusal:
        form.comment.errors = [refusal.message]
        return render_template(PAGE, task=item, form=_readonly_form(item),
                               hand_back_form=form, message=None), refusal.status
    flash(f"Rejet rendu à {item.assignee.name}.", "success")
    return redirect(url_for("home.index"))


def _task_data(item: Task) -> dict:
    """The form's values for a task (its due instant in local time)."""
    return {"version": item.version, "kind": item.kind, "subject": item.subject,
            "due_at": local(item.due_at), "assignee_id": item.assignee_id,
            "status": item.status, "notes": item.notes}


def _readonly_form(item: Task) -> TaskForm:
    return TaskForm(formdata=None, data=_task_data(item), keep_assignee=item.assignee_id)


def _back(default: str) -> str:
    target = request.form.get("next", "")
    return target if target and is_our_page(target) else default


@bp.route("/tasks/box")
@login_required
def tasks_box():
    """The home page's « Mes tâches » box: due today and overdue, and my open rejets."""
    return render_template("activities/tasks/_box.html", tasks=queries.my_tasks(current_user),
                           rejets=queries.my_rejets(current_user), now=queries.now(),
                           today_end=queries.end_of_today())


@bp.route("/tasks")
@login_required
def tasks():
    """The tasks the viewer sees (a manager: their group's), filterable by subject, status
    and kind; « Rejets ouverts du groupe » is kind=rejet, status=open."""
    filters = queries.TaskFilters.from_args(request.args)
    page = paginate(queries.group_tasks(filters), request.args.get("page", 1, type=int))
    return render_template("activities/tasks/list.html", page=page, filters=filters,
                           kinds=TaskKind, status_labels=TaskStatus.labels(),
                           now=queries.now())
