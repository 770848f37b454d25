"""`flask data import`: validate the whole file, then load all of it or nothing."""

import json
from pathlib import Path

from webapp.data.registry import BY_NAME, FORMAT, SECTIONS
from webapp.data.schema import Invalid
from webapp.data.sections import (
    Context,
    Item,
    Section,
    Tally,
    parse_item,
    referenced,
    rows_by_key,
)
from webapp.database import analyze
from webapp.extensions import db
from webapp.history import cli_actor

ACTOR = "import"


def read(path: Path):
    """The parsed JSON document; raise Invalid with a French message if unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))  # a BOM is tolerated
    except UnicodeDecodeError as error:
        raise Invalid("le fichier n'est pas encodé en UTF-8") from error
    except json.JSONDecodeError as error:
        raise Invalid(f"JSON illisible (ligne {error.lineno}, colonne {error.colno}) : "
                      f"{error.msg}") from error


def validate(doc) -> Context:
    """Check the whole document; ``ctx.errors`` lists every problem with its JSON path."""
    ctx = Context()
    if not isinstance(doc, dict):
        ctx.error("$", "objet JSON attendu")
        return ctx
    _check_header(doc, ctx)
    for section in SECTIONS:
        if doc.get(section.name) is not None:
            _validate_section(section, doc[section.name], ctx)
    return ctx


def _check_header(doc: dict, ctx: Context) -> None:
    if "format" not in doc:
        ctx.error("format", f"champ obligatoire (« {FORMAT} »)")
    elif doc["format"] != FORMAT:
        ctx.error("format", f"format « {doc['format']} » non pris en charge "
                            f"(attendu : « {FORMAT} »)")
    for name in doc:
        if name != "format" and name not in BY_NAME:
            ctx.error(name, "section inconnue")


def _validate_section(section: Section, raw, ctx: Context) -> None:
    if not isinstance(raw, list):
        ctx.error(section.name, "liste attendue")
        raw = []
    items = [parse_item(element, section.fields, f"{section.name}[{index}]", ctx)
             for index, element in enumerate(raw)]
    items = ctx.items[section.name] = [item for item in items if item is not None]
    _declare(section, items, ctx)
    _check_refs(section, items, ctx)
    section.check(items, ctx)


def _declare(section: Section, items: list[Item], ctx: Context) -> None:
    """Index the items by key; a key used twice in the file is an error."""
    declared = ctx.declared[section.name] = {}
    for item in items:
        if item.key in declared:
            ctx.fail(item, "key", f"clé en double (déjà utilisée par "
                                  f"{declared[item.key].path})")
        elif item.key is not None:
            declared[item.key] = item


def _check_refs(section: Section, items: list[Item], ctx: Context) -> None:
    """Every reference names an object of the file or of the database."""
    for name, field in section.fields.items():
        if field.ref is None:
            continue
        target = BY_NAME[field.ref]
        in_file = ctx.declared.get(field.ref, {}).keys()
        wanted = referenced(items, name)
        known = in_file | rows_by_key(target.model, wanted - in_file).keys()
        for item in items:
            value = item.values.get(name)
            if value is not None and value not in known:
                ctx.fail(item, name, f"{target.unknown} « {value} »")


def load(ctx: Context) -> dict[str, Tally]:
    """Load the validated sections in one transaction; audit rows name the importer."""
    token = cli_actor.set(ACTOR)
    try:
        # ctx.items follows SECTIONS: referenced objects are loaded before their referrers
        tallies = {name: BY_NAME[name].load(items) for name, items in ctx.items.items()}
        db.session.commit()
        analyze(db.session)  # a large import changes the statistics the search relies on
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        cli_actor.reset(token)
    return tallies
