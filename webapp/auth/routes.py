"""Login, logout and « Mes sessions »."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from webapp.auth import bp
from webapp.auth.forms import LoginForm
from webapp.auth.models import UserSession
from webapp.auth.queries import open_sessions
from webapp.auth.redirects import is_our_page
from webapp.auth.rules import agent_label
from webapp.auth.scope import get_or_404
from webapp.auth.services import (
    account_of,
    authenticate,
    end_session,
    end_sessions,
    open_session,
    record_login,
    session_user,
)
from webapp.extensions import limiter, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"

WRONG = "Adresse e-mail ou mot de passe incorrect."


@login_manager.user_loader
def load_user(user_id: str):
    """The login cookie names one open session (``user_session``); ended: logged out."""
    return session_user(user_id)


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
            open_session(user, request.user_agent.string, request.remote_addr)
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
    """Log out: this session ends (its cookie no longer authenticates); the account's
    other sessions go on (« Mes sessions » ends them)."""
    if current_user.current_session is not None:
        end_session(current_user.current_session)
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/sessions")
@login_required
def sessions():
    """« Mes sessions »: where this account is signed in, this browser marked."""
    rows = [(row, agent_label(row.user_agent)) for row in open_sessions(current_user)]
    return render_template("auth/sessions.html", rows=rows,
                           current=current_user.current_session)


@bp.route("/account/sessions/<int:session_id>/logout", methods=["POST"])
@login_required
def logout_session(session_id: int):
    """« Terminer »: one of one's sessions (someone else's: 404). This one: logged out."""
    row = get_or_404(UserSession, session_id)
    end_session(row)
    if row is current_user.current_session:
        logout_user()
        flash("Vous êtes déconnecté.", "info")
        return redirect(url_for("auth.login"))
    flash("La session est terminée.", "success")
    return redirect(url_for("auth.sessions"))


@bp.route("/account/sessions/logout-others", methods=["POST"])
@login_required
def logout_other_sessions():
    """« Terminer toutes les autres »: every session of the account but this one."""
    ended = end_sessions(current_user, keep=current_user.current_session)
    flash("Aucune autre session n'était ouverte." if not ended else
          "1 autre session terminée." if ended == 1 else
          f"{ended} autres sessions terminées.", "success")
    return redirect(url_for("auth.sessions"))
