"""The ``branches`` section: the succursales, written by ``auth.services.save_branch``."""

from sqlalchemy import select

from webapp.auth.models import Branch
from webapp.auth.services import BranchInput, save_branch
from webapp.data.schema import key, text
from webapp.data.sections import (
    Context,
    Item,
    Section,
    Tally,
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
        branch = branch or Branch(key=item.key)
        before = branch.name
        save_branch(branch, BranchInput(item.values.get("name", before)))
        tally.count(created, branch.name != before)
    return tally


def export():
    for row in db.session.execute(select(Branch.key, Branch.name).order_by(Branch.key)):
        yield {"key": row.key, "name": row.name}


SECTION = Section(name="branches", label="Succursales", model=Branch, key_prefix="branch",
                  unknown="succursale inconnue", fields=FIELDS, check=check, load=load,
                  export=export)
