"""The huey queue: where it stores its jobs, the drain task end to end, and the consumer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey
from huey.contrib.sql_huey import SqlStorage
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from cobranza.config import Settings
from cobranza.messaging.queue import make_huey, queue_file
from tests.integration.messaging.conftest import NOW, add_actions, smtp_settings, statuses
from tests.smtp_server import SmtpServer


def test_the_default_queue_is_a_sqlite_file_beside_a_sqlite_ledger(tmp_path: Path) -> None:
    queue = make_huey(Settings(), f"sqlite:///{tmp_path / 'ledger.db'}")
    assert isinstance(queue.huey, SqliteHuey)
    assert Path(queue.huey.storage.filename) == (tmp_path / "cobranza-queue.db").resolve()
    assert queue_file("postgresql://db.example/cobranza") == Path.cwd() / "cobranza-queue.db"


def test_a_redis_url_gives_a_redis_queue() -> None:
    queue = make_huey(Settings(queue_url="redis://127.0.0.1:6379/3"), "sqlite:///x.db")
    assert isinstance(queue.huey, RedisHuey)
    assert queue.huey.storage.conn.connection_pool.connection_kwargs["db"] == 3


def _queue_url(ledger_url: str, tmp_path: Path) -> str:
    if make_url(ledger_url).get_backend_name() == "postgresql":
        return ledger_url  # the queue's tables beside the ledger's, on the same server
    return f"sqlite:///{tmp_path / 'jobs.db'}"


def test_a_queued_drain_sends_what_is_due(engine: Engine, ledger_url: str, smtp: SmtpServer,
                                          tmp_path: Path) -> None:
    settings = smtp_settings(smtp, tmp_path, queue_url=_queue_url(ledger_url, tmp_path))
    queue = make_huey(settings, ledger_url, now_fn=lambda: NOW)
    if engine.dialect.name == "postgresql":
        assert isinstance(queue.huey.storage, SqlStorage)
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001"]})
    queue.send_actions([action])
    queue.drain()
    assert queue.huey.pending_count() == 2
    reports = [queue.huey.execute(queue.huey.dequeue()) for _ in range(2)]
    assert [r["sent"] for r in reports] == [1, 0]
    assert statuses(engine)[action][0] == "sent" and len(smtp.received) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT semantics")
def test_the_worker_service_sends_and_stops_cleanly_on_ctrl_c(
        engine: Engine, ledger_url: str, smtp: SmtpServer, tmp_path: Path) -> None:
    [action] = add_actions(engine, {"customer": "C002", "invoices": ["F003"]})
    env = {**os.environ, **smtp.settings_env(), "COBRANZA_LANG": "en",
           "COBRANZA_CONFIG": str(tmp_path / "none.toml"),
           "COBRANZA_QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.db'}"}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("cobranza")), "--db", ledger_url, "worker",
         "--workers", "2", "--as-of", "2026-03-20T09:00:00-03:00"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while not smtp.received and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, (out + err).decode()
    assert len(smtp.received) == 1 and statuses(engine)[action][0] == "sent"
    assert "Worker started (2 threads)" in out.decode()
