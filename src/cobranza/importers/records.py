"""Rows sent to the JSON API, turned into the same Table the file importers check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from cobranza.importers.columns import KINDS
from cobranza.importers.tabular import Table


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    text = str(value).strip()
    return text or None


def table_from_records(kind: str, records: Sequence[Mapping[str, Any]], *,
                       name: str = "request") -> Table:
    """A Table whose `_line` is the record's position in the request (1-based)."""
    known = [spec.name for spec in KINDS[kind]]
    present = [col for col in known if any(r.get(col) is not None for r in records)]
    data: dict[str, Any] = {col: [_text(r.get(col)) for r in records] for col in present}
    data["_line"] = list(range(1, len(records) + 1))
    frame = pl.DataFrame(data, schema={**{col: pl.Utf8 for col in present}, "_line": pl.Int64})
    return Table(file=name, frame=frame, headers={col: col for col in present}, delimiter=None,
                 encoding=None, decimal_comma=False)
