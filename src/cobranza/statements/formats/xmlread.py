"""Reading values out of a hardened XML tree (camt, CEP) into located statement errors."""

from __future__ import annotations

import codecs
import re
from datetime import date
from decimal import Decimal

from lxml import etree

from cobranza.i18n import _
from cobranza.statements.model import StatementError
from cobranza.statements.safexml import XmlError, parse_xml

# XML Schema decimals as banks write them: unsigned digits, optional fraction, no exponent.
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DECLARED = re.compile(rb"\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ONE_BYTE = ("iso8859-", "cp125", "ascii")  # codecs' names of the one-byte encodings banks declare


def root_of(data: bytes, *, file: str) -> etree._Element:
    """Parse the file with the hardened reader, turning its error into a `StatementError`."""
    try:
        return parse_xml(_utf8_as_declared(data), file=file)
    except XmlError as exc:
        raise StatementError(exc.file, exc.line, "", exc.message) from None


def _utf8_as_declared(data: bytes) -> bytes:
    """The document declared in UTF-8 when it is written in UTF-8 under a one-byte declaration.

    ISO 20022 messages are UTF-8, and some banks write them so under an ISO-8859-1 or
    Windows-1252 declaration: read as declared, every accented name would be garbled ("PeÃ±a")
    without a word. Text in a one-byte encoding with any accent is almost never valid UTF-8, so
    a document that is, and has a character beyond ASCII, is UTF-8 whatever it declares."""
    declared = _DECLARED.match(data)
    if declared is None or data.isascii():
        return data
    try:
        one_byte = codecs.lookup(declared[1].decode("ascii")).name.startswith(_ONE_BYTE)
        data.decode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return data
    return data[:declared.start(1)] + b"UTF-8" + data[declared.end(1):] if one_byte else data


class Tree:
    """Namespace-blind paths ("Ntry/Amt") over one document, with located conversions."""

    def __init__(self, root: etree._Element, *, file: str) -> None:
        self.file = file
        namespace = etree.QName(root).namespace
        self._prefix = f"{{{namespace}}}" if namespace else ""

    def _path(self, path: str) -> str:
        return "/".join(self._prefix + step for step in path.split("/"))

    def find(self, parent: etree._Element, path: str) -> etree._Element | None:
        """The first element at `path` under `parent`, or None."""
        return parent.find(self._path(path))

    def findall(self, parent: etree._Element, path: str) -> list[etree._Element]:
        """Every element at `path` under `parent`, in document order."""
        return list(parent.findall(self._path(path)))

    def text(self, parent: etree._Element, *paths: str) -> str | None:
        """The stripped text of the first of `paths` that is present and not empty."""
        for path in paths:
            found = parent.find(self._path(path))
            if found is not None and found.text and found.text.strip():
                return str(found.text).strip()
        return None

    def error(self, element: etree._Element | None, field: str, message: str) -> StatementError:
        """A located error at `element`'s line."""
        line = element.sourceline if element is not None else 0
        return StatementError(self.file, line or 0, field, message)


def amount(text: str | None, *, tree: Tree, element: etree._Element, field: str) -> Decimal:
    """An unsigned XML decimal, or a located error saying what was expected."""
    value = (text or "").strip()
    if not value:  # an attribute left out (a CEP without MontoPago) or an empty element
        raise tree.error(element, field, _(
            "missing; expected an amount with a decimal point, such as 1234.50"))
    if not _AMOUNT.fullmatch(value):
        raise tree.error(element, field, _(
            "'{value}' is not an amount; expected digits with a decimal point, such as 1234.50",
            value=value))
    return Decimal(value)


def day(text: str | None, *, tree: Tree, element: etree._Element | None, field: str) -> date:
    """A date from `YYYY-MM-DD` or the date part of `YYYY-MM-DDThh:mm:ss`."""
    if not (text or "").strip():
        raise tree.error(element, field, _("missing; expected a date, YYYY-MM-DD"))
    match = _DATE.match((text or "").strip())
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    raise tree.error(element, field, _("'{value}' is not a date; expected YYYY-MM-DD",
                                       value=(text or "").strip()))
