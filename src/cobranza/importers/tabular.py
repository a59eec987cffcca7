"""Read a user's CSV or XLSX file into a frame of strings with canonical column names and line numbers.

Bad input never raises: what is wrong comes back as `RowError`s that name the file, the physical
line, the user's own column header and what was expected.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import polars as pl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from cobranza.i18n import _
from cobranza.importers.columns import KINDS, resolve_columns

if TYPE_CHECKING:
    from _csv import Reader

LINE = "_line"
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
DELIMITERS = (",", ";", "\t", "|")
# Columns whose values tell whether the file writes 1.234,50 or 1,234.50 (`value`: of a rate).
AMOUNT_COLUMNS = ("amount", "credit_limit", "value")
# Rows are read in small batches (few GC-tracked row lists alive at once, which keeps the cyclic
# collector cheap) and packed into polars every _CHUNK_ROWS (few Python strings alive at once).
_BATCH_ROWS = 1_000
_CHUNK_ROWS = 100_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or row, or the header) of a user's file."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass(frozen=True)
class Table:
    """A user's file as stripped strings (empty cell -> null) under canonical column names."""

    file: str
    frame: pl.DataFrame
    headers: dict[str, str]
    delimiter: str | None
    encoding: str | None
    decimal_comma: bool

    def header(self, column: str) -> str:
        """The header the user wrote for `column` (the canonical name when the file has none)."""
        return self.headers.get(column, column)


@dataclass(frozen=True)
class _Layout:
    """Where the recognised columns are in the file's header row."""

    positions: dict[str, int]
    headers: dict[str, str]


def read_table(
    path: str | Path,
    kind: str,
    *,
    mapping: Mapping[str, str] | None = None,
    display_name: str | None = None,
) -> tuple[Table | None, list[RowError]]:
    """Read a CSV or XLSX file of `kind` ("customers", "invoices", "payments", "credit-notes")."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {sorted(KINDS)}")
    file, source = display_name or str(path), Path(path)
    try:
        with source.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        return None, [_cannot_open(file, exc)]
    if magic.startswith(OLE_MAGIC):
        return None, [RowError(file, 1, "", old_workbook())]
    if source.suffix.lower() in XLSX_SUFFIXES or magic.startswith(ZIP_MAGIC):
        return _read_xlsx(source, file, kind, mapping)
    return _read_csv(source, file, kind, mapping)


def _cannot_open(file: str, exc: OSError) -> RowError:
    """The error for a file the system will not let us read (line 0: no line was read)."""
    reason = exc.strerror or str(exc)
    return RowError(file, 0, "", _("cannot open the file: {reason}", reason=reason))


def _empty(file: str) -> RowError:
    """The error for a file with no header row."""
    return RowError(file, 1, "", _("the file is empty; expected a header row"))


def _layout(
    header: Sequence[str], line: int, file: str, kind: str, mapping: Mapping[str, str] | None
) -> tuple[_Layout | None, list[RowError]]:
    """Resolve the header row to canonical columns, or the header errors found at `line`."""
    positions, problems = resolve_columns(header, kind, mapping)
    if problems:
        return None, [RowError(file, line, p.column, p.message) for p in problems]
    return _Layout(positions, {name: header[i].strip() for name, i in positions.items()}), []


def _table(
    file: str, frame: pl.DataFrame, layout: _Layout, delimiter: str | None, encoding: str | None
) -> Table:
    """Strip every cell, empty ones to null, drop blank rows; decide the decimal separator."""
    columns = list(layout.positions)
    frame = frame.select(*columns, LINE)
    if columns:
        # Checking first costs one read of the cells; rewriting costs a copy of every column
        # (hundreds of MB for a million rows), and most exports need no cleaning at all.
        dirty = frame.select(
            (pl.col(c).str.contains(r"^\s|\s$") | (pl.col(c).str.len_bytes() == 0)).any()
            for c in columns
        ).row(0)
        frame = frame.with_columns(_clean(c) for c, bad in zip(columns, dirty, strict=True) if bad)
        # A row with nothing in any column we read (a blank line, ";;;;", a note in an ignored
        # column) carries nothing to import.
        blank = pl.all_horizontal(pl.col(c).is_null() for c in columns)
        if frame.select(blank.any()).item():
            frame = frame.filter(~blank)
    return Table(file, frame, layout.headers, delimiter, encoding,
                 _uses_decimal_comma(frame, delimiter))


def _clean(column: str) -> pl.Expr:
    """The cells of `column` stripped of surrounding whitespace, empty ones as null."""
    stripped = pl.col(column).str.strip_chars()
    return pl.when(stripped.str.len_bytes() > 0).then(stripped).alias(column)


def _uses_decimal_comma(frame: pl.DataFrame, delimiter: str | None) -> bool:
    """True when the amounts show a decimal comma; when they do not tell, `;` files use one."""
    columns = [c for c in AMOUNT_COLUMNS if c in frame.columns]
    if not columns or frame.height == 0:
        return delimiter == ";"
    comma, dot = frame.select(
        pl.any_horizontal(_decimal_evidence(c, ",", ".") for c in columns).alias("comma"),
        pl.any_horizontal(_decimal_evidence(c, ".", ",") for c in columns).alias("dot"),
    ).row(0)
    if bool(comma) != bool(dot):
        return bool(comma)
    return delimiter == ";"


def _decimal_evidence(column: str, sep: str, other: str) -> pl.Expr:
    """Whether some value of `column` unambiguously uses `sep` as its decimal separator."""
    s, o, end = re.escape(sep), re.escape(other), r"[^0-9.,]*$"
    # `sep` last after an `other` (1.234,5), `sep` last but not before a group of exactly three
    # digits (1234,5 or 0,1234), or `other` grouping thousands twice (1.234.567).
    pattern = rf"{o}\d*{s}\d*{end}|{s}(\d{{0,2}}|\d{{4,}}){end}|\d{o}\d{{3}}{o}\d{{3}}"
    return pl.col(column).str.contains(pattern).fill_null(False).any()


# CSV ---------------------------------------------------------------------------------------------


def to_utf8(data: bytes) -> tuple[bytes, str]:
    """The file's bytes as UTF-8 without BOM, and the encoding they were written in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # Excel's "Unicode text" export: UTF-16 with a BOM, tab-delimited
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError:
            pass
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8):], "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        data.decode("utf-8")
        return data, encoding
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        # Latin-1 decodes any byte, including the five that Windows-1252 leaves undefined.
        return data.decode("latin-1").encode("utf-8"), "latin-1"


