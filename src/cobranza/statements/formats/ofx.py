"""OFX 1.x (SGML), OFX 2.x (XML) and Quicken's QFX bank and credit-card statements.

ofxtools' tag-soup lexer (`ofxtools.Parser.TreeBuilder`) turns the body into an element tree; it
reads SGML and XML alike with a regular expression and never hands the text to an XML parser, so
no DTD is read and no entity, external or internal, is ever resolved. Its validating `convert()`
step is not used: it refuses common real-world files (a blank line in the header, a 10-digit bank
id, no sign-on block), so the few elements a statement needs are read here from the tree. Its
models still say which tags are data elements, so that an empty one is closed before lexing.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import cache

from ofxtools.models.base import Aggregate
from ofxtools.Parser import ParseError, TreeBuilder

from cobranza.core.money import exponent, is_currency
from cobranza.i18n import _
from cobranza.statements.formats._labelled import counterparty
from cobranza.statements.formats._text import (
    clean,
    decode,
    join,
    optional,
    party_in,
    rf_reference,
)
from cobranza.statements.model import ParsedStatement, StatementError, StatementLine

name = "ofx"

_STATEMENTS = ("STMTRS", "CCSTMTRS")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_DECLARATION = re.compile(r"<![A-Z][^>]*>", re.IGNORECASE)  # <!DOCTYPE ...>, <!ENTITY ...>
_AMOUNT = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)")
# Grouped thousands, which only some banks write: with both a point and a comma, the last one is
# the decimal mark and the other must group whole thousands ("1,234.56", "1.234,56").
_GROUPED = re.compile(r"([-+]?)(\d{1,3}(?:([.,])\d{3})(?:\3\d{3})*)([.,])(\d+)")
# PagBank (PagSeguro) writes its ledger balance for people: "R$ 5.326,43", grouped, comma decimals.
_REAIS = re.compile(r"([-+]?)R\$\s*([-+]?)(\d{1,3}(?:\.\d{3})*|\d+),(\d{2})")
# One mark before three digits: 1160 with its thousands grouped, or 1.160 (`_amount`).
_LONE_THOUSANDS = re.compile(r"[-+]?[1-9]\d{0,2}([.,])\d{3}")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9._]*>")
_SELF_CLOSED = re.compile(r"<([A-Z][A-Z0-9._]*)\s*/>")
# A start tag followed by another tag: not by content, CDATA (<![CDATA[), nor its own end tag.
_EMPTY = re.compile(r"<([A-Z][A-Z0-9._]*)>(?=\s*<(?!!|/\1>))")
_NESTING = "end tags closed the OFX element early"  # the lexer's reason, recognised in _tree
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
# A date some exporters write in place of the OFX form (PagSeguro's ledger balance: 30/06/2025).
_SLASHED = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_CHARSET = re.compile(r"^CHARSET:\s*(\S+)", re.MULTILINE | re.IGNORECASE)
_XML_ENCODING = re.compile(r"<\?xml[^>]*encoding=[\"']([\w.-]+)[\"']", re.IGNORECASE)
# What a non-bank OFX file holds instead of a bank statement, for the error message.
_OTHER = ("INVSTMTRS", "ACCTINFORS", "PROFRS", "SONRS", "TAX1099RS", "BILLPAYMSGSRSV1")


def _other_label(tag: str) -> str:
    """The user's word for a non-bank OFX response."""
    labels = {"INVSTMTRS": _("investment statement"), "ACCTINFORS": _("account list"),
              "PROFRS": _("profile"), "SONRS": _("sign-on response"),
              "TAX1099RS": _("tax form"), "BILLPAYMSGSRSV1": _("bill payment")}
    return labels[tag]


def identify(head: bytes) -> bool:
    """True for OFX/QFX: an OFXHEADER line, an OFX processing instruction or an <OFX> root."""
    text = head.decode("latin-1").upper()
    return "OFXHEADER" in text or "<OFX>" in text


