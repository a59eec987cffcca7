"""bank lines with a bank id: keyed by account, id and amount

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 19:10:00

A line the bank gave an id was keyed by its account and id alone, so a bank that numbers its
movements anew each day or each file had a later movement taken for one already imported.
The key now also holds the amount (`statements.service.id_key`); the stored lines are keyed
again from their stored columns, the same way (the hashing is copied here, so that this
migration does what it did whatever the code becomes). A downgrade fails where two lines
share an id on different amounts: the old key cannot tell them apart.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_CHUNK = 10_000


def _key(*parts: str) -> str:
    return "t:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _rekey(keyed: bool) -> None:
    conn = op.get_bind()
    lines = sa.table("bank_transactions", sa.column("id", sa.Integer),
                     sa.column("account", sa.String), sa.column("transaction_id", sa.String),
                     sa.column("currency", sa.String), sa.column("amount", sa.BigInteger),
                     sa.column("dedupe_key", sa.String))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(lines.c.id, lines.c.account, lines.c.transaction_id, lines.c.currency,
                      lines.c.amount)
            .where(lines.c.id > last, lines.c.dedupe_key.like("t:%"),
                   lines.c.transaction_id.is_not(None))
            .order_by(lines.c.id).limit(_CHUNK)).all()
        if not rows:
            return
        conn.execute(
            lines.update().where(lines.c.id == sa.bindparam("row_id"))
            .values(dedupe_key=sa.bindparam("key")),
            [{"row_id": r.id, "key": _key(r.account, r.transaction_id, r.currency, str(r.amount))
              if keyed else _key(r.account, r.transaction_id)} for r in rows])
        last = rows[-1].id


def upgrade() -> None:
    _rekey(keyed=True)


def downgrade() -> None:
    _rekey(keyed=False)
