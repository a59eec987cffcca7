"""The facts a message, letter or call script may name: the only variables templates can use.

A template that references anything else is refused when it is imported (strategy YAML) and
when it is rendered, with the variable's name, so a typo never reaches a debtor.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One invoice a message is about; amounts are already formatted for the debtor's locale."""

    number: str
    issue_date: date
    due_date: date
    amount: str  # formatted, e.g. "$1.234.567"
    open_amount: str  # formatted
    days_past_due: int  # negative before the due date
    currency: str
    reference: str = ""  # printed ISO 11649 RF reference to quote with the payment


@dataclass(frozen=True, slots=True)
class MessageContext:
    """Everything a template may reference (`{{ customer_name }}`, `{% for i in invoices %}`)."""

    customer_name: str
    customer_id: str
    organisation_name: str
    organisation_tax_id: str
    organisation_email: str
    organisation_phone: str
    organisation_address: str
    invoices: tuple[InvoiceLine, ...]
    total_open: str  # formatted sum of the open amounts (one currency per message)
    currency: str
    earliest_due_date: date
    max_days_past_due: int
    how_to_pay: str  # payment instructions (bank account, reference), in the debtor's language
    tone: str
    step: str
    language: str
    today: date
    letter_number: int = 0  # 1, 2, 3 for letters
    agency_name: str = ""
    broken_promise: bool = False
    promise_date: date | None = None
    unsubscribe: str = ""
    payment_reference: str = ""  # the customer's fixed RF reference, printed; pays any invoice
    clabe: str = ""  # the customer's virtual CLABE (Mexico), when one is assigned

    def as_template_vars(self) -> dict[str, Any]:
        """The variables a Jinja2 template sees."""
        return asdict(self)


TEMPLATE_VARIABLES: frozenset[str] = frozenset(f.name for f in fields(MessageContext))
INVOICE_VARIABLES: frozenset[str] = frozenset(f.name for f in fields(InvoiceLine))
