"""Import e-invoices: read, check everything, then write customers, documents and payments.

All or nothing, like the CSV imports: any problem in any file means nothing is written and every
problem is returned, located. Rows go through the same set-based upsert, so importing the same
files again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import cast

import polars as pl
from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from cobranza.core.money import to_minor
from cobranza.core.taxid import tax_key
from cobranza.einvoices import checks, credits, pending, substitutions, versions
from cobranza.einvoices.model import (
    At,
    Document,
    Party,
    PaymentLine,
    Removal,
)
from cobranza.einvoices.parties import stored_customers
from cobranza.einvoices.read import read_path
from cobranza.einvoices.recorded import already_recorded, balance_disagreements, restate
from cobranza.i18n import _, ngettext
from cobranza.importers.run import Prepared, write_prepared
from cobranza.importers.tabular import RowError
from cobranza.ledger.replay import replay_customers
from cobranza.models import (
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    InvoiceSubstitution,
    Organisation,
    Payment,
    PaymentTerms,
    PinnedAllocation,
    ReconciliationMatch,
)

EPOCH = date(1970, 1, 1)
KINDS = ("customers", "invoices", "credit-notes", "payments")
_UNDATED_SAID = 5  # invoices without a due date said one by one, before a count of the rest


@dataclass
class EInvoiceOutcome:
    """What an e-invoice import did per kind of row, or every error that stopped it."""

    file: str
    dry_run: bool
    counts: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # new, upd., same
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing stopped the import."""
        return not self.errors


@dataclass
class _Plan:
    documents: list[Document]
    payments: list[PaymentLine]
    credit_targets: dict[str, str | None]
    payment_targets: dict[str, str]
    terms: PaymentTerms | None
    rekey: dict[str, str]  # a stored payment's code -> the code of the line taking it over
    # A cancelled CFDI's fiscal id -> the number of the document substituting it (the UUID of
    # a payment complement).
    substitutes: dict[str, str]
    removed: list[Removal]  # stored rows of cancelled CFDIs their substitutes replace
    # The code of a payment taking a bank line's payment's place -> the line's match.
    linked: dict[str, int]
    # Without --terms, the stored invoices of this import, by number: they keep their terms.
    stored_terms: dict[str, _Terms] = field(default_factory=dict)


@dataclass(frozen=True)
class _Terms:
    """What an invoice's terms decided, as stored: its due date (days since EPOCH) and the
    terms' columns, in the order of `_TERM_COLUMNS`."""

    due_date: int
    values: tuple[int | None, ...]


# The invoice columns its terms give (the due date apart).
_TERM_COLUMNS = ("terms_id", "grace_days", "discount_pct_scaled", "discount_days",
                 "late_interest_scaled", "day_basis")


def import_einvoices(session: Session, *, path: Path, org: Organisation, now: datetime,
                     terms: str | None = None, dry_run: bool = False,
                     display_name: str | None = None) -> EInvoiceOutcome:
    """Import CFDI and DTE files (one file or a folder); on any error nothing is written."""
    shown = display_name or str(path)
    outcome = EInvoiceOutcome(file=shown, dry_run=dry_run)
    plan = _check(session, path=path, shown=shown, org=org, terms=terms, outcome=outcome)
    if plan is None:
        return outcome
    _write(session, plan=plan, org=org, now=now, outcome=outcome)
    return outcome


