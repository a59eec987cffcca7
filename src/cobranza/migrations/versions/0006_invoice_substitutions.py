"""invoice substitutions: the CFDI an invoice substitutes, remembered

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 23:54:43

A CFDI reissued in place of cancelled ones names them in CfdiRelacionados with TipoRelacion 04.
Until now that was acted on only within the import that brought the substitute: a cancelled
CFDI imported later was owed again. The relation is now kept, one row per cancelled fiscal id,
naming the substitute by number (`einvoices.substitutions.substitutions`). The ledger does not hold
the XML, so the substitutes imported before this migration are not known from it: importing
their files again records them (and changes nothing else).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cobranza.models.base

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('invoice_substitutions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fiscal_id', sa.String(length=64), nullable=False),
    sa.Column('invoice_number', sa.String(length=64), nullable=False),
    sa.Column('created_at', cobranza.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', cobranza.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_invoice_substitutions_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_substitutions')),
    sa.UniqueConstraint('org_id', 'fiscal_id', name=op.f('uq_invoice_substitutions_org_id_fiscal_id'))
    )


def downgrade() -> None:
    op.drop_table('invoice_substitutions')
