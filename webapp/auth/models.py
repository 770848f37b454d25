"""Users, teams in a hierarchy, roles and rights."""

import secrets

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.passwords import hash_password, verify_password
from webapp.choices import LabelledEnum
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
    __audit_exclude__ = frozenset({"session_token"})
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
    session_token: Mapped[str] = mapped_column(
        String(32), default=lambda: secrets.token_hex(16)
    )

    team: Mapped[Team | None] = relationship(back_populates="members")

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    def get_id(self) -> str:
        # The token rotates at logout: an old session cookie no longer authenticates.
        return f"{self.id}:{self.session_token}"

    def rotate_session(self) -> None:
        self.session_token = secrets.token_hex(16)

    @property
    def is_active(self) -> bool:
        return self.active

    def __str__(self):
        return self.name


class Branch(Audited, db.Model):
    """A succursale: where clients are followed and meetings take place."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    def __str__(self):
        return self.name
