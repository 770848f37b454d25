"""The SMS transport behind ``SMS_BACKEND``: the file sink, an HTTP provider (a real
server on 127.0.0.1), the console; a transport that fails refuses the signature's code
(503) and the code is not kept as sent."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from webapp.notifications.sms import SmsError, send_sms, sent_to


class Provider(BaseHTTPRequestHandler):
    received: list = []
    status = 202

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Provider.received.append((self.headers["Authorization"], json.loads(body)))
        self.send_response(Provider.status)
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture
def provider():
    server = HTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Provider.received, Provider.status = [], 202
    yield f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()
    server.server_close()


def test_file_sink(app, tmp_path):
    app.config.update(SMS_BACKEND="file", SMS_FILE=str(tmp_path / "sms.jsonl"))
    send_sms("+33612345678", "Votre code est 123456.")
    [sms] = sent_to(tmp_path / "sms.jsonl")
    assert (sms["to"], sms["text"]) == ("+33612345678", "Votre code est 123456.")


def test_http_provider(app, provider):
    app.config.update(SMS_BACKEND="http", SMS_HTTP_URL=provider, SMS_HTTP_TOKEN="t0ken")
    send_sms("+33612345678", "Code 654321")
    [(authorization, body)] = Provider.received
    assert authorization == "Bearer t0ken"
    assert body == {"to": "+33612345678", "text": "Code 654321", "sender": "Pilote"}
    Provider.status = 500
    with pytest.raises(SmsError):
        send_sms("+33612345678", "Code 654321")
    app.config.update(SMS_HTTP_URL="http://sms.example.fr/send")  # not https: refused
    with pytest.raises(SmsError, match="https"):
        send_sms("+33612345678", "Code")


def test_console_and_unknown(app, caplog):
    app.config.update(SMS_BACKEND="console")
    with caplog.at_level(logging.WARNING, logger="webapp.notifications.sms"):
        send_sms("+33612345678", "Code 111111")
    assert "Code 111111" in caplog.text
    app.config.update(SMS_BACKEND="pigeon")
    with pytest.raises(SmsError):
        send_sms("+33612345678", "Code")


def test_a_failed_sms_refuses_the_code(app, org, login, make_client, make_proposal, provider):
    client = make_client("Rose", "Fleuriste", advisor=org["advisor"], phone="0612345678",
                         email="rose@example.fr", address="3 rue des Lilas",
                         postal_code="69003", city="Lyon")
    proposal = make_proposal(client, org["advisor"], [("001", "", [("new", "100")])])
    http = login(org["advisor"])
    http.post(f"/proposals/{proposal.id}/validate")
    http.post(f"/proposals/{proposal.id}/order")
    app.config.update(SMS_BACKEND="http", SMS_HTTP_URL=provider)
    Provider.status = 503
    answer = http.post(f"/proposals/{proposal.id}/sign", data={
        "mobile": "0612345678", "billing": "paper", "iban": "FR7630006000011234567890189"})
    assert answer.status_code == 422 and "Le SMS n&#39;a pas pu être envoyé" in answer.text
    from webapp.extensions import db
    from webapp.proposals.models import Proposal
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).code_hash is None
