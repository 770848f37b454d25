"""Users, teams in a hierarchy, roles and rights."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.passwords import hash_password, verify_password
from webapp.choices import LabelledEnum
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited


class Access(LabelledEnum):
    NONE = "none", "Aucun"
    OWN = "own", "Ses propres clients"
    TEAM = "team", "Son équipe et ses sous-équipes"
    ALL = "all", "Tout"


class Role(LabelledEnum):
    ADMIN = "admin", "Administrateur"
    MANAGER = "manager", "Responsable"
    ADVISOR = "advisor", "Conseiller"
    BDC_AGENT = "bdc_agent", "Agent BDC"
    BO_ASSISTANT = "bo_assistant", "Assistant back-office"

    @property
    def client_access(self) -> Access:
        """Which client files the role reads: the BDC and the BO serve the whole carnet."""
        return {Role.MANAGER: Access.TEAM, Role.ADVISOR: Access.OWN}.get(self, Access.ALL)


def _enum(cls, name):
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e],
                native_enum=False, length=20)


class Team(Audited, db.Model):
    """An agence, région or direction; ``path`` (``/1/4/9/``) lists its ancestors."""

    __tablename__ = "team"
    __audit_exclude__ = frozenset({"path"})

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), default="/", index=True)

    parent: Mapped["Team | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Team"]] = relationship(back_populates="parent")
    members: Mapped[list["User"]] = relationship(back_populates="team")

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def __str__(self):
        return self.name


class User(Audited, UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (Index("ix_user_team_role", "team_id", "role"),)
    __audit_hidden__ = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    manage_operations: Mapped[bool] = mapped_column(Boolean, default=False)
    operations_access: Mapped[Access] = mapped_column(
        _enum(Access, "access"), default=Access.OWN
    )
    # Seed 002: takes client calls and routes them (the BO assistants always may).
    take_requests: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    team: Mapped[Team | None] = relationship(back_populates="members")

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    # The session this request (or the login being made) runs in: set by
    # ``sessions.open_session`` and by the login cookie's loader; not a column.
    session_key = None  # str | None
    current_session = None  # UserSession | None

    def get_id(self) -> str | None:
        """What the login cookie holds: ``<user id>:<the session's secret>`` (its hash is
        in ``user_session``); an ended session no longer authenticates."""
        return self.session_key

    @property
    def is_active(self) -> bool:
        return self.active

    def __str__(self):
        return self.name


class UserSession(db.Model):
    """One signed-in browser of an account (« Mes sessions »): the login creates it, the
    login cookie names it, logging out or « Terminer » ends it."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(45), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Branch(Audited, db.Model):
    """A succursale: where clients are followed and meetings take place."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    def __str__(self):
        return self.name
