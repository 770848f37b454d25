"""The ``users`` section: accounts, written by the admin screen's ``save_user``.

Passwords are imported only to be hashed, and re-hashed only when the stored hash does
not verify the given one; an account created without a password gets an unusable hash
(both ``save_user``'s rules). The export never writes passwords.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from webapp.auth.models import Access, Role, Team, User
from webapp.auth.services import UserInput, save_user
from webapp.data.schema import boolean, choice, email, key, password, ref, text
from webapp.data.sections import (
    Context,
    Item,
    Section,
    Tally,
    check_unique,
    chunks,
    ids_by_key,
    objects_by_key,
    referenced,
    rows_by_key,
    snapshot,
)
from webapp.extensions import db

FIELDS = {
    "key": key(),
    "email": email(User.email, required=True, lower=True),
    "name": text(User.name, required=True),
    "password": password(),
    "team": ref("teams"),
    "role": choice(Role, required=True),
    "manage_operations": boolean(),
    "operations_access": choice(Access),
    "active": boolean(),
}
SIMPLE = ("email", "name", "role", "manage_operations", "operations_access", "active")
# A new account's values when the file leaves them out.
DEFAULTS = {"manage_operations": False, "operations_access": Access.OWN, "active": True}


def check(items: list[Item], ctx: Context) -> None:
    """E-mail addresses are unique; every account but an admin's belongs to a team."""
    _check_emails(items, ctx)
    stored = rows_by_key(User, [item.key for item in items], User.team_id)
    for item in items:
        role = item.values.get("role")
        if role is None or role == Role.ADMIN:
            continue
        has_team = (item.values["team"] is not None if "team" in item.values
                    else item.key in stored and stored[item.key].team_id is not None)
        if not has_team:
            ctx.fail(item, "team", "équipe obligatoire (sauf pour un administrateur)")


def _check_emails(items: list[Item], ctx: Context) -> None:
    addresses = [item.values["email"] for item in items if "email" in item.values]
    owners = {}
    for chunk in chunks(addresses):
        owners.update(db.session.execute(
            select(func.lower(User.email), User.key).where(func.lower(User.email).in_(chunk))
        ).all())
    check_unique(items, ctx, "email", owners, "adresse déjà utilisée",
                 "adresse déjà utilisée par un autre compte")


def load(items: list[Item]) -> Tally:
    """Create or update the accounts, through the admin screen's ``save_user``."""
    tally = Tally()
    users = objects_by_key(User, [item.key for item in items])
    teams = ids_by_key(Team, referenced(items, "team"))
    for item in items:
        user = users.get(item.key)
        created = user is None
        user = user or User(key=item.key)
        before = snapshot(user)
        save_user(user, _input(user, item.values, teams))
        tally.count(created, snapshot(user) != before)
    return tally


def _input(user: User, values: dict, teams: dict[str, int]) -> UserInput:
    """The file's values over the account's current ones (an absent field keeps its value)."""
    team_id = teams.get(values["team"]) if "team" in values else user.team_id
    current = {name: getattr(user, name) for name in SIMPLE}
    given = {name: values[name] for name in SIMPLE if name in values}
    merged = {**DEFAULTS, **{k: v for k, v in current.items() if v is not None}, **given}
    return UserInput(**merged, team_id=team_id, password=values.get("password"))


def export():
    team = aliased(Team)
    stmt = (select(User, team.key.label("team"))
            .outerjoin(team, User.team_id == team.id).order_by(User.key))
    for user, team_key in db.session.execute(stmt):
        yield {"key": user.key, "email": user.email, "name": user.name, "team": team_key,
               "role": user.role.value, "manage_operations": user.manage_operations,
               "operations_access": user.operations_access.value, "active": user.active}


SECTION = Section(name="users", label="Utilisateurs", model=User, key_prefix="user",
                  unknown="utilisateur inconnu", fields=FIELDS, check=check, load=load,
                  export=export)
