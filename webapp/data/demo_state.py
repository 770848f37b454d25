"""What the demo steps share: the generators, and what earlier steps created."""

import random
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faker import Faker


@dataclass
class Login:
    email: str
    password: str
    role: str
    team: str


@dataclass
class Agency:
    """An agence as the client step needs it: its branch, advisors and towns."""

    name: str
    branch_id: int
    advisor_ids: list[int]
    landline: str  # the two-digit zone prefix of its region: 01 … 05
    towns: tuple[tuple[str, str], ...]  # (postal code, city)


@dataclass
class Demo:
    scale: int
    rng: random.Random
    fake: "Faker"
    today: date
    agencies: list[Agency] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # step → seconds
