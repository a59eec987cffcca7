"""bank lines whose id is a sequence number: keyed with their booking date too

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 22:30:00

A bank that numbers each day's movements from one gives the day's fee, of the same amount,
the id "1" every day: keyed by account, id and amount (0004), every day's fee after the first
was taken for one already imported. An id of at most six digits is now keyed with the line's
booking date as well (`statements.service.id_key`); the stored lines with such an id are keyed
again from their stored columns (the hashing is copied here, so that this migration does what it
did whatever the code becomes). A downgrade fails where two stored lines share such an id and
amount on different days: the old key cannot tell them apart.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_CHUNK = 10_000
_SEQUENCE = re.compile(r"[0-9]{1,6}")
_EPOCH = date(1970, 1, 1)  # booking dates are stored as days since then


def _key(*parts: str) -> str:
    return "t:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _rekey(dated: bool) -> None:
    conn = op.get_bind()
    lines = sa.table("bank_transactions", sa.column("id", sa.Integer),
                     sa.column("account", sa.String), sa.column("transaction_id", sa.String),
                     sa.column("currency", sa.String), sa.column("amount", sa.BigInteger),
                     sa.column("booking_date", sa.Integer), sa.column("dedupe_key", sa.String))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(lines.c.id, lines.c.account, lines.c.transaction_id, lines.c.currency,
                      lines.c.amount, lines.c.booking_date)
            .where(lines.c.id > last, lines.c.dedupe_key.like("t:%"),
                   lines.c.transaction_id.is_not(None))
            .order_by(lines.c.id).limit(_CHUNK)).all()
        if not rows:
            return
        sequences = [r for r in rows if _SEQUENCE.fullmatch(r.transaction_id)]
        if sequences:
            conn.execute(
                lines.update().where(lines.c.id == sa.bindparam("row_id"))
                .values(dedupe_key=sa.bindparam("key")),
                [{"row_id": r.id,
                  "key": _key(r.account, r.transaction_id, r.currency, str(r.amount),
                              (_EPOCH + timedelta(days=r.booking_date)).isoformat())
                  if dated else _key(r.account, r.transaction_id, r.currency, str(r.amount))}
                 for r in sequences])
        last = rows[-1].id


def upgrade() -> None:
    _rekey(dated=True)


def downgrade() -> None:
    _rekey(dated=False)
