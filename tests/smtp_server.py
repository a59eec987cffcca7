"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 and a free port, recording what it receives.

    server = SmtpServer(credentials=("robot", "secret")).start()
    server.refuse("nobody@example.com")        # 550 5.1.1 on RCPT for that address
    server.fail_temporarily(2)                  # 451 to the next two DATA commands
    server.reject_data("554 5.7.1 Spam")        # that reply to the next DATA command
    server.delay = 3.0                          # answer DATA only after 3 seconds
    server.stop()                               # "down": connections are refused
    server.received[0].message["Subject"]       # what was accepted, parsed

`settings_env()` gives the COBRANZA_* variables that point cobranza's e-mail channel at it.
"""

from __future__ import annotations

import asyncio
import socket
from collections import deque
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Received:
    """One accepted message: the envelope, the bytes as sent, the parsed message, who logged in."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    message: EmailMessage
    login: str | None


class _Handler:
    def __init__(self, owner: SmtpServer) -> None:
        self.owner = owner

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, mail_options: list[str]) -> str:
        if self.owner.credentials is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        refusal = self.owner.refused.get(address.lower())
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.owner.delay:
            await asyncio.sleep(self.owner.delay)
        if self.owner.data_replies:
            return self.owner.data_replies.popleft()
        data = envelope.original_content or b""
        # Parsed with local line endings, as a mailbox stores it: text parts read without "\r".
        message = BytesParser(policy=policy.default).parsebytes(data.replace(b"\r\n", b"\n"))
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if isinstance(
            session.auth_data, LoginPassword) else None
        self.owner.received.append(Received(
            mail_from=str(envelope.mail_from), rcpt_tos=tuple(envelope.rcpt_tos), data=data,
            message=message, login=login))
        return "250 2.0.0 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd in a thread; with `credentials`, AUTH PLAIN/LOGIN is required (without TLS)."""

    def __init__(self, *, credentials: tuple[str, str] | None = None) -> None:
        self.credentials = credentials
        self.port = free_port()
        self.received: list[Received] = []
        self.refused: dict[str, str] = {}
        self.data_replies: deque[str] = deque()
        self.delay = 0.0
        self._controller: Controller | None = None

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return HOST

    def start(self) -> SmtpServer:
        """Listen (again, on the same port after `stop`)."""
        if self._controller is None:
            self._controller = Controller(
                _Handler(self), hostname=HOST, port=self.port, server_hostname="localhost",
                authenticator=self._authenticate, auth_require_tls=False)
            self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening: a client now gets "connection refused"."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse(self, address: str, reply: str = "550 5.1.1 Recipient address rejected: "
               "User unknown") -> None:
        """Answer RCPT TO for `address` with `reply` (a 4xx reply refuses it temporarily)."""
        self.refused[address.lower()] = reply

    def fail_temporarily(self, times: int = 1) -> None:
        """Answer 451 to the next `times` DATA commands, then accept again."""
        for _ in range(times):
            self.reject_data("451 4.3.0 Temporary local problem, try again later")

    def reject_data(self, reply: str) -> None:
        """Answer the next DATA command with `reply` instead of accepting the message."""
        self.data_replies.append(reply)

    def settings_env(self, *, mail_from: str = "Cobranza Demo <cobranza@example.cl>"
                     ) -> dict[str, str]:
        """The COBRANZA_* variables for cobranza's e-mail channel to use this server."""
        env = {"COBRANZA_SMTP_HOST": HOST, "COBRANZA_SMTP_PORT": str(self.port),
               "COBRANZA_SMTP_STARTTLS": "false", "COBRANZA_MAIL_FROM": mail_from}
        if self.credentials is not None:
            env["COBRANZA_SMTP_USER"], env["COBRANZA_SMTP_PASSWORD"] = self.credentials
        return env

    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope,
                      mechanism: str, auth_data: Any) -> AuthResult:
        ok = (self.credentials is not None and isinstance(auth_data, LoginPassword)
              and (auth_data.login.decode(), auth_data.password.decode()) == self.credentials)
        # handled=False: aiosmtpd itself answers 535 to a failed attempt.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
