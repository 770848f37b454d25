"""The client picker (search a client file, or create and associate one), as a form field.

Any domain's form that names a client uses ``ClientPickerField``; its template renders it
with the ``client_picker`` macro (``templates/_macros/client_picker.html``). The field
reads the posted id, finds the client among those the viewer may see (the hierarchy
scope) and keeps it as ``field.client``; a missing or unknown id fails with the French
messages given.
"""

from sqlalchemy import select
from wtforms import HiddenField, ValidationError

from webapp.auth.scope import scoped
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.ids import MAX_ID

ID_DIGITS = 12


def visible_client(client_id) -> Client | None:
    """The client with this id if the viewer may see it (any posted value accepted)."""
    raw = str(client_id or "").strip()
    if not raw.isdigit() or len(raw) > ID_DIGITS or int(raw) > MAX_ID:
        return None  # beyond MAX_ID: no row, and PostgreSQL's integer would overflow
    return db.session.scalar(scoped(select(Client).where(Client.id == int(raw)), Client))


class ClientPickerField(HiddenField):
    """A client chosen with the picker; ``client`` is the file, or None."""

    def __init__(self, label=None, validators=None, required="Choisissez le client.",
                 unknown="Client introuvable.", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required, self.unknown = required, unknown
        self._client: tuple[str, Client | None] | None = None

    @property
    def client(self) -> Client | None:
        raw = str(self.data or "")
        if self._client is None or self._client[0] != raw:
            self._client = (raw, visible_client(raw))
        return self._client[1]

    @property
    def client_id(self) -> int | None:
        return self.client.id if self.client else None

    def pre_validate(self, form):
        if not str(self.data or "").strip():
            self.data = ""
            raise ValidationError(self.required)
        if self.client is None:
            raise ValidationError(self.unknown)
