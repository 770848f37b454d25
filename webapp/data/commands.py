"""CLI commands of the data package: ``flask data import|export|demo``."""

from pathlib import Path
from typing import NoReturn

import click

from webapp.data import bp, demo, demo_people, exporter, importer
from webapp.data.registry import BY_NAME
from webapp.data.schema import Invalid


@bp.cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path):
    """Importe un fichier pilote/v1 : tout, ou rien s'il contient une erreur."""
    try:
        doc = importer.read(file)
    except Invalid as error:
        _fail([f"{file}: {error}"])
    ctx = importer.validate(doc)
    if ctx.errors:
        _fail(ctx.errors)
    tallies = importer.load(ctx)
    click.echo(f"Import de {file} terminé.")
    for name, tally in tallies.items():
        click.echo(f"  {BY_NAME[name].label} : {tally}")


def _fail(errors: list[str]) -> NoReturn:
    noun = "erreur" if len(errors) == 1 else "erreurs"
    click.echo(f"Import refusé : {len(errors)} {noun}, rien n'a été importé.", err=True)
    for error in errors:
        click.echo(f"  {error}", err=True)
    raise click.exceptions.Exit(1)


@bp.cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(file: Path):
    """Exporte les données au format pilote/v1 (sans les mots de passe)."""
    with file.open("w", encoding="utf-8") as out:
        counts = exporter.write(out)
    click.echo(f"Export écrit dans {file} : "
               + ", ".join(f"{label.lower()} : {n}" for label, n in counts.items()) + ".")


@bp.cli.command("demo")
@click.option("--scale", type=click.IntRange(min=0), default=demo.DEFAULT_SCALE,
              show_default=True, help="Nombre de clients à créer.")
@click.option("--if-empty", is_flag=True,
              help="Sur une base déjà remplie, ne rien faire (au lieu d'échouer).")
def demo_command(scale: int, if_empty: bool):
    """Remplit une base vide avec des données de démonstration réalistes."""
    if not demo.database_is_empty():
        if if_empty:
            click.echo("La base contient déjà des données : démo non recréée. Les comptes "
                       f"de démonstration gardent le mot de passe « {demo_people.PASSWORD} ».")
            return
        click.echo("La base contient déjà des données : la démo ne s'installe que sur une "
                   "base vide (créez-en une avec « flask --app webapp db upgrade » sur un "
                   "nouveau fichier ou un nouveau schéma).", err=True)
        raise click.exceptions.Exit(1)
    result = demo.run(scale)
    click.echo(f"Démo créée en {result.seconds:.1f} s : "
               + ", ".join(f"{label.lower()} : {n}" for label, n in result.counts.items())
               + ".")
    click.echo("Étapes : " + ", ".join(f"{name} {seconds:.1f} s"
                                       for name, seconds in result.steps.items()) + ".")
    click.echo("Comptes de connexion :")
    for login in result.logins:
        click.echo(f"  {login.email} / {login.password}  ({login.role}, {login.team})")
