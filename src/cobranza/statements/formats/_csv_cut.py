"""A CSV export cut inside its last row (`formats.csv`), as a download broken off leaves it:
refused, since read it would import a smaller movement, or none, without a word.
"""

from __future__ import annotations

import csv
import io
import re

from cobranza.i18n import _
from cobranza.statements.formats._columns import MONEY
from cobranza.statements.formats._csv_text import titles
from cobranza.statements.formats._rows import balance_label, summary
from cobranza.statements.model import StatementError


def cut_short(rows: list[list[str]], row_lines: list[int], header: list[str],
               columns: dict[str, int], *, file: str, lines: list[str], delimiter: str) -> None:
    """Refuse a file cut inside its last movement, as a download broken off leaves it: a quoted
    cell never closed; or, the file ending without a line break, a last row with fewer cells
    than its header and every other row, or whose last cell, a date or an amount, is shorter
    than the column's others are written (-80.00 cut to -8). Read, it would import as a
    smaller movement, or not at all, without a word. A last row whole but for its line break
    (Excel's and many banks' exports end so) is read."""
    filled = [i for i, row in enumerate(rows) if any(cell.strip() for cell in row)]
    if len(filled) < 2:
        return
    last, row = filled[-1], rows[filled[-1]]
    body = [rows[i] for i in filled[1:-1]]
    date_at = columns.get("date")
    # Blanks after the last line break aside (a NUL or DOS end-of-file mark): a whole last row.
    ended = not lines[-1].strip(" \t\x00\x1a")
    if _quote_open("\n".join(lines[row_lines[last] - 1:]), delimiter):
        why = _("a quoted cell is not closed")
    elif ended or summary(row, date_at) or balance_label(row):
        return
    elif len(row) < len(titles(header)) and all(len(other) > len(row) for other in body):
        why = _("the row has {cells} of the {columns} cells of the header",
                cells=len(row), columns=len(titles(header)))
    else:
        field = next((f for f, i in columns.items() if i == len(row) - 1), "")
        others = [other[len(row) - 1].strip() for other in body if len(other) >= len(row)]
        if not _cell_cut(field, row[-1].strip(), [cell for cell in others if cell]):
            return
        why = _("its last cell '{value}' ({column}) is written shorter than its column's other "
                "cells", value=row[-1].strip(), column=header[len(row) - 1])
    raise StatementError(file, row_lines[last], "", _(
        "the file ends inside a row ({why}): it was cut short, as a broken download is; "
        "expected the whole row and a line break; download the statement again", why=why))


def _quote_open(text: str, delimiter: str) -> bool:
    """True when `text` ends inside a quoted cell: a line read after it would join that cell."""
    return list(csv.reader(io.StringIO(text + "\n\x1f"), delimiter=delimiter))[-1:] != [["\x1f"]]


# A figure's last decimal or grouping mark and the digits after it (1,250.75: "." and 2).
_TAIL = re.compile(r"([.,])(\d*)$")


def _cell_cut(field: str, cell: str, others: list[str]) -> bool:
    """True when the cell a file ends with is cut: a date shorter than every other of its column;
    an amount ending in its mark (12.) or in a group of fewer than three digits (4.987.01); or
    with fewer digits after its mark than every other amount of its column has (-80.0 or -8
    where all are written with 2 decimals, 4.98 where all group thousands: 4.987.010)."""
    if field in ("date", "value_date"):
        return bool(others) and len(cell) < min(len(other) for other in others)
    if field not in MONEY or not any(c.isdigit() for c in cell):
        return False
    figures = re.sub(r"[^\d.,]", "", cell)
    mark, places = _shape(figures)
    if mark and (not places or (figures.count(mark) > 1 and places != 3)):
        return True
    shapes = {_shape(re.sub(r"[^\d.,]", "", other)) for other in others
              if any(c.isdigit() for c in other)}
    if len(shapes) != 1:
        return False
    (usual, digits), = shapes
    if not usual:
        return False
    if digits == 3:  # thousands grouped (or a currency of three decimals)
        return mark == usual and places < 3
    return (mark, places) != (usual, digits)


def _shape(cell: str) -> tuple[str, int]:
    """The last mark of an amount's figures and how many digits follow it ("" and 0: none)."""
    match = _TAIL.search(cell)
    return (match[1], len(match[2])) if match else ("", 0)
