"""`flask outbox work` and `flask reminders run`."""

import click
from flask import current_app
from flask.cli import AppGroup

from webapp.notifications import reminders, worker

outbox_cli = AppGroup("outbox", help="La file d'envoi des e-mails.")
reminders_cli = AppGroup("reminders", help="Les rappels programmés.")


@outbox_cli.command("work")
@click.option("--once", is_flag=True, help="Envoyer ce qui est dû, puis s'arrêter (cron).")
@click.option("--batch", type=click.IntRange(1, 500), default=20, show_default=True)
def work_command(once: bool, batch: int):
    """Envoie les e-mails en attente (en continu, ou une fois avec --once)."""
    if once:
        tally = worker.drain(batch=batch)
        click.echo(f"Envoyés : {tally.sent}, à réessayer : {tally.retried}, "
                   f"en échec : {tally.failed}.")
    else:
        worker.work(current_app.config["OUTBOX_POLL_SECONDS"], batch=batch)


@reminders_cli.command("run")
def run_command():
    """Met en file les rappels dus (sans doublon : à lancer par cron)."""
    counts = reminders.run()
    if not counts:
        click.echo("Aucun type de rappel enregistré.")
    for kind, n in counts.items():
        click.echo(f"{kind} : {n} nouveau(x)")
