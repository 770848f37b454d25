"""Login and logout."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from webapp.auth import bp
from webapp.auth.forms import LoginForm
from webapp.auth.models import User
from webapp.auth.passwords import needs_rehash
from webapp.extensions import db, limiter, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str):
    pk, _, token = user_id.partition(":")
    user = db.session.get(User, int(pk)) if pk.isdigit() else None
    if user is None or user.session_token != token:
        return None
    return user


def _login_key() -> str:
    """Attempts are counted per address and account, in storage shared by all workers."""
    email = (request.form.get("email") or "").strip().lower()
    return f"{request.remote_addr}|{email}"


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               key_func=_login_key, deduct_when=lambda response: response.status_code != 302)
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(
            select(User).where(func.lower(User.email) == form.email.data.strip().lower()))
        if user and user.active and user.check_password(form.password.data):
            if needs_rehash(user.password_hash):  # parameters raised since it was hashed
                user.set_password(form.password.data)
                db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Adresse e-mail ou mot de passe incorrect.")
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and invalidate every session cookie of this account."""
    current_user.rotate_session()
    db.session.commit()
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))
