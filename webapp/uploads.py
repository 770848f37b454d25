"""Uploaded files (logos, receipts, step documents): size limit, type sniffed from the
content, stored outside static/ under random names, served as attachments; image sizes read
from their headers."""

import re
import secrets
import struct
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


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height read from a PNG, JPEG or WebP header (None if unreadable)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        # SOF0–SOF15 hold the frame size, except DHT (C4), JPG (C8) and DAC (CC).
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return (int.from_bytes(data[24:27], "little") + 1,
                int.from_bytes(data[27:30], "little") + 1)
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None

