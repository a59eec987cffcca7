"""A labelled, realistic bank feed over a generated Mexican ledger, for the reconciliation harness.

The ledger: customers (companies and people, Mexican names with accents, RFCs, a virtual CLABE
for a share of them) and their open invoices (some on 2/10 terms). The feed: what a bank
statement of that business looks like, each line labelled with the customer and invoices it pays
(or none), in these shares (of customer payments unless said otherwise):

- a structured reference in `REF_SHARE` of them: the invoice's RF reference, the customer's
  virtual CLABE, or the customer's fixed RF reference;
- the invoice number in the remittance text in `NUMBER_SHARE` of the rest, written the ways
  people write it ("F-0001234", "FACT 1234", "FACTURA F0001234", "FOLIO 1234");
- the payer's name as the customer's, upper-cased and without accents, truncated to the bank's
  field, or with a typo; a third party pays in `THIRD_PARTY` of the lines;
- one invoice paid exactly; several in one payment; a partial payment; the bank's fee deducted;
  the early-payment discount taken;
- and lines that are nobody's payment: money out (bank fees, suppliers) and unrelated credits
  (interest, refunds), plus lines the bank repeats in an overlapping statement.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from cobranza.core.references import customer_reference, invoice_reference, virtual_clabe
from cobranza.demo.names import (
    MX_COMPANY_KINDS,
    MX_GIVEN_NAMES,
    MX_LEGAL_FORMS,
    MX_PLACES,
    MX_SURNAMES,
)

REF_SHARE = 0.35
NUMBER_SHARE = 0.45
THIRD_PARTY = 0.05
CLABE_PREFIX = "646180"
TODAY = date(2026, 4, 1)

@dataclass
class Customer:
    """A generated customer."""

    code: str
    name: str
    clabe: str | None = None


@dataclass
class Invoice:
    """A generated open invoice (amount in centavos)."""

    number: str
    customer: int  # index into customers
    issue: date
    due: date
    amount: int
    discount_pct: int = 0  # 2 for "2/10"


@dataclass
class Line:
    """A feed line and its label."""

    amount: int
    day: date
    name: str | None = None
    remittance: str = ""
    account: str | None = None
    tax_id: str | None = None
    transaction_id: str = ""
    label_customer: int | None = None  # index, None: not a customer's payment
    label_invoices: tuple[int, ...] = ()  # indexes into invoices
    has_reference: bool = False
    duplicate_of: int | None = None
    tags: list[str] = field(default_factory=list)


def _plain_upper(text: str) -> str:
    nfkd = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in nfkd if not unicodedata.combining(c))


def make_customers(rng: random.Random, n: int) -> list[Customer]:
    """Companies and people; about one in four has a virtual CLABE."""
    out = []
    for i in range(n):
        if rng.random() < 0.7:
            name = (f"{rng.choice(MX_COMPANY_KINDS)} {rng.choice(MX_SURNAMES)} "
                    f"{rng.choice(MX_PLACES)} {rng.choice(MX_LEGAL_FORMS)}")
        else:
            name = (f"{rng.choice(MX_GIVEN_NAMES)} {rng.choice(MX_SURNAMES)} "
                    f"{rng.choice(MX_SURNAMES)}")
        out.append(Customer(f"C{i + 1:07d}", name))
    return out


def make_invoices(rng: random.Random, customers: list[Customer], n: int) -> list[Invoice]:
    """Open invoices spread over customers (a few customers owe many)."""
    out = []
    for i in range(n):
        # Every customer owes at least one invoice; the rest go more to some than to others.
        cust = i if i < len(customers) else int(len(customers) * rng.random() ** 2)
        issue = TODAY - timedelta(days=rng.randint(5, 120))
        if rng.random() < 0.3:
            amount = rng.choice((500, 1000, 1160, 2320, 5000, 5800, 11600, 25000)) * 100
        else:
            amount = rng.randint(20_000, 5_000_000)
        discount = 2 if rng.random() < 0.05 else 0
        out.append(Invoice(f"F-{i + 1:07d}", cust, issue, issue + timedelta(days=30), amount,
                           discount))
    return out


def payer_name(rng: random.Random, name: str) -> tuple[str, str]:
    """The customer's name as a bank writes it, and what was done to it."""
    roll = rng.random()
    if roll < 0.45:
        return name, "clean"
    if roll < 0.7:
        return _plain_upper(name), "upper"
    if roll < 0.85:
        cut = _plain_upper(name)[:rng.randint(18, 26)]
        return cut, "truncated"
    chars = list(_plain_upper(name))
    pos = rng.randrange(2, len(chars) - 1)
    chars[pos] = rng.choice("ABCDEFGHIJKLMNOPRSTUV") if chars[pos] != " " else chars[pos]
    return "".join(chars), "typo"


def number_text(rng: random.Random, number: str) -> str:
    """An invoice number the way a payer writes it in the remittance."""
    digits = number.split("-")[1]
    return rng.choice((f"PAGO FACT {number}", f"FACTURA {number.replace('-', '')}",
                       f"FACT {digits.lstrip('0')}", f"PAGO F {digits}",
                       f"FOLIO {digits.lstrip('0')} ABONO", number))


def references_for(rng: random.Random, line: Line, inv_ids: list[int], cust: Customer,
                   cust_id: int) -> str:
    """A structured reference: the invoice's RF, the customer's CLABE or fixed RF."""
    roll = rng.random()
    if cust.clabe and roll < 0.35:
        line.account = cust.clabe
        line.tags.append("clabe")
        return ""
    if roll < 0.85 or not cust.clabe:
        line.tags.append("rf")
        return " ".join(invoice_reference(i) for i in inv_ids)
    line.tags.append("rf_customer")
    return customer_reference(cust_id)


def assign_clabes(customers: list[Customer], ids: list[int], share: float,
                  rng: random.Random) -> None:
    """A virtual CLABE for a share of the customers (their row ids go in the CLABE)."""
    for cust, cid in zip(customers, ids, strict=True):
        if rng.random() < share:
            cust.clabe = virtual_clabe(CLABE_PREFIX, cid)
