"""The one statement-line model every bank format is normalised onto, and the format protocol.

A format reader is thin: it lets a well-kept parser (or a hardened XML reader) read the file and
maps what it read onto `ParsedStatement`/`StatementLine`. Checks that hold for every format
(balances add up, currency is ISO 4217, amounts fit the currency) live in `checks.py`, so every
reader gets them the same way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol


@dataclass
class StatementError(Exception):  # not frozen: raising sets __traceback__ on it
    """A located problem with a bank file: file, line (1-based, 0 when not known), field, what."""

    file: str
    line: int
    field: str
    message: str
    # The other problems found with this one (a CSV's bad cells), reported all together.
    more: list[StatementError] = dataclasses.field(default_factory=list, compare=False)

    def every(self) -> list[StatementError]:
        """This problem and the others found with it, in the file's order."""
        return [self, *self.more]

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class StatementLine:
    """One booked movement. `amount` is signed: positive money in (credit), negative out."""

    booking_date: date
    amount: Decimal
    currency: str
    value_date: date | None = None
    counterparty_name: str | None = None
    counterparty_account: str | None = None  # IBAN, CLABE, account number as written
    counterparty_tax_id: str | None = None  # RFC, RUT, ...
    remittance: str = ""  # unstructured text, all parts joined with " / "
    # More of the movement's words, from a second column of a field (BNP's "Libellé opération"
    # beside its "Libellé court"): stored after the remittance, where the matcher reads it,
    # but left out of the fingerprint of a line without a bank id, so that a statement
    # imported before they were read is known when imported again.
    more_text: str = ""
    end_to_end_id: str | None = None
    creditor_reference: str | None = None  # structured: ISO 11649 RF, QR/ESR reference ...
    spei_reference: str | None = None  # SPEI clave de rastreo or referencia numérica
    transaction_id: str | None = None  # the bank's own id: AcctSvcrRef, :61: bank ref, FITID
    # The payment's ids every bank of its chain passes on (camt TxId, UETR): the same in any
    # report of the movement, whichever id the report keys it by, so they are keys of it too.
    other_ids: tuple[str, ...] = ()
    # The bank's id of the booking this line is one part of (a camt entry's AcctSvcrRef, its
    # batch split into its transactions): another report may give the booking whole.
    batch: str | None = None
    bank_code: str | None = None  # the bank's transaction type/code, as written
    line: int = 0  # where the movement starts in the file, for located errors


@dataclass(frozen=True)
class StatedTotal:
    """The number and sum of a statement's debit or credit entries as the bank states them
    (MT942 :90D:/:90C:): what the movements read must add up to."""

    field: str  # where the file states it, as the format names it (":90D:")
    line: int
    credit: bool
    count: int
    amount: Decimal  # unsigned


@dataclass
class ParsedStatement:
    """One statement (one account, one period) as read from a file; a file may hold several."""

    format: str  # camt|mt940|ofx|bai2|csv|cep
    account: str
    currency: str | None
    lines: list[StatementLine] = field(default_factory=list)
    statement_ref: str | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    period_start: date | None = None
    period_end: date | None = None
    line: int = 0  # where the statement starts in the file
    # Where the closing balance is stated (its line and field, ":62F:"), for a balance that
    # the movements do not add up to; 0 and "" where the format cannot tell.
    closing_line: int = 0
    closing_field: str = ""
    not_booked: int = 0  # entries reported but not booked (camt pending, for information)
    totals: list[StatedTotal] = field(default_factory=list)
    # The bank's corrected report of movements it sent before (BAI2 group status 3): a movement
    # it reports again under its bank id with another amount corrects the one imported then.
    corrects: bool = False
    # An interim report of movements the bank will report again, final, in its statement of
    # the day (BAI2 intraday and interim reports): its lines are keyed first by what they say
    # (`service.dedupe_keys`), as the final report may give them another bank id or none.
    interim: bool = False


class StatementFormat(Protocol):
    """What every format module provides (beangulp's identify / extract)."""

    name: str

    def identify(self, head: bytes) -> bool:
        """True when the first bytes of a file look like this format."""
        ...

    def extract(self, data: bytes, *, file: str) -> list[ParsedStatement]:
        """Read every statement of the file; raise `StatementError` on anything unreadable."""
        ...
