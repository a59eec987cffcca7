"""The demo company's bank statement of the last few days: payments of its open invoices as a
bank writes them, beside the account's own charges, for `cobranza demo` to reconcile.

The customers pay the way the reconciliation harness (`bench.feed`) labels at scale, a few of
each: the invoice number in the description, the payer's name alone (upper case, without
accents, cut to the bank's field), two invoices in one transfer, a part of an invoice, a third
party paying for a customer; and lines that are nobody's payment (the bank's fee, a supplier
paid, interest earned). The file is a CSV export as Chilean and Mexican banks write it (Cuenta,
Fecha, Descripción, Cargos, Abonos), read by the statement import's generic preset.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy.orm import Session

from cobranza.core.matching import OpenItem
from cobranza.core.money import from_minor
from cobranza.models.base import from_day_number
from cobranza.reconciliation import repository
from cobranza.reconciliation.index import plain

PAYERS = 24  # customers paying in the statement's days
NAME_FIELD = 30  # characters of the payer's name the bank's description keeps
ACCOUNT = {"CL": "00-123-45678-09", "MX": "012180001234567890"}


def statement_csv(session: Session, *, org_id: int, currency: str, country: str, today: date,
                  seed: int) -> bytes:
    """The statement's CSV (UTF-8), its lines in booking order."""
    rng = random.Random(seed)
    items = repository.open_items(session, org_id=org_id, currencies={currency}).get(currency, [])
    names = {c.id: c.name for c in repository.customers(session, org_id=org_id)}
    owed: dict[int, list[OpenItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.due, i.issue, i.invoice_id)):
        owed[item.customer_id].append(item)
    payers = rng.sample(sorted(owed), min(PAYERS, len(owed)))
    lines = [_payment(rng, names[c], owed[c], today) for c in payers]
    lines += [(today - timedelta(days=1), "COMISION MANTENCION CUENTA", -_round(rng, 8_000)),
              (today - timedelta(days=2), "PAGO PROVEEDOR TRANSPORTES DEL SUR",
               -_round(rng, 1_500_000)),
              (today, "INTERESES GANADOS", _round(rng, 3_000))]
    decimals = 0 if currency == "CLP" else 2
    rows = ["Cuenta;Fecha;Descripción;Cargos;Abonos"]
    for day, text, minor in sorted(lines, key=lambda ln: ln[0]):
        amount = f"{from_minor(abs(minor), currency):.{decimals}f}"
        rows.append(f"{ACCOUNT[country]};{day:%d/%m/%Y};{text};{amount if minor < 0 else ''};"
                    f"{amount if minor > 0 else ''}")
    return ("\n".join(rows) + "\n").encode()


def _payment(rng: random.Random, name: str, owed: list[OpenItem],
             today: date) -> tuple[date, str, int]:
    """One customer's transfer: its oldest invoice, or two, or part of one; now and then made
    by a third party, whom only the amount points to (the review queue's work)."""
    payer = _as_banks_write(name)
    drawn = today - timedelta(days=rng.randint(0, 4))
    roll = rng.random()
    first = owed[0]

    def paid(*items: OpenItem) -> date:
        # No one pays an invoice before it is issued (nor could the payment settle it).
        return min(today, max(drawn, *(from_day_number(i.issue) for i in items)))

    if roll < 0.35:
        return paid(first), f"TRANSF DE {payer} FACTURA {first.number}", first.open
    if roll < 0.6 or len(owed) == 1 and roll < 0.75:
        return paid(first), f"TRANSF DE {payer}", first.open
    if roll < 0.75:
        return paid(first, owed[1]), f"TRANSF DE {payer}", first.open + owed[1].open
    if roll < 0.87:
        return paid(first), f"DEPOSITO DE {payer}", max(1, first.open // 2)
    return paid(first), f"TRANSF DE HOLDING {rng.randint(10, 99)} SA", first.open


def _as_banks_write(name: str) -> str:
    """Upper case, without accents or punctuation, cut to the bank's field."""
    return " ".join(plain(name).split())[:NAME_FIELD]


def _round(rng: random.Random, around: int) -> int:
    """An amount near `around` minor units, for the lines that are nobody's payment."""
    return max(1, rng.randint(around // 2, around * 3 // 2))
