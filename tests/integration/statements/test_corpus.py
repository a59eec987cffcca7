"""The shared corpus of real bank files: every one is read fully or refused with a clear error.

Files whose names say invalid, error, wrong, garbled, bad, broken or attack must be refused. The
others must read, except where their stated balances, or an MT942 report's stated totals of
debits and credits (:90D:/:90C:), do not add up (refused, saying by how much and where: several
projects' samples carry placeholder figures) or where they are not a statement
at all or a sample cut off or malformed on purpose (listed below with the reason and the words
of the refusal). Formats whose reader is not installed are skipped. Messages are read in
English, whatever the environment's language.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from cobranza.core.money import exponent
from cobranza.db import make_engine, unit_of_work
from cobranza.i18n import language
from cobranza.organisations.service import current
from cobranza.statements.checks import check_statement
from cobranza.statements.detect import load, read_statements
from cobranza.statements.model import ParsedStatement, StatementError
from cobranza.statements.service import import_statement
from tests.support import ok

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
FOLDERS = {"camt": "camt", "mt940": "mt940", "ofx": "ofx", "bai2": "bai2", "spei_cep": "cep"}
SIDECARS = {".json", ".yml", ".yaml", ".pydata", ".zip", ".md"}
BAD_NAME = re.compile(r"invalid|error|wrong|garbled|bad|broken|attack", re.IGNORECASE)
ACCOUNT = "CORPUS-ACCOUNT"  # for receipts that name no account of ours, as --account would
_FRAGMENT = "not a bank statement format cobranza reads"
# What a statement states that its movements must add up to: the balances, an MT942's totals
# (wolph/mt940's self-provided/mt942.sta states debits of 2.30 for its one movement of 0.42;
# its .yml reads the movement, as we do, and the import refuses it saying by how much). A
# balance the movements miss is located at the closing balance, named as the format names it.
STATED_FIGURES = ("balance", ":90D:", ":90C:", ":62F:", ":62M:", ":62:", "Bal/Amt", "03/015")
_NOT_BANK_OFX = "no bank statement in this OFX file"
# Files that are not what their folder holds, and the refusal that says so.
NOT_STATEMENTS = {
    "camt/moov-io/test__testdata__valid_camt_v09.xml": "camt.055 is not an account statement",
    # One or two MT940 tags cut from other parsers' unit tests: no :20:, :25: nor balances.
    "mt940/cmxl/mt940_tests__cmxl__account_balance_credit.sta": _FRAGMENT,  # a lone :60F:
    "mt940/cmxl/mt940_tests__cmxl__account_balance_debit.sta": _FRAGMENT,  # a lone :60F:
    "mt940/cmxl/mt940_tests__cmxl__account_identification_iban.sta": _FRAGMENT,  # a lone :25:
    "mt940/cmxl/mt940_tests__cmxl__account_identification_legacy.sta": _FRAGMENT,  # a lone :25:
    "mt940/cmxl/mt940_tests__cmxl__available_balance.sta": _FRAGMENT,  # a lone :64:
    "mt940/cmxl/mt940_tests__cmxl__closing_balance.sta": _FRAGMENT,  # a lone :62F:
    "mt940/cmxl/mt940_tests__cmxl__reference.sta": _FRAGMENT,  # a lone :20:
    "mt940/betterplace/mt940_tests__betterplace__empty_86.sta": _FRAGMENT,  # a lone :86:
    "mt940/betterplace/mt940_tests__betterplace__empty_entry_date.sta": _FRAGMENT,  # a lone :61:
    "mt940/betterplace/mt940_tests__betterplace__missing_crlf_at_end.sta": _FRAGMENT,  # :62F:
    "mt940/self-provided/mt940_tests__self-provided__empty_non_swift.sta": _FRAGMENT,  # ":NS:"
    "mt940/self-provided/mt940_tests__self-provided__sparkassen.sta": _FRAGMENT,  # :61: + :86:
    # Two :20:/:25: headers and nothing else: no balance, no movement.
    "mt940/self-provided/mt940_tests__self-provided__account_identification.sta":
        "the statement has no opening balance",
    # OFX responses that hold no bank or credit-card statement.
    "ofx/ofxparse/tests__fixtures__account_listing_aggregation.ofx": _NOT_BANK_OFX,
    "ofx/ofxparse/tests__fixtures__bank_small.ofx": _NOT_BANK_OFX,  # <OFX></OFX>
    "ofx/ofxparse/tests__fixtures__fidelity.ofx": _NOT_BANK_OFX,  # investments
    "ofx/ofxparse/tests__fixtures__investment_medium.ofx": _NOT_BANK_OFX,
    "ofx/ofxparse/tests__fixtures__vanguard.ofx": _NOT_BANK_OFX,
    "ofx/ofxparse/tests__fixtures__vanguard401k.ofx": _NOT_BANK_OFX,
    "ofx/ofxparse/tests__fixtures__signon_success.ofx": _NOT_BANK_OFX,
    "ofx/ofxparse/tests__fixtures__signon_success_no_message.ofx": _NOT_BANK_OFX,
    "ofx/ofxtools/tests__data__profrs.ofx": _NOT_BANK_OFX,  # a profile response
}
# Samples cut off or malformed on purpose (ofxparse's fail_nice/ is its error-handling suite):
# refused saying what is wrong and on which line.
DEFECTIVE = {
    "mt940/self-provided/mt940_tests__self-provided__gv_codes.sta":
        "the statement has no closing balance",  # ends after a :61:
    "mt940/self-provided/mt940_tests__self-provided__multiline.sta":
        "a movement after the closing balance",  # a :61: after the statement's "-"
    "mt940/self-provided/mt940_tests__self-provided__raphaelm.sta":
        "is not a balance",  # :62M:C020315105000,00 has no currency
    "ofx/ofxparse/tests__fixtures__fail_nice__date_missing.ofx":
        "expected a date",  # a STMTTRN without DTPOSTED
}
# (fail_nice__empty_balance.ofx reads: an empty <BALAMT> states no balance, as some banks'
# exports leave it, and an OFX ledger balance is never checked against an opening one.)
# Valid files the reader's library cannot read, refused saying so (as tests/unit/statements pin).
# (None left: the BAI2 specification's example, bai2/moov-io/test__testdata__sample2.txt, leaves
# an S detail's immediate availability blank; the reader now writes it as 0 and reads the file.)
LIBRARY_LIMITS: dict[str, str] = {}
# Read wrongly, by a cause outside the readers: strict, so a fix makes these fail until removed.
KNOWN_WRONG: dict[str, str] = {}
# Sample data whose entries are in another currency than the account they are booked on.
INCONSISTENT = {
    "camt/genkgo/test__data__camt053.v2.with-account-name.xml": "a movement in EUR on a JPY",
    "camt/pyiso20022/example_files__gs_camt__camt053_001_02.xml": "a movement in EUR on a USD",
}


def _files() -> list[object]:
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"corpus not found at {CORPUS} (a clone without ../shared/corpus)"))]
    found = sorted(path for folder in FOLDERS for path in (CORPUS / folder).rglob("*")
                   if path.is_file() and path.suffix.lower() not in SIDECARS)
    return [pytest.param(path, id=_name(path), marks=[pytest.mark.xfail(
                strict=True, reason=KNOWN_WRONG[_name(path)])] if _name(path) in KNOWN_WRONG else [])
            for path in found]


def _name(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def _read(path: Path) -> tuple[list[ParsedStatement], list[StatementError]]:
    """Read and check a file as the import does, without a database."""
    name = _name(path)
    reader = FOLDERS[path.relative_to(CORPUS).parts[0]]
    if load(reader) is None:
        pytest.skip(f"the {reader} reader is not installed")
    with language("en"):
        try:
            statements = read_statements(path.read_bytes(), file=name)
        except StatementError as error:
            return [], [error]
        for statement in statements:
            if not statement.account:
                statement.account = ACCOUNT
        return statements, [e for s in statements for e in check_statement(s, file=name)]


@pytest.mark.parametrize("path", _files())
def test_every_corpus_file_is_read_fully_or_refused_clearly(path: Path) -> None:
    name = _name(path)
    statements, errors = _read(path)
    if BAD_NAME.search(path.name):
        assert errors, f"{name} should have been refused"
        assert all(e.file == name and e.message for e in errors)
        return
    if name in NOT_STATEMENTS or name in INCONSISTENT or name in LIBRARY_LIMITS:
        expected = NOT_STATEMENTS.get(name) or INCONSISTENT.get(name) or LIBRARY_LIMITS[name]
        assert any(expected in e.message for e in errors), errors
        return
    if name in DEFECTIVE:
        assert any(DEFECTIVE[name] in e.message and e.line for e in errors), errors
        return
    for error in errors:
        assert error.field in STATED_FIGURES, f"{name} refused: {error}"
        assert error.field == "balance" or (error.line and "differ by" in error.message), error
    for statement in statements:
        _assert_balances_checked(statement, errors)
        for line in statement.lines:
            assert isinstance(line.amount, Decimal) and line.currency and line.booking_date


def test_the_tables_name_files_of_the_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    tables = [NOT_STATEMENTS, INCONSISTENT, LIBRARY_LIMITS, DEFECTIVE, KNOWN_WRONG]
    missing = [name for table in tables for name in table if not (CORPUS / name).is_file()]
    assert not missing


def _assert_balances_checked(statement: ParsedStatement, errors: list[StatementError]) -> None:
    """Stated balances add up, or the file was refused saying by how much."""
    if statement.opening_balance is None or statement.closing_balance is None:
        return
    moved = sum((line.amount for line in statement.lines), Decimal(0))
    difference = statement.closing_balance - statement.opening_balance - moved
    if difference:
        assert any(f"differ by {difference}" in e.message for e in errors), errors


def _genkgo_pairs() -> list[object]:
    folder = CORPUS / "camt" / "genkgo"
    pairs = sorted(p for p in folder.glob("*.xml") if p.with_suffix(".json").exists()) \
        if folder.is_dir() else []
    return [pytest.param(p, id=p.name) for p in pairs] or [pytest.param(None, marks=
            pytest.mark.skip(reason="corpus not found"))]


@pytest.mark.parametrize("path", _genkgo_pairs())
def test_camt_amounts_match_the_genkgo_reading(path: Path) -> None:
    """Another project's parse of the same file: booked entries, signed, in the same total."""
    expected = json.loads(path.with_suffix(".json").read_text())
    booked = [e for e in expected["getEntries"] if (e.get("getStatus") or "BOOK") == "BOOK"]
    total = sum((Decimal(e["getAmount"]["getAmount"]).scaleb(
        -exponent(e["getAmount"]["getCurrency"]["getCode"])) for e in booked), Decimal(0))
    statements = read_statements(path.read_bytes(), file=path.name)
    if len(statements) > 1:
        pytest.skip("genkgo's message-level entries hold one statement of several")
    lines = [line for s in statements for line in s.lines]
    assert sum((line.amount for line in lines), Decimal(0)) == total
    assert len(lines) >= len(booked)  # a batch entry may be split into its transactions


