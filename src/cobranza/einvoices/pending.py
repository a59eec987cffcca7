"""Complement payments and credit notes of invoices not imported yet, named by their UUID until
they arrive.

A payments file may name an invoice the ledger does not have yet: the payment keeps the name
and the replay settles the invoice once it is imported (DOMAIN.md: any order, any batches). A
Pagos complement names its invoice by UUID (DoctoRelacionado/IdDocumento), and a CFDI egreso by
UUID too (CfdiRelacionados/CfdiRelacionado), while the ledger numbers a stamped invoice by its
Serie-Folio. So the payment keeps the UUID (`checks.payment_targets`), the credit note too
(`checks.credit_note_targets`), and each is given the invoice's number here, when the invoice
arrives, in the import that writes it and so replays its customer. Stored as if the invoice had
come first, the ledger is then the same in either order, and every later check that finds a
complement's payments by invoice number (`versions`, `recorded`) finds this one too.

Only a payment or credit note of the invoice's customer and currency is given its number.
An invoice arriving for another customer, or in another currency, than a complement payment
or credit note stored before it says is refused (`checks.waiting_for`), as the complement or
credit note is when it comes with the invoice or after it: the same files give the same
outcome in any order. A payments file's row naming such an invoice does not settle it (the
replay settles a customer's invoices in that currency only); its money stays the payer's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import orjson
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from cobranza.einvoices.recorded import FIT, restate
from cobranza.ledger.replay import targets_of
from cobranza.models import CreditNote, Invoice, Payment, ReconciliationMatch

_CHUNK = 1000


def named_by_uuid(session: Session, *, org_id: int, fiscal_ids: Sequence[str]) -> set[int]:
    """Stored payments and credit notes naming one of these (just written) invoices by its
    UUID, of its customer and currency, name it by its number now; returns their customers,
    to replay."""
    wanted = sorted(set(fiscal_ids))
    customers: set[int] = set()
    for model, column in ((Payment, Payment.invoice_numbers),
                          (CreditNote, CreditNote.invoice_number)):
        moved = _rename(session, org_id=org_id, wanted=wanted, model=model, column=column)
        if model is Payment and moved:
            _rename_on_matches(session, org_id=org_id, moved=moved)
        customers |= {customer for _row_id, customer, _number, _uuid in moved}
    return customers


def _rename_on_matches(session: Session, *, org_id: int,
                       moved: list[tuple[int, int, str, str | None]]) -> None:
    """A bank line's match whose payment a pending complement payment took the place of
    (`recorded.already_recorded`) names the invoice by its number too, as it would had the
    invoice come first; and its line's suggestions say so (`recorded.restate`)."""
    renamed = {pid: (uuid, number) for pid, _customer, number, uuid in moved}
    ids = sorted(renamed)
    on: list[tuple[int, int, str | None, str | None]] = []
    for start in range(0, len(ids), _CHUNK):
        on += session.execute(
            select(Payment.id, ReconciliationMatch.id, ReconciliationMatch.invoice_numbers,
                   ReconciliationMatch.evidence)
            .join(ReconciliationMatch, ReconciliationMatch.id == Payment.match_id)
            .where(Payment.org_id == org_id, Payment.id.in_(ids[start:start + _CHUNK]))
            .order_by(ReconciliationMatch.id, Payment.id)).tuples().all()
    names: dict[int, list[str]] = {}
    taken_over: set[int] = set()
    for pid, match, stored, evidence in on:
        uuid, number = renamed[pid]
        names[match] = [number if n == uuid else n
                        for n in names.get(match, targets_of(stored))]
        if orjson.loads(evidence or "{}").get("fit") == FIT:
            taken_over.add(match)
    if not names:
        return
    table = cast(Table, ReconciliationMatch.__table__)
    session.connection().execute(
        update(table).where(table.c.org_id == org_id, table.c.id == bindparam("b_id"))
        .values(invoice_numbers=bindparam("b_numbers")),
        [{"b_id": match, "b_numbers": ";".join(dict.fromkeys(numbers))}
         for match, numbers in names.items()])
    restate(session, org_id=org_id, named={m: names[m] for m in sorted(taken_over)})


def _rename(session: Session, *, org_id: int, wanted: list[str],
            model: type[Payment] | type[CreditNote],
            column: InstrumentedAttribute[str | None]) -> list[tuple[int, int, str, str | None]]:
    """Rename; returns (row id, customer, invoice number, its UUID) of each row renamed."""
    moved: list[tuple[int, int, str, str | None]] = []
    for start in range(0, len(wanted), _CHUNK):
        # From the invoices (their fiscal id's index) to their customers' rows (the
        # customer's index): no scan of the payments or credit notes.
        moved += session.execute(
            select(model.id, model.customer_id, Invoice.number, Invoice.fiscal_id)
            .join(model, (model.org_id == Invoice.org_id)
                  & (model.customer_id == Invoice.customer_id)
                  & (model.currency == Invoice.currency)
                  & (column == Invoice.fiscal_id))
            .where(Invoice.org_id == org_id, Invoice.kind == "invoice",
                   Invoice.fiscal_id.in_(wanted[start:start + _CHUNK]),
                   Invoice.number != Invoice.fiscal_id)
            .order_by(model.id)).tuples().all()
    table = cast(Table, model.__table__)
    for start in range(0, len(moved), _CHUNK):
        session.connection().execute(
            update(table).where(table.c.org_id == org_id, table.c.id == bindparam("b_id"))
            .values({column.key: bindparam("b_number")}),
            [{"b_id": row_id, "b_number": number}
             for row_id, _customer, number, _uuid in moved[start:start + _CHUNK]])
    return moved