def _check(session: Session, *, path: Path, shown: str, org: Organisation, terms: str | None,
           outcome: EInvoiceOutcome) -> _Plan | None:
    parsed = read_path(path, display_name=shown)
    outcome.warnings += parsed.warnings
    documents, payments, errors = checks.distinct(parsed)
    errors = parsed.errors + errors
    documents, found_warnings = substitutions.stamped_drafts(session, org=org, documents=documents)
    outcome.warnings += found_warnings
    documents, removed, remembered, found_warnings = substitutions.substitutions(
        session, org=org, documents=documents)
    outcome.warnings += found_warnings
    found, warnings = checks.issuers(documents, payments, org)
    errors += found
    outcome.warnings += warnings
    named, found = _terms(session, org=org, code=terms, shown=shown)
    errors += found
    errors += checks.taken_numbers(session, org=org, documents=documents)
    errors += checks.waiting_for(session, org=org, documents=documents)
    links = checks.targets(session, org=org, documents=documents, payments=payments)
    credit_targets = checks.credit_note_targets(documents, links)
    payment_targets = checks.payment_targets(payments, links)
    errors += links.errors
    outcome.warnings += links.warnings
    if errors:
        outcome.errors = sorted(set(errors), key=lambda e: (e.file, e.line, e.column, e.message))
        return None
    kept = versions.versions(session, org=org, payments=payments, targets=payment_targets)
    outcome.warnings += kept.warnings
    if kept.errors:
        outcome.errors = sorted(set(kept.errors),
                                key=lambda e: (e.file, e.line, e.column, e.message))
        return None
    # The money the bank statement already brought in is not recorded again.
    known = already_recorded(session, org_id=org.id, payments=kept.payments,
                             targets=payment_targets)
    known.to_record, rekey, found_warnings = credits.settle(known.to_record, rekey=kept.rekey)
    kept.rekey |= rekey
    outcome.warnings += known.warnings + found_warnings + checks.waiting(known.to_record, links)
    # A payment of a cancelled invoice states what that one owed, not what the ledger can
    # compare (closed by its SUST- note, or never imported): said once, by `payment_targets`.
    cancelled = {p.code for p in known.to_record if p.target in links.substituted}
    outcome.warnings += balance_disagreements(
        session, org_id=org.id, payments=known.to_record, targets=payment_targets,
        settled=set(kept.rekey.values()) | set(known.linked) | cancelled)
    replaced = [Removal(Payment, payment, customer) for payment, customer in known.replaced]
    return _Plan(documents, known.to_record, credit_targets, payment_targets, named,
                 kept.rekey, remembered | substitutions.substitutes(documents, payments),
                 removed + kept.removed + replaced, known.linked,
                 {} if terms is not None else _stored_terms(session, org=org,
                                                            documents=documents))


def _terms(session: Session, *, org: Organisation, code: str | None,
           shown: str) -> tuple[PaymentTerms | None, list[RowError]]:
    """The terms given with --terms; else the organisation's only terms, when it has one set."""
    rows = list(session.scalars(select(PaymentTerms).where(PaymentTerms.org_id == org.id)
                                .order_by(PaymentTerms.code)))
    if code is None:
        return (rows[0] if len(rows) == 1 else None), []
    chosen = next((t for t in rows if t.code == code), None)
    if chosen is None:
        return None, [At(shown, 0).error("--terms", _(
            "unknown terms '{value}'; expected the code of terms added with `cobranza terms "
            "add`", value=code))]
    return chosen, []


def _stored_terms(session: Session, *, org: Organisation,
                  documents: list[Document]) -> dict[str, _Terms]:
    """The due dates and terms of the stored invoices among `documents`, by number.

    Without --terms an import names no terms, and which ones apply by default changes (the
    organisation's only set, then none once it has two): importing the same files again must
    change nothing, so a stored invoice keeps what its terms decided when it was imported.
    """
    numbers = sorted({d.number for d in documents if d.kind == "invoice"})
    columns = [getattr(Invoice, name) for name in _TERM_COLUMNS]
    found: dict[str, _Terms] = {}
    for start in range(0, len(numbers), 1000):
        for number, due, *values in session.execute(
                select(Invoice.number, Invoice.due_date, *columns)
                .where(Invoice.org_id == org.id, Invoice.kind == "invoice",
                       Invoice.number.in_(numbers[start:start + 1000]))).tuples():
            found[number] = _Terms(_days(due), tuple(values))
    return found


def _write(session: Session, *, plan: _Plan, org: Organisation, now: datetime,
           outcome: EInvoiceOutcome) -> None:
    parties = {d.customer.code: d.customer for d in plan.documents}
    parties.update({p.customer.code: p.customer for p in plan.payments})
    ids = stored_customers(session, org_id=org.id, parties=list(parties.values()))
    new = [p for code, p in parties.items() if code not in ids]
    # A dry run that takes rows over re-keys them in a savepoint, always rolled back, so its
    # counts say "updated" for them as the real import will.
    savepoint = session.begin_nested() if plan.rekey and outcome.dry_run else None
    try:
        _write_steps(session, plan=plan, org=org, now=now, outcome=outcome, ids=ids, new=new)
    finally:
        if savepoint is not None:
            savepoint.rollback()
    session.flush()


