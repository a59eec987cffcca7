"""A real SMTP server and a fake Twilio/Meta API on 127.0.0.1, and settings that point at them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cobranza.config import Settings
from tests.fake_providers import FakeProviders
from tests.smtp_server import SmtpServer


@pytest.fixture(autouse=True)
def no_provider_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Settings come only from each test: no COBRANZA_* variable, no cobranza.toml."""
    for name in list(os.environ):
        if name.startswith("COBRANZA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COBRANZA_CONFIG", str(tmp_path / "absent.toml"))


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server without authentication."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def fake_providers() -> Iterator[FakeProviders]:
    """Twilio and the WhatsApp Cloud API, speaking their real formats."""
    with FakeProviders() as fake:
        yield fake


@pytest.fixture
def smtp_settings(smtp_server: SmtpServer) -> Callable[..., Settings]:
    """Settings for the e-mail channel on `smtp_server`, with overrides."""
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "smtp_host": smtp_server.host, "smtp_port": smtp_server.port,
            "smtp_starttls": False, "mail_from": "Cobranza Demo <cobranza@example.cl>",
            "smtp_timeout": 10.0}
        values.update(overrides)
        return Settings(**values)
    return make
