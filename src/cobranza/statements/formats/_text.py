"""Helpers the text-based statement readers share: decoding, clean text, structured references."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from charset_normalizer import from_bytes

from cobranza.core.references import find_rf
from cobranza.i18n import _
from cobranza.statements.model import StatementError

_SPACES = re.compile(r"\s+")
_AMOUNT = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (BOM dropped) when it is, else the encoding charset-normalizer finds."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best)
    # Latin-1 maps every byte: a file in an unknown 8-bit code page still reads.
    return data.decode("latin-1")


def clean(text: str | None) -> str:
    """`text` on one line: every run of whitespace one space, no control characters."""
    if not text:
        return ""
    return _SPACES.sub(" ", "".join(c if c.isprintable() else " " for c in text)).strip()


def join(parts: Iterable[str | None]) -> str:
    """The non-empty cleaned parts, each once, joined with " / " (the remittance convention)."""
    seen: list[str] = []
    for part in parts:
        text = clean(part)
        if text and text not in seen:
            seen.append(text)
    return " / ".join(seen)


def optional(text: str | None) -> str | None:
    """`text` cleaned, or None when nothing is left."""
    return clean(text) or None


def rf_reference(*texts: str | None) -> str | None:
    """The first ISO 11649 creditor reference (RF + valid check digits) in the texts, compact."""
    for text in texts:
        found = find_rf(text or "")
        if found:
            return found[0]
    return None


def decimal(text: str, *, file: str, line: int, field: str) -> Decimal:
    """A plain decimal written with a point ("-12.50"); a located error when it is not one."""
    value = text.strip()
    if not _AMOUNT.fullmatch(value):
        raise StatementError(file, line, field, _(
            "'{value}' is not an amount; expected a number such as 1234.50", value=value))
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid text
        raise StatementError(file, line, field, _(
            "'{value}' is not an amount; expected a number such as 1234.50", value=value)) from exc
