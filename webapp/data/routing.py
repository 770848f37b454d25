"""The ``routing_*`` sections of pilote/v1 (seed 002): request types, companies, the
competence table and the requests with their feedback, written by ``webapp.routing``'s
services. A type or company already stored without a key (the defaults) is matched by
its name, so that importing an export into a fresh database updates instead of failing."""

from datetime import date

from sqlalchemy import select

from webapp import clock
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.data.operations import day
from webapp.data.opportunities import _integer, _moment, _utc
from webapp.data.schema import Field, Invalid, boolean, choice, key, ref, text
from webapp.data.sections import (
    Context,
    Item,
    Section,
    Tally,
    check_unique,
    ids_by_key,
    objects_by_key,
    referenced,
    snapshot,
)
from webapp.extensions import db
from webapp.routing import queries, rules
from webapp.routing.competences.services import ProfileInput, save_company, save_profile, save_type
from webapp.routing.intake.services import IntakeInput, record_transmitted
from webapp.routing.models import (
    ActionKind,
    Channel,
    ClientRequest,
    ClientRequestType,
    Company,
    RoutingProfile,
)
from webapp.routing.tracking.services import FeedbackInput, record_feedback, rescore

# -- request types and companies -------------------------------------------------------------

TYPE_FIELDS = {"key": key(), "name": text(ClientRequestType.name, required=True),
               "ends_contract": boolean(), "needs_certification": boolean(),
               "active": boolean()}
COMPANY_FIELDS = {"key": key(), "name": text(Company.name, required=True), "active": boolean()}


def _named_check(model, label: str):
    def check(items: list[Item], ctx: Context) -> None:
        """A name belongs to one row (a stored row without a key is adopted by name)."""
        names = [item.values["name"] for item in items if "name" in item.values]
        owners = {n: k for n, k in db.session.execute(
            select(model.name, model.key).where(model.name.in_(names))).all() if k is not None}
        check_unique(items, ctx, "name", owners, "nom déjà utilisé",
                     f"nom déjà utilisé par {label}")
    return check


def _adopt(model, items: list[Item]) -> dict:
    found = objects_by_key(model, [item.key for item in items])
    names = [item.values.get("name") for item in items if item.key not in found]
    for obj in db.session.scalars(select(model).where(model.name.in_(names),
                                                      model.key.is_(None))):
        item = next(i for i in items if i.values.get("name") == obj.name)
        obj.key = item.key
        found[item.key] = obj
    return found


def load_types(items: list[Item]) -> Tally:
    tally, found = Tally(), _adopt(ClientRequestType, items)
    for item in items:
        current = found.get(item.key)
        before = snapshot(current) if current else None
        v = item.values
        saved = save_type(current, v.get("name", current.name if current else ""),
                          v.get("ends_contract", current.ends_contract if current else False),
                          v.get("needs_certification",
                                current.needs_certification if current else False),
                          v.get("active", current.active if current else True), key=item.key)
        tally.count(current is None, before is not None and snapshot(saved) != before)
    return tally


def load_companies(items: list[Item]) -> Tally:
    tally, found = Tally(), _adopt(Company, items)
    for item in items:
        current = found.get(item.key)
        before = snapshot(current) if current else None
        saved = save_company(current, item.values.get("name", current.name if current else ""),
                             item.values.get("active", current.active if current else True),
                             key=item.key)
        tally.count(current is None, before is not None and snapshot(saved) != before)
    return tally


def export_types():
    for t in db.session.scalars(select(ClientRequestType).order_by(ClientRequestType.position,
                                                                    ClientRequestType.id)):
        yield {"key": t.key, "name": t.name, "ends_contract": t.ends_contract,
               "needs_certification": t.needs_certification, "active": t.active}


def export_companies():
    for c in db.session.scalars(select(Company).order_by(Company.name)):
        yield {"key": c.key, "name": c.name, "active": c.active}


# -- the competence table --------------------------------------------------------------------

def _pairs(value):
    """``[["<type key>", "<company key>"], …]``."""
    if not isinstance(value, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(k, str) for k in p)
            for p in value):
        raise Invalid("liste de paires [type, compagnie] attendue")
    return [tuple(p) for p in value]


PROFILE_FIELDS = {
    "key": key(), "advisor": Field(ref("users").check, required=True, ref="users"),
    "volunteer": boolean(), "sectors": text(RoutingProfile.sectors), "certified": boolean(),
    "max_open": _integer(0, 1000), "competences": Field(_pairs),
}