def extract(data: bytes, *, file: str) -> list[ParsedStatement]:
    """Read every bank and credit-card statement of an OFX file."""
    # Old Macintosh exports end lines with a lone CR: counted as line ends, so errors are located.
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    starts = [m.start() for m in re.finditer("<OFX>", text, re.IGNORECASE)]
    if not starts:
        raise StatementError(file, 1, "", _("not an OFX file: there is no <OFX> element"))
    # Downloads saved one after another in one file (each with its own header): each is read
    # on its own, up to its </OFX> (the next one's header follows).
    ends = [len(text)]
    if len(starts) > 1:
        ends = [(close + len("</OFX>") if (close := text.upper().rfind("</OFX>", start, end)) >= 0
                 else end) for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]
    return [statement for start, end in zip(starts, ends, strict=True)
            for statement in _document(text, start, end, file)]


def _document(text: str, start: int, end: int, file: str) -> list[ParsedStatement]:
    """The statements of the OFX document starting at `start` (its <OFX> tag) in `text`."""
    offset = text.count("\n", 0, start)
    # Comments and declarations are blanked, not removed, so offsets keep their line numbers.
    body = _normalised(_DECLARATION.sub(_blank, _COMMENT.sub(_blank, text[start:end])))
    if "</OFX>" not in body.upper():
        raise StatementError(file, offset + 1 + body.count("\n"), "", _(
            "the OFX elements are not properly closed; the file may be truncated"))
    root = _tree(body, file, offset)
    found = [e for e in root.iter() if e.tag in _STATEMENTS]  # in document order
    if not found:
        raise _no_statement(root, file)
    where = _where(root, body, offset)
    return [_statement(element, file, where) for element in found]


def _blank(match: re.Match[str]) -> str:
    """The matched text replaced by its line ends only."""
    return "\n" * match.group(0).count("\n")


def _normalised(body: str) -> str:
    """The body with what the lexer would misread written out plainly, line ends kept.

    - Tag names in capitals where the <OFX> tag is not: SGML names are not case-sensitive
      (OFX 1.x), and the lexer reads capitals only. A body in capitals is left as it is.
    - An empty element, written without content and without an end tag (a bank's "<MEMO>"
      with nothing to say) or closed XML-style ("<MEMO/>"), is closed where it is. The lexer
      would otherwise open it as an aggregate holding every element after it: the FITID,
      NAME and account that follow would silently drop out of the transaction. Only the data
      elements ofxtools' models declare are closed so; an aggregate is never.
    """
    if not body.startswith("<OFX>"):
        body = _TAG.sub(lambda m: m.group(0).upper(), body)
    body = _SELF_CLOSED.sub(r"<\1></\1>", body)
    return _EMPTY.sub(lambda m: f"<{m[1]}></{m[1]}>" if m[1] in _data_elements() else m[0], body)


