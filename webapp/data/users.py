"""The ``users`` section: accounts, with the admin form's rules.

Passwords are imported only to be hashed, and re-hashed only when the stored hash does
not verify the given one (argon2 salts differ, so re-hashing would always "change" it).
An account created without a password gets an unusable hash (``!`` and random text,
which argon2 refuses to verify): nobody can sign in until an admin sets a password. The
export never writes passwords.
"""

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from webapp.auth.models import Access, Role, Team, User
from webapp.data.schema import boolean, choice, email, key, password, ref, text
from webapp.data.sections import (
    Context,
    Item,
    Section,
    Tally,
    assign,
    check_unique,
    chunks,
    ids_by_key,
    objects_by_key,
    referenced,
    rows_by_key,
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
UNUSABLE = "!"  # prefix of a hash no password matches
SIMPLE = ("email", "name", "role", "manage_operations", "operations_access", "active")


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
    """Create or update the accounts."""
    tally = Tally()
    users = objects_by_key(User, [item.key for item in items])
    teams = ids_by_key(Team, referenced(items, "team"))
    for item in items:
        user = users.get(item.key)
        created = user is None
        if created:
            user = User(key=item.key, manage_operations=False, operations_access=Access.OWN,
                        active=True)
        was_active = user.active
        changed = assign(user, item.values, SIMPLE)
        if "team" in item.values:
            changed |= assign(user, {"team_id": teams.get(item.values["team"])}, ["team_id"])
        changed |= _password(user, item.values.get("password"), created)
        if not created and was_active and not user.active:
            user.rotate_session()  # a deactivated account loses its open sessions
        db.session.add(user)
        tally.count(created, changed)
    db.session.flush()
    return tally


def _password(user: User, given: str | None, created: bool) -> bool:
    if created:
        if given:
            user.set_password(given)
        else:
            user.password_hash = UNUSABLE + secrets.token_hex(16)
        return True
    if given and not user.check_password(given):
        user.set_password(given)
        user.rotate_session()
        return True
    return False


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
