"""Login and logout."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from webapp.auth import bp
from webapp.auth.forms import LoginForm
from webapp.auth.models import User
from webapp.auth.redirects import is_our_page
from webapp.auth.services import account_of, authenticate, end_sessions, record_login
from webapp.extensions import db, limiter, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"

WRONG = "Adresse e-mail ou mot de passe incorrect."


@login_manager.user_loader
def load_user(user_id: str):
    pk, _, token = user_id.partition(":")
    user = db.session.get(User, int(pk)) if pk.isdigit() and len(pk) < 10 else None
    if user is None or user.session_token != token:
        return None
    return user


def _login_key() -> str:
    """Attempts are counted per address and account, in storage shared by all workers."""
    email = (request.form.get("email") or "").strip().lower()
    return f"{request.remote_addr}|{email}"


def _address_key() -> str:
    """And per address alone (a password sprayed over many accounts)."""
    return f"{request.remote_addr}|*"


def _failed(response) -> bool:
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: ``next`` only when it is a page of ours (never
    another site: ``/%09/evil.example`` would become ``//evil.example``)."""
    return target if is_our_page(target) else url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               key_func=_login_key, deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"], methods=["POST"],
               key_func=_address_key, deduct_when=_failed)
def login():
    """Log in with e-mail and password (failed attempts are counted by the limiter, in
    its own storage: they survive the 422 response's rollback)."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            record_login(user, request.remote_addr, succeeded=True)
            return redirect(_safe_next(request.args.get("next")))
        if (account := account_of(form.email.data)) is not None:
            record_login(account, request.remote_addr, succeeded=False)
        form.password.errors.append(WRONG)
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and invalidate every session cookie of this account."""
    end_sessions(current_user)
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))
