"""line batches: the booking a bank line is one part of

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:30:00

A camt entry that books a batch (a day's QR payments, a collective transfer) can be reported
whole, under its AcctSvcrRef (camt.053), or split into its transactions, each under its own
(camt.054). Imported both ways, the money was counted twice. Each part now keeps the entry's
id, so that the whole booking imported later is known by its parts
(`statements.service._write`); parts imported after the whole are known by the whole's key.
Lines imported before this migration have no batch id: a whole booking imported after their
parts is stored again, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('bank_transactions',
                  sa.Column('batch_id', sa.String(length=120), nullable=True))
    op.create_index('ix_bank_transactions_org_id_batch_id', 'bank_transactions',
                    ['org_id', 'batch_id'])


def downgrade() -> None:
    op.drop_index('ix_bank_transactions_org_id_batch_id', table_name='bank_transactions')
    with op.batch_alter_table('bank_transactions') as batch:
        batch.drop_column('batch_id')
