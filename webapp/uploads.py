"""Uploaded files (logos, receipts, step documents): size limit, type sniffed from the
content, stored outside static/ under random names, served as attachments."""

import re
import secrets
import unicodedata
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
    original = safe_name(file_storage.filename, guessed.extension)
    return StoredFile(name=name, original=original, mimetype=guessed.mime, size=len(data))


NAME_MAX = 120  # characters of a file name's stem, for display and download


def _printable(text: str) -> str:
    """``text`` without control, format (bidi marks, zero-width) or unassigned characters:
    they break the download header or disguise the name (``fdp.exe`` shown as ``exe.pdf``)."""
    kept = []
    for c in unicodedata.normalize("NFC", text):
        category = unicodedata.category(c)
        if category == "Zs":
            kept.append(" ")  # a no-break or thin space reads as a space
        elif not category.startswith(("C", "Z")):
            kept.append(c)
    return " ".join("".join(kept).split(" ")) if kept else ""


def safe_name(given: str | None, extension: str) -> str:
    """The user's file name as we keep it: its last path part, printable, at most
    ``NAME_MAX`` characters, with the extension of the type sniffed from the content
    (a PDF sent as ``poly.html`` is ``poly.pdf``)."""
    base = re.split(r"[\\/]", given or "")[-1]
    stem = _printable(base.rsplit(".", 1)[0] if "." in base.strip(". ") else base)
    stem = stem.strip(" .")[:NAME_MAX].strip(" .") or "fichier"
    return f"{stem}.{extension}"


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
    # Names stored before they were cleaned at upload are cleaned here (never a 500).
    name = _printable(download_name or "").strip(" .") or "fichier"
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name)
