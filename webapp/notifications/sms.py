"""Sending a text message (the e-signature's one-time code): one transport chosen by the
``SMS_BACKEND`` setting. ``console`` logs it (development), ``file`` appends it to
``SMS_FILE`` as one JSON line (the tests' SMS sink, read back), ``http`` posts it to the
provider at ``SMS_HTTP_URL`` with ``SMS_HTTP_TOKEN`` (a deployment's setting)."""

import json
import logging
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The message could not be handed to the transport."""


def _console(to: str, text: str) -> None:
    log.warning("SMS pour %s : %s", to, text)


def _file(to: str, text: str) -> None:
    path = Path(current_app.config.get("SMS_FILE")
                or Path(current_app.instance_path) / "sms.jsonl")
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"to": to, "text": text, "at": datetime.now(UTC).isoformat()}
    with path.open("a", encoding="utf-8") as sink:
        sink.write(json.dumps(record, ensure_ascii=False) + "\n")


def _http(to: str, text: str) -> None:
    url = current_app.config.get("SMS_HTTP_URL") or ""
    if not url.startswith("https://") and not url.startswith("http://127.0.0.1"):
        raise SmsError("SMS_HTTP_URL must be an https:// address")
    body = json.dumps({"to": to, "text": text,
                       "sender": current_app.config.get("SMS_SENDER", "Pilote")}).encode()
    request = urllib.request.Request(  # noqa: S310  (the scheme is checked above)
        url, data=body, method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {current_app.config.get('SMS_HTTP_TOKEN') or ''}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # nosec B310  (scheme checked)
            if answer.status >= 300:
                raise SmsError(f"provider answered {answer.status}")
    except OSError as error:
        raise SmsError(str(error)) from error


BACKENDS = {"console": _console, "file": _file, "http": _http}


def send_sms(to: str, text: str) -> None:
    """Hand ``text`` to the configured transport for the number ``to``; ``SmsError``
    when it fails."""
    backend = BACKENDS.get(current_app.config.get("SMS_BACKEND", "console"))
    if backend is None:
        raise SmsError("unknown SMS_BACKEND")
    backend(to, text)


def sent_to(path: Path, to: str | None = None) -> list[dict]:
    """The messages a ``file`` sink holds (tests and the demo read the code back)."""
    if not path.exists():
        return []
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [r for r in records if to is None or r["to"] == to]