@cache
def _data_elements() -> frozenset[str]:
    """Every OFX data element (a leaf: text, no children) that ofxtools' models declare (the
    `ofxtools.models` package, loaded with its `base`, defines every message set's aggregates)."""

    def aggregates(cls: type[Aggregate]) -> Iterator[type[Aggregate]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from aggregates(sub)

    return frozenset(name.upper() for model in aggregates(Aggregate) for name in model.elements)


def _decode(data: bytes) -> str:
    """The file's text in the charset its header declares (OFX 1: CHARSET; OFX 2: XML encoding)."""
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        pass
    head = data[:1024].decode("latin-1")
    declared = _XML_ENCODING.search(head) or _CHARSET.search(head)
    if declared:
        charset = declared.group(1)
        codec = f"cp{charset}" if charset.isdigit() else charset
        try:
            return data.decode(codec)
        except (LookupError, ValueError):  # unknown, wrong, or garbled ("1252\x00") charset
            pass
    return decode(data)


class _Lexer(TreeBuilder):
    """ofxtools' lexer, with ElementTree's nesting errors raised as the lexer's own ParseError,
    which the lexer then locates. End tags that close more elements than were opened (a
    converter that closed every SGML element where the next one ended) otherwise escape it."""

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        try:
            return super().start(tag, attrs)
        except ET.ParseError as exc:  # "multiple elements on top level"
            raise ParseError(_NESTING) from exc

    def end(self, tag: str) -> ET.Element:
        try:
            return super().end(tag)
        except IndexError as exc:  # "pop from empty stack"
            raise ParseError(_NESTING) from exc


def _tree(body: str, file: str, offset: int) -> ET.Element:
    """The element tree ofxtools' lexer builds, or a located error."""
    builder = _Lexer()
    try:
        builder.feed(body)
        return builder.close()
    except ParseError as exc:
        position = re.search(r"position=\[(\d+):", str(exc))
        line = offset + 1 + (body.count("\n", 0, int(position.group(1))) if position else 0)
        reason = str(exc).split(" - ")[0]
        if reason == _NESTING:
            raise StatementError(file, line, "", _(
                "the OFX elements are not properly nested: by this line, end tags have closed "
                "the <OFX> element; check the end tags above it")) from exc
        raise StatementError(file, line, "", _(
            "the OFX markup cannot be read ({reason})", reason=reason)) from exc
    except (AssertionError, IndexError) as exc:  # ElementTree's end-tag checks
        raise StatementError(file, 0, "", _(
            "the OFX elements are not properly closed; the file may be truncated")) from exc


def _no_statement(root: ET.Element, file: str) -> StatementError:
    """The error for an OFX file without a bank statement: the bank's error, or what it holds."""
    held = [t for t in _OTHER if root.find(f".//{t}") is not None]
    # A sign-on refused (a wrong password) is the reason when the file holds nothing else.
    for wrapper in ("STMTTRNRS", "CCSTMTTRNRS") + (("SONRS",) if held == ["SONRS"] else ()):
        for status in root.iter(wrapper):
            if _text(status, "STATUS/SEVERITY") == "ERROR":
                return StatementError(file, 0, "", _(
                    "the bank sent an error instead of a statement: {message} (code {code})",
                    message=_text(status, "STATUS/MESSAGE") or "-",
                    code=_text(status, "STATUS/CODE") or "-"))
    kinds = sorted({_other_label(t) for t in held})
    return StatementError(file, 0, "", _(
        "no bank statement in this OFX file (it holds: {kinds})",
        kinds=", ".join(kinds) or _("nothing")))


def _lines(body: str, tag: str, offset: int) -> list[int]:
    """The line of every <tag> start in the body, in order."""
    found, line, counted = [], offset + 1, 0
    for match in re.finditer(f"<{tag}>", body):
        # Counted on from the previous tag: a file of many transactions is read in linear time.
        line += body.count("\n", counted, match.start())
        counted = match.start()
        found.append(line)
    return found


def _where(root: ET.Element, body: str, offset: int) -> dict[ET.Element, int]:
    """The line every statement and transaction element starts on.

    Each tag's elements, in document order, are paired with its start tags in the text. A
    transaction is paired among all the file's STMTTRN, not its statement's only: an investment
    statement's bank transactions (INVBANKTRAN) are STMTTRN too, and come before a bank
    statement's in a brokerage's file of both.
    """
    where: dict[ET.Element, int] = {}
    for tag in (*_STATEMENTS, "STMTTRN"):
        where.update(zip(root.iter(tag), _lines(body, tag, offset), strict=False))
    return where


def _text(element: ET.Element | None, path: str) -> str | None:
    """The stripped text at `path`, entities unescaped, or None when absent or empty."""
    found = None if element is None else element.find(path)
    if found is None or found.text is None:
        return None
    return html.unescape(found.text).strip() or None


def _statement(element: ET.Element, file: str, where: dict[ET.Element, int]) -> ParsedStatement:
    """One statement (STMTRS or CCSTMTRS) with its transactions and ledger balance."""
    line = where.get(element, 0)
    currency = (_text(element, "CURDEF") or _transactions_currency(element) or "").upper()
    if not currency:
        raise StatementError(file, line, "CURDEF", _("the statement has no currency (CURDEF)"))
    account_path = "BANKACCTFROM" if element.tag == "STMTRS" else "CCACCTFROM"
    # Some banks' exports leave out the account aggregate: such a statement is still read, and the
    # shared checks then ask for the account (--account) instead of refusing the file outright.
    account = _text(element, f"{account_path}/ACCTID") or ""
    found = list(element.iter("STMTTRN"))
    # Searched at any depth: SGML files that never close BANKTRANLIST (Nubank's, for one) leave
    # the lexer to nest LEDGERBAL inside it.
    balance = _ledger_balance(element, file, line)
    return ParsedStatement(
        format=name, account=account, currency=currency,
        lines=_corrected(found, [_line(t, currency, file, where.get(t, 0)) for t in found],
                         file),
        # An empty BALAMT (some Australian banks' exports) states no balance; it is not checked.
        closing_balance=(None if balance is None or _text(balance, "BALAMT") is None
                         else _amount(balance, "BALAMT", file, line, currency)),
        period_start=_date(element, "BANKTRANLIST/DTSTART", file, line, required=False),
        # A statement may list no transactions (BANKTRANLIST is optional); its ledger balance
        # still carries the date it is struck at (DTASOF, required), which then ends the period.
        period_end=_date(element, "BANKTRANLIST/DTEND", file, line, required=False)
        or _date(element, "LEDGERBAL/DTASOF", file, line, required=False),
        line=line)


def _ledger_balance(element: ET.Element, file: str, line: int) -> ET.Element | None:
    """The statement's closing ledger balance: of several (a card issuer's file of several
    billing cycles), the one struck last (DTASOF), the latest written on a tie."""
    found = list(element.iter("LEDGERBAL"))
    dated = [(_date(b, "DTASOF", file, line, required=False) or date.min, n, b)
             for n, b in enumerate(found)]
    return max(dated, key=lambda d: d[:2])[2] if dated else None


def _transactions_currency(element: ET.Element) -> str | None:
    """The one currency every transaction names (CURRENCY/CURSYM), for an empty CURDEF.

    ORIGCURRENCY is not one: it names the currency a movement was converted from, its TRNAMT
    being already in the statement's own (OFX 2.1.1, 5.2).
    """
    found = {_text(t, "CURRENCY/CURSYM") for t in element.iter("STMTTRN")}
    return found.pop() if len(found) == 1 else None


def _corrected(found: list[ET.Element], lines: list[StatementLine],
               file: str) -> list[StatementLine]:
    """The lines once the bank's corrections (CORRECTFITID, CORRECTACTION) in the file are applied.

    A correction replaces or deletes the one previously sent transaction whose FITID it names
    (OFX 2.1.1: CORRECTFITID, the FITID of the transaction this one corrects). One naming its own FITID (a REPLACE some banks write on every line) is
    simply the transaction. One naming another transaction of the file is applied to that one
    only; one naming a transaction of an earlier file cannot be, and importing it beside the
    movement it corrects would count that money twice. Where the FITID it names is not one
    transaction's (a bank that gives ids again), or a transaction is corrected twice, which
    money stands cannot be told: the file is refused at the correction, never guessed.
    """
    fitids = [_text(t, "FITID") for t in found]
    asked = [_correction(t, file, line.line) for t, line in zip(found, lines, strict=True)]
    having: dict[str, list[int]] = {}
    for index, fitid in enumerate(fitids):
        if fitid is not None:
            having.setdefault(fitid, []).append(index)
    dropped: set[int] = set()
    corrected_at: dict[int, int] = {}  # a corrected transaction's index: its correction's line
    for index, correction in enumerate(asked):
        if correction is None:
            continue
        action, target = correction
        named = [i for i in having.get(target, []) if i != index]
        if target == fitids[index] and action == "REPLACE":
            if all(asked[i] == correction for i in named):
                continue  # it names itself, as every other line with its FITID does
            named.append(index)  # or it replaces another line of its FITID: which, unknown
        line = lines[index].line
        error = _uncorrectable(action, target, named, lines, corrected_at, file, line)
        if error is not None:
            raise error
        corrected_at[named[0]] = line
        dropped.add(named[0])
        if action == "DELETE":
            dropped.add(index)
    return [line for index, line in enumerate(lines) if index not in dropped]


def _correction(t: ET.Element, file: str, line: int) -> tuple[str, str] | None:
    """A transaction's correction (its action, the FITID it corrects), or None."""
    target = _text(t, "CORRECTFITID")
    if target is None:
        return None
    action = (_text(t, "CORRECTACTION") or "REPLACE").upper()  # REPLACE when not said
    if action not in ("REPLACE", "DELETE"):
        raise StatementError(file, line, "CORRECTACTION", _(
            "'{value}' is not a correction action; expected REPLACE or DELETE", value=action))
    return action, target


def _uncorrectable(action: str, target: str, named: list[int], lines: list[StatementLine],
                   corrected_at: dict[int, int], file: str, line: int) -> StatementError | None:
    """Why a correction naming the transactions at `named` cannot be applied, or None."""
    if not named:
        return StatementError(file, line, "CORRECTFITID", _(
            "this transaction corrects ({action}) transaction {fitid}, which is not in this "
            "file; a movement imported earlier is not corrected automatically: correct it by "
            "hand and remove this transaction from the file", action=action, fitid=target))
    if len(named) > 1:
        return StatementError(file, line, "CORRECTFITID", _(
            "this transaction corrects ({action}) transaction {fitid}, but {count} transactions "
            "of this file have that FITID (lines {lines}) and which one it corrects cannot be "
            "told: correct it by hand and remove this transaction from the file",
            action=action, fitid=target, count=len(named),
            lines=", ".join(str(lines[i].line) for i in sorted(named))))
    if named[0] in corrected_at:
        return StatementError(file, line, "CORRECTFITID", _(
            "this transaction corrects ({action}) transaction {fitid}, which the transaction on "
            "line {earlier} already corrects, and which correction stands cannot be told: "
            "correct it by hand and remove both corrections from the file",
            action=action, fitid=target, earlier=corrected_at[named[0]]))
    return None


def _line(t: ET.Element, currency: str, file: str, line: int) -> StatementLine:
    """One STMTTRN: DTPOSTED, TRNAMT and FITID, with payee, memo and references."""
    # NAME holds at most 32 characters (OFX 1.6 and 2.1.1: A-32), and many banks cut a longer
    # payer's name there and go on in MEMO ("COMERCIALIZADORA DEL NORTE SA DE" + "CV PAGO
    # FACTURA 123"); as many write the remittance alone in MEMO. Whether a cut falls between
    # words or inside one ("F-12" + "345"), and where in MEMO a name would end, cannot be told
    # from the text, so no join is made: the counterparty is NAME as the bank gave it (payers'
    # names are matched without their legal form), and MEMO is always kept whole, first in the
    # remittance, where invoice numbers and references are looked for. (A join would also change
    # the fingerprint, so the key, of a line imported earlier without a FITID.)
    memo = _text(t, "MEMO")
    kind = _text(t, "TRNTYPE")
    booked = _required_date(t, "DTPOSTED", file, line)
    value_date = _date(t, "DTAVAIL", file, line, required=False)
    amount = _checked_sign(_amount(t, "TRNAMT", file, line, currency), kind, file, line)
    # Without NAME, a MEMO may name the other side as a cartola does ("TRANSF DE ...").
    # Bank of America writes an ACH entry's NACHA fields into NAME as into its CSV text
    # ("BLUE RIDGE HARDWARE DES:ACH PMT"): the company is the name before " DES:".
    written = _text(t, "PAYEE/NAME") or _text(t, "NAME")
    name_ = (counterparty(written, credit=amount > 0)[0] or written if written
             else party_in(memo, credit=amount > 0))
    remittance = join([memo, _text(t, "EXTDNAME"), _text(t, "CHECKNUM"), _text(t, "REFNUM")])
    account = _text(t, "BANKACCTTO/ACCTID") or _text(t, "CCACCTTO/ACCTID")
    return StatementLine(
        booking_date=booked, value_date=value_date, amount=amount,
        currency=(_text(t, "CURRENCY/CURSYM") or currency).upper(),
        counterparty_name=optional(name_), counterparty_account=optional(account),
        remittance=remittance, creditor_reference=rf_reference(remittance, name_),
        transaction_id=_transaction_id(t), bank_code=kind, line=line)


def _transaction_id(t: ET.Element) -> str | None:
    """The bank's id of the transaction: FITID, else the server's SRVRTID, else None.

    FITID is the transaction's id, unique per account, and required; SRVRTID is optional. It
    stands in only where FITID is absent or empty, so a line the bank gave a FITID keeps the
    dedupe key it was imported under before SRVRTID was read. (A line with a SRVRTID and no
    FITID was fingerprinted then: a file of such lines imported before reads them as new.)
    """
    return _text(t, "FITID") or _text(t, "SRVRTID")


def _checked_sign(amount: Decimal, kind: str | None, file: str, line: int) -> Decimal:
    """The amount, refused where its sign contradicts a DEBIT or CREDIT transaction type.

    TRNAMT is signed for the account holder, money out negative, whatever the type. A bank that
    writes amounts without their sign leaves a debit looking like money in, which could be
    matched as a customer's payment; the type does not say how the others are signed, so such a
    file is refused rather than signed by guess.
    """
    written = (kind or "").upper()
    if (written == "DEBIT" and amount > 0) or (written == "CREDIT" and amount < 0):
        raise StatementError(file, line, "TRNAMT", _(
            "'{value}' is the amount of a {type} but has the other sign; OFX amounts are signed "
            "for the account holder (money in positive, money out negative): the bank may have "
            "written it without its sign", value=amount, type=written))
    return amount


def _amount(element: ET.Element, tag: str, file: str, line: int, currency: str) -> Decimal:
    """An OFX amount (a point or a comma for decimals), exactly as written.

    OFX writes amounts without thousands grouping, the fraction after a point or a comma (OFX
    1.6 and 2.1.1, 3.2.9.1). A point is read as that decimal point, decimals that are zeros
    beyond the currency's ("-30.000" USD, Bank of America's; "-3.77000") being the same money;
    others are refused as too precise by the shared checks ("100.125" MXN). A comma before
    exactly three digits ("1,160") is refused in a currency of fewer than three decimals: it is
    what the exporters that break the rule group thousands with ("1,234.56", read below), and
    read as decimals it would be a thousand times too small without a word ("1,230" would be
    1.23). So is a point before three digits in a currency without decimals ("15.000" CLP): a
    peso amount has no fraction to write, and Chilean exporters group thousands with points."""
    value = _text(element, tag)
    if value is None:
        raise StatementError(file, line, tag, _("missing value; expected an amount"))
    lone = _LONE_THOUSANDS.fullmatch(value)
    places = exponent(currency) if is_currency(currency) else 0
    if lone and places < 3 and (lone.group(1) == "," or places == 0):
        raise StatementError(file, line, tag, _(
            "'{value}' may be {whole} with its thousands grouped or {decimal}; expected the "
            "amount with its decimals, such as 1160.00", value=value,
            whole=re.sub(r"[.,]", "", value), decimal=value.replace(",", ".")))
    reais = _REAIS.fullmatch(value)
    if reais:
        sign = reais.group(1) or reais.group(2)
        return Decimal(f"{sign}{reais.group(3).replace('.', '')}.{reais.group(4)}")
    grouped = _GROUPED.fullmatch(value)
    if grouped and grouped.group(3) != grouped.group(4):
        whole = grouped.group(2).replace(grouped.group(3), "")
        return Decimal(f"{grouped.group(1)}{whole}.{grouped.group(5)}")
    if not _AMOUNT.fullmatch(value):
        raise StatementError(file, line, tag, _(
            "'{value}' is not an amount; expected a number such as 1234.50", value=value))
    return Decimal(value.replace(",", "."))


def _required_date(element: ET.Element, tag: str, file: str, line: int) -> date:
    """A date the transaction must have."""
    found = _date(element, tag, file, line, required=True)
    assert found is not None  # required=True raises instead
    return found


def _date(element: ET.Element, tag: str, file: str, line: int, *, required: bool) -> date | None:
    """The calendar date an OFX datetime (YYYYMMDD[HHMMSS[.XXX][TZ]]) is written for."""
    value = _text(element, tag)
    field = tag.rsplit("/", 1)[-1]
    if value is None:
        if required:
            raise StatementError(file, line, field, _("missing value; expected a date (YYYYMMDD)"))
        return None
    match = _DATE.match(value)
    try:
        if match is None:
            return _slashed(value, file, line, field)
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise StatementError(file, line, field, _(
            "'{value}' is not a date; expected YYYYMMDD", value=clean(value))) from exc


def _slashed(value: str, file: str, line: int, field: str) -> date:
    """A date written with slashes instead of as OFX's YYYYMMDD, read where only one reading
    is a date (30/06/2025 is day first, 06/30/2025 month first); where both are and differ
    (01/06/2025) it is refused, never guessed. ValueError: not such a date."""
    match = _SLASHED.match(value)
    if match is None:
        raise ValueError(value)
    first, second, year = (int(part) for part in match.groups())
    readings = set()
    for day, month in ((first, second), (second, first)):
        try:
            readings.add(date(year, month, day))
        except ValueError:
            continue
    if len(readings) > 1:
        raise StatementError(file, line, field, _(
            "'{value}' may be day/month/year or month/day/year; expected YYYYMMDD",
            value=clean(value)))
    if not readings:
        raise ValueError(value)
    return readings.pop()
