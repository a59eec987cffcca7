"""Money in: bank statements and their lines, payment references, matches and what they teach."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cobranza.models.base import Base, Day, UTCDateTime
from cobranza.models.organisation import PK


class BankStatement(Base):
    """One imported statement (or report, or single-transfer receipt) of one bank account.

    The collection run holds fee and interest posting while a statement is not reconciled
    (`reconciled_at` null): charging interest on a payment not yet recorded is the failure this
    prevents. Balances are integer minor units of `currency`, null when the file states none.
    """

    __tablename__ = "bank_statements"
    __table_args__ = (
        Index("ix_bank_statements_org_id_account", "org_id", "account"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    account: Mapped[str] = mapped_column(String(64))
    file: Mapped[str] = mapped_column(Text)
    period_end: Mapped[date] = mapped_column(Day())
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reconciled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    format: Mapped[str | None] = mapped_column(String(16))  # camt|mt940|ofx|bai2|csv|cep
    statement_ref: Mapped[str | None] = mapped_column(String(120))  # the bank's statement id
    currency: Mapped[str | None] = mapped_column(String(3))
    period_start: Mapped[date | None] = mapped_column(Day(), nullable=True)
    opening_balance: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    closing_balance: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The sha256 of what the statement says (`statements.service.statement_digest`: the same in
    # any encoding or line breaks); statements imported before that kept their file's bytes' hash.
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    lines_new: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lines_known: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class BankTransaction(Base):
    """One booked movement of a bank account, imported once whatever file brings it again.

    `dedupe_key` is the bank's transaction id where the format gives one (camt AcctSvcrRef,
    MT940 bank reference, OFX FITID, SPEI clave de rastreo) with the account and amount
    (`statements.service.id_key`), else a fingerprint of account,
    dates, amount, currency, counterparty, remittance and the occurrence number of identical
    lines within the statement (two equal transfers on one day are two payments).
    Status: new (not yet looked at) | applied | review | unmatched | ignored.
    """

    __tablename__ = "bank_transactions"
    __table_args__ = (
        UniqueConstraint("org_id", "dedupe_key"),
        Index("ix_bank_transactions_org_id_status", "org_id", "status"),
        Index("ix_bank_transactions_org_id_batch_id", "org_id", "batch_id"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id"))
    account: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(160))
    transaction_id: Mapped[str | None] = mapped_column(String(120))
    # The bank's id of the booking the line is one part of (`StatementLine.batch`).
    batch_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    booking_date: Mapped[date] = mapped_column(Day())
    value_date: Mapped[date | None] = mapped_column(Day(), nullable=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # signed minor units: + credit, − debit
    currency: Mapped[str] = mapped_column(String(3))
    counterparty_name: Mapped[str | None] = mapped_column(String(300))
    counterparty_account: Mapped[str | None] = mapped_column(String(64))
    counterparty_tax_id: Mapped[str | None] = mapped_column(String(32))
    remittance: Mapped[str | None] = mapped_column(Text)
    end_to_end_id: Mapped[str | None] = mapped_column(String(120))
    creditor_reference: Mapped[str | None] = mapped_column(String(64))  # ISO 11649 RF...
    spei_reference: Mapped[str | None] = mapped_column(String(64))  # clave de rastreo / ref.
    bank_code: Mapped[str | None] = mapped_column(String(64))  # the bank's transaction code
    status: Mapped[str] = mapped_column(String(16), default="new")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 0..1000
    suggestions: Mapped[str | None] = mapped_column(Text)  # JSON: top 3 with their evidence
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    handled_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PaymentReference(Base):
    """A reference the bank line carries back: RF per invoice, fixed or virtual CLABE per customer.

    kind: rf (ISO 11649, one per open invoice) | customer (a fixed RF per customer) | clabe
    (an 18-digit virtual CLABE of the organisation's account, per Mexican customer).
    """

    __tablename__ = "payment_references"
    __table_args__ = (
        UniqueConstraint("org_id", "value"),
        Index("ix_payment_references_org_id_customer_id", "org_id", "customer_id"),
        Index("ix_payment_references_org_id_invoice_id", "org_id", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))  # electronic form: no spaces, upper case
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CustomerAlias(Base):
    """A name or bank account a customer pays from, learnt from a confirmed match or entered.

    kind: name (normalised payer name) | account (counterparty account) | tax_id.
    """

    __tablename__ = "customer_aliases"
    __table_args__ = (
        UniqueConstraint("org_id", "kind", "value", "customer_id"),
        Index("ix_customer_aliases_org_id_customer_id", "org_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(16))  # confirmed|manual
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReconciliationMatch(Base):
    """A bank line (or part of it, when split) applied to one customer's invoices.

    The payments it created carry `match_id`; reversing deletes them (and the write-off credit
    note of a deducted bank fee or discount, if any) and replays the customer, which restores
    the invoices exactly. A payment recorded before its line (a Pagos complement, the
    accounts), and a complement's that took the place of the one the match made, carry it too:
    reversing lets go of them and leaves them on the ledger.
    method: auto | confirmed | picked | split | manual.
    """

    __tablename__ = "reconciliation_matches"
    __table_args__ = (
        Index("ix_reconciliation_matches_org_id_transaction_id", "org_id", "transaction_id"),
    )

    id: Mapped[int] = mapped_column(PK, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    transaction_id: Mapped[int] = mapped_column(ForeignKey("bank_transactions.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    invoice_numbers: Mapped[str | None] = mapped_column(Text)  # `;`-separated
    confidence: Mapped[int] = mapped_column(Integer)  # 0..1000
    method: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[str | None] = mapped_column(Text)  # JSON
    write_off_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"),
                                                     nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(120))
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reversed_by: Mapped[str | None] = mapped_column(String(120))
