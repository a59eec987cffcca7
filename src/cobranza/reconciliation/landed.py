"""Where a person's decision put the money of a bank line, part by part, to tell them.

A part that names invoices settles those up to their open amount; the rest goes to the
customer's other open invoices, oldest due first, or stays as their unapplied credit (DOMAIN.md,
allocation). Done silently, a part of 5,000 typed for 500 would pay invoices nobody named: the
review refuses such a part unless the person asks for the rest on account (`review`), and says
where every part went (this module), on the command line and in the API's answer alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy.orm import Session

from cobranza.core.money import minor_to_str
from cobranza.i18n import _
from cobranza.reconciliation import repository as repo


@dataclass(frozen=True)
class Landed:
    """Where one part of a line went: to the invoices named, to others, or on credit."""

    customer: str  # customer code
    currency: str
    amount: int
    named: tuple[tuple[str, int], ...]  # (invoice number, amount) of the invoices named
    others: tuple[tuple[str, int], ...]  # (invoice number, amount) the rest settled
    unapplied: int  # what stays as the customer's unapplied credit
    recorded: bool = False  # the payment was on the ledger already: nothing added
    not_paid: tuple[str, ...] = ()  # invoices the person named that a recorded payment did not pay
    written_off: int = 0  # the bank's fee written off ...
    fee_on: str = ""  # ... on the last invoice named (`apply.apply_all`)


def applied(session: Session, *, org_id: int, customer: str, customer_id: int, currency: str,
            amount: int, named: Sequence[str], payment_ids: Sequence[int],
            recorded: bool = False, written_off: int = 0) -> Landed:
    """What the payments made (or brought) for a part settle, against what the person named."""
    wanted = {n.upper() for n in named}
    mine: dict[str, int] = {}
    rest: dict[str, int] = {}
    for _payment, number, settled in repo.landed(session, org_id=org_id,
                                                 customer_ids=[customer_id],
                                                 payment_ids=payment_ids):
        # Naming none, the person asked for the oldest first: all of it went where they said.
        into = mine if not wanted or number.upper() in wanted else rest
        into[number] = into.get(number, 0) + settled
    spent = sum(mine.values()) + sum(rest.values())
    paid = {n.upper() for n in mine}
    return Landed(customer, currency, amount, tuple(mine.items()), tuple(rest.items()),
                  amount - spent, recorded,
                  tuple(n for n in dict.fromkeys(named) if recorded and n.upper() not in paid),
                  written_off, named[-1] if written_off and named else "")


class Asked(NamedTuple):
    """A part as decided: whose, how much, the invoices named; whether it brought a payment
    the ledger held, else the bank fee it wrote off."""

    customer: str  # customer code
    customer_id: int
    amount: int
    invoices: tuple[str, ...]
    recorded: bool
    written_off: int


def of_line(session: Session, *, org_id: int, line_id: int, currency: str,
            parts: Sequence[Asked]) -> list[Landed]:
    """Where each part of a line just decided went, in the parts' order: the payment made for
    it (its match's code, made in the parts' order: `apply.apply_all`), or the held payments
    it brought (`apply.link_all`, written after)."""
    payments: dict[int, list[tuple[int, str]]] = {}
    for match, payment, code in repo.line_payments(session, org_id=org_id, line_id=line_id):
        payments.setdefault(match, []).append((payment, code))
    made = iter([[p for p, code in each if code == f"BANK-{line_id}-{match}"]
                 for match, each in payments.items()
                 if any(code == f"BANK-{line_id}-{match}" for _p, code in each)])
    brought = iter([[p for p, _code in each] for match, each in payments.items()
                    if all(code != f"BANK-{line_id}-{match}" for _p, code in each)])
    return [applied(session, org_id=org_id, customer=a.customer, customer_id=a.customer_id,
                    currency=currency, amount=a.amount, named=a.invoices,
                    payment_ids=next(brought if a.recorded else made), recorded=a.recorded,
                    written_off=a.written_off) for a in parts]


def _listed(pairs: Sequence[tuple[str, int]], currency: str) -> str:
    return ", ".join(f"{number} ({minor_to_str(amount, currency)})" for number, amount in pairs)


def told(part: Landed) -> list[str]:
    """What happened to a part, in the user's language: one sentence a line."""
    money = minor_to_str(part.amount, part.currency)
    if part.recorded:
        out = [_("{customer}: {amount} {currency} is the payment recorded before the line, "
                 "which paid {invoices}; nothing added", customer=part.customer, amount=money,
                 currency=part.currency,
                 invoices=_listed(part.named + part.others, part.currency) or "-")]
        if part.not_paid:
            out.append(_("{customer}: that payment did not pay {invoices}; they owe as before",
                         customer=part.customer, invoices=", ".join(part.not_paid)))
        return out
    out = []
    if part.named:
        out.append(_("{customer}: {amount} {currency} to {invoices}", customer=part.customer,
                     amount=money, currency=part.currency,
                     invoices=_listed(part.named, part.currency)))
    else:
        out.append(_("{customer}: {amount} {currency}", customer=part.customer, amount=money,
                     currency=part.currency))
    if part.others:
        rest = sum(a for _n, a in part.others)
        out.append(_("{customer}: {rest} {currency} went to other open invoices: {invoices}",
                      customer=part.customer, rest=minor_to_str(rest, part.currency),
                      currency=part.currency, invoices=_listed(part.others, part.currency)))
    if part.written_off:
        out.append(_("{customer}: {fee} {currency} written off on {invoice} as the bank's fee",
                     customer=part.customer, fee=minor_to_str(part.written_off, part.currency),
                     currency=part.currency, invoice=part.fee_on))
    if part.unapplied:
        out.append(_("{customer}: {rest} {currency} stays as the customer's unapplied credit",
                     customer=part.customer,
                     rest=minor_to_str(part.unapplied, part.currency), currency=part.currency))
    return out
