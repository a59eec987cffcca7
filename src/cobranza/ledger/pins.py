"""Manual allocations: a user pins part of a payment or credit note to an invoice."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.core.money import fits_currency, to_minor
from cobranza.i18n import _
from cobranza.ledger.replay import replay_customers
from cobranza.models import CreditNote, Invoice, Organisation, Payment, PinnedAllocation


class PinError(ValueError):
    """The manual allocation cannot be made; the message says why."""


def pin(session: Session, *, org: Organisation, source: str, invoice_number: str, amount: str,
        note: str | None, now: datetime) -> PinnedAllocation:
    """Pin `amount` of payment or credit note `source` to an invoice, then replay the customer."""
    payment = session.scalars(select(Payment).where(Payment.org_id == org.id,
                                                    Payment.code == source)).first()
    credit = None if payment else session.scalars(select(CreditNote).where(
        CreditNote.org_id == org.id, CreditNote.number == source)).first()
    origin = payment or credit
    if origin is None:
        raise PinError(_("unknown payment or credit note '{value}'", value=source))
    invoice = session.scalars(select(Invoice).where(Invoice.org_id == org.id,
                                                    Invoice.number == invoice_number)).first()
    if invoice is None or invoice.customer_id != origin.customer_id \
            or invoice.currency != origin.currency:
        raise PinError(_("invoice {number} is not an invoice of the same customer and currency",
                         number=invoice_number))
    try:
        value = Decimal(amount.replace(",", "."))
    except InvalidOperation:
        raise PinError(_("'{value}' is not an amount", value=amount)) from None
    if value <= 0 or not fits_currency(value, origin.currency):
        raise PinError(_("'{value}' is not a positive amount in {currency}", value=amount,
                         currency=origin.currency))
    row = PinnedAllocation(org_id=org.id, customer_id=origin.customer_id,
                           payment_id=payment.id if payment else None,
                           credit_note_id=credit.id if credit else None, invoice_id=invoice.id,
                           amount=to_minor(value, origin.currency), note=note, created_at=now)
    session.add(row)
    session.flush()
    replay_customers(session, org_id=org.id, customer_ids={origin.customer_id})
    return row
