"""Helpers the text-based statement readers share: decoding, clean text, structured references."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from charset_normalizer import from_bytes
from stdnum.cl import rut
from stdnum.exceptions import ValidationError
from stdnum.mx import rfc

from cobranza.core.references import find_rf
from cobranza.core.taxid import InvalidTaxId, normalise
from cobranza.i18n import _
from cobranza.statements.model import StatementError

_SPACES = re.compile(r"\s+")
# The widths at which banks cut a long text into lines, whatever the words: 27, a ?2x line of an
# MT940 :86: (DFÜ-Abkommen, Anlage 3), which German banks' camt texts are built from, a line or
# several at a time (Targobank: 54); 35, the SWIFT and SEPA line (Nordea's Ustrd lines; 70 and
# 140, the longest Ustrd, are whole numbers of it).
DFUE_LINE = 27
SWIFT_LINE = 35

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


def goes_on(line: str, following: str) -> str | None:
    """How a text the bank cut into pieces goes on from `line` into `following`: "" when `line`
    fills whole cut lines (DFUE_LINE, SWIFT_LINE) and the cut falls between two letters or
    digits (a word, IBAN or invoice number cut in two), " " when it fills them but the cut falls
    at a space or a sign, None when `line` is short of them: the bank or the payer ended the
    text there, and `following` is a text of its own."""
    if not line or not any(len(line) % width == 0 for width in (DFUE_LINE, SWIFT_LINE)):
        return None
    # A full line that ends a word may be a text the payer ended by chance at that width: a
    # space costs nothing where the matcher joins neighbouring words, a glue would hide both.
    return "" if line[-1].isalnum() and following[:1].isalnum() else " "


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


# How banks write who a transfer came from, or went to, in its description when they give the
# name no column of its own (Chilean cartolas: "TRANSF DE JUAN PEREZ", "TRASPASO DE:EMPRESA SPA";
# Mexican: "TRANSFERENCIA RECIBIDA DE ..."; English "TRANSFER FROM"). SPEI descriptions are left
# alone: what follows "DE" there is often the sending bank, and a bank's name taken for the payer
# would be learnt as a customer's alias on the first confirmation.
_MOVED = r"(?:TRANSF\.?|TRANSFERENCIA|TRANSFER|TRASPASO|TEF|DEPOSITO|DEPÓSITO|ABONO|PAGO|" \
         r"PAYMENT|DEPOSIT|BIZUM)(?:\s+(?:ELECTRONICA|ELECTRÓNICA|RECIBIDA|RECIBIDO|EN LINEA|ONLINE))?"
# The word must end where it ends: "DE" is not the start of "DESDE", nor "A" of "ALMACEN".
_FROM = re.compile(rf"(?:^|\s){_MOVED}\s+(?:DESDE|DE|FROM)\b\s*:?\s*(?P<name>.+)$",
                   re.IGNORECASE)
# Santander España: "TRANSFERENCIA A FAVOR DE PAPELERIA LEVANTE SL": the payee after "A FAVOR DE".
_TO = re.compile(rf"(?:^|\s){_MOVED}\s+(?:A\s+FAVOR\s+DE|PARA|A|TO)\b\s*:?\s*(?P<name>.+)$",
                 re.IGNORECASE)
# Banco Santander Chile: "0771767850 Transf. ASES CONSULTORI" in, "... Transf a NOMBRE" out.
_FROM_BARE = re.compile(r"(?:^|\s)TRANSF\.\s+(?!(?:A|DE|PARA|INTERNET)\b)(?P<name>.+)$",
                        re.IGNORECASE)
# The other side's RUT written before the transfer (Santander Chile: zero-padded, no
# punctuation, "0771767850" is 77.176.785-0), or punctuated.
_RUT_FIRST = re.compile(r"^\s*(?P<rut>\d{9,10})\s+(?:TRANSF|PAGO|ABONO|DEPOSITO)",
                        re.IGNORECASE)
# Written with dots (12.345.678-9), or without them but with its dash (76198900-6, after a
# name in Banco Security's cartola): its check digit must be right.
_RUT_WRITTEN = re.compile(
    r"(?<![\d.\-/])(?P<rut>\d{1,2}\.\d{3}\.\d{3}-[\dK]|\d{7,8}-[\dK])(?![\dK\-/])",
    re.IGNORECASE)
# An account number masked but for its last digits ("...5678", "XXXXXX1234", "****1234"): the
# words before it name an account (Chase's "Online Transfer from CHK ...5678", Wells Fargo's
# "ONLINE TRANSFER FROM SMITH J EVERYDAY CHECKING XXXXXX1234"), the holder's own as a rule,
# not a payer.
_MASKED = re.compile(r"\s(?:\.{2,}|\*{2,}|X{2,})\d{2,}(?=\s|$)", re.IGNORECASE)
# Where the name ends: the words that bring in a reference ("for" its purpose, a word with "#":
# Chase's and Bank of America's "Conf#", "transaction#:"), a separator, a number: a long one,
# one grouped by dots (a RUT after the name, "JUAN PEREZ 12.345.678-5"), a date ("ON 03/16").
_NAME_END = re.compile(
    r"\s(?:FACTURAS?|FACT\.?|FAC\.?|FOLIO|BOLETA|REF\.?|REFERENCIA|RUT|RFC|N[º°O]\.?|NRO\.?|"
    r"INVOICE|INV\.?|CONCEPTO|CTA\.?|CUENTA|POR|FOR)(?=\s|:|$)|\s\S*#"
    r"|\s(?:ON\s+)?\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?(?=\s|$)|\s\d{1,3}(?:\.\d{3}){2,}(?!\d)"
    r"|\s[-/|;]\s|[;|/]|\s\S*\d{4,}|" + _MASKED.pattern,
    re.IGNORECASE)
# A RUT, an account or a date before the name: five digits or more, and only their punctuation.
_NUMBER = re.compile(r"(?=(?:[.\-/Kk]*\d){5})[\d.\-/Kk]+")
# What follows "DEPOSITO DE", "TRANSFERENCIA DE" or "ABONO DE" and starts no one's name (a name
# taken from it would be learnt as an alias when a person confirms the line). An account is
# no one either: "Payment to Account 1234567890", "TRANSFER TO SAVINGS ACCOUNT".
_NO_NAME = frozenset({"EFECTIVO", "INTERESES", "INTERES", "INTERÉS", "CHEQUE", "CHEQUES",
                      "DOCUMENTOS", "CAJA", "VALORES", "CASH", "FONDOS", "FUNDS", "SALDO",
                      "SALDOS", "REMUNERACIONES", "SUELDO", "SUELDOS", "NOMINA", "NÓMINA",
                      "TERCERO", "TERCERA", "TERCEROS", "OTRO", "OTRA", "OTROS", "LINEA",
                      "LÍNEA", "ACCOUNT", "ACCOUNTS", "ACCT", "CUENTA", "CUENTAS", "CTA", "CTAS",
                      "SAVINGS", "CHECKING", "CHK", "SAV", "AHORRO", "AHORROS", "TARJETA",
                      "TARJETAS", "KONTO", "COMPTE", "CONTO", "REKENING"})


def party_in(description: str | None, *, credit: bool) -> str | None:
    """The payer (credit) or payee (debit) a description names after "TRANSF DE" or the like,
    for files that give it no column; None where it names none."""
    text = clean(description)
    match = (_FROM if credit else _TO).search(text) or (
        _FROM_BARE.search(text) if credit else None)
    if match is None:
        return None
    words = match.group("name").split()
    while words and _NUMBER.fullmatch(words[0]):
        words.pop(0)  # a RUT or an account before the name
    padded = " " + " ".join(words)
    end = _NAME_END.search(padded)
    if end and _MASKED.match(padded, end.start()):
        return None
    name = padded[:end.start() if end else len(padded)].strip(" .,:-")
    if sum(c.isalpha() for c in name) < 3 or name.split()[0].upper() in _NO_NAME:
        return None
    return name[:70]


def rut_in(description: str | None) -> str | None:
    """The Chilean RUT a description gives: written as one (12.345.678-9), or as Santander
    Chile writes it before a transfer or payment ("0771767850 Transf. ..."); as 12345678-9,
    where its check digit is right, else None."""
    text = clean(description)
    match = _RUT_WRITTEN.search(text) or _RUT_FIRST.match(text)
    if match is None:
        return None
    try:
        return normalise(rut.compact(match.group("rut")).lstrip("0"), country="CL")
    except InvalidTaxId:
        return None


# A Mexican RFC in a description (a SPEI concept's "RFC ABC010101AB1"): 3 letters (a company) or
# 4 (a person), the date of birth or incorporation, 3 characters. The SAT's generic RFCs (the
# general public, foreigners) name no one.
_RFC = re.compile(r"(?<![A-ZÑ&0-9])([A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3})(?![A-Z0-9])")
_GENERIC_RFC = frozenset({"XAXX010101000", "XEXX010101000"})


def rfc_in(description: str | None) -> str | None:
    """The first Mexican RFC a description gives (its date a real one), or None. Its check digit
    is not asked for, unlike `core.taxid.normalise`: the SAT registers RFCs python-stdnum's check
    rejects (`einvoices.fields`)."""
    for match in _RFC.finditer(clean(description).upper()):
        if match.group(1) in _GENERIC_RFC:
            continue
        try:
            return str(rfc.validate(match.group(1)))
        except ValidationError:
            continue
    return None


def tax_id_in(*texts: str | None) -> str | None:
    """The other side's tax id a description gives: a Chilean RUT (`rut_in`), else a Mexican
    RFC (`rfc_in`), from the first text that has one."""
    for text in texts:
        found = rut_in(text) or rfc_in(text)
        if found:
            return found
    return None
