"""Pure rules of accounts and teams: values in, a French message (or None) out."""

from datetime import datetime, timedelta

from webapp.auth.models import Role

TEAM_REQUIRED = "Choisissez l'équipe de cet utilisateur."
EMAIL_TAKEN = "Cette adresse est déjà utilisée par un autre compte."
BRANCH_TAKEN = "Ce nom est déjà celui d'une autre succursale."
CYCLE = "Une équipe ne peut pas être rattachée à elle-même ni à une de ses sous-équipes."


def team_missing(role: Role, team_id: int | None) -> str | None:
    """Every account but an administrator's belongs to a team."""
    return TEAM_REQUIRED if team_id is None and role != Role.ADMIN else None


def cycle_error(team_path: str | None, parent_path: str | None) -> str | None:
    """A team is never placed under itself nor under one of its sub-teams (``path``s such
    as ``/1/4/``; a new team has none yet)."""
    if team_path and parent_path and parent_path.startswith(team_path):
        return CYCLE
    return None


# « Mes sessions »: what a session row keeps and shows.

SEEN_EVERY = timedelta(minutes=1)  # a session's last_seen_at is written at most this often
AGENT_LENGTH = 200  # user_session.user_agent

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPad", "iPadOS"), ("iPhone", "iOS"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def trimmed_agent(agent: str | None) -> str:
    """The User-Agent header as stored: without control characters, at most 200."""
    text = "".join(c for c in (agent or "") if c.isprintable())
    return " ".join(text.split())[:AGENT_LENGTH]


def agent_label(agent: str | None) -> str:
    """« Firefox sur Windows », « Safari sur iPadOS »; « Navigateur inconnu » otherwise."""
    agent = agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    if browser and system:
        return f"{browser} sur {system}"
    return browser or (f"Navigateur sur {system}" if system else "Navigateur inconnu")


def seen_is_due(last_seen_at: datetime | None, now: datetime) -> bool:
    """A request refreshes the session's « dernière activité » when a minute has gone by."""
    return last_seen_at is None or now - last_seen_at >= SEEN_EVERY
