"""Corpus files read as the projects they come from expect: the golden readings beside them.

Several corpus files come with their originating project's own expected reading:

- wolph/mt940's `.yml` (its `Transactions` object pickled as YAML, python/object tags),
- genkgo/camt's `.json` (its PHP model dumped getter by getter),
- OCA's `golden-*.pydata` (a Python literal of what Odoo imports from `test-*`).

Each is turned into one neutral expectation (the movements with their signed amount, currency,
booking and value dates and the references used for matching, and the stated balances) and
compared with our reading on those fields only: what our model does not hold (addresses, bank
transaction codes, available and interim balances) is left out. Where a project's expectation
follows its own convention, its adapter below says so and reads it our way.
"""

from __future__ import annotations

import ast
import base64
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import EllipsisType
from typing import Any

import pytest
import yaml

from cobranza.core.money import exponent
from cobranza.i18n import language
from cobranza.statements.detect import read_statements
from cobranza.statements.model import ParsedStatement, StatementError
from tests.integration.statements.test_corpus import (
    BAD_NAME,
    CORPUS,
    DEFECTIVE,
    FOLDERS,
    NOT_STATEMENTS,
)

_SUFFIXES = {".yml", ".json", ".pydata"}
# Sidecars that hold no expected reading of a statement, and why.
NOT_EXPECTATIONS = {
    # moov-io/iso20022 dumps its Go structs: a camt.055 cancellation request states no movement
    # and no balance (our reader refuses the XML, as test_corpus.py checks).
    "camt/moov-io/test__testdata__valid_camt_v09.json": "a camt.055 request, not a statement",
    # MT940 text in YAML: the input of wolph/mt940's details test, with no statement beside it.
    "mt940/self-provided/mt940_tests__self-provided__transaction_details.yml":
        "the input of a test, not an expected reading",
}
# OCA names the one transaction's AcctSvcrRef; we keep the entry's own (Ntry/AcctSvcrRef), the
# booking's id, which stays the same when a camt.053 books what a camt.054 notified.
OCA_ENTRY_REFERENCES = {("camt/oca/account_statement_import_camt__test_files__test-camt054",
                         "15180015077602405"): "98888208N8"}


@dataclass(frozen=True)
class Movement:
    """One movement as a sidecar states it: `...` where it does not say (None: there is none)."""

    amount: Decimal
    currency: str | EllipsisType = ...
    booked: date | None | EllipsisType = ...
    valued: date | None | EllipsisType = ...
    transaction_id: str | None | EllipsisType = ...
    end_to_end_id: str | None | EllipsisType = ...
    creditor_reference: str | None | EllipsisType = ...


@dataclass(frozen=True)
class Expected:
    """A file's expected reading: every movement in order, and the stated balances."""

    movements: tuple[Movement, ...]
    # One amount of each group must be the opening (closing) balance of a statement we read.
    openings: tuple[tuple[Decimal, ...], ...] = ()
    closings: tuple[tuple[Decimal, ...], ...] = ()
    statement: str | None = None  # the sidecar describes only our statement with this id


def _sidecars() -> list[object]:
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"corpus not found at {CORPUS} (a clone without ../shared/corpus)"))]
    found = sorted(path for folder in FOLDERS for path in (CORPUS / folder).rglob("*")
                   if path.is_file() and path.suffix in _SUFFIXES)
    return [pytest.param(path, id=_name(path)) for path in found]


