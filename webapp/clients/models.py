"""Client files and their advisor history."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    literal_column,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.auth.models import Access, Branch, User
from webapp.auth.scope import owned_by, scope_for
from webapp.choices import LabelledEnum
from webapp.clients.rules import advisor_situation, name_keys, search_key
from webapp.database import UTCDateTime, search_key_type
from webapp.extensions import db
from webapp.history import Audited


def _now():
    return datetime.now(UTC)


class Civility(LabelledEnum):
    MR = "M.", "M."
    MRS = "Mme", "Mme"


class Language(LabelledEnum):
    FR = "fr", "Français"
    EN = "en", "Anglais"
    ES = "es", "Espagnol"
    DE = "de", "Allemand"
    IT = "it", "Italien"
    PT = "pt", "Portugais"
    AR = "ar", "Arabe"


SEARCH_KEYS = ("name_key", "name_key_rev", "email_key", "phone_key", "phone2_key")


class Client(Audited, db.Model):
    __tablename__ = "client"
    __table_args__ = (
        Index("ix_client_name", "last_name", "first_name", "id"),
        Index("ix_client_advisor_name", "advisor_id", "last_name", "first_name", "id"),
        # An advisor's or a team's search reads only their own clients' keys.
        Index("ix_client_advisor_name_key", "advisor_id", "name_key", "id"),
        Index("ix_client_advisor_name_key_rev", "advisor_id", "name_key_rev", "id"),
        # The search's prefix walks, in their sort order (key, then id): a page reads its
        # rows in order and stops, never sorting every client whose key matches. The
        # advisor last: a manager's or an advisor's scope is checked on the entry itself
        # (an index-only walk), without fetching the client row of every entry it skips.
        *(Index(f"ix_client_{key}", key, "id", "advisor_id") for key in SEARCH_KEYS),
        # The query builder's place criteria (postal code, département) with what its
        # first page and count read next: answered from the index alone.
        Index("ix_client_place", "postal_code", "language", "advisor_id", "name_key", "id"),
        # The same with advisors chosen (« Conseiller » with a place): a seek per advisor,
        # not a walk of every client of the département (×3 from 100 000 to 1 000 000).
        Index("ix_client_advisor_place", "advisor_id", "postal_code", "language", "name_key",
              "id"),
    )
    # Derived columns: the keys, and the count of former advisors (the change itself is
    # recorded as the advisor's, and in the advisor periods).
    __audit_exclude__ = frozenset({"name_key", "name_key_rev", "email_key", "phone_key",
                                   "phone2_key", "city_key", "former_advisors"})

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    civility: Mapped[str | None] = mapped_column(String(5))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    phone_is_mobile: Mapped[bool | None] = mapped_column(Boolean)
    phone2: Mapped[str | None] = mapped_column(String(30))
    phone2_is_mobile: Mapped[bool | None] = mapped_column(Boolean)
    address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(12))
    city: Mapped[str | None] = mapped_column(String(80))
    # The city folded (case, accents: rules.search_key), for the query builder's criterion.
    city_key: Mapped[str | None] = mapped_column(search_key_type(80), index=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The advisors who followed the client before the present one (ended periods), kept
    # by services.assign_advisor: « Nouveau conseiller » without reading the periods.
    former_advisors: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now,
                                                 onupdate=_now)
    version: Mapped[int] = mapped_column(default=1)
    # Normalised search keys, each indexed for `LIKE 'prefix%'` (see rules.search_key).
    name_key: Mapped[str] = mapped_column(search_key_type(170), default="")
    name_key_rev: Mapped[str] = mapped_column(search_key_type(170), default="")
    email_key: Mapped[str | None] = mapped_column(search_key_type(254))
    phone_key: Mapped[str | None] = mapped_column(search_key_type(20))
    phone2_key: Mapped[str | None] = mapped_column(search_key_type(20))

    __mapper_args__ = {"version_id_col": version}

    branch: Mapped[Branch | None] = relationship()
    advisor: Mapped[User | None] = relationship()
    referred_by: Mapped["Client | None"] = relationship(remote_side=[id])
    advisor_periods: Mapped[list["AdvisorPeriod"]] = relationship(
        back_populates="client", order_by="AdvisorPeriod.started_on.desc()",
        cascade="all, delete-orphan")

    @validates("first_name", "last_name")
    def _names(self, key, value):
        other = self.last_name if key == "first_name" else self.first_name
        first, last = (value, other) if key == "first_name" else (other, value)
        self.name_key, self.name_key_rev = name_keys(first, last)
        return value

    @validates("city")
    def _city(self, _key, value):
        self.city_key = search_key(value) or None
        return value

    @validates("email")
    def _email(self, _key, value):
        self.email_key = value.lower() if value else None
        return value

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def advisor_situation(self) -> str:
        return advisor_situation(self.advisor is not None,
                                 bool(self.advisor and self.advisor.active),
                                 self.former_advisors or 0)

    def __str__(self):
        return self.full_name


# The two first characters of the postal code: a département's key (« 69 », « 20 » for
# Corsica, « 97 » overseas). Literal arguments, so that both engines match it to the index.
DEPARTMENT_KEY = func.substr(Client.postal_code, literal_column("1"), literal_column("2"))
# The query builder's large results with advisors and départements chosen: a walk per
# (advisor, département) in name order, which stops at the page's end.
Index("ix_client_advisor_department", Client.advisor_id, DEPARTMENT_KEY, Client.name_key,
      Client.id)


class AdvisorPeriod(Audited, db.Model):
    """One advisor in charge of a client from ``started_on`` to ``ended_on`` (open: now)."""

    __tablename__ = "advisor_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"),
                                           index=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    client: Mapped[Client] = relationship(back_populates="advisor_periods")
    advisor: Mapped[User] = relationship()


class Account(Audited, db.Model):
    """An account or contract the client holds (a won sale is linked to it)."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"),
                                           index=True)
    number: Mapped[str] = mapped_column(String(40))
    # Indexed: the query builder offers the kinds held, a few index seeks
    # (clients/selection/queries.product_choices), not a scan of every account.
    product: Mapped[str] = mapped_column(String(120), index=True)
    opened_on: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    client: Mapped[Client] = relationship()

    def __str__(self):
        return f"{self.product} n° {self.number}"


@scope_for(Client)
def _clients(user: User):
    """BDC and BO serve the whole book; a manager sees the team's clients and the clients
    left without an advisor (to hand them out); an advisor sees their own."""
    access = user.role.client_access
    if access == Access.ALL:
        return true()
    condition = owned_by(Client.advisor_id, user, access)
    return (condition | Client.advisor_id.is_(None)) if access == Access.TEAM else condition
