"""The product catalogue (admin): the list, a product's form."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from webapp.activities import bp
from webapp.activities.catalogue.forms import ProductForm
from webapp.activities.catalogue.models import Product
from webapp.activities.catalogue.services import save_product
from webapp.auth.decorators import role_required
from webapp.auth.models import Role
from webapp.database import french_order
from webapp.extensions import db
from webapp.forms import saved
from webapp.history import history_of
from webapp.ids import id_param
from webapp.pagination import paginate


@bp.route("/catalogue")
@role_required(Role.ADMIN)
def catalogue():
    """The products quotes and proposals are made of, by range."""
    page = paginate(select(Product).order_by(Product.range, french_order(Product.label),
                                             Product.id), request.args.get("page", 1, id_param))
    return render_template("activities/catalogue/index.html", page=page)


def _form(product: Product | None):
    form = ProductForm(obj=product)
    if saved(form, lambda: save_product(product, form.values())):
        flash("Produit enregistré.", "success")
        return redirect(url_for("activities.catalogue"))
    return render_template("activities/catalogue/form.html", form=form, product=product,
                           history=history_of(product) if product else []), (
        422 if form.is_submitted() else 200)


@bp.route("/catalogue/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_product():
    return _form(None)


@bp.route("/catalogue/<int:product_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_product(product_id: int):
    return _form(db.get_or_404(Product, product_id))
