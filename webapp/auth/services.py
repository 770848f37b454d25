"""Writes on teams and users: the admin screens, the import and the demo call these."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import joinedload

from webapp.auth.models import Access, Branch, Role, Team, User, UserSession
from webapp.auth.passwords import hash_password, needs_rehash, verify_password
from webapp.auth.rules import (
    BRANCH_TAKEN,
    EMAIL_TAKEN,
    cycle_error,
    seen_is_due,
    team_missing,
    trimmed_agent,
)
from webapp.database import starts_with
from webapp.extensions import db
from webapp.forms import FieldRefused
from webapp.history import AuditRow

UNUSABLE = "!"  # prefix of a hash no password matches (argon2 refuses to verify it)


@dataclass(frozen=True)
class TeamInput:
    name: str
    parent_id: int | None = None


@dataclass(frozen=True)
class UserInput:
    email: str
    name: str
    role: Role
    team_id: int | None = None
    manage_operations: bool = False
    operations_access: Access = Access.OWN
    active: bool = True
    take_requests: bool = False
    password: str | None = None  # None or empty: the password stays as it is
    # An already computed hash (the demo gives all its accounts one, hashed once).
    password_hash: str | None = None


def place_team(team: Team, parent: Team | None) -> None:
    """Attach ``team`` under ``parent`` and rewrite the paths of its whole subtree."""
    if message := cycle_error(team.path if team.id else None, parent.path if parent else None):
        raise FieldRefused("parent_id", message)
    old_path = team.path if team.id else None
    team.parent = parent
    if team.id is None:
        db.session.add(team)
        db.session.flush()
    new_path = f"{parent.path if parent else '/'}{team.id}/"
    if old_path and old_path != new_path and old_path != "/":
        for sub in db.session.scalars(
            select(Team).where(starts_with(Team.path, old_path),
                               Team.id != team.id)
        ):
            sub.path = new_path + sub.path.removeprefix(old_path)
    team.path = new_path
    db.session.flush()


def save_team(team: Team, values: TeamInput) -> Team:
    """Create, rename or move a team (refused under itself or one of its sub-teams)."""
    team.name = values.name.strip()
    parent = db.session.get(Team, values.parent_id) if values.parent_id else None
    if team.id is None or team.parent_id != (parent.id if parent else None):
        place_team(team, parent)
    db.session.flush()
    return team


@dataclass(frozen=True)
class BranchInput:
    name: str


def save_branch(branch: Branch, values: BranchInput) -> Branch:
    """Create or rename a succursale; its name is unique."""
    name = values.name.strip()
    owner = db.session.scalar(select(Branch.id).where(Branch.name == name))
    if owner is not None and owner != branch.id:
        raise FieldRefused("name", BRANCH_TAKEN)
    branch.name = name
    db.session.add(branch)
    db.session.flush()
    return branch


def email_owner(email: str) -> int | None:
    """The id of the account using ``email`` (any case), if one does."""
    return db.session.scalar(
        select(User.id).where(func.lower(User.email) == email.strip().lower()))


def save_user(user: User, values: UserInput) -> User:
    """Create or edit an account; a deactivation or a new password ends its sessions.

    A password is hashed only when it is not the current one (argon2 salts differ, so
    hashing again would always "change" it); a new account without one gets an unusable
    hash: nobody signs in until an administrator sets a password."""
    owner = email_owner(values.email)
    if owner is not None and owner != user.id:
        raise FieldRefused("email", EMAIL_TAKEN)
    team_id = values.team_id or None
    if message := team_missing(values.role, team_id):
        raise FieldRefused("team_id", message)
    user.email = values.email.strip().lower()
    user.name = values.name.strip()
    user.team_id = team_id
    user.role = values.role
    user.manage_operations = values.manage_operations
    user.operations_access = values.operations_access
    user.take_requests = values.take_requests
    if user.id and user.active and not values.active:
        end_sessions(user)  # a deactivated account loses its open sessions
    user.active = values.active
    _set_password(user, values)
    db.session.add(user)
    db.session.flush()
    return user


def _set_password(user: User, values: UserInput) -> None:
    if values.password_hash:
        user.password_hash = values.password_hash
    elif values.password and (user.id is None or not user.check_password(values.password)):
        user.set_password(values.password)
        if user.id:
            end_sessions(user)
    elif user.id is None:
        user.password_hash = UNUSABLE + secrets.token_hex(16)


# A hash per argon2 profile, to verify against when no account has the address.
_DUMMIES: dict[str, str] = {}


def _dummy_hash() -> str:
    """With it, an unknown address costs the same argon2 work as a real account (no
    account enumeration by timing)."""
    profile = current_app.config.get("PASSWORD_HASH_PROFILE", "")
    if profile not in _DUMMIES:
        _DUMMIES[profile] = hash_password(secrets.token_hex(16))
    return _DUMMIES[profile]


def authenticate(email: str, password: str) -> User | None:
    """The active account with this address and password, or None (same cost either way).

    A hash made with older argon2 parameters is upgraded on the way (written when the
    request commits: the successful login's redirect)."""
    user = db.session.scalar(
        select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not (user.check_password(password) and user.active):
        return None
    if needs_rehash(user.password_hash):  # parameters raised since it was hashed
        user.set_password(password)
        db.session.flush()
    return user


# « Mes sessions »: one user_session row per signed-in browser. The login cookie holds
# ``<user id>:<secret>``; the table keeps the secret's SHA-256 only.

def _hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(user: User, user_agent: str | None, address: str | None,
                 now: datetime | None = None) -> UserSession:
    """A new session of ``user`` (at login); ``user.get_id()`` names it from now on."""
    now = now or datetime.now(UTC)
    secret = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, token_hash=_hashed(secret), created_at=now,
                      last_seen_at=now, user_agent=trimmed_agent(user_agent),
                      address=(address or "")[:45])
    db.session.add(row)
    db.session.flush()
    user.session_key = f"{user.id}:{secret}"
    user.current_session = row
    return row


def session_user(key: str, now: datetime | None = None) -> User | None:
    """The active account whose open session ``key`` (the login cookie's) names, or None
    (ended, unknown, forged, account deactivated). Its « dernière activité » moves at most
    once a minute (one UPDATE, committed with the request)."""
    pk, _, secret = (key or "").partition(":")
    if not (pk.isdigit() and len(pk) < 10 and secret):
        return None
    row = db.session.scalar(select(UserSession).options(
        joinedload(UserSession.user).joinedload(User.team)).where(
        UserSession.token_hash == _hashed(secret), UserSession.user_id == int(pk),
        UserSession.ended_at.is_(None)))  # the session, its user and team: one query
    if row is None or not row.user.active:
        return None
    now = now or datetime.now(UTC)
    if seen_is_due(row.last_seen_at, now):
        row.last_seen_at = now
        db.session.flush()
    row.user.session_key = key
    row.user.current_session = row
    return row.user


def end_session(row: UserSession, now: datetime | None = None) -> None:
    """End one session (logout, « Terminer »): its cookie no longer authenticates."""
    if row.ended_at is None:
        row.ended_at = now or datetime.now(UTC)
        db.session.flush()


def end_sessions(user: User, keep: UserSession | None = None,
                 now: datetime | None = None) -> int:
    """End every open session of ``user`` but ``keep`` (« Terminer toutes les autres »;
    a deactivation or a new password: all). How many were ended."""
    stmt = (update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .values(ended_at=now or datetime.now(UTC))
            .execution_options(synchronize_session=False))
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    ended = db.session.execute(stmt).rowcount
    for row in db.session.identity_map.values():
        if isinstance(row, UserSession) and row.user_id == user.id and row is not keep:
            db.session.expire(row, ["ended_at"])
    return ended


ADDRESS_FIELD = "Adresse IP"  # the history's « Champ » of a login row


def account_of(email: str) -> User | None:
    """The account an address names, active or not (for the login's audit row)."""
    return db.session.scalar(
        select(User).where(func.lower(User.email) == (email or "").strip().lower()))


def record_login(user: User, address: str | None, succeeded: bool) -> None:
    """An audit row on ``user``'s account: a login or a failed one, from which address,
    when (shown in the account's history to admins). A failure is committed here, alone
    (the refused form's 422 would roll it back; a failed login writes nothing else)."""
    row = {"at": datetime.now(UTC), "user_id": user.id, "actor": None, "object_type": "user",
           "object_id": user.id, "action": "login" if succeeded else "login_fail",
           "field": ADDRESS_FIELD, "old": None, "new": (address or "")[:45] or None}
    if not succeeded:
        db.session.rollback()
    db.session.execute(insert(AuditRow), [row])
    if not succeeded:
        db.session.commit()
