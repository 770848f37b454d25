"""Links in e-mails: the app's configured address (``BASE_URL``) and a path, never the
Host header of the request that queued the mail (a client can forge it)."""

from flask import current_app


def absolute_url(path: str) -> str:
    """``/bo/requests/5`` → ``https://pilote.example.fr/bo/requests/5``."""
    return current_app.config["BASE_URL"] + "/" + path.lstrip("/")


def init_app(app) -> None:
    app.jinja_env.globals["absolute_url"] = absolute_url