def _known(model, section: str, keys: set, ctx: Context) -> set:
    return set(ctx.declared.get(section, {})) | set(ids_by_key(model, keys))


def check_profiles(items: list[Item], ctx: Context) -> None:
    """Sectors read as the screen reads them; competences name known types and companies."""
    pairs = [p for item in items for p in item.values.get("competences") or []]
    types = _known(ClientRequestType, "routing_request_types", {t for t, _ in pairs}, ctx)
    companies = _known(Company, "routing_companies", {c for _, c in pairs}, ctx)
    for item in items:
        if error := rules.sectors_error(item.values.get("sectors")):
            ctx.fail(item, "sectors", error)
        for t, c in item.values.get("competences") or []:
            if t not in types or c not in companies:
                ctx.fail(item, "competences", f"type ou compagnie inconnus « {t} », « {c} »")
                break


def load_profiles(items: list[Item]) -> Tally:
    tally = Tally()
    advisors = objects_by_key(User, referenced(items, "advisor"))
    pairs = [p for item in items for p in item.values.get("competences") or []]
    types = ids_by_key(ClientRequestType, {t for t, _ in pairs})
    companies = ids_by_key(Company, {c for _, c in pairs})
    for item in items:
        advisor = advisors[item.values["advisor"]]
        current = db.session.scalar(select(RoutingProfile).where(
            RoutingProfile.advisor_id == advisor.id))
        before = (snapshot(current), {(c.type_id, c.company_id) for c in current.competences}) \
            if current else None
        v = item.values
        profile = save_profile(advisor, ProfileInput(
            volunteer=v.get("volunteer", current.volunteer if current else False),
            sectors=v.get("sectors", current.sectors if current else "") or "",
            certified=v.get("certified", current.certified if current else False),
            max_open=v.get("max_open", current.max_open if current else None),
            competences=frozenset((types[t], companies[c]) for t, c in v["competences"])
            if "competences" in v else frozenset(
                (c.type_id, c.company_id) for c in (current.competences if current else []))))
        profile.key = profile.key or item.key
        after = (snapshot(profile), {(c.type_id, c.company_id) for c in profile.competences})
        tally.count(current is None, before is not None and after != before)
    return tally


def export_profiles():
    stmt = select(RoutingProfile).order_by(RoutingProfile.id)
    for p in db.session.scalars(stmt):
        yield {"key": p.key, "advisor": p.advisor.key, "volunteer": p.volunteer,
               "sectors": p.sectors, "certified": p.certified, "max_open": p.max_open,
               "competences": sorted([db.session.get(ClientRequestType, c.type_id).key,
                                      db.session.get(Company, c.company_id).key]
                                     for c in p.competences)}


# -- requests with their feedback ------------------------------------------------------------

def _actions(value):
    if not isinstance(value, list):
        raise Invalid("liste d'actions attendue")
    kinds, parsed = ActionKind.labels(), []
    for action in value:
        if not isinstance(action, dict) or action.get("kind") not in kinds:
            raise Invalid(f"action inconnue (valeurs possibles : {', '.join(kinds)})")
        try:
            done_on = date.fromisoformat(action.get("done_on") or "")
        except (TypeError, ValueError) as error:
            raise Invalid("date d'action attendue (AAAA-MM-JJ)") from error
        note = action.get("note")
        if note is not None and (not isinstance(note, str) or len(note) > 500):
            raise Invalid("précision : texte de 500 caractères au plus")
        company = action.get("company")
        if company is not None and not isinstance(company, str):
            raise Invalid("compagnie : clé attendue")
        parsed.append({"kind": action["kind"], "done_on": done_on, "note": note,
                       "company": company})
    return parsed


REQUEST_FIELDS = {
    "key": key(),
    "client": Field(ref("clients").check, required=True, ref="clients"),
    "channel": choice(Channel, required=True),
    "type": Field(ref("routing_request_types").check, required=True,
                  ref="routing_request_types"),
    "company": Field(ref("routing_companies").check, required=True, ref="routing_companies"),
    "description": text(ClientRequest.description, length=5000),
    "advisor": Field(ref("users").check, required=True, ref="users"),
    "author": ref("users"),
    "transmitted_at": Field(_moment, required=True),
    "closed_on": day(),
    "feedback": Field(_actions),
}


