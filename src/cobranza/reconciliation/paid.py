"""Lines that name an invoice of their customer already paid: a second payment of it, or money
for something else.

The matcher reads the open invoices only (`index.LedgerIndex`). A line whose text names none
of them, but one of its customer's paid invoices, would be applied by its amount to another
invoice of the customer: the money would pay what the customer did not say it paid. As a
reference to a paid invoice does (`matcher.match_line`), it waits for a person, who applies
it, refunds it or asks.

Only words written as the ledger writes its numbers are looked up (F-0001234 has the shape
A-9999999, found by [A-Z]-[0-9]{7}): amounts, dates and accounts, all digits, are not. They
are compared with the customer's invoices as the index compares numbers (`index.number_key`:
upper case, no separators), so "f-0001234" names F-0001234 and "F-0001234" names f-0001234.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

import polars as pl
from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.core.matching import OpenItem, names_invoices
from cobranza.reconciliation.index import number_key
from cobranza.reconciliation.matcher import Verdict

_CHUNK = 500
_SAMPLE = 20_000


def _shape(column: pl.Expr) -> pl.Expr:
    return column.str.replace_all("[0-9]", "9").str.replace_all("[A-Z]", "A")


def _pattern(shape: str) -> str:
    """The regular expression of the words of a shape: A-9999999 is [A-Z]-[0-9]{7}."""
    out = ""
    for char, run in itertools.groupby(shape):
        n = len(list(run))
        out += ({"A": "[A-Z]", "9": "[0-9]"}.get(char) or re.escape(char)) + (
            f"{{{n}}}" if n > 1 else "")
    return out


def shapes(items: Iterable[Sequence[OpenItem]]) -> frozenset[str]:
    """The shapes of the open invoices' numbers (upper case) that are not all digits, read
    from up to `_SAMPLE` of them spread over each currency's: a ledger numbers its invoices in
    a few series, and a series rarer than that is left unchecked rather than every number
    read."""
    numbers = [i.number for each in items for i in each[::max(1, len(each) // _SAMPLE)]]
    found = pl.DataFrame({"number": numbers}, schema={"number": pl.String}).select(
        _shape(pl.col("number").str.to_uppercase()).unique().alias("shape")).filter(
        pl.col("shape").str.contains("[^9]"))
    return frozenset(found.get_column("shape").to_list())


def naming_paid(session: Session, *, org_id: int, verdicts: Sequence[Verdict],
                shaped: frozenset[str], open_ids: frozenset[int]) -> set[int]:
    """The applied lines, naming no open invoice, whose text names a paid invoice of the
    customer they are applied to. `open_ids`: every open invoice the matcher read."""
    applied = {v.line.id: v.suggestions[0].customer_id for v in verdicts
               if v.status == "applied" and v.suggestions
               and not names_invoices(v.suggestions[0])}
    if not applied or not shaped:
        return set()
    texts = [v.line.text for v in verdicts if v.line.id in applied]
    # One pass of a pattern made of the shapes: no word of the texts is shaped one by one.
    pattern = r"\b(?:" + "|".join(sorted(_pattern(shape) for shape in shaped)) + r")\b"
    words = pl.DataFrame({"line": list(applied), "word": texts},
                         schema={"line": pl.Int64, "word": pl.String}).with_columns(
        pl.col("word").str.extract_all(pattern)).explode(
        "word", empty_as_null=False).drop_nulls().unique()
    if words.is_empty():
        return set()
    words = words.with_columns(key=number_key(pl.col("word")),
                               customer_id=pl.col("line").replace_strict(applied))
    # The ledger's numbers are compared as the index compares them (`index.number_key`): in
    # any case, so read by customer, not by the number as written.
    customers = words.get_column("customer_id").unique().sort().to_list()
    conn = session.connection()
    found: list[tuple[str, int, int]] = []
    for start in range(0, len(customers), _CHUNK):
        chunk = customers[start:start + _CHUNK]
        found += bulk.fetch(conn, "SELECT number, id, customer_id FROM invoices "
                                  "WHERE org_id = {m} AND customer_id IN ({marks})",
                            (org_id, *chunk), marks=", ".join([bulk.mark(conn)] * len(chunk)))
    invoices = pl.DataFrame([row for row in found if row[1] not in open_ids],
                            schema={"number": pl.String, "invoice": pl.Int64,
                                    "customer_id": pl.Int64}, orient="row").select(
        "customer_id", key=number_key(pl.col("number")))
    return set(words.join(invoices, on=["customer_id", "key"]).get_column("line").to_list())