def _cep_notes() -> dict[str, dict[str, str]]:
    sources = CORPUS / "spei_cep" / "SOURCES.md"
    notes: dict[str, dict[str, str]] = {}
    if sources.exists():
        for row in sources.read_text().splitlines():
            cells = [c.strip(" `") for c in row.split("|")]
            if len(cells) > 6 and cells[1].endswith(".xml"):
                note = re.match(r"claveRastreo=(\S+) Concepto=(.*) Monto=(\S+)", cells[6])
                if note:
                    notes[cells[1]] = {"trace": note[1], "concept": note[2], "amount": note[3]}
    return notes


def test_cep_receipts_say_what_their_sources_note_says() -> None:
    notes = _cep_notes()
    if not notes:
        pytest.skip(f"corpus not found at {CORPUS}")
    for file, note in notes.items():
        [statement] = read_statements((CORPUS / "spei_cep" / file).read_bytes(), file=file)
        [line] = statement.lines
        assert (line.spei_reference, line.remittance, line.amount) == (
            note["trace"], note["concept"], Decimal(note["amount"])), file


def test_the_readable_corpus_imports_once_however_often_it_is_imported(tmp_path: Path) -> None:
    """Every file that reads is imported into one ledger, twice: the second time adds nothing."""
    readable = [p.values[0] for p in _files() if p.values[0] is not None]  # type: ignore[attr-defined]
    if not readable:
        pytest.skip(f"corpus not found at {CORPUS}")
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    ok(db, "init", "--country", "MX")
    engine = make_engine(db)
    totals = []
    for _round in range(2):
        new = 0
        with unit_of_work(engine) as session:
            org = current(session)
            for path in readable:
                outcome = import_statement(session, org_id=org.id, data=path.read_bytes(),
                                           file=_name(path), now=_NOW, account=None)
                new += outcome.lines_new
        totals.append(new)
    engine.dispose()
    assert totals[0] > 0 and totals[1] == 0


_NOW = __import__("datetime").datetime(2026, 4, 1, tzinfo=__import__("datetime").UTC)
