"""Letters: one PDF per customer and action, and one merged print batch per run.

Files go under COBRANZA_LETTERS_DIR, in a folder per day of the run (the organisation's local
date): `<YYYY-MM-DD>/<customer code>-<key[:12]>.pdf`, and the run's print batch
`<YYYY-MM-DD>/batch-<run time, local, YYYYMMDDTHHMM>.pdf` holding every letter of that run.

Every file is written to a temporary file in the same folder and renamed over the target, so a
reader (or a printer spool) never sees half a PDF, and a worker killed mid-write leaves the old
file or none. A letter's name comes from its key, so writing it again after a crash replaces
the same file: a letter is never printed twice. The batch is rebuilt from the database (every
letter of the run recorded as sent) whenever it is missing or older than its newest letter.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cobranza.channels.letter import merge_pdfs, render_letter_pdf
from cobranza.config import Settings
from cobranza.messaging.compose import LetterJob
from cobranza.models import CollectionAction, Organisation

_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def _safe(value: str) -> str:
    """A file-name-safe form of a customer code or key (no separators, no dot-dot)."""
    cleaned = "".join(char if char in _SAFE else "_" for char in value).strip(".")
    return cleaned or "_"


def run_folder(settings: Settings, *, run_at: datetime, timezone: str) -> Path:
    """The folder of a run's letters: the run's local date under the letters directory."""
    return Path(settings.letters_dir) / run_at.astimezone(ZoneInfo(timezone)).date().isoformat()


def letter_path(settings: Settings, *, run_at: datetime, timezone: str, customer_code: str,
                key: str) -> Path:
    """Where one letter is written."""
    return run_folder(settings, run_at=run_at, timezone=timezone) / (
        f"{_safe(customer_code)}-{_safe(key[:12])}.pdf")


def batch_path(settings: Settings, *, run_at: datetime, timezone: str) -> Path:
    """Where the merged print batch of a run is written."""
    local = run_at.astimezone(ZoneInfo(timezone))
    return run_folder(settings, run_at=run_at, timezone=timezone) / (
        f"batch-{local.strftime('%Y%m%dT%H%M')}.pdf")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that the file is either the old one or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_letter(job: LetterJob, *, settings: Settings) -> Path:
    """Render one letter to its PDF file; the path."""
    pdf = render_letter_pdf(rendered=job.rendered, ctx=job.ctx, letterhead=job.letterhead,
                            legal_text=job.legal_text)
    path = letter_path(settings, run_at=job.run_at, timezone=job.timezone,
                       customer_code=job.customer_code, key=job.key)
    write_atomic(path, pdf)
    return path


def refresh_batches(session: Session, *, settings: Settings,
                    run_ats: Iterable[datetime] | None = None) -> list[Path]:
    """Rebuild each run's print batch that is missing or older than its newest letter."""
    query = (select(CollectionAction.org_id, CollectionAction.run_at,
                    func.max(CollectionAction.sent_at))
             .where(CollectionAction.channel == "letter",
                    CollectionAction.status.in_(("sent", "delivered")))
             .group_by(CollectionAction.org_id, CollectionAction.run_at))
    if run_ats is not None:
        query = query.where(CollectionAction.run_at.in_(list(run_ats)))
    runs = session.execute(query).all()
    zones: dict[int, str] = dict(
        session.execute(select(Organisation.id, Organisation.timezone)).tuples().all())
    written: list[Path] = []
    for org_id, run_at, newest in runs:
        target = batch_path(settings, run_at=run_at, timezone=zones[org_id])
        if target.exists() and newest is not None \
                and target.stat().st_mtime >= newest.timestamp():
            continue
        files = [Path(p) for p in session.scalars(
            select(CollectionAction.contact).where(
                CollectionAction.org_id == org_id, CollectionAction.run_at == run_at,
                CollectionAction.channel == "letter",
                CollectionAction.status.in_(("sent", "delivered")))
            .order_by(CollectionAction.contact)) if p]
        pdfs = [path.read_bytes() for path in files if path.exists()]
        if pdfs:
            write_atomic(target, merge_pdfs(pdfs))
            written.append(target)
    return written