def _write_steps(session: Session, *, plan: _Plan, org: Organisation, now: datetime,
                 outcome: EInvoiceOutcome, ids: dict[str, int], new: list[Party]) -> None:
    touched: set[int] = set()
    if plan.rekey:
        # The line taking over a stored payment (stamped after its draft, or reissued in
        # place of a cancelled complement) takes its row: the upsert then updates it in place.
        table = cast(Table, Payment.__table__)
        session.connection().execute(
            update(table).where(table.c.org_id == org.id, table.c.code == bindparam("old"))
            .values(code=bindparam("new")),
            [{"old": old, "new": new} for old, new in plan.rekey.items()])
    if plan.removed and not outcome.dry_run:
        touched |= _remove(session, org=org, removals=plan.removed)
    steps = [("customers", _customers_frame(new)),
             ("invoices", _invoices_frame(plan, outcome)),
             ("credit-notes", _credit_notes_frame(plan)),
             ("payments", _payments_frame(plan))]
    if plan.substitutes:
        steps.insert(2, ("substitutions", _substitutions_frame(plan)))
    for kind, prepared in steps:
        if "_party" in prepared.frame.columns:
            prepared.frame = _with_ids(prepared.frame, ids)
        result = write_prepared(session, kind=kind, file=outcome.file, prepared=prepared,
                                org=org, now=now, dry_run=outcome.dry_run)
        outcome.counts[kind] = (result.new, result.updated, result.unchanged)
        if kind == "customers" and not outcome.dry_run and new:
            ids.update(stored_customers(session, org_id=org.id, parties=new))
        touched |= result.customers
    if not outcome.dry_run:
        touched |= pending.named_by_uuid(session, org_id=org.id, fiscal_ids=[
            d.fiscal_id for d in plan.documents if d.kind == "invoice" and d.fiscal_id])
    if plan.linked and not outcome.dry_run:
        _link(session, org=org, linked=plan.linked, targets=plan.payment_targets)
    if not outcome.dry_run and touched:
        replay_customers(session, org_id=org.id, customer_ids=touched)


def _link(session: Session, *, org: Organisation, linked: dict[str, int],
          targets: dict[str, str]) -> None:
    """Each complement payment that took a bank line's payment's place goes on its match
    (reversing the line then lets go of it), and the match names the invoices it paid."""
    table = cast(Table, Payment.__table__)
    session.connection().execute(
        update(table).where(table.c.org_id == org.id, table.c.code == bindparam("b_code"))
        .values(match_id=bindparam("b_match")),
        [{"b_code": code, "b_match": match} for code, match in linked.items()])
    named: dict[int, list[str]] = {}
    for code, match in sorted(linked.items()):
        # A Pago's credit (`credits`) names no invoice.
        named.setdefault(match, []).extend([targets[code]] if code in targets else [])
    matches = cast(Table, ReconciliationMatch.__table__)
    session.connection().execute(
        update(matches).where(matches.c.org_id == org.id, matches.c.id == bindparam("b_match"))
        .values(invoice_numbers=bindparam("b_numbers")),
        [{"b_match": match, "b_numbers": ";".join(dict.fromkeys(numbers))}
         for match, numbers in named.items()])
    restate(session, org_id=org.id, named=named)


def _remove(session: Session, *, org: Organisation,
            removals: list[Removal]) -> set[int]:
    """Delete the stored credit notes and payments of cancelled CFDIs, with their allocations
    and pins; returns their customers, to replay."""
    customers = sorted({r.customer_id for r in removals})
    for model, allocated, pinned in (
            (CreditNote, Allocation.credit_note_id, PinnedAllocation.credit_note_id),
            (Payment, Allocation.payment_id, PinnedAllocation.payment_id)):
        ids = [r.id for r in removals if r.model is model]
        for start in range(0, len(ids), 1000):
            chunk = ids[start:start + 1000]
            # Through the customer's index: `allocations` has none on the payment or the note.
            session.execute(delete(Allocation).where(
                Allocation.org_id == org.id, Allocation.customer_id.in_(customers),
                allocated.in_(chunk)), execution_options={"synchronize_session": False})
            session.execute(delete(PinnedAllocation).where(
                PinnedAllocation.org_id == org.id, pinned.in_(chunk)),
                execution_options={"synchronize_session": False})
            session.execute(delete(model).where(model.org_id == org.id, model.id.in_(chunk)),
                            execution_options={"synchronize_session": False})
    return set(customers)