def _name(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def _statement_file(sidecar: Path) -> Path | None:
    if sidecar.suffix == ".pydata":  # golden-X.pydata describes test-X
        path = sidecar.with_name(sidecar.stem.replace("__golden-", "__test-"))
        return path if path.exists() else None
    return next((p for p in (sidecar.with_suffix(s) for s in (".sta", ".txt", ".xml"))
                 if p.exists()), None)


@pytest.mark.parametrize("sidecar", _sidecars())
def test_our_reading_is_what_the_originating_project_expects(sidecar: Path) -> None:
    name = _name(sidecar)
    if name in NOT_EXPECTATIONS:
        pytest.skip(NOT_EXPECTATIONS[name])
    path = _statement_file(sidecar)
    assert path is not None, f"{name}: no statement file beside it"
    file = _name(path)
    with language("en"):
        try:
            statements = read_statements(path.read_bytes(), file=file)
        except StatementError as error:
            # Fragments and damaged samples refused on purpose (test_corpus.py says why each
            # is); their project reads what it can of them.
            refused = NOT_STATEMENTS.get(file) or DEFECTIVE.get(file)
            assert refused or BAD_NAME.search(path.name), f"{file} refused: {error}"
            assert refused is None or refused in error.message, error
            return
    expected = _EXPECTATIONS[sidecar.suffix](sidecar, file)
    assert _differences(statements, expected) == [], file


def test_the_tables_name_files_of_the_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    named = [*NOT_EXPECTATIONS, *(file for file, _reference in OCA_ENTRY_REFERENCES)]
    assert [name for name in named if not (CORPUS / name).is_file()] == []


def _differences(statements: list[ParsedStatement], expected: Expected) -> list[str]:
    """What our reading says otherwise than the sidecar, one message per field."""
    if expected.statement is not None:
        statements = [s for s in statements if s.statement_ref == expected.statement]
        if not statements:
            return [f"no statement {expected.statement} read"]
    lines = [line for s in statements for line in s.lines]
    found = []
    if len(lines) != len(expected.movements):
        found.append(f"{len(lines)} movements read, {len(expected.movements)} expected")
    for index, (line, wanted) in enumerate(zip(lines, expected.movements, strict=False)):
        ours = {"amount": line.amount, "currency": line.currency, "booked": line.booking_date,
                "valued": line.value_date, "transaction_id": line.transaction_id,
                "end_to_end_id": line.end_to_end_id,
                "creditor_reference": line.creditor_reference}
        for field, value in ours.items():
            theirs = getattr(wanted, field)
            if theirs is not ... and not _same(field, theirs, value, line.remittance):
                found.append(f"movement {index + 1} (line {line.line}) {field}: "
                             f"read {value!r}, expected {theirs!r}")
    for kind, groups, read in (
            ("opening", expected.openings, {s.opening_balance for s in statements}),
            ("closing", expected.closings, {s.closing_balance for s in statements})):
        found += [f"{kind} balance: read {read}, expected one of {group}"
                  for group in groups if not read & set(group)]
    return found


def _same(field: str, theirs: object, value: object, remittance: str) -> bool:
    """Our value is theirs, or (an end-to-end id) theirs run on into words of our remittance."""
    if theirs == value:
        return True
    # wolph/mt940 runs an EREF+ id on into the next ?2x line's words where the id's own line
    # ends short ("TFNR 40005 00005" + "MTLG:Grund ..."): we read those words as the payer's.
    return (field == "end_to_end_id" and isinstance(theirs, str) and isinstance(value, str)
            and theirs.startswith(value) and theirs[len(value):].strip() in remittance)


# wolph/mt940 -------------------------------------------------------------------------------------

class _WolphLoader(yaml.SafeLoader):
    """Reads the mt940 library's pickled-object YAML as plain data, constructing nothing."""


def _wolph_object(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        args = loader.construct_sequence(node, deep=True)
        if suffix.endswith("Decimal"):
            return Decimal(args[0])
        if suffix.endswith(("models.Date", "models.DateTime")):  # pickled: year (2 bytes), m, d
            raw = args[0] if isinstance(args[0], bytes) else base64.b64decode(args[0])
            return date(raw[0] * 256 + raw[1], raw[2], raw[3])
        return args
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_WolphLoader.add_multi_constructor("tag:yaml.org,2002:python/", _wolph_object)
_OPENINGS = ("final_opening_balance", "intermediate_opening_balance", "opening_balance")
_CLOSINGS = ("final_closing_balance", "intermediate_closing_balance", "closing_balance")
# What says there is no reference (as the MT940 reader's _PLACEHOLDERS).
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED", "NOT PROVIDED"}


def _from_wolph(sidecar: Path, file: str) -> Expected:
    """wolph/mt940's reading: one `Transactions` for the whole file, however many statements.

    Its `data` keeps each kind of balance once (a later statement's overwrites an earlier
    one's), so each balance it states must be one of our statements'. Its own conventions,
    read our way:
    - a reversal of a credit (RC) keeps a positive amount; it takes money out, so it is
      negative (as the library's later versions read it, and as the balances add up);
    - `entry_date` takes the value date's year even across New Year; `guessed_entry_date`
      is the booking date it means;
    - a :61: without an entry date has no booking date (we book it on its value date);
    - EREF+ is read only from German ?NN details (we read /EREF/ fields too), and runs on
      into the next ?2x line's words where its own line ends short (`_same`);
    - free words where the bank reference goes (no digit) are no id: we keep them in the
      remittance, so a movement is not one payment with another that says the same words.
    """
    # Each transaction points back at its collection (an anchor cycle): drop the back-references.
    text = re.sub(r"(?m)^\s+transactions: \*id\d+$", "", sidecar.read_text(encoding="utf-8"))
    data = yaml.load(text, Loader=_WolphLoader)  # noqa: S506 (a SafeLoader: builds no object)
    movements = []
    for transaction in data.get("transactions") or []:
        tx = transaction["data"]
        amount = tx["amount"]["amount"]
        reference = (tx.get("bank_reference") or "").strip()
        movements.append(Movement(
            amount=-abs(amount) if tx["status"] == "RC" else amount,
            currency=tx["amount"]["currency"], valued=tx["date"],
            booked=tx.get("guessed_entry_date") or tx.get("entry_date") or ...,
            transaction_id=reference if re.search(r"\d", reference) else None,
            end_to_end_id=(_stated(tx["end_to_end_reference"])
                           if "end_to_end_reference" in tx else ...)))
    balances = data.get("data") or {}
    return Expected(
        movements=tuple(movements),
        openings=tuple((balances[k]["amount"]["amount"],) for k in _OPENINGS if k in balances),
        closings=tuple((balances[k]["amount"]["amount"],) for k in _CLOSINGS if k in balances))


def _stated(reference: str | None) -> str | None:
    value = (reference or "").strip()
    return None if value.upper() in _NO_REFERENCE else value


# genkgo/camt -------------------------------------------------------------------------------------

def _from_genkgo(sidecar: Path, file: str) -> Expected:
    """genkgo/camt's reading, as its test suite dumps it with its `Dumper`.

    The dumper writes an object it has already seen as "__RECURSIVITY__", by PHP object id,
    and PHP reuses the ids of freed objects: a second record or a later transaction detail
    may be lost that way. What it keeps: `getEntries`, the entries of the message's last
    record (only the last statement's of a multi-statement file), each entry's record with its
    balances, and the first transaction detail as `getTransactionDetail`. Its conventions,
    read our way:
    - amounts are integer minor units (`Money`), signed by the debit/credit indicator;
    - dates are turned to UTC before they are written; the corpus's times are daytime, so the
      UTC day is the day the bank wrote;
    - pending entries (PDNG) are entries; we do not book them;
    - OPBD and PRCD are both "opening" (we take OPBD) and ITBD "interim" (no closing);
    - an entry without a booking date has none (we book it when its report was made).
    """
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    entries = [e for e in data.get("getEntries") or [] if isinstance(e, dict)]
    record = entries[0]["getRecord"] if entries else data["getRecords"][0]
    balances = [b for b in record.get("getBalances") or [] if isinstance(b, dict)]
    openings = tuple(_money(b["getAmount"]) for b in balances if b["getType"] == "opening")
    closings = tuple(_money(b["getAmount"]) for b in balances if b["getType"] == "closing")
    return Expected(
        movements=tuple(m for e in entries if (e.get("getStatus") or "BOOK") == "BOOK"
                        for m in _genkgo_entry(e)),
        openings=(openings,) if openings else (), closings=(closings,) if closings else (),
        statement=record["getId"])


def _genkgo_entry(entry: dict[str, Any]) -> list[Movement]:
    """The line(s) of one entry, by camt_tx.py's rule: one per detail when they split it."""
    currency = entry["getAmount"]["getCurrency"]["getCode"]
    first = entry.get("getTransactionDetail")  # the first of getTransactionDetails
    details = [first, *(entry.get("getTransactionDetails") or [])[1:]] if first else []
    lost = not all(isinstance(d, dict) for d in details)
    booked = _day(entry.get("getBookingDate"))
    whole = Movement(amount=_money(entry["getAmount"]), currency=currency,
                     booked=booked or ..., valued=_day(entry.get("getValueDate")),
                     transaction_id=_reference(entry.get("getAccountServicerReference")))
    parts = [d.get("getAmount") if isinstance(d, dict) else None for d in details]
    if len(details) > 1 and all(p and p["getCurrency"]["getCode"] == currency for p in parts) \
            and sum(_money(p) for p in parts if p) == whole.amount:
        return [Movement(amount=_money(p), currency=currency, booked=whole.booked,
                         valued=whole.valued, transaction_id=_part_id(d, whole, n))
                for n, (p, d) in enumerate(zip(parts, details, strict=True)) if p]
    if lost:
        return [Movement(amount=whole.amount, currency=currency, booked=whole.booked,
                         valued=whole.valued)]
    if len(details) != 1:  # no details, or a batch of one line naming no one detail's refs
        return [Movement(amount=whole.amount, currency=currency, booked=whole.booked,
                         valued=whole.valued, transaction_id=whole.transaction_id,
                         end_to_end_id=None, creditor_reference=None)]
    refs = details[0].get("getReference") or {}
    creditor = ((details[0].get("getRemittanceInformation") or {})
                .get("getCreditorReferenceInformation") or {})
    # An entry without its own reference is known by its one transaction's, else by the
    # payment's interbank id (TxId, then UETR).
    own = whole.transaction_id or _reference(refs.get("getAccountServicerReference")) or (
        _interbank(refs))
    return [Movement(amount=whole.amount, currency=currency, booked=whole.booked,
                     valued=whole.valued, transaction_id=own,
                     end_to_end_id=_reference(refs.get("getEndToEndId")),
                     creditor_reference=_reference(creditor.get("getRef")))]


def _part_id(detail: dict[str, Any], whole: Movement, index: int) -> str | None:
    # Our convention: a part without its own AcctSvcrRef is known by the entry's, numbered.
    refs = detail.get("getReference") or {}
    own = _reference(refs.get("getAccountServicerReference"))
    return own or (f"{whole.transaction_id}/{index + 1}" if whole.transaction_id else None) or (
        _interbank(refs))


def _interbank(refs: dict[str, Any]) -> str | None:
    return _reference(refs.get("getTransactionId")) or _reference(
        refs.get("getUuidEndToEndReference"))


def _money(money: dict[str, Any]) -> Decimal:
    return Decimal(money["getAmount"]).scaleb(-exponent(money["getCurrency"]["getCode"]))


def _day(value: dict[str, str] | None) -> date | None:
    return datetime.fromisoformat(value["0"]).date() if value else None


def _reference(value: str | None) -> str | None:
    # What says there is none (as camt_tx.py's _NOT_PROVIDED).
    return None if value is None or value.upper() in {"NOTPROVIDED", "NONREF", "NONE",
                                                      "NA"} else value


# OCA bank-statement-import -----------------------------------------------------------------------

_NARRATION = {"transaction_id": "Account Servicer Reference (Refs/AcctSvcrRef)",
              "end_to_end_id": "End To End Id (Refs/EndToEndId)",
              "creditor_reference": "Structured Reference (RmtInf/Strd/CdtrRefInf/Ref)"}


def _from_oca(sidecar: Path, file: str) -> Expected:
    """OCA's golden values: (currency, account, [statement values with their transactions]).

    Its conventions, read our way:
    - amounts and balances are floats (Odoo's); with no more than the currency's decimals,
      their shortest repr is the decimal the file states;
    - the references are in the narration it composes, one "Label (XML path): value" a line,
      and a reference the file does not give has no line;
    - a camt.054 notification states no balance, and Odoo writes 0.0 for both: a pair of
      zeros that its movements do not add up to is no balance.
    """
    # A literal, read as one: ast.literal_eval evaluates no name, call or operator.
    currency, _account, statements = ast.literal_eval(sidecar.read_text(encoding="utf-8"))
    movements, openings, closings = [], [], []
    for statement in statements:
        found = [_oca_movement(tx, currency, file) for tx in statement["transactions"]]
        movements += found
        start, end = (Decimal(repr(statement[k])) for k in ("balance_start", "balance_end_real"))
        if start or end or not sum(m.amount for m in found):
            openings.append((start,))
            closings.append((end,))
    return Expected(movements=tuple(movements), openings=tuple(openings),
                    closings=tuple(closings))


def _oca_movement(tx: dict[str, Any], currency: str, file: str) -> Movement:
    said = dict(line.split(": ", 1) for line in tx["narration"].splitlines() if ": " in line)
    refs = {field: said.get(label) or None for field, label in _NARRATION.items()}
    bank_id = refs["transaction_id"] or ""
    refs["transaction_id"] = OCA_ENTRY_REFERENCES.get((file, bank_id), refs["transaction_id"])
    return Movement(amount=Decimal(repr(tx["amount"])), currency=currency,
                    booked=date.fromisoformat(tx["date"]), **refs)


_EXPECTATIONS = {".yml": _from_wolph, ".json": _from_genkgo, ".pydata": _from_oca}
