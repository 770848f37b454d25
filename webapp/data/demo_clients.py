"""Demo step 2: the client files and their advisor history, inserted in bulk.

Faker is far too slow to call per client at a million clients, so it fills pools of
names and streets once; clients are drawn from the pools with a seeded ``random``. Each
row is the one ``clients.services.save_client`` would write (``client_row``: search keys
included); the advisor history, made up over past years, is the demo's own.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from webapp.clients.models import AdvisorPeriod, Client
from webapp.clients.rules import Phone, search_key
from webapp.clients.services import ClientInput, client_row
from webapp.data.bulk import built_at_the_end, insert_rows
from webapp.data.demo_state import Agency, Demo
from webapp.extensions import db

CHUNK = 5000
# Metropolitan prefixes only (0262, 0590, 069… are overseas; 063 9, 070-072 are unassigned).
MOBILE_PREFIXES = tuple("06" + d for d in "0124578") + tuple("07" + d for d in "3456789")
LANDLINE_DIGITS = {"01": "123456789", "02": "23457", "03": "123456789", "04": "12345679",
                   "05": "12345678"}
MOBILE_SHARE = 0.8
LANGUAGES = ("fr",) * 88 + ("pt",) * 3 + ("en",) * 3 + ("es",) * 2 + ("ar",) * 2 + ("de", "it")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")  # reserved: no real mailbox
NOTES = ("Préfère être appelé en fin de journée.", "Client fidèle depuis plus de dix ans.",
         "Projet immobilier à l'étude.", "Souhaite un rendez-vous en agence.",
         "A demandé un point sur son épargne.", "Ne pas démarcher par téléphone le samedi.")
HISTORY_DAYS = 6 * 365


@dataclass
class Pools:
    first: list[tuple[str, str, str]]  # first name, its search key, civility
    last: list[tuple[str, str]]  # last name, its search key
    streets: list[str]

    @classmethod
    def build(cls, fake) -> "Pools":
        first = ([(n, search_key(n), "Mme") for n in {fake.first_name_female()
                                                    for _ in range(600)}]
                 + [(n, search_key(n), "M.") for n in {fake.first_name_male()
                                                     for _ in range(600)}])
        last = [(n, search_key(n)) for n in {fake.last_name() for _ in range(3000)}]
        return cls(sorted(first), sorted(last), [fake.street_address() for _ in range(4000)])


@dataclass
class _Made:
    row: dict
    periods: list[dict]


def create(demo: Demo) -> None:
    """Insert ``demo.scale`` clients, chunk by chunk, with their advisor periods."""
    pools = Pools.build(demo.fake)
    width = max(6, len(str(demo.scale)))
    now = datetime.now(UTC)
    referrers: list[int] = []
    periods = 0
    with built_at_the_end(Client.__table__, AdvisorPeriod.__table__):
        for start in range(0, demo.scale, CHUNK):
            made = [_client(demo, pools, f"c-{n + 1:0{width}d}", now, referrers)
                    for n in range(start, min(start + CHUNK, demo.scale))]
            ids = _insert_clients([m.row for m in made])
            rows = [{"client_id": ids[m.row["key"]], **p} for m in made for p in m.periods]
            if rows:
                insert_rows(AdvisorPeriod.__table__, rows)
            referrers.extend(ids.values())
            periods += len(rows)
    demo.counts.update({"Clients": demo.scale, "Périodes de suivi": periods})


def _insert_clients(rows: list[dict]) -> dict[str, int]:
    """Insert one chunk; return ``{key: id}`` (keys of a chunk are consecutive)."""
    table = Client.__table__
    insert_rows(table, rows)
    return dict(db.session.execute(
        select(table.c.key, table.c.id)
        .where(table.c.key.between(rows[0]["key"], rows[-1]["key"]))).all())


def _client(demo: Demo, pools: Pools, key: str, now: datetime, referrers: list[int]) -> _Made:
    rng = demo.rng
    agency = rng.choice(demo.agencies)
    created = now - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400))
    advisor_id, periods = _follow_up(demo, agency, created.date())
    values = ClientInput(
        **_person(rng, pools), **_phones(rng, agency), **_address(rng, pools, agency),
        language=rng.choice(LANGUAGES),
        branch_id=agency.branch_id if rng.random() < 0.95 else None,
        referred_by_id=rng.choice(referrers) if referrers and rng.random() < 0.04 else None,
        notes=rng.choice(NOTES) if rng.random() < 0.05 else None)
    row = {"key": key, **client_row(values), "advisor_id": advisor_id,
           # What services.assign_advisor keeps: the ended periods.
           "former_advisors": sum(1 for p in periods if p["ended_on"] is not None),
           "created_at": created, "updated_at": created, "version": 1}
    return _Made(row, periods)


def _person(rng, pools: Pools) -> dict:
    first, first_key, civility = rng.choice(pools.first)
    last, last_key = rng.choice(pools.last)
    email = None
    if rng.random() < 0.85:
        suffix = str(rng.randrange(10, 100)) if rng.random() < 0.3 else ""
        email = (f"{first_key.replace(' ', '-')}.{last_key.replace(' ', '-')}{suffix}"
                 f"@{rng.choice(EMAIL_DOMAINS)}")
    return {"civility": civility if rng.random() < 0.97 else None,
            "first_name": first, "last_name": last, "email": email}


def _phones(rng, agency: Agency) -> dict:
    mobile = rng.random() < MOBILE_SHARE
    first = _phone(rng, agency, mobile)
    second = _phone(rng, agency, not mobile) if rng.random() < 0.25 else None
    return {"phone": first, "phone2": second}


def _phone(rng, agency: Agency, mobile: bool) -> Phone:
    """A valid French number, as ``rules.parse_phone`` gives it (parsing a million made-up
    numbers would cost more than making them)."""
    if mobile:
        prefix = rng.choice(MOBILE_PREFIXES)
    else:
        prefix = agency.landline + rng.choice(LANDLINE_DIGITS[agency.landline])
    digits = f"{prefix}{rng.randrange(10_000_000):07d}"
    display = f"+33 {digits[1]} " + " ".join(digits[i:i + 2] for i in range(2, 10, 2))
    return Phone(e164="+33" + digits[1:], display=display, key=digits, is_mobile=mobile)


def _address(rng, pools: Pools, agency: Agency) -> dict:
    if rng.random() < 0.08:
        return {"address": None, "postal_code": None, "city": None}
    postal_code, city = rng.choice(agency.towns)
    return {"address": rng.choice(pools.streets), "postal_code": postal_code, "city": city}


def _follow_up(demo: Demo, agency: Agency, since: date) -> tuple[int | None, list[dict]]:
    """The current advisor and the advisor periods; one client in five changed advisor."""
    rng = demo.rng
    if rng.random() < 0.03:
        return None, []
    advisor_id = rng.choice(agency.advisor_ids)
    if rng.random() >= 0.2:
        return advisor_id, [{"advisor_id": advisor_id, "started_on": since, "ended_on": None}]
    former = rng.choice([a for a in agency.advisor_ids if a != advisor_id])
    changed_on = since + timedelta(days=rng.randrange(max(1, (demo.today - since).days)))
    return advisor_id, [
        {"advisor_id": former, "started_on": since, "ended_on": changed_on},
        {"advisor_id": advisor_id, "started_on": changed_on, "ended_on": None},
    ]
