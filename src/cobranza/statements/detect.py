"""Which bank format a file is, from its first bytes, and how its text is encoded.

Every format module under `statements/formats/` is named in `FORMATS`, in the order they are
asked: specific signatures first (XML namespaces, OFX headers, SWIFT tags, BAI2 record codes),
CSV last because almost any text could be CSV. Modules are imported lazily by name, so a format
whose module is absent (not installed, not yet written) is simply not offered.
"""

from __future__ import annotations

import codecs
import importlib
import re
from collections.abc import Mapping
from typing import cast

from charset_normalizer import from_bytes

from cobranza.i18n import _
from cobranza.statements.model import ParsedStatement, StatementError, StatementFormat
from cobranza.statements.safexml import XmlError, parse_xml

FORMATS = ("camt", "cep", "ofx", "mt940", "bai2", "xlsx", "csv")
HEAD = 8192  # enough for every signature, including an OFX header and a long XML prologue
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_PACKAGE = "cobranza.statements.formats"
_TABULAR = ("csv", "xlsx")  # exports of rows and columns, read with a mapping and currencies
_LEGACY = ("cp1252", "latin_1", "iso8859_15", "cp850", "mac_roman")


def load(name: str) -> StatementFormat | None:
    """The format module called `name`, or None when it is not available."""
    if name not in FORMATS:
        return None
    module_name = f"{_PACKAGE}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    # A module may expose a reader object as FORMAT, or be the reader itself.
    return cast(StatementFormat, getattr(module, "FORMAT", module))


def available() -> list[str]:
    """The formats this installation reads."""
    return [name for name in FORMATS if load(name) is not None]


def head_of(data: bytes) -> bytes:
    """The first bytes as UTF-8 for signature checks (BOMs removed, UTF-16/32 re-encoded)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            chunk = data[:HEAD * 4]
            text = chunk.decode(encoding, errors="ignore")
            return text.encode("utf-8", errors="ignore")[:HEAD]
    return data[:HEAD]


def decode_text(data: bytes, *, file: str) -> str:
    """The file's text: a BOM's encoding, else UTF-8, else what charset-normalizer recognises."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise _encoding_error(data, file, exc.start, encoding) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if b"\x00" in data[:HEAD]:
        raise _encoding_error(data, file, utf8_error.start, "utf-8")
    # Banks' legacy exports in Chile and Mexico are Windows-1252, Latin-1 or a DOS code page;
    # left free, charset-normalizer reads a short Spanish text as Big5 or Korean, so it only
    # chooses among those. Latin-1 decodes any byte, as the last resort.
    best = from_bytes(data[:1 << 20], cp_isolation=list(_LEGACY)).best()
    encoding = best.encoding if best is not None else "latin-1"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin-1")


def _encoding_error(data: bytes, file: str, offset: int, encoding: str) -> StatementError:
    line = data.count(b"\n", 0, offset) + 1
    return StatementError(file, line, "", _(
        "the text is not valid {encoding} at byte {offset}; expected UTF-8 or Latin-1 text",
        encoding=encoding.upper(), offset=offset))


# A Norma 43 file opens with its account header record: "11", the bank's and branch's codes
# and the ten-digit account, then the period's dates (YYMMDD), 80 characters a record.
_NORMA_43 = re.compile(rb"^11\d{18}\d{12}[12]\d{14}")


def detect(data: bytes, *, file: str) -> StatementFormat:
    """The reader of the first format whose signature the file carries."""
    head = head_of(data)
    if not head.strip():
        raise StatementError(file, 0, "", _("the file is empty"))
    for name in FORMATS:
        reader = load(name)
        if reader is not None and reader.identify(head):
            return reader
    if head.lstrip().startswith(b"<"):
        # An XML document no reader claims: parse it safely first, so an attack is named as one.
        try:
            root = parse_xml(data, file=file)
        except XmlError as exc:
            raise StatementError(exc.file, exc.line, "", exc.message) from None
        raise StatementError(file, root.sourceline or 0, "", _(
            "an XML document <{root}> is not a bank statement; expected camt.052/053/054, "
            "OFX or a Banxico CEP", root=str(root.tag).rpartition("}")[2]))
    first = next((line for line in head.splitlines() if line.strip()), b"")
    if _NORMA_43.match(first):
        raise StatementError(file, 1, "", _(
            "this is a Spanish AEB Norma 43 (Cuaderno 43) file, which cobranza does not read; "
            "download the statement from your bank as camt.053 (ISO 20022 XML), Excel or CSV"))
    if b"\x00" not in head and any(mark in first for mark in (b",", b";", b"\t", b"|")):
        # Rows of delimited text whose headers are not known, or that have no header row.
        raise StatementError(file, 0, "", _(
            "not a bank statement format cobranza reads; if it is a CSV export whose headers "
            "are not recognised, or that has no header row, name its columns with --map "
            "(FIELD=HEADER, or FIELD=N for the Nth column)"))
    raise StatementError(file, 0, "", _(
        "not a bank statement format cobranza reads; expected {formats}",
        formats=", ".join(available())))


def read_statements(data: bytes, *, file: str, format: str = "auto",
                    mapping: Mapping[str, str] | None = None, currency: str | None = None,
                    default_currency: str | None = None,
                    account: str | None = None,
                    date_order: str | None = None) -> list[ParsedStatement]:
    """Detect (or take) the format and read every statement of the file; `account`, the
    account the import names, tells which side of a CEP's transfer is the organisation's.

    `mapping`, the currencies and `date_order` are for CSV and Excel exports, the formats without fixed
    fields: the others name their own currency and ignore them; a mapping given for another
    format is an error.
    """
    if mapping and format not in ("auto", *_TABULAR):
        raise _map_refused(file, format)
    if format == "auto":
        try:
            reader = detect(data, file=file)
        except StatementError:
            if not mapping:
                raise
            # The mapping names the columns: a table whose headers the preset does not know.
            reader = _tabular(data)
    else:
        found = load(format)
        if found is None:
            raise StatementError(file, 0, "format", _(
                "'{value}' is not a format cobranza reads; expected {formats}", value=format,
                formats=", ".join(available())))
        if not (mapping and format in _TABULAR) and not found.identify(head_of(data)):
            raise StatementError(file, 0, "format", _(
                "the file does not look like {format}; try --format auto", format=format))
        reader = found
    if reader.name in _TABULAR:
        # Imported here, as every reader is: detect never loads a format it does not use.
        from cobranza.statements.formats.csv import extract_csv
        from cobranza.statements.formats.xlsx import extract_xlsx
        extract = extract_csv if reader.name == "csv" else extract_xlsx
        return extract(data, file=file, mapping=mapping, currency=currency,
                       default_currency=default_currency, date_order=date_order)
    if mapping:
        raise _map_refused(file, reader.name)
    if reader.name == "cep":
        from cobranza.statements.formats.cep import extract as extract_cep
        return extract_cep(data, file=file, account=account)  # which side is the organisation's
    from cobranza.statements.formats._labelled import with_labelled_fields
    return [with_labelled_fields(statement) for statement in reader.extract(data, file=file)]


def _tabular(data: bytes) -> StatementFormat:
    """The reader of a table: an Excel workbook by its signature, else CSV."""
    workbook = load("xlsx")
    if workbook is not None and workbook.identify(head_of(data)):
        return workbook
    text = load("csv")
    assert text is not None  # the CSV reader is part of every installation
    return text


def _map_refused(file: str, format: str) -> StatementError:
    return StatementError(file, 0, "--map", _(
        "a column mapping is for CSV files; {format} files name their own fields",
        format=format))
