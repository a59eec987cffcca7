"""Killing the worker at random points and running it again never loses or duplicates a message.

The worker runs as the installed `cobranza` command in a subprocess, against a SQLite file and a
real SMTP server (aiosmtpd) in this process. It is killed with SIGKILL after seeded random
delays, and at two exact points through COBRANZA_FAULT (worker.py): right after it committed its
first claim (`after_claim`: nothing is in doubt) and right after the server accepted a message
but before the worker recorded it (`after_send`: the one in-doubt window). Every run uses a lease
of 0 s, so the next run sweeps at once what the killed one left `sending`.

A copy can only come from a kill inside the in-doubt window, one message at most per kill, and
it carries the same Message-ID, so a mailbox shows it once: raw deliveries - distinct Message-IDs
<= kills, and the distinct Message-IDs are exactly the actions.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from cobranza.channels.email import message_id
from cobranza.db import make_engine, session_factory
from cobranza.models import CollectionAction
from tests.integration.messaging.conftest import CUSTOMERS, INVOICES, add_action
from tests.smtp_server import SmtpServer
from tests.support import ok, write_csv

MESSAGES = 42
START = datetime.fromisoformat("2026-03-20T09:00:00-03:00")  # a Friday morning in Santiago
EXE = Path(sys.executable).with_name("cobranza")


def _ledger(tmp: Path) -> tuple[str, list[str]]:
    """42 customers with one overdue invoice and one queued e-mail each; the actions' keys."""
    url = f"sqlite:///{tmp / 'ledger.db'}"
    ok(url, "init", "--country", "CL", "--name", "Ferretería Andes SpA")
    ok(url, "import", "customers", str(write_csv(
        tmp / "customers.csv", CUSTOMERS,
        *(f"K{i:03d},Cliente {i} SpA,,cliente{i}@example.cl,,,es,CL,America/Santiago,email,"
          "pyme," for i in range(MESSAGES)))))
    ok(url, "import", "invoices", str(write_csv(
        tmp / "invoices.csv", INVOICES,
        *(f"N{i:03d},K{i:03d},2026-02-01,2026-03-03,CLP,{10_000 + i},,,,,"
          for i in range(MESSAGES)))))
    engine = make_engine(url)
    with session_factory(engine).begin() as session:
        keys = [add_action(session, customer=f"K{i:03d}", invoices=[f"N{i:03d}"],
                           key=f"kill-test-{i:03d}").key for i in range(MESSAGES)]
    engine.dispose()
    return url, keys


class Worker:
    """Runs `cobranza worker --once` again and again, each run a little later on the clock."""

    def __init__(self, url: str, server: SmtpServer, tmp: Path) -> None:
        self.url, self.runs = url, 0
        self.env = {**os.environ, **server.settings_env(), "COBRANZA_LANG": "en",
                    "COBRANZA_LETTERS_DIR": str(tmp / "letters"), "COBRANZA_CONFIG":
                    str(tmp / "none.toml")}
        self.env.pop("COBRANZA_FAULT", None)

    def start(self, fault: str | None = None) -> subprocess.Popen[bytes]:
        """Start one run; each run's clock starts 10 minutes after the previous one's."""
        as_of = (START + timedelta(minutes=10 * self.runs)).isoformat()
        self.runs += 1
        env = {**self.env, **({"COBRANZA_FAULT": fault} if fault else {})}
        return subprocess.Popen(
            [str(EXE), "--db", self.url, "worker", "--once", "--lease", "0", "--batch", "8",
             "--as-of", as_of], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def finish(self) -> None:
        """Run to completion without faults."""
        process = self.start()
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, (out + err).decode()


def _statuses(url: str) -> Counter[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = Counter(conn.scalars(select(CollectionAction.status)))
    engine.dispose()
    return found


@pytest.fixture
def smtp() -> SmtpServer:
    server = SmtpServer().start()
    yield server  # type: ignore[misc]
    server.stop()


def test_faults_right_after_a_claim_lose_nothing_and_send_nothing_twice(
        tmp_path: Path, smtp: SmtpServer) -> None:
    url, keys = _ledger(tmp_path)
    worker = Worker(url, smtp, tmp_path)
    for _fault in range(3):
        process = worker.start("after_claim")
        process.communicate(timeout=600)
        assert process.returncode == 137
    assert _statuses(url)["sending"] > 0 and smtp.received == []
    worker.finish()
    ids = [r.message["Message-ID"] for r in smtp.received]
    assert _statuses(url) == Counter({"sent": MESSAGES})
    assert sorted(ids) == sorted(message_id(key) for key in keys)
    assert len(ids) == len(set(ids)) == MESSAGES


def test_kills_at_random_moments_lose_nothing_and_duplicate_only_in_doubt(
        tmp_path: Path, smtp: SmtpServer) -> None:
    url, keys = _ledger(tmp_path)
    worker = Worker(url, smtp, tmp_path)
    rng = random.Random(20260320)
    kills = 0
    process = worker.start("after_send")  # killed between the server's 250 and our commit
    process.communicate(timeout=600)
    assert process.returncode == 137
    kills += 1
    for _kill in range(5):
        process = worker.start()
        time.sleep(rng.uniform(1.0, 8.0))
        if process.poll() is None:
            process.kill()
            kills += 1
        process.communicate(timeout=600)
    worker.finish()
    ids = [r.message["Message-ID"] for r in smtp.received]
    assert _statuses(url) == Counter({"sent": MESSAGES})
    assert set(ids) == {message_id(key) for key in keys}  # nothing lost
    assert len(set(ids)) == MESSAGES
    assert len(ids) - len(set(ids)) <= kills  # at most one copy per kill, same Message-ID
