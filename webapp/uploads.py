"""Uploaded files (logos, receipts, step documents): size limit, type sniffed from the
content, stored outside static/ under random names, served as attachments."""

import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import abort, current_app, send_file
from sqlalchemy import event

from webapp.extensions import db

# What each kind of upload may be, by sniffed MIME type (never the client's claim).
KINDS = {
    "image": {"image/png", "image/jpeg", "image/webp"},
    "document": {"application/pdf", "image/png", "image/jpeg"},
}


class UploadError(ValueError):
    """A rejected upload; the message is French and meant for the form field."""


@dataclass(frozen=True)
class StoredFile:
    name: str          # random name on disk
    original: str      # the user's file name, for display and download only
    mimetype: str
    size: int


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(file_storage, kind: str) -> StoredFile:
    """Check and store an uploaded file; raise UploadError with a French message."""
    data = file_storage.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    if not data:
        raise UploadError("Le fichier est vide.")
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        limit_mb = current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
        raise UploadError(f"Le fichier dépasse la taille autorisée ({limit_mb} Mo).")
    guessed = filetype.guess(data)
    if guessed is None or guessed.mime not in KINDS[kind]:
        raise UploadError("Type de fichier non autorisé.")
    name = f"{secrets.token_hex(16)}.{guessed.extension}"
    (_folder() / name).write_bytes(data)
    original = Path(file_storage.filename or "fichier").name[:200]
    return StoredFile(name=name, original=original, mimetype=guessed.mime, size=len(data))


def remove(stored_name: str) -> None:
    """Delete a stored file (a missing one is not an error)."""
    path = (_folder() / stored_name).resolve()
    if path.parent == _folder().resolve():
        path.unlink(missing_ok=True)


def remove_after_commit(stored_names: list[str]) -> None:
    """Delete stored files once the current transaction commits (a rollback keeps them)."""
    if stored_names:
        event.listen(db.session(), "after_commit",
                     lambda _session: [remove(name) for name in stored_names], once=True)


def serve(stored_name: str, download_name: str, mimetype: str):
    """Send a stored file as an attachment with its sniffed type."""
    path = (_folder() / stored_name).resolve()
    if path.parent != _folder().resolve() or not path.is_file():
        abort(404)
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=download_name)