def _with_ids(frame: pl.DataFrame, ids: dict[str, int]) -> pl.DataFrame:
    """The customers' row ids in place of their codes (null in a dry run for new ones)."""
    codes = frame["_party"].to_list()
    return frame.with_columns(pl.Series("customer_id", [ids.get(c) for c in codes],
                                        dtype=pl.Int64)).drop("_party")


def _days(day: date) -> int:
    return (day - EPOCH).days


def _customers_frame(parties: list[Party]) -> Prepared:
    frame = pl.DataFrame({
        "code": [p.code for p in parties], "name": [p.name[:300] for p in parties],
        "tax_id": [p.tax_id for p in parties],
        "tax_key": [tax_key(p.tax_id) for p in parties],
        "country": [p.country for p in parties]},
        schema={"code": pl.Utf8, "name": pl.Utf8, "tax_id": pl.Utf8, "tax_key": pl.Utf8,
                "country": pl.Utf8})
    return Prepared(model=Customer, key="code", frame=frame,
                    columns=["name", "tax_id", "tax_key", "country"], replay=False)


def _due(doc: Document, terms: PaymentTerms | None) -> date | None:
    """The file's due date; else the terms' net days; None when neither gives one."""
    if doc.due_date is not None:
        return doc.due_date
    if terms is not None:
        return doc.issue_date + timedelta(days=terms.net_days)
    return None


def _invoices_frame(plan: _Plan, outcome: EInvoiceOutcome) -> Prepared:
    docs = [d for d in plan.documents if d.kind == "invoice"]
    t = plan.terms
    dues = [_due(d, t) for d in docs]
    # CFDI PPD and DTE on credit that state no due date or terms, where no terms apply: due
    # on issue is the only date the document itself supports (collect from day one). Each is
    # said where it is, the first few of a large folder, then how many more.
    undated = [doc for doc, due in zip(docs, dues, strict=True)
               if due is None and doc.number not in plan.stored_terms]
    for doc in undated[:_UNDATED_SAID]:
        outcome.warnings.append(f"{doc.at.file}:{doc.at.line}: " + _(
            "invoice {number} gives no due date and no terms apply: due on its issue date "
            "{issued}; use --terms CODE to give one", number=doc.number,
            issued=doc.issue_date.isoformat()))
    if len(undated) > _UNDATED_SAID:
        outcome.warnings.append(ngettext(
            "{n} more invoice gives no due date and no terms apply: due on its issue date",
            "{n} more invoices give no due date and no terms apply: due on their issue date",
            len(undated) - _UNDATED_SAID))
    frame = pl.DataFrame({
        "number": [d.number for d in docs], "_party": [d.customer.code for d in docs],
        "kind": ["invoice"] * len(docs),
        "issue_date": [_days(d.issue_date) for d in docs],
        "due_date": [_days(due or d.issue_date) for d, due in zip(docs, dues, strict=True)],
        "currency": [d.currency for d in docs],
        "amount": [to_minor(d.amount, d.currency) for d in docs],
        "terms_id": [t.id if t else None] * len(docs),
        "grace_days": [t.grace_days if t else 0] * len(docs),
        "discount_pct_scaled": [t.discount_pct_scaled if t else 0] * len(docs),
        "discount_days": [t.discount_days if t else 0] * len(docs),
        "late_interest_scaled": [t.late_interest_scaled if t else 0] * len(docs),
        "day_basis": [t.day_basis if t else 365] * len(docs),
        "fiscal_id": [d.fiscal_id for d in docs],
        "fiscal_payment_method": [d.payment_method for d in docs],
        "exchange_rate": [None if d.exchange_rate is None else str(d.exchange_rate)
                          for d in docs],
    }, schema=_INVOICE_SCHEMA)
    return Prepared(model=Invoice, key="number", frame=_keep_stored_terms(frame, docs, plan),
                    columns=INVOICE_COLUMNS)


def _keep_stored_terms(frame: pl.DataFrame, docs: list[Document], plan: _Plan) -> pl.DataFrame:
    """The stored invoices' terms and due dates in place of the default terms' (`_stored_terms`);
    a due date the file states stays the file's."""
    if not plan.stored_terms:
        return frame
    kept = [plan.stored_terms.get(d.number) for d in docs]
    columns = {name: frame[name].to_list() for name in ("due_date", *_TERM_COLUMNS)}
    for row, (doc, stored) in enumerate(zip(docs, kept, strict=True)):
        if stored is None:
            continue
        if doc.due_date is None:
            columns["due_date"][row] = stored.due_date
        for name, value in zip(_TERM_COLUMNS, stored.values, strict=True):
            columns[name][row] = value
    return frame.with_columns(pl.Series(name, values, dtype=pl.Int64)
                              for name, values in columns.items())


INVOICE_COLUMNS = ["customer_id", "kind", "issue_date", "due_date", "currency", "amount",
                   "terms_id", "grace_days", "discount_pct_scaled", "discount_days",
                   "late_interest_scaled", "day_basis", "fiscal_id", "fiscal_payment_method",
                   "exchange_rate"]
_INVOICE_SCHEMA = {
    "number": pl.Utf8, "_party": pl.Utf8, "kind": pl.Utf8, "issue_date": pl.Int64,
    "due_date": pl.Int64, "currency": pl.Utf8, "amount": pl.Int64, "terms_id": pl.Int64,
    "grace_days": pl.Int64, "discount_pct_scaled": pl.Int64, "discount_days": pl.Int64,
    "late_interest_scaled": pl.Int64, "day_basis": pl.Int64, "fiscal_id": pl.Utf8,
    "fiscal_payment_method": pl.Utf8, "exchange_rate": pl.Utf8}


def _substitutions_frame(plan: _Plan) -> Prepared:
    cancelled = sorted(plan.substitutes)
    frame = pl.DataFrame({"fiscal_id": cancelled,
                          "invoice_number": [plan.substitutes[k] for k in cancelled]},
                         schema={"fiscal_id": pl.Utf8, "invoice_number": pl.Utf8})
    return Prepared(model=InvoiceSubstitution, key="fiscal_id", frame=frame,
                    columns=["invoice_number"], replay=False)


def _credit_notes_frame(plan: _Plan) -> Prepared:
    docs = [d for d in plan.documents if d.kind == "credit_note"]
    frame = pl.DataFrame({
        "number": [d.number for d in docs], "_party": [d.customer.code for d in docs],
        "invoice_number": [plan.credit_targets.get(d.number) for d in docs],
        "date": [_days(d.issue_date) for d in docs], "currency": [d.currency for d in docs],
        "amount": [to_minor(d.amount, d.currency) for d in docs],
        "fiscal_id": [d.fiscal_id for d in docs],
    }, schema={"number": pl.Utf8, "_party": pl.Utf8, "invoice_number": pl.Utf8,
               "date": pl.Int64, "currency": pl.Utf8, "amount": pl.Int64, "fiscal_id": pl.Utf8})
    return Prepared(model=CreditNote, key="number", frame=frame,
                    columns=["customer_id", "invoice_number", "date", "currency", "amount",
                             "fiscal_id"])


def _payments_frame(plan: _Plan) -> Prepared:
    # One payment per paid document, naming only that invoice: a payment naming several
    # settles them "in the order named, up to their open amount" (DOMAIN.md), which would not
    # keep the split the complement states (ImpPagado per document).
    lines = plan.payments
    frame = pl.DataFrame({
        "code": [p.code for p in lines], "_party": [p.customer.code for p in lines],
        "date": [_days(p.day) for p in lines], "currency": [p.currency for p in lines],
        "amount": [to_minor(p.amount, p.currency) for p in lines],
        # The rest of a Pago's Monto names no invoice: the customer's credit (`credits`).
        "invoice_numbers": [plan.payment_targets.get(p.code) for p in lines],
        "reference": [(p.reference or "")[:200] or None for p in lines],
        "method": [(p.method or "")[:32] or None for p in lines],
        "fiscal_id": [p.fiscal_id for p in lines],
        "installment": [None if p.credit_of else p.installment for p in lines],
    }, schema={"code": pl.Utf8, "_party": pl.Utf8, "date": pl.Int64, "currency": pl.Utf8,
               "amount": pl.Int64, "invoice_numbers": pl.Utf8, "reference": pl.Utf8,
               "method": pl.Utf8, "fiscal_id": pl.Utf8, "installment": pl.Int64})
    return Prepared(model=Payment, key="code", frame=frame,
                    columns=["customer_id", "date", "currency", "amount", "invoice_numbers",
                             "reference", "method", "fiscal_id", "installment"])
