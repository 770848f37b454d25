"""Read queries on client files: the indexed search behind the list and the pickers."""

from sqlalchemy import Select, or_, select

from webapp.auth.scope import scoped
from webapp.clients.models import Client
from webapp.clients.rules import phone_query_key, search_key


def search_condition(q: str):
    """Prefix match on name (either order), e-mail or phone, each on its own index."""
    text = search_key(q)
    if not text:
        return None
    prefix = text + "%"
    terms = [Client.name_key.like(prefix), Client.name_key_rev.like(prefix),
             Client.email_key.like(q.strip().lower() + "%")]
    digits = phone_query_key(q)
    if digits:
        terms += [Client.phone_key.like(digits + "%"), Client.phone2_key.like(digits + "%")]
    return or_(*terms)


def client_list(q: str = "", branch_id: int = 0, advisor_id: int = 0,
                language: str = "") -> Select:
    """The clients the viewer sees, filtered, in name order."""
    stmt = scoped(select(Client), Client)
    condition = search_condition(q) if q else None
    if condition is not None:
        stmt = stmt.where(condition)
    if branch_id:
        stmt = stmt.where(Client.branch_id == branch_id)
    if advisor_id:
        stmt = stmt.where(Client.advisor_id == advisor_id)
    if language:
        stmt = stmt.where(Client.language == language)
    return stmt.order_by(Client.last_name, Client.first_name, Client.id)
