"""Pilote: a French-language sales CRM."""

from pathlib import Path

from flask import Flask
from jinja2 import StrictUndefined

from webapp import config as config_module
from webapp.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the application: defaults, then instance/config.py, env, then ``config``."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    config_module.load(app, config)
    if app.config.get("STRICT_TEMPLATES"):
        app.jinja_env.undefined = StrictUndefined

    from webapp import database  # noqa: F401  (registers the SQLite pragmas)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app)
    limiter.init_app(app)

    from webapp import errors, formatting, forms, history, ids, security, slowlog, transaction

    ids.init_app(app)
    errors.init_app(app)
    forms.init_app(app)
    formatting.init_app(app)
    security.init_app(app)
    history.init_app(app)
    slowlog.init_app(app)
    transaction.init_app(app)
    from webapp import idempotency

    idempotency.init_app(app)  # after transaction: its outcome is written before the commit

    register_blueprints(app)
    register_commands(app)
    return app


def register_blueprints(app: Flask) -> None:
    """Every domain's blueprint, at its URL prefix."""
    from webapp.activities import bp as activities_bp
    from webapp.auth import bp as auth_bp
    from webapp.backoffice import bp as backoffice_bp
    from webapp.clients import bp as clients_bp
    from webapp.data import bp as data_bp
    from webapp.home import bp as home_bp
    from webapp.notifications import bp as notifications_bp
    from webapp.operations import bp as operations_bp
    from webapp.operations import progress as operations_progress
    from webapp.opportunities import bp as opportunities_bp
    from webapp.proposals import bp as proposals_bp
    from webapp.routing import bp as routing_bp
    from webapp.supervision import bp as supervision_bp
    from webapp.visits import bp as visits_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(clients_bp, url_prefix="/clients")
    app.register_blueprint(data_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(operations_bp, url_prefix="/operations")
    operations_progress.init_app(app)
    app.register_blueprint(opportunities_bp, url_prefix="/opportunities")
    app.register_blueprint(supervision_bp, url_prefix="/supervision")
    app.register_blueprint(backoffice_bp, url_prefix="/bo")
    app.register_blueprint(activities_bp, url_prefix="/activities")
    app.register_blueprint(proposals_bp, url_prefix="/proposals")
    app.register_blueprint(routing_bp, url_prefix="/routing")
    app.register_blueprint(visits_bp)  # /visits/…, and /sw.js at the root (its scope)


def register_commands(app: Flask) -> None:
    """The command-line groups that no blueprint carries (``flask data`` is the data
    blueprint's)."""
    from webapp.backup import backup_command
    from webapp.notifications.commands import outbox_cli, reminders_cli

    app.cli.add_command(outbox_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(backup_command)