def detect_delimiter(line: str) -> str:
    """The candidate delimiter occurring most often outside quotes in the header line (`,` on ties)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equal counts


def _read_csv(
    path: Path, file: str, kind: str, mapping: Mapping[str, str] | None
) -> tuple[Table | None, list[RowError]]:
    """Read a delimited text file (encoding and delimiter detected)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [_cannot_open(file, exc)]
    data, encoding = to_utf8(raw)
    del raw  # a 1,000,000-row file is 70 MB: never hold it twice
    records, errors = _parse_csv(data, file, kind, mapping)
    del data  # the frame holds every cell now; free the bytes before cleaning the frame
    if records is None:
        return None, errors
    return _table(file, records.frame, records.layout, records.delimiter, encoding), errors


@dataclass(frozen=True)
class _Records:
    """The recognised columns of a CSV file, before cleaning."""

    frame: pl.DataFrame
    layout: _Layout
    delimiter: str


def _parse_csv(
    data: bytes, file: str, kind: str, mapping: Mapping[str, str] | None
) -> tuple[_Records | None, list[RowError]]:
    """Find the header line and delimiter, then read the records (polars when safe, else csv)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    skipped, first = 0, ""
    for first in text:
        if first.strip():
            break
        skipped += 1
    if not first.strip():
        return None, [_empty(file)]
    delimiter = detect_delimiter(first)
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter, strict=True,
                        skipinitialspace=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        return None, [_bad_quoting(file, skipped + 1, str(exc))]
    layout, errors = _layout(header, skipped + 1, file, kind, mapping)
    if layout is None:
        return None, errors
    header_end = skipped + reader.line_num
    frame = _polars_records(data, delimiter, len(header), header_end, layout)
    if frame is None:
        try:
            frame, errors = _csv_records(reader, layout, len(header), file, header_end)
        except _BadQuoting as exc:
            return None, [_bad_quoting(file, exc.line, exc.reason)]
    return _Records(frame, layout, delimiter), errors


def _bad_quoting(file: str, line: int, reason: str) -> RowError:
    """The error for a record the csv module cannot parse."""
    return RowError(file, line, "", _(
        "the file cannot be read as CSV ({reason}); check for an unclosed quote in the record"
        " that starts on this line", reason=reason))


def _polars_records(
    data: bytes, delimiter: str, width: int, header_end: int, layout: _Layout
) -> pl.DataFrame | None:
    """The records read by polars' CSV reader, or None when its result could differ from csv's."""
    # polars neither skips spaces before an opening quote nor ends lines on a lone CR; those
    # files, and ragged or badly quoted ones, go to the csv module, which reports rows precisely.
    if (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")) or b' "' in data:
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - header_end
    names = [f"c{i}" for i in range(width)]
    if lines <= 0:
        frame = pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    else:
        try:
            frame = pl.read_csv(
                data, has_header=False, separator=delimiter, quote_char='"',
                skip_lines=header_end, schema=dict.fromkeys(names, pl.String),
                encoding="utf8", raise_if_empty=False,
            )
        except pl.exceptions.PolarsError:
            return None
    first = header_end + 1
    if frame.height == lines:  # one record per line: the common case, nothing to count
        line = pl.int_range(first, first + frame.height, dtype=pl.Int64)
    else:
        # polars reads a blank line as a row of nulls, so a record spans one line plus the line
        # ends quoted inside its cells; together they must account for every line of the file.
        spans = frame.select(1 + pl.sum_horizontal(
            pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in names
        ).cast(pl.Int64)).to_series()
        if spans.sum() != lines:
            return None
        line = pl.lit(first + spans.cum_sum() - spans)
    return frame.select(
        *(pl.col(names[i]).alias(name) for name, i in layout.positions.items()), line.alias(LINE)
    )


class _BadQuoting(Exception):
    """The csv module stopped at a malformed record."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(line, reason)
        self.line, self.reason = line, reason


