"""Booklets for the agencies (slide 8): Logimail or the BO, quotas, orders."""


from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import clock
from webapp.auth.decorators import role_required
from webapp.backoffice import bp
from webapp.backoffice.booklets import queries, services
from webapp.backoffice.booklets.forms import AllowanceForm, OrderForm
from webapp.backoffice.booklets.rules import CHANNEL_LABELS
from webapp.backoffice.models import DESK_ROLES
from webapp.errors import Refused
from webapp.ids import id_param


def _page(allowance_form=None, order_form=None, status=200):
    today = clock.today()
    return render_template(
        "backoffice/booklets/index.html", today=today, contracts=queries.contracts(),
        usage=queries.usage_page(today.year, request.args.get("page", 1, id_param)),
        orders=queries.orders_page(request.args.get("orders_page", 1, id_param)),
        channels=CHANNEL_LABELS,
        allowance_form=allowance_form or AllowanceForm(formdata=None, prefix="allowance"),
        order_form=order_form or OrderForm(formdata=None, today=today, prefix="order",
                                           data={"ordered_on": today})), status


@bp.route("/booklets")
@role_required(*DESK_ROLES)
def booklets():
    """Contracts on Logimail or through the BO, each agency's quota and its orders."""
    return _page()


@bp.route("/booklets/allowances", methods=["POST"])
@role_required(*DESK_ROLES)
def save_allowance():
    """Set an agency's yearly quota of a contract (« en fonction de la production annuelle
    des agences »)."""
    form = AllowanceForm(prefix="allowance")
    if not form.validate_on_submit():
        return _page(allowance_form=form, status=422)
    services.save_allowance(form.values())
    flash(f"Quota de {form.client.full_name} pour {form.contract.name} enregistré.", "success")
    return redirect(url_for("backoffice.booklets"))


@bp.route("/booklets/orders", methods=["POST"])
@role_required(*DESK_ROLES)
def order_booklets():
    """Record an agency's order, within its quota and after the delay since the last one."""
    today = clock.today()
    form = OrderForm(today=today, prefix="order")
    if form.validate_on_submit():
        try:
            order = services.record_order(form.values(), current_user, today)
        except Refused as refusal:
            form.quantity.errors.append(refusal.message)
        else:
            flash(f"Commande de {order.quantity} livrets {form.contract.name} enregistrée "
                  f"({order.channel_label}).", "success")
            return redirect(url_for("backoffice.booklets"))
    return _page(order_form=form, status=422)
