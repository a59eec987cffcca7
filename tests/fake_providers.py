"""A local HTTP server that speaks Twilio's Messages API and Meta's WhatsApp Cloud API.

It checks credentials the way the providers do, answers in their JSON formats, records every
request, and can be scripted to answer errors:

    with FakeProviders() as fake:
        settings = Settings(**fake.twilio_settings(), **fake.whatsapp_settings())
        fake.answer(429, twilio_error(20429, "Too Many Requests", 429), {"Retry-After": "7"})
        ...
        fake.requests[-1].form["Body"]

Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json, HTTP basic auth sid:token, form fields;
answers 201 {"sid": "SM...", "status": "queued", ...}.
Meta: POST /{phone_number_id}/messages, `Authorization: Bearer {token}`, JSON;
answers 200 {"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid..."}]}.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

HOST = "127.0.0.1"
TWILIO_SID = "AC" + "0" * 31 + "1"
TWILIO_TOKEN = "twilio-test-token"
WHATSAPP_TOKEN = "meta-test-token"
PHONE_NUMBER_ID = "106540352242922"
_TWILIO_PATH = re.compile(r"/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json")
_META_PATH = re.compile(r"/(?P<phone>\d+)/messages")


@dataclass(frozen=True)
class Recorded:
    """One request as the provider saw it (header names in lower case)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)
    json: Any = None


@dataclass(frozen=True)
class Answer:
    """A scripted answer."""

    status: int
    payload: Any
    headers: dict[str, str] = field(default_factory=dict)


def twilio_error(code: int, message: str, status: int = 400) -> dict[str, Any]:
    """Twilio's error body."""
    return {"code": code, "message": message, "status": status,
            "more_info": f"https://www.twilio.com/docs/errors/{code}"}


def meta_error(code: int, message: str, *, details: str | None = None,
               subcode: int | None = None, kind: str = "OAuthException") -> dict[str, Any]:
    """The Graph API's error body."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code,
                             "fbtrace_id": "AbCdEfGhIjK"}
    if subcode is not None:
        error["error_subcode"] = subcode
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


class FakeProviders:
    """Twilio and the WhatsApp Cloud API on one local port, in a thread."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._answers: deque[Answer] = deque()
        self.release = threading.Event()  # set to let a `stall()`ed request answer
        self.stalled = False
        self._server = ThreadingHTTPServer((HOST, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:54321."""
        return f"http://{HOST}:{self._server.server_address[1]}"

    def answer(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        """Answer the next request with this instead of a success."""
        self._answers.append(Answer(status, payload, headers or {}))

    def stall(self) -> None:
        """Hold every request until `release` is set (or the server stops): a client times out."""
        self.stalled = True

    def twilio_settings(self) -> dict[str, Any]:
        """Settings fields that point Twilio SMS and WhatsApp here."""
        return {"twilio_account_sid": TWILIO_SID, "twilio_auth_token": TWILIO_TOKEN,
                "twilio_from": "+15005550006", "twilio_whatsapp_from": "+14155238886",
                "twilio_base_url": self.url}

    def whatsapp_settings(self) -> dict[str, Any]:
        """Settings fields that point the WhatsApp Cloud API here."""
        return {"whatsapp_token": WHATSAPP_TOKEN, "whatsapp_phone_number_id": PHONE_NUMBER_ID,
                "whatsapp_base_url": self.url, "whatsapp_app_secret": "meta-app-secret"}

    def start(self) -> FakeProviders:
        """Serve in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and let held requests go."""
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeProviders:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def respond(self, recorded: Recorded) -> Answer:
        """The answer to a recorded request: scripted, else what the provider would say."""
        self.requests.append(recorded)
        if self.stalled:
            self.release.wait()
        if self._answers:
            return self._answers.popleft()
        twilio = _TWILIO_PATH.fullmatch(recorded.path)
        if twilio and recorded.method == "POST":
            return _twilio_answer(recorded, twilio["sid"])
        meta = _META_PATH.fullmatch(recorded.path)
        if meta and recorded.method == "POST":
            return _meta_answer(recorded, meta["phone"])
        return Answer(404, {"error": f"no such resource {recorded.path}"})


def _twilio_answer(request: Recorded, sid: str) -> Answer:
    expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    if sid != TWILIO_SID or request.headers.get("authorization") != expected:
        return Answer(401, twilio_error(20003, "Authenticate", 401))
    missing = [name for name in ("To",) if name not in request.form]
    if missing or not ({"Body", "ContentSid"} & request.form.keys()):
        return Answer(400, twilio_error(21602, "Message body is required."))
    message_sid = "SM" + uuid.uuid4().hex
    return Answer(201, {"sid": message_sid, "account_sid": sid, "status": "queued",
                        "to": request.form["To"], "from": request.form.get("From"),
                        "body": request.form.get("Body"), "error_code": None,
                        "error_message": None})


def _meta_answer(request: Recorded, phone: str) -> Answer:
    if request.headers.get("authorization") != f"Bearer {WHATSAPP_TOKEN}":
        return Answer(401, meta_error(190, "Invalid OAuth access token."))
    if phone != PHONE_NUMBER_ID:
        return Answer(400, meta_error(100, "Unsupported post request.", subcode=33))
    body = request.json if isinstance(request.json, dict) else {}
    if body.get("messaging_product") != "whatsapp" or "to" not in body:
        return Answer(400, meta_error(100, "(#100) Invalid parameter"))
    return Answer(200, {"messaging_product": "whatsapp",
                        "contacts": [{"input": body["to"], "wa_id": body["to"].lstrip("+")}],
                        "messages": [{"id": "wamid." + uuid.uuid4().hex}]})


def _handler_for(owner: FakeProviders) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            kind = headers.get("content-type", "")
            form = ({name: values[-1] for name, values in parse_qs(body.decode()).items()}
                    if kind.startswith("application/x-www-form-urlencoded") else {})
            payload = json.loads(body) if kind.startswith("application/json") else None
            answer = owner.respond(Recorded("POST", self.path, headers, body, form, payload))
            encoded = json.dumps(answer.payload).encode()
            # A stalled request's client may have given up: then nobody is left to answer.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(encoded)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test output is for assertions."""

    return Handler
