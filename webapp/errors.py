"""The core's refusal, and French error pages (htmx requests get a short fragment).

A write service that a rule refuses raises ``Refused`` with the French message the user
reads; a route that shows a panel catches it there and re-renders the panel with that
message (``status``: 422 a rule said no, 409 the data changed meanwhile). One it does not
catch becomes this module's error page with the same message and status.
"""

from html import escape

from flask import current_app, render_template
from flask_wtf.csrf import CSRFError

from webapp.extensions import db
from webapp.htmx import is_htmx

MESSAGES = {
    400: ("Requête invalide", "La demande n'a pas pu être traitée."),
    403: ("Accès refusé", "Vous n'avez pas les droits nécessaires pour cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou ne vous est pas accessible."),
    405: ("Méthode non autorisée", "Cette action n'est pas possible ici."),
    409: ("Modification concurrente", "Ces données viennent d'être modifiées par quelqu'un "
          "d'autre : rechargez la page et recommencez."),
    413: ("Fichier trop volumineux", "Le fichier envoyé dépasse la taille autorisée."),
    422: ("Demande refusée", "Cette modification n'est pas possible."),
    429: ("Trop de tentatives", "Trop de tentatives en peu de temps. Patientez quelques "
          "minutes avant de réessayer."),
    500: ("Erreur interne", "Une erreur inattendue s'est produite. Elle a été enregistrée."),
}


class Refused(Exception):
    """A write the rules refuse: the French ``message`` to show and the HTTP ``status``."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


FALLBACK = ('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
            '</head><body><h1>{title}</h1><p>{message}</p><p><a href="/">Accueil</a></p>'
            '</body></html>')


def _render(status: int, detail: str | None = None):
    """The French error page; never raises: if the page itself fails (database gone, a
    template error), a minimal French page goes out instead, still through ``after_request``
    (so with the security headers)."""
    title, message = MESSAGES.get(status, MESSAGES[400])
    try:
        template = "errors/_error.html" if is_htmx() else "errors/error.html"
        return render_template(template, status=status, title=title,
                               message=detail or message), status
    except Exception:  # an error page must go out whatever failed
        current_app.logger.exception("error page %s failed; minimal page sent", status)
        body = FALLBACK.format(title=escape(title), message=escape(detail or message))
        return body, status, {"Content-Type": "text/html; charset=utf-8"}


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # a lost connection must not hide the refusal
        current_app.logger.exception("rollback failed while refusing")


def init_app(app) -> None:
    for status in MESSAGES:
        app.register_error_handler(status, lambda e, s=status: _render(s))

    @app.errorhandler(Refused)
    def _refused(refusal: Refused):
        _rollback()
        return _render(refusal.status, refusal.message)

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return _render(400, "Le formulaire a expiré ou n'est pas authentique. "
                            "Rechargez la page et recommencez.")
