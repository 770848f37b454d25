"""Writes on the competence table and the routing data: an advisor's line, the request
types and companies, the bonus/malus points and the settings."""

from dataclasses import dataclass

from sqlalchemy import select

from webapp.auth.models import User
from webapp.errors import Refused
from webapp.extensions import db
from webapp.forms import FieldRefused
from webapp.routing import rules
from webapp.routing.models import (
    ClientRequestType,
    Company,
    Competence,
    RoutingProfile,
    RoutingSettings,
    ScoreRule,
)


@dataclass(frozen=True)
class ProfileInput:
    volunteer: bool = False
    sectors: str = ""
    certified: bool = False
    max_open: int | None = None
    competences: frozenset[tuple[int, int]] = frozenset()  # (type id, company id)


def profile_of(advisor: User) -> RoutingProfile | None:
    return db.session.scalar(select(RoutingProfile).where(RoutingProfile.advisor_id == advisor.id))


def save_profile(advisor: User, values: ProfileInput) -> RoutingProfile:
    """« Une réunion aura lieu afin de déterminer les volontaires ainsi que leurs
    compétences »: the advisor's line of the table, replaced as a whole."""
    if error := rules.sectors_error(values.sectors):
        raise FieldRefused("sectors", error)
    if values.max_open is not None and values.max_open < 0:
        raise FieldRefused("max_open", "La charge maximale ne peut pas être négative.")
    type_ids = {t for t, _ in values.competences}
    company_ids = {c for _, c in values.competences}
    known_types = set(db.session.scalars(select(ClientRequestType.id).where(
        ClientRequestType.id.in_(type_ids))))
    known_companies = set(db.session.scalars(select(Company.id).where(Company.id.in_(company_ids))))
    if type_ids - known_types or company_ids - known_companies:
        raise Refused("Compétence inconnue : rechargez la page.")
    profile = profile_of(advisor) or RoutingProfile(advisor_id=advisor.id)
    profile.volunteer = values.volunteer
    profile.sectors = ", ".join(rules.parse_sectors(values.sectors))
    profile.certified = values.certified
    profile.max_open = values.max_open
    wanted = set(values.competences)
    profile.competences = [c for c in profile.competences if (c.type_id, c.company_id) in wanted]
    have = {(c.type_id, c.company_id) for c in profile.competences}
    profile.competences += [Competence(type_id=t, company_id=c) for t, c in sorted(wanted - have)]
    db.session.add(profile)
    db.session.flush()
    return profile


def _unique(model, name: str, current_id: int | None) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise FieldRefused("name", "Indiquez le nom.")
    other = db.session.scalar(select(model.id).where(model.name == clean))
    if other is not None and other != current_id:
        raise FieldRefused("name", "Ce nom existe déjà.")
    return clean


def save_type(request_type: ClientRequestType | None, name: str, ends_contract: bool = False,
              needs_certification: bool = False, active: bool = True,
              key: str | None = None) -> ClientRequestType:
    """A request type (data an admin edits): new or renamed, ends a contract or not."""
    request_type = request_type or ClientRequestType(key=key, position=_next_position())
    request_type.name = _unique(ClientRequestType, name, request_type.id)
    request_type.ends_contract = ends_contract
    request_type.needs_certification = needs_certification
    request_type.active = active
    db.session.add(request_type)
    db.session.flush()
    return request_type


def _next_position() -> int:
    last = db.session.scalar(select(ClientRequestType.position).order_by(
        ClientRequestType.position.desc()).limit(1))
    return (last or 0) + 1


def save_company(company: Company | None, name: str, active: bool = True,
                 key: str | None = None) -> Company:
    company = company or Company(key=key)
    company.name = _unique(Company, name, company.id)
    company.active = active
    db.session.add(company)
    db.session.flush()
    return company


@dataclass(frozen=True)
class SettingsInput:
    follow_up_email: str | None
    contract_window_days: int
    booster_floor: int
    booster_cap: int
    points: dict  # {rule key: points}


def save_settings(settings: RoutingSettings, values: SettingsInput) -> None:
    """The follow-up manager's address, the contract window, the boosters and the points."""
    if values.contract_window_days < 0 or values.booster_cap < 0:
        raise Refused("Les durées et plafonds ne peuvent pas être négatifs.")
    settings.follow_up_email = (values.follow_up_email or "").strip().lower() or None
    settings.contract_window_days = values.contract_window_days
    settings.booster_floor = values.booster_floor
    settings.booster_cap = values.booster_cap
    for rule in db.session.scalars(select(ScoreRule)):
        if rule.key in values.points:
            rule.points = values.points[rule.key]
    db.session.flush()
