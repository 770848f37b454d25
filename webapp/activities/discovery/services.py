"""Writes of the discovery: all themes saved at once, three at least."""

from datetime import UTC, datetime

from sqlalchemy import select

from webapp.activities.discovery.models import Discovery, DiscoveryItem, Theme
from webapp.activities.discovery.rules import discovery_error, filled
from webapp.errors import Refused
from webapp.extensions import db


def discovery_of(client_id: int) -> Discovery | None:
    return db.session.scalar(select(Discovery).where(Discovery.client_id == client_id))


def save_discovery(client_id: int, texts: dict[str, str], user_id: int | None, *,
                   key: str | None = None) -> Discovery:
    """The client's discovery as written now (a theme left blank is removed); refused
    under three themes. Unknown themes are refused too."""
    if unknown := set(texts) - set(Theme.labels()):
        raise Refused(f"Thème inconnu : {', '.join(sorted(unknown))}.")
    if error := discovery_error(texts):
        raise Refused(error)
    items = filled(texts)
    discovery = discovery_of(client_id)
    if discovery is None:
        discovery = Discovery(client_id=client_id, key=key)
        db.session.add(discovery)
    current = {item.theme: item for item in discovery.items}
    for theme, item in current.items():
        if theme not in items:
            discovery.items.remove(item)
    for theme, text in items.items():
        if theme in current:
            current[theme].text = text
        else:
            discovery.items.append(DiscoveryItem(theme=theme, text=text))
    discovery.updated_at = datetime.now(UTC)
    discovery.updated_by_id = user_id
    db.session.flush()
    return discovery
