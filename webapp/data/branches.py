"""The ``branches`` section: the succursales, whose names are unique."""

from sqlalchemy import select

from webapp.auth.models import Branch
from webapp.data.schema import key, text
from webapp.data.sections import (
    Context,
    Item,
    Section,
    Tally,
    assign,
    check_unique,
    objects_by_key,
)
from webapp.extensions import db

FIELDS = {"key": key(), "name": text(Branch.name, required=True)}


def check(items: list[Item], ctx: Context) -> None:
    """A name belongs to one branch, in the file and in the database."""
    names = [item.values["name"] for item in items if "name" in item.values]
    owners = dict(db.session.execute(
        select(Branch.name, Branch.key).where(Branch.name.in_(names))).all())
    check_unique(items, ctx, "name", owners, "nom déjà utilisé",
                 "nom déjà utilisé par une autre succursale")


def load(items: list[Item]) -> Tally:
    """Create or rename the branches."""
    tally = Tally()
    branches = objects_by_key(Branch, [item.key for item in items])
    for item in items:
        branch = branches.get(item.key)
        created = branch is None
        if created:
            branch = Branch(key=item.key)
            db.session.add(branch)
        tally.count(created, assign(branch, item.values, ["name"]))
    db.session.flush()
    return tally


def export():
    for row in db.session.execute(select(Branch.key, Branch.name).order_by(Branch.key)):
        yield {"key": row.key, "name": row.name}


SECTION = Section(name="branches", label="Succursales", model=Branch, key_prefix="branch",
                  unknown="succursale inconnue", fields=FIELDS, check=check, load=load,
                  export=export)
