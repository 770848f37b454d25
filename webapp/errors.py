"""French error pages; htmx requests get a short fragment instead of a whole page."""

from flask import render_template
from flask_wtf.csrf import CSRFError

from webapp.htmx import is_htmx

MESSAGES = {
    400: ("Requête invalide", "La demande n'a pas pu être traitée."),
    403: ("Accès refusé", "Vous n'avez pas les droits nécessaires pour cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou ne vous est pas accessible."),
    405: ("Méthode non autorisée", "Cette action n'est pas possible ici."),
    413: ("Fichier trop volumineux", "Le fichier envoyé dépasse la taille autorisée."),
    429: ("Trop de tentatives", "Trop de tentatives en peu de temps. Patientez quelques "
          "minutes avant de réessayer."),
    500: ("Erreur interne", "Une erreur inattendue s'est produite. Elle a été enregistrée."),
}


def _render(status: int, detail: str | None = None):
    title, message = MESSAGES[status]
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    return render_template(template, status=status, title=title,
                           message=detail or message), status


def init_app(app) -> None:
    for status in MESSAGES:
        app.register_error_handler(status, lambda e, s=status: _render(s))

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return _render(400, "Le formulaire a expiré ou n'est pas authentique. "
                            "Rechargez la page et recommencez.")