def _csv_records(
    reader: Reader, layout: _Layout, width: int, file: str, header_end: int
) -> tuple[pl.DataFrame, list[RowError]]:
    """Collect the records with the line where each starts; ragged rows are errors."""
    columns = _Columns(layout)
    errors: list[RowError] = []
    offset = header_end - reader.line_num  # blank lines skipped before the reader saw the header
    last = reader.line_num
    while True:
        rows: list[list[str]] = []
        try:
            rows.extend(itertools.islice(reader, _BATCH_ROWS))
        except csv.Error as exc:
            raise _BadQuoting(_starts(rows, last + 1 + offset)[-1], str(exc)) from exc
        if not rows:
            return columns.frame(), errors
        first, last = last + 1, reader.line_num
        if last - first + 1 == len(rows) and set(map(len, rows)) == {width}:
            columns.add(rows, range(first + offset, last + offset + 1))
        else:
            columns.add(*_fit_rows(rows, first + offset, width, file, errors))


def _line_breaks(row: list[str]) -> int:
    """How many physical line ends lie inside the quoted cells of a record."""
    return sum(c.count("\n") + c.count("\r") - c.count("\r\n") for c in row if "\n" in c or "\r" in c)


def _starts(rows: list[list[str]], first: int) -> list[int]:
    """The physical line on which each record starts, then the line after the last one."""
    starts = [first]
    for row in rows:
        starts.append(starts[-1] + 1 + _line_breaks(row))
    return starts


def _fit_rows(
    rows: list[list[str]], first: int, width: int, file: str, errors: list[RowError]
) -> tuple[list[list[str]], list[int]]:
    """Rows padded to the header's width with their start lines; rows with stray cells dropped."""
    starts = _starts(rows, first)
    kept, lines = [], []
    for row, line in zip(rows, starts, strict=False):
        fitted = row if len(row) == width else _fit(row, width, file, line, errors)
        if fitted is not None:
            kept.append(fitted)
            lines.append(line)
    return kept, lines


def _fit(row: list[str], width: int, file: str, line: int, errors: list[RowError]) -> (
        list[str] | None):
    """A record of the header's width, or None for a row with stray cells (reported)."""
    if len(row) <= width:
        return row + [""] * (width - len(row))
    extra = [i for i in range(width, len(row)) if row[i].strip()]
    if not extra:
        return row[:width]  # trailing delimiters some exports add to every data row
    errors.append(RowError(file, line, get_column_letter(extra[0] + 1), _(
        "the row has {found} cells but the header has {expected}; a value containing the"
        " delimiter must be quoted", found=len(row), expected=width)))
    return None


