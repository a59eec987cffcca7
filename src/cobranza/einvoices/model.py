"""What an e-invoice file says, in the ledger's words: documents and payments, with where; and
the stored rows that the substitutes it brings remove."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from cobranza.i18n import _
from cobranza.importers.tabular import RowError
from cobranza.models import CreditNote, Payment


@dataclass(frozen=True)
class At:
    """Where a value was read: the file and the line of its element."""

    file: str
    line: int

    def error(self, field_name: str, message: str) -> RowError:
        """A located error, printed as file:line: field: message."""
        return RowError(self.file, self.line, field_name, message)


@dataclass(frozen=True)
class Party:
    """The customer a document is addressed to (the receptor)."""

    code: str  # the customer id the ledger will know it by: its tax id
    tax_id: str  # normalised (RUT 76123456-7, RFC upper case)
    name: str
    country: str | None


# The generic tax ids a receptor without one of its own is invoiced under (SAT: a foreign
# resident's RFC; SII: an export's RUT, its own tax id in Extranjero/NumId). Each names every
# such customer, so none is found by it.
FOREIGN_RFC, FOREIGN_RUT = "XEXX010101000", "55555555-5"
GENERIC_TAX_IDS = frozenset({FOREIGN_RFC, FOREIGN_RUT})


def foreign_party(generic: str, own: str | None, name: str) -> Party:
    """A foreign receptor: known by its own tax id where the document gives one (NumRegIdTrib,
    NumId), else by its name, never by the generic tax id all of them share: two foreign
    customers would be one, and each one's reminders would go to the other."""
    if own:
        return Party(code=f"{generic}-{own}"[:64], tax_id=own, name=name, country=None)
    plain = unicodedata.normalize("NFKD", name.upper()).encode("ascii", "ignore").decode()
    words = " ".join(re.sub(r"[^0-9A-Z]+", " ", plain).split()) or "?"
    return Party(code=f"{generic}-{words}"[:64], tax_id=generic, name=name, country=None)


@dataclass(frozen=True)
class Document:
    """An invoice or a credit note read from a CFDI or a DTE."""

    kind: Literal["invoice", "credit_note"]
    scheme: Literal["cfdi", "dte"]
    number: str  # the ledger's number: serie-folio, the UUID, or DTE type-folio ("33-170")
    fiscal_id: str | None  # CFDI UUID (upper case; None when not stamped) or DTE key ("33-170")
    issuer_tax_id: str
    customer: Party
    issue_date: date
    # None when the file gives none: the organisation's terms decide (see service._due_dates).
    due_date: date | None
    currency: str
    amount: Decimal
    at: At
    payment_method: str | None = None  # CFDI MetodoPago: PUE paid at once, PPD deferred
    exchange_rate: Decimal | None = None
    # The fiscal ids of the invoices a credit note corrects, in the order the file names them.
    related: tuple[str, ...] = ()
    # The invoices (or, for a credit note, the credit notes) this one substitutes
    # (CfdiRelacionados TipoRelacion 04: cancelled at the SAT and reissued as this one), by
    # fiscal id.
    replaces: tuple[str, ...] = ()
    # A SUST- credit note the import makes to close a stored invoice its substitute replaces
    # (`substitutions.substitutions`): no document of the files.
    closing: bool = False
    # A stamped CFDI without Serie and Folio: the number its draft is known by (issuer and
    # Fecha), so that it takes the draft's place (`substitutions.stamped_drafts`).
    draft_number: str | None = None


@dataclass(frozen=True)
class PaymentLine:
    """One related document of a Pagos 2.0 (or 1.0) complement: a payment of one invoice; or
    what a DTE says was paid at its issue (IdDoc MntCancel: `scheme` "dte", fiscal id and
    target the DTE's own key, installment 1)."""

    code: str  # complement UUID (serie-folio when not stamped) / position, unique per line
    fiscal_id: str | None  # the complement's UUID; None when it is not stamped
    installment: int  # NumParcialidad (required by Pagos 2.0)
    issuer_tax_id: str
    customer: Party
    day: date
    currency: str  # the paid document's currency (MonedaDR)
    amount: Decimal  # ImpPagado, in the document's currency
    target: str  # the paid invoice's UUID (IdDocumento, upper case)
    at: At
    method: str | None = None  # FormaDePagoP
    reference: str | None = None
    # The document's balance before and after this payment (ImpSaldoAnt, ImpSaldoInsoluto).
    balance_before: Decimal | None = None
    balance_after: Decimal | None = None
    # The complements this one substitutes (CfdiRelacionados TipoRelacion 04: they were
    # cancelled and this one reissued in their place).
    replaces: tuple[str, ...] = ()
    scheme: Literal["cfdi", "dte"] = "cfdi"
    # What a Pago's Monto leaves beyond its documents (`cfdi._rest`): target "", installment
    # 0, the codes of that Pago's lines, and the warning that says so once it is recorded.
    credit_of: tuple[str, ...] = ()
    note: str | None = None


@dataclass
class Parsed:
    """Everything read from one file or folder, or why it cannot be read."""

    documents: list[Document] = field(default_factory=list)
    payments: list[PaymentLine] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Sound documents that are no receivable (a payroll receipt, a dispatch guide): skipped
    # beside documents to collect, the reason it is refused when there are none (`settle`).
    not_receivable: list[RowError] = field(default_factory=list)

    def extend(self, other: Parsed) -> None:
        """Add what another file gave."""
        self.documents += other.documents
        self.payments += other.payments
        self.errors += other.errors
        self.warnings += other.warnings
        self.not_receivable += other.not_receivable

    def settle(self) -> Parsed:
        """What is not a receivable skipped with a warning, when the file or folder holds
        something to import or fails for another reason; else it is why nothing is imported.
        (A folder downloaded from the SAT holds the payroll receipts beside the invoices.)"""
        if self.documents or self.payments or self.errors:
            self.warnings += [_("{problem} (skipped)", problem=str(e))
                              for e in self.not_receivable]
        else:
            self.errors += self.not_receivable
        self.not_receivable = []
        return self


@dataclass(frozen=True)
class Removal:
    """A stored row of a CFDI the SAT cancelled that its substitute does not take over: removed
    with its allocations, and its customer replayed."""

    model: type[CreditNote] | type[Payment]
    id: int
    customer_id: int
