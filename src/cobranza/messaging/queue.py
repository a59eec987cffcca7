"""The job queue (huey) that runs the worker: a periodic drain, and sends on demand.

Storage, from COBRANZA_QUEUE_URL:
- unset: SqliteHuey, the file `cobranza-queue.db` beside a SQLite ledger (in the working
  directory for a PostgreSQL ledger): one machine, nothing else to run;
- `redis://...`: RedisHuey, for several machines;
- `postgresql://...`: huey's SQL storage (`huey.contrib.sql_huey`, on peewee), for several
  machines sharing a PostgreSQL server and no Redis.

Tasks take ids and URLs, never objects, and open their own session (`worker.run_once`); the
outbox rows stay the truth, so losing the queue loses no message: the next drain finds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from huey import RedisHuey, SqliteHuey, crontab
from sqlalchemy.engine import make_url

from cobranza.config import Settings
from cobranza.messaging.outbox import LEASE_SECONDS
from cobranza.messaging.worker import run_once

QUEUE_NAME = "cobranza"
QUEUE_FILE = "cobranza-queue.db"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def queue_file(db_url: str) -> Path:
    """Where the default SQLite queue lives: beside a SQLite ledger, else here."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().with_name(QUEUE_FILE)
    return Path.cwd() / QUEUE_FILE


@dataclass(frozen=True)
class Queue:
    """A huey instance with cobranza's tasks registered on it."""

    huey: Any
    drain: Callable[[], Any]  # the periodic task, also callable to enqueue a drain now
    send_actions: Callable[[list[int]], Any]  # enqueue sending these action ids


def _storage(settings: Settings, db_url: str) -> Any:
    queue_url = settings.queue_url or ""
    scheme = queue_url.split(":", 1)[0].lower()
    if scheme in ("redis", "rediss", "unix"):
        return RedisHuey(QUEUE_NAME, url=queue_url)
    if scheme.startswith("postgres"):
        from huey.contrib.sql_huey import SqlHuey  # needs peewee, only for this storage

        return SqlHuey(QUEUE_NAME, database=queue_url.replace("postgresql+psycopg", "postgresql"))
    if scheme == "sqlite":
        return SqliteHuey(QUEUE_NAME, filename=make_url(queue_url).database or QUEUE_FILE)
    return SqliteHuey(QUEUE_NAME, filename=str(queue_file(db_url)))


def make_huey(settings: Settings, db_url: str, *, now_fn: Callable[[], datetime] = _utcnow,
              batch: int = 50, lease_seconds: float = LEASE_SECONDS) -> Queue:
    """The queue for a ledger, with the periodic drain (every minute) and `send_actions`."""
    huey = _storage(settings, db_url)
    options: dict[str, Any] = {"now_fn": now_fn, "settings": settings, "batch": batch,
                               "lease_seconds": lease_seconds}

    @huey.periodic_task(crontab(minute="*"), name="cobranza.drain")  # type: ignore[untyped-decorator]
    def drain() -> dict[str, int]:
        """Sweep, then send everything due, in batches, until nothing is."""
        return run_once(db_url, **options).as_dict()

    @huey.task(name="cobranza.send_actions")  # type: ignore[untyped-decorator]
    def send_actions(ids: list[int]) -> dict[str, int]:
        """Send these actions now, if they are due."""
        return run_once(db_url, ids=ids, **options).as_dict()

    return Queue(huey, drain, send_actions)


def run_consumer(queue: Queue, *, workers: int) -> None:
    """Run the consumer in the foreground; Ctrl-C (SIGINT) stops it once running tasks finish.

    A drain is queued at start, so what is due goes out now rather than at the next minute.
    """
    consumer = queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                          check_worker_health=True)
    queue.drain()
    consumer.run()
