"""Demo step 1: the team hierarchy, the accounts of every role, the branches.

Direction commerciale (its manager) → 3 régions → 6 agences. Teams and accounts are written by the
admin screens' services (``save_team``, ``save_user``). Every account shares one known
password (one argon2 hash, computed once: hashing each account would cost more than the
rest).
"""

from dataclasses import dataclass

from webapp.auth.models import Access, Branch, Role, Team, User
from webapp.auth.passwords import hash_password
from webapp.auth.services import (
    BranchInput,
    TeamInput,
    UserInput,
    save_branch,
    save_team,
    save_user,
)
from webapp.clients.rules import search_key
from webapp.data.demo_state import Agency, Demo, Login

PASSWORD = "demo-pilote-2026"
DOMAIN = "pilote.demo"
ADVISORS_PER_AGENCY = 6


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    region: str
    branch: str
    landline: str
    towns: tuple[tuple[str, str], ...]


REGIONS = {"t-idf": "Région Île-de-France", "t-ouest": "Région Ouest", "t-est": "Région Est"}
AGENCIES = (
    AgencySpec("t-paris", "Agence Paris Opéra", "t-idf", "Paris Opéra", "01",
               (("75009", "Paris"), ("75008", "Paris"), ("75017", "Paris"),
                ("92200", "Neuilly-sur-Seine"), ("92300", "Levallois-Perret"))),
    AgencySpec("t-versailles", "Agence Versailles", "t-idf", "Versailles", "01",
               (("78000", "Versailles"), ("78150", "Le Chesnay-Rocquencourt"),
                ("78100", "Saint-Germain-en-Laye"), ("78120", "Rambouillet"))),
    AgencySpec("t-nantes", "Agence Nantes", "t-ouest", "Nantes Graslin", "02",
               (("44000", "Nantes"), ("44800", "Saint-Herblain"), ("44400", "Rezé"),
                ("44600", "Saint-Nazaire"))),
    AgencySpec("t-bordeaux", "Agence Bordeaux", "t-ouest", "Bordeaux Chartrons", "05",
               (("33000", "Bordeaux"), ("33700", "Mérignac"), ("33400", "Talence"),
                ("33600", "Pessac"))),
    AgencySpec("t-lyon", "Agence Lyon", "t-est", "Lyon Part-Dieu", "04",
               (("69003", "Lyon"), ("69006", "Lyon"), ("69100", "Villeurbanne"),
                ("69300", "Caluire-et-Cuire"))),
    AgencySpec("t-strasbourg", "Agence Strasbourg", "t-est", "Strasbourg Kléber", "03",
               (("67000", "Strasbourg"), ("67200", "Strasbourg"), ("67300", "Schiltigheim"),
                ("67400", "Illkirch-Graffenstaden"))),
)


def create(demo: Demo) -> None:
    """Insert teams, branches and accounts; fill ``demo.agencies`` and ``demo.logins``."""
    root = _team("t-direction", "Direction commerciale", None)
    regions = {key: _team(key, name, root) for key, name in REGIONS.items()}
    agencies = {spec.key: _team(spec.key, spec.name, regions[spec.region])
                for spec in AGENCIES}
    branches = _branches()
    roster = _Roster(demo)
    departed = _enrol(roster, root, regions, agencies)
    ids = roster.insert()
    for spec in AGENCIES:
        advisors = [ids[k] for k in roster.advisors[agencies[spec.key].id]]
        if spec.key == "t-nantes":
            advisors.append(ids[departed])
        demo.agencies.append(Agency(spec.name, branches[spec.key], advisors, spec.landline,
                                    spec.towns))
    demo.counts.update({"Équipes": 1 + len(regions) + len(agencies),
                        "Utilisateurs": len(ids), "Succursales": len(branches)})


def _enrol(roster: "_Roster", root: Team, regions: dict, agencies: dict) -> str:
    """Add every account to the roster; return the key of the advisor who left."""
    roster.add(Role.ADMIN, None, email=f"admin@{DOMAIN}", manage_operations=True,
               operations_access=Access.ALL)
    for team in regions.values():
        roster.add(Role.MANAGER, team, manage_operations=True, operations_access=Access.TEAM)
    for spec in AGENCIES:
        roster.add(Role.MANAGER, agencies[spec.key], manage_operations=True,
                   operations_access=Access.TEAM)
        for _ in range(ADVISORS_PER_AGENCY):
            roster.add(Role.ADVISOR, agencies[spec.key])
    for _ in range(2):
        roster.add(Role.BDC_AGENT, root, operations_access=Access.NONE)
    for _ in range(2):
        roster.add(Role.BO_ASSISTANT, root, operations_access=Access.ALL)
    # An advisor who left the firm: the clients still assigned to them show « Aucun
    # conseiller », those reassigned show « Nouveau conseiller ».
    departed = roster.add(Role.ADVISOR, agencies["t-nantes"], active=False)
    # The head of sales (« Direction commerciale »): a manager who sees the whole hierarchy.
    roster.add(Role.MANAGER, root, manage_operations=True, operations_access=Access.TEAM)
    return departed


def _team(key: str, name: str, parent: Team | None) -> Team:
    return save_team(Team(key=key), TeamInput(name, parent.id if parent else None))


def _branches() -> dict[str, int]:
    """One branch (succursale) per agence: ``{agency key: branch id}``."""
    return {spec.key: save_branch(Branch(key="b-" + spec.key.removeprefix("t-")),
                                  BranchInput(spec.branch)).id for spec in AGENCIES}


class _Roster:
    """The accounts to create, inserted at once; active ones are listed as logins."""

    def __init__(self, demo: Demo):
        self.demo = demo
        self.accounts: dict[str, UserInput] = {}
        self.advisors: dict[int, list[str]] = {}  # team id → advisor keys
        self.password_hash = hash_password(PASSWORD)

    def add(self, role: Role, team: Team | None, email: str | None = None,
            active: bool = True, manage_operations: bool = False,
            operations_access: Access = Access.OWN) -> str:
        name = f"{self.demo.fake.first_name()} {self.demo.fake.last_name()}"
        email = email or self._email(name)
        key = "u-" + email.split("@")[0]
        self.accounts[key] = UserInput(
            email=email, name=name, role=role, team_id=team.id if team else None,
            manage_operations=manage_operations, operations_access=operations_access,
            active=active, password_hash=self.password_hash)
        if role == Role.ADVISOR and active:
            self.advisors.setdefault(team.id, []).append(key)
        if active:
            self.demo.logins.append(Login(email, PASSWORD, role.label,
                                          team.name if team else "—"))
        return key

    def _email(self, name: str) -> str:
        local = ".".join(search_key(name).replace(".", "").split())
        taken = {account.email for account in self.accounts.values()}
        email, n = f"{local}@{DOMAIN}", 2
        while email in taken:
            email, n = f"{local}{n}@{DOMAIN}", n + 1
        return email

    def insert(self) -> dict[str, int]:
        """Create the accounts; return ``{key: id}``."""
        return {key: save_user(User(key=key), values).id
                for key, values in self.accounts.items()}
