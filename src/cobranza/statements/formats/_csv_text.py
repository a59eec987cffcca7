"""A CSV export's text as rows (`formats.csv`): where its header row is, below a few lines of
account details, and each row with the line it starts on (a quoted cell may hold line breaks).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping

from cobranza.i18n import _
from cobranza.importers.columns import normalise_header
from cobranza.importers.tabular import detect_delimiter
from cobranza.statements.formats._columns import (
    LayoutRefused,
    find_columns,
)
from cobranza.statements.model import StatementError

# How many non-empty lines of account details ("Cartola", "Cuenta: ...") may stand above the
# header row of an export.
PREAMBLE = 20


LINE_BREAK = re.compile(r"\r\n|\r|\n")


def header_line(lines: list[str], mapping: Mapping[str, str] | None, file: str) -> int:
    """The index of the header row: the first line, or one below a few lines of account details."""
    filled = [i for i, line in enumerate(lines) if line.strip()][:PREAMBLE]
    if not filled:
        raise StatementError(file, 1, "", _("the file is empty; expected a header row"))
    for i in filled:
        try:
            find_columns(header_cells(lines[i]), mapping, file, line=i + 1)
        except LayoutRefused:
            return i  # reading it again says why
        except StatementError:
            continue
        return i
    return filled[0]  # reading it again raises the first line's own error


def read_rows(lines: list[str], delimiter: str, *, first: int) -> tuple[list[list[str]], list[int]]:
    """The rows of `lines` (the first on line `first`) and the line each starts on: a quoted
    cell may hold line breaks (a long concept), and the rows below it stay on their own lines."""
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    rows, starts, read = [], [], 0
    for row in reader:
        rows.append(row)
        starts.append(first + read)
        read = reader.line_num
    return rows, starts


def header_cells(line: str) -> list[str]:
    """The cells of a header line."""
    return [h.strip() for h in next(csv.reader([line], delimiter=detect_delimiter(line)), [])]


def header_columns(line: str) -> dict[str, int] | None:
    """The columns of `line` read as a header, or None when it is not a statement's header
    (none, {}, for a layout the reader knows and refuses: reading it says why)."""
    try:
        return find_columns(header_cells(line), None, "")
    except LayoutRefused:
        return {}
    except StatementError:
        return None


def titles(row: list[str]) -> list[str]:
    """A row's cells compared as headers are, without the empty ones that end it."""
    cells = [normalise_header(cell) for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells
