"""The stored customer of a document's party: found by its tax id, else by its code."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.core.taxid import tax_key
from cobranza.einvoices.model import GENERIC_TAX_IDS, Party
from cobranza.models import Customer

_CHUNK = 1000


def stored_customers(session: Session, *, org_id: int, parties: Sequence[Party]
                     ) -> dict[str, int]:
    """Existing customers by party code: the first with the party's tax id (`tax_key`), else
    the one with its code; new parties are absent. A generic tax id (a foreign customer's
    without its own, `GENERIC_TAX_IDS`) finds by code only."""
    keys = {tax_key(p.tax_id): p.code for p in parties if p.tax_id not in GENERIC_TAX_IDS}
    codes = {p.code for p in parties}
    found: dict[str, int] = {}
    key_list, code_list = sorted(keys), sorted(codes)
    for start in range(0, max(len(key_list), len(code_list)), _CHUNK):
        for row_id, code, key in session.execute(
                select(Customer.id, Customer.code, Customer.tax_key).where(
                    Customer.org_id == org_id,
                    Customer.tax_key.in_(key_list[start:start + _CHUNK])
                    | Customer.code.in_(code_list[start:start + _CHUNK]))
                .order_by(Customer.id)):
            party = keys.get(key or "")
            if party is not None:
                found.setdefault(party, row_id)  # the first customer with that tax id
            elif code in codes:
                found.setdefault(code, row_id)
    return found