class _Columns:
    """Cells gathered column by column, packed into a polars chunk every `_CHUNK_ROWS` rows."""

    def __init__(self, layout: _Layout) -> None:
        self._getters = [(name, itemgetter(i)) for name, i in layout.positions.items()]
        self._cells: dict[str, list[str | None]] = {name: [] for name in layout.positions}
        self._lines: list[int] = []
        self._chunks: list[pl.DataFrame] = []

    def add(self, rows: Sequence[Sequence[str | None]], lines: Iterable[int]) -> None:
        """Append `rows` (full records) that start on `lines`."""
        for name, get in self._getters:
            self._cells[name].extend(map(get, rows))
        self._lines.extend(lines)
        if len(self._lines) >= _CHUNK_ROWS:
            self._pack()

    def _pack(self) -> None:
        data = {name: pl.Series(name, cells, dtype=pl.String) for name, cells in self._cells.items()}
        lines = pl.Series(LINE, self._lines, dtype=pl.Int64)
        self._chunks.append(pl.DataFrame({**data, LINE: lines}))
        self._cells = {name: [] for name in self._cells}
        self._lines = []

    def frame(self) -> pl.DataFrame:
        """Every row added, as one frame."""
        self._pack()
        return pl.concat(self._chunks, rechunk=True)


# XLSX --------------------------------------------------------------------------------------------


def cell_text(value: object) -> str | None:
    """The text of a spreadsheet cell: dates as YYYY-MM-DD, numbers exactly as shown, no floats."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        # repr is the shortest text that round-trips, so 1234.5 stays 1234.5 (not 1234.4999...).
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


# What openpyxl and zipfile raise on a damaged or unusual workbook, on opening it or only once
# its rows are read: a truncated zip, broken XML, a corrupt deflate stream (zlib.error), an
# encrypted part or a compression method zipfile lacks (RuntimeError, NotImplementedError).
WORKBOOK_ERRORS = (OSError, EOFError, zipfile.BadZipFile, InvalidFileException, KeyError,
                   ValueError, SyntaxError, IndexError, RuntimeError, zlib.error)


def _read_xlsx(
    path: Path, file: str, kind: str, mapping: Mapping[str, str] | None
) -> tuple[Table | None, list[RowError]]:
    """Read the first worksheet of a workbook; `_line` is the spreadsheet row number."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except WORKBOOK_ERRORS as exc:
        return None, [_not_a_workbook(file, exc)]
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong sheet size; read every row
        return _parse_sheet(sheet.iter_rows(min_row=1, values_only=True), file, kind, mapping)
    except WORKBOOK_ERRORS as exc:
        # A damaged sheet (truncated zip, broken XML) shows only once its rows are read.
        return None, [_not_a_workbook(file, exc)]
    finally:
        workbook.close()


def _not_a_workbook(file: str, exc: Exception) -> RowError:
    """The error for a workbook openpyxl cannot read."""
    return RowError(file, 1, "", unreadable_workbook(exc))


def old_workbook() -> str:
    """What to do with an Excel 97-2003 workbook, which is not read (also bank statements)."""
    return _("this is an Excel 97-2003 (.xls) workbook; save it as .xlsx or CSV and import that")


def unreadable_workbook(exc: Exception) -> str:
    """Why a workbook cannot be read (one of `WORKBOOK_ERRORS`), and what to do."""
    return _("the file is not a readable Excel workbook ({reason}); save it again as .xlsx or "
             "CSV", reason=str(exc) or type(exc).__name__)


def _parse_sheet(
    rows: Iterable[tuple[object, ...]], file: str, kind: str, mapping: Mapping[str, str] | None
) -> tuple[Table | None, list[RowError]]:
    """Find the header (first non-empty row), then collect the recognised columns."""
    numbered = enumerate(rows, start=1)
    found = next(((n, texts) for n, values in numbered
                  if any(texts := [(cell_text(v) or "").strip() for v in values])), None)
    if found is None:
        return None, [_empty(file)]
    layout, errors = _layout(found[1], found[0], file, kind, mapping)
    if layout is None:
        return None, errors
    # Cells outside the header's columns are ignored: unlike CSV, they cannot come from a
    # misplaced delimiter, and spreadsheets often hold notes and totals off to the right.
    columns: dict[str, list[str | None]] = {name: [] for name in layout.positions}
    lines: list[int] = []
    for line, values in numbered:
        for name, i in layout.positions.items():
            columns[name].append(cell_text(values[i]) if i < len(values) else None)
        lines.append(line)
    data = {name: pl.Series(name, cells, dtype=pl.String) for name, cells in columns.items()}
    frame = pl.DataFrame({**data, LINE: pl.Series(LINE, lines, dtype=pl.Int64)})
    return _table(file, frame, layout, None, None), []