def check_requests(items: list[Item], ctx: Context) -> None:
    """Feedback dates fall between the transmission and today; companies are known."""
    today = clock.today()
    named = {a["company"] for item in items for a in item.values.get("feedback") or []}
    companies = _known(Company, "routing_companies", named - {None}, ctx)
    for item in items:
        sent = item.values.get("transmitted_at")
        for action in item.values.get("feedback") or []:
            if action["company"] and action["company"] not in companies:
                ctx.fail(item, "feedback", f"compagnie inconnue « {action['company']} »")
            elif sent and not clock.local_day(sent) <= action["done_on"] <= today:
                ctx.fail(item, "feedback", "action datée avant la transmission ou dans le futur")


def load_requests(items: list[Item]) -> Tally:
    """Create the requests not stored yet (with their feedback, closing and points); a
    stored one gains the feedback it lacks and its closing."""
    tally, today = Tally(), clock.today()
    scoring = (queries.points(), {r.key: r.label for r in queries.score_rules()})
    found = objects_by_key(ClientRequest, [item.key for item in items])
    users = objects_by_key(User, referenced(items, "advisor") | referenced(items, "author"))
    clients = objects_by_key(Client, referenced(items, "client"))
    types = objects_by_key(ClientRequestType, referenced(items, "type"))
    companies = objects_by_key(Company, referenced(items, "company") | {
        a["company"] for item in items for a in item.values.get("feedback") or []
        if a["company"]})
    for item in items:
        v = item.values
        req = found.get(item.key)
        created = req is None
        if created:
            req = record_transmitted(IntakeInput(
                client=clients[v["client"]], channel=v["channel"], request_type=types[v["type"]],
                company=companies[v["company"]], description=v.get("description") or "",
                key=item.key, transmitted_at=_utc(v["transmitted_at"])),
                users[v["advisor"]], users.get(v.get("author")))
        have = {(a.kind, a.done_on) for a in req.actions}
        added = 0
        for action in sorted(v.get("feedback") or [], key=lambda a: a["done_on"]):
            if (action["kind"], action["done_on"]) in have or req.closed_on is not None:
                continue
            record_feedback(req, FeedbackInput(action["kind"], action["done_on"],
                                               companies.get(action["company"]),
                                               action["note"] or ""), None, action["done_on"],
                            rescored=False)
            added += 1
        closing = v.get("closed_on")
        if closing and req.closed_on is None and req.actions:
            req.closed_on = closing
            added += 1
        rescore(req, today, *scoring)
        tally.count(created, added > 0)
    return tally


def export_requests():
    stmt = select(ClientRequest).order_by(ClientRequest.id)
    for r in db.session.scalars(stmt).yield_per(1000):
        yield {"key": r.key, "client": r.client.key, "channel": r.channel, "type": r.type.key,
               "company": r.company.key, "description": r.description,
               "advisor": r.advisor.key, "author": r.author.key if r.author else None,
               "transmitted_at": _utc(r.transmitted_at).isoformat(),
               "closed_on": r.closed_on.isoformat() if r.closed_on else None,
               "feedback": [{"kind": a.kind, "done_on": a.done_on.isoformat(), "note": a.note,
                             "company": a.company.key if a.company else None}
                            for a in r.actions]}


TYPES = Section(name="routing_request_types", label="Types de demande client",
                model=ClientRequestType, key_prefix="routing-type", unknown="type inconnu",
                fields=TYPE_FIELDS, check=_named_check(ClientRequestType, "un autre type"),
                load=load_types, export=export_types)
COMPANIES = Section(name="routing_companies", label="Compagnies", model=Company,
                    key_prefix="company", unknown="compagnie inconnue", fields=COMPANY_FIELDS,
                    check=_named_check(Company, "une autre compagnie"), load=load_companies,
                    export=export_companies)
PROFILES = Section(name="routing_competences", label="Tableau des compétences",
                   model=RoutingProfile, key_prefix="competences", unknown="ligne inconnue",
                   fields=PROFILE_FIELDS, check=check_profiles, load=load_profiles,
                   export=export_profiles)
REQUESTS = Section(name="routing_requests", label="Demandes clients", model=ClientRequest,
                   key_prefix="client-request", unknown="demande inconnue",
                   fields=REQUEST_FIELDS, check=check_requests, load=load_requests,
                   export=export_requests)
SECTIONS = [TYPES, COMPANIES, PROFILES, REQUESTS]
