"""Importing statements: each bank transaction once, and a bad file changes nothing."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from cobranza.db import _alembic_config, make_engine, unit_of_work
from cobranza.models.base import day_number
from cobranza.organisations.service import current
from cobranza.statements.service import import_statement
from tests.support import cli, ok
from tests.unit.statements.test_bai2 import REPORT
from tests.unit.statements.test_camt import TX, balance, document, entry
from tests.unit.statements.test_cep import receipt
from tests.unit.statements.test_xlsx import CARTOLA

TABLES = ("bank_statements", "bank_transactions")


@pytest.fixture
def db(db_url: str) -> str:
    ok(db_url, "init", "--country", "MX")
    return db_url


def rows(db: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(db)
    with engine.connect() as conn:
        found = [tuple(row) for row in conn.execute(text(sql)).all()]
    engine.dispose()
    return found


def digest(db: str) -> str:
    return hashlib.sha256(repr([rows(db, f"SELECT * FROM {t} ORDER BY id") for t in TABLES])
                          .encode()).hexdigest()


def downgrade(db: str, revision: str) -> None:
    """The database's schema taken back to an earlier migration (`cobranza init` upgrades)."""
    engine = make_engine(db)
    command.downgrade(_alembic_config(engine), revision)
    engine.dispose()


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def march(*entries: str, opening: str = "1000.00", closing: str | None = None) -> bytes:
    moved = sum(Decimal(e.split('">')[1].split("<")[0]) * (-1 if "DBIT" in e else 1)
                for e in entries)
    closing = closing or str(moved + Decimal(opening))
    return document("".join(entries), balances=balance("OPBD", opening)
                    + balance("CLBD", f"{Decimal(closing):.2f}"))


def test_a_statement_imports_its_lines_once(tmp_path: Path, db: str) -> None:
    data = march(entry("1160.00", details=TX.format(amount="")),
                 entry("200.00", "DBIT", ref="REF-2"))
    path = write(tmp_path / "march.xml", data)
    first = ok(db, "import", "statement", path)
    assert "MX00TEST (MXN) 2026-03-02..2026-03-31: 2 new, 0 already imported." in first.stdout
    stored = rows(db, "SELECT amount, currency, counterparty_name, counterparty_tax_id, "
                      "creditor_reference, transaction_id, status FROM bank_transactions "
                      "ORDER BY amount")
    assert stored == [(-20000, "MXN", None, None, None, "REF-2", "new"),
                      (116000, "MXN", "Abarrotes La Esperanza", "AES970101AB1",
                       "RF18539007547034", "REF-1", "new")]
    assert rows(db, "SELECT opening_balance, closing_balance, lines_new, lines_known, format "
                    "FROM bank_statements") == [(100000, 196000, 2, 0, "camt")]
    before = digest(db)
    again = ok(db, "import", "statement", path)
    assert "0 new, 2 already imported." in again.stdout
    assert digest(db) == before  # not even a second statement row


def test_an_opening_balance_dated_after_the_movements_leaves_the_period_theirs(
        tmp_path: Path, db: str) -> None:
    # Zenith Bank dates :60F: the day the statement is made, after its movements and :62F:.
    data = (b":20:202012182126594\n:25:1014365930\n:28C:1/1\n:60F:C201218NGN6213,05\n"
            b":61:2011301130CN220000,00//19239782213\n:86:TRANSFER-PAYROLL\n"
            b":61:2011271127DN240,23//19245574932\n:86:Acct Maint. Fee + VAT\n"
            b":62F:C201130NGN225972,82\n-\n")
    result = ok(db, "import", "statement", write(tmp_path / "zenith.sta", data))
    assert "1014365930 (NGN) 2020-11-27..2020-11-30: 2 new" in result.stdout
    assert rows(db, "SELECT period_start, period_end FROM bank_statements") == [
        (day_number(date(2020, 11, 27)), day_number(date(2020, 11, 30)))]


def test_an_overlapping_statement_adds_only_what_is_new(tmp_path: Path, db: str) -> None:
    ok(db, "import", "statement", write(tmp_path / "a.xml", march(
        entry("10.00", ref="A"), entry("20.00", ref="B"))))
    result = ok(db, "import", "statement", write(tmp_path / "b.xml", march(
        entry("20.00", ref="B"), entry("30.00", ref="C"), opening="1030.00")))
    assert "1 new, 1 already imported." in result.stdout
    assert rows(db, "SELECT transaction_id FROM bank_transactions ORDER BY id") == [
        ("A",), ("B",), ("C",)]


def test_a_movement_reported_first_without_its_id_is_imported_once(
        tmp_path: Path, db: str) -> None:
    # The intraday report gives the transfer without the bank's reference; the day's
    # statement gives it with one, beside a second transfer of the same amount.
    intraday = march(entry("20.00", details=TX.format(amount="")).replace(
        "<AcctSvcrRef>REF-1</AcctSvcrRef>", ""))
    ok(db, "import", "statement", write(tmp_path / "intraday.xml", intraday))
    day = march(entry("20.00", ref="B", details=TX.format(amount="")), entry("20.00", ref="C"))
    result = ok(db, "import", "statement", write(tmp_path / "day.xml", day))
    assert "1 new, 1 already imported." in result.stdout
    assert rows(db, "SELECT COUNT(*), SUM(amount) FROM bank_transactions") == [(2, 4000)]


@pytest.mark.parametrize("notification_first", [True, False],
                         ids=["notification first", "statement first"])
def test_a_movement_known_by_its_interbank_id_then_by_the_bank_s_is_imported_once(
        tmp_path: Path, db: str, notification_first: bool) -> None:
    # The camt.054 gives the transfer without the bank's reference, under the id every bank of
    # the chain passes on (TxId), and words of its own; the day's camt.053 gives it with the
    # bank's reference and the same TxId.
    tx_id = "<Refs><TxId>NATAAU33XXXN20240716000516437854710</TxId></Refs>"
    notice = march(entry("20.00", details=f"<TxDtls>{tx_id}<RmtInf><Ustrd>Aviso</Ustrd>"
                         "</RmtInf></TxDtls>").replace("<AcctSvcrRef>REF-1</AcctSvcrRef>", ""))
    day = march(entry("20.00", ref="B", details=f"<TxDtls>{tx_id}</TxDtls>"))
    first, second = (notice, day) if notification_first else (day, notice)
    ok(db, "import", "statement", write(tmp_path / "first.xml", first))
    result = ok(db, "import", "statement", write(tmp_path / "second.xml", second))
    assert "0 new, 1 already imported." in result.stdout
    assert rows(db, "SELECT COUNT(*), SUM(amount) FROM bank_transactions") == [(1, 2000)]


def _batch(amount: str, ref: str) -> str:
    return (f'<TxDtls><Refs><AcctSvcrRef>{ref}</AcctSvcrRef></Refs>'
            f'<Amt Ccy="MXN">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls>')


@pytest.mark.parametrize("parts_first", [True, False], ids=["parts first", "whole first"])
def test_a_batch_reported_whole_and_in_parts_is_imported_once(
        tmp_path: Path, db: str, parts_first: bool) -> None:
    # The day's camt.053 books three QR payments as one entry; the camt.054 gives them one by
    # one, each under its own id. Imported both ways, the money was counted twice.
    whole = march(entry("845.30", ref="QRR-1", details="<Btch><NbOfTxs>3</NbOfTxs></Btch>"))
    parts = march(entry("845.30", ref="QRR-1", details="<Btch><NbOfTxs>3</NbOfTxs></Btch>"
                        + _batch("420.00", "QRR-1-001") + _batch("300.00", "QRR-1-002")
                        + _batch("125.30", "QRR-1-003")))
    first, second = (parts, whole) if parts_first else (whole, parts)
    ok(db, "import", "statement", write(tmp_path / "first.xml", first))
    again = ok(db, "import", "statement", write(tmp_path / "second.xml", second))
    assert " 0 new, " in again.stdout
    assert rows(db, "SELECT SUM(amount) FROM bank_transactions") == [(84530,)]


def test_lines_without_a_bank_id_are_fingerprinted_and_equal_ones_kept(tmp_path: Path,
                                                                       db: str) -> None:
    same = entry("4.50", "DBIT", ref="NONREF")
    ok(db, "import", "statement", write(tmp_path / "a.xml", march(same, same)))
    assert rows(db, "SELECT count(*) FROM bank_transactions") == [(2,)]
    # The same two lines in a longer, overlapping file are the same two payments.
    result = ok(db, "import", "statement", write(tmp_path / "b.xml", march(
        same, same, same, opening="991.00")))
    assert "1 new, 2 already imported." in result.stdout


def test_an_id_the_bank_gives_again_on_another_amount_is_another_movement(tmp_path: Path,
                                                                         db: str) -> None:
    # Some banks number each day's (or each file's) movements from one.
    ok(db, "import", "statement", write(tmp_path / "a.xml", march(entry("10.00", ref="1"))))
    result = ok(db, "import", "statement", write(tmp_path / "b.xml", march(
        entry("25.00", ref="1"), opening="1010.00")))
    assert "1 new, 0 already imported." in result.stdout
    assert rows(db, "SELECT transaction_id, amount FROM bank_transactions ORDER BY id") == [
        ("1", 1000), ("1", 2500)]


# The bank's correction (BAI2 group status 3) of REPORT: the wire was 160.00, not 150.00.
CORRECTED = (REPORT.replace(b"02,CUSTID,BANKID,1,", b"02,CUSTID,BANKID,3,")
             .replace(b"015,112500", b"015,113500").replace(b"16,195,15000,", b"16,195,16000,")
             .replace(b"49,230000,", b"49,232000,").replace(b"98,230000,", b"98,232000,")
             .replace(b"99,230000,", b"99,232000,"))


def test_a_corrected_report_that_changes_an_imported_movement_is_refused(tmp_path: Path,
                                                                         db: str) -> None:
    ok(db, "import", "statement", write(tmp_path / "r.bai", REPORT))
    before = digest(db)
    result = cli(db, "import", "statement", write(tmp_path / "c.bai", CORRECTED))
    assert result.exit_code != 0
    assert ("c.bai:4: amount: this corrected report gives bank reference BANKREF1 an amount of "
            "160.00 USD, and the statement imported before gave it 150.00 USD") in result.output
    assert digest(db) == before  # nothing written, the check included


def test_a_corrected_report_alone_or_repeating_what_was_imported_imports(tmp_path: Path,
                                                                        db: str) -> None:
    again = REPORT.replace(b"02,CUSTID,BANKID,1,", b"02,CUSTID,BANKID,3,")
    ok(db, "import", "statement", write(tmp_path / "r.bai", REPORT))
    assert "0 new, 2 already imported." in ok(
        db, "import", "statement", write(tmp_path / "again.bai", again)).stdout
    ok(db, "import", "statement", write(tmp_path / "c.bai", CORRECTED.replace(
        b"123456789", b"987654321")))  # another account: nothing of it was imported
    assert rows(db, "SELECT account, transaction_id, amount FROM bank_transactions "
                    "WHERE transaction_id = 'BANKREF1' ORDER BY id") == [
        ("123456789", "BANKREF1", 15000), ("987654321", "BANKREF1", 16000)]


def test_a_corrected_report_s_sequence_number_of_another_day_is_another_movement(
        tmp_path: Path, db: str) -> None:
    # "1" numbers a day's movements (`id_key`): the next day's "1" of another amount corrects
    # nothing imported.
    ok(db, "import", "statement", write(tmp_path / "r.bai", REPORT.replace(b"BANKREF1", b"1")))
    ok(db, "import", "statement", write(tmp_path / "c.bai", CORRECTED.replace(
        b"BANKREF1", b"1").replace(b",260301,2400,", b",260302,2400,")))
    assert rows(db, "SELECT transaction_id, amount FROM bank_transactions "
                    "WHERE transaction_id = '1' ORDER BY id") == [("1", 15000), ("1", 16000)]


def on(day: str, line: str) -> str:
    """A camt entry booked on `day` instead of 2026-03-02."""
    return line.replace("<BookgDt><Dt>2026-03-02</Dt>", f"<BookgDt><Dt>{day}</Dt>")


def test_a_sequence_number_the_bank_gives_every_day_is_a_movement_each_day(
        tmp_path: Path, db: str) -> None:
    # A bank that numbers each day's movements from one: its daily fee is "1" every day.
    fee = entry("4.50", "DBIT", ref="1")
    ok(db, "import", "statement", write(tmp_path / "a.xml", march(fee)))
    result = ok(db, "import", "statement", write(tmp_path / "b.xml", march(
        on("2026-03-03", fee), opening="995.50")))
    assert "1 new, 0 already imported." in result.stdout
    assert "0 new, 1 already imported." in ok(db, "import", "statement", write(
        tmp_path / "c.xml", march(on("2026-03-03", fee), opening="995.50"))).stdout
    # The days again in one file, where "1" comes back each day: the known ones known.
    again = ok(db, "import", "statement", write(tmp_path / "d.xml", march(
        fee, on("2026-03-03", fee), on("2026-03-04", fee))))
    assert "1 new, 2 already imported." in again.stdout
    assert rows(db, "SELECT transaction_id, amount, booking_date FROM bank_transactions "
                    "ORDER BY id") == [("1", -450, 20514), ("1", -450, 20515), ("1", -450, 20516)]


def test_a_sequence_number_fingerprinted_by_an_earlier_import_is_known(tmp_path: Path,
                                                                       db: str) -> None:
    # Before 0005, a file of several days where "1" came back each day had its lines
    # fingerprinted; a later file with one of those days knows it by that fingerprint.
    fee = entry("4.50", "DBIT", ref="1")
    ok(db, "import", "statement", write(tmp_path / "a.xml", march(fee, on("2026-03-03", fee))))
    engine = make_engine(db)
    with engine.begin() as conn:
        for n, day in enumerate(("2026-03-02", "2026-03-03"), start=1):
            fingerprint = "\x1f".join(("MX00TEST", day, "-4.50", "MXN", "", "", "", "1"))
            conn.execute(text("UPDATE bank_transactions SET dedupe_key = :k WHERE id = :n"),
                         {"k": "f:" + hashlib.sha256(fingerprint.encode()).hexdigest(), "n": n})
    engine.dispose()
    result = ok(db, "import", "statement", write(tmp_path / "b.xml", march(
        on("2026-03-03", fee), opening="995.50")))
    assert "0 new, 1 already imported." in result.stdout


def test_a_bank_id_is_known_whatever_date_a_later_report_gives_it(tmp_path: Path,
                                                                  db: str) -> None:
    # A longer id is the bank's own for the movement: a pending line booked a day later in
    # the next report is the same movement.
    ok(db, "import", "statement", write(tmp_path / "a.xml", march(entry("10.00",
                                                                        ref="20260302-00042"))))
    result = ok(db, "import", "statement", write(tmp_path / "b.xml", march(
        on("2026-03-03", entry("10.00", ref="20260302-00042")))))
    assert "0 new, 1 already imported." in result.stdout


def test_bank_ids_longer_than_their_column_are_kept_apart_whole(tmp_path: Path, db: str) -> None:
    # A credit union's CSV gives 235-character ids; two that share their first 200 characters
    # are two movements, each stored once, under the digest of its whole id.
    shared = "dwA4AEUAZQBKAGcAKwBGAG8ATwBQAEkAeQBiAHIAWAAv" * 5
    first, second = shared[:200] + "A" * 35, shared[:200] + "B" * 35
    data = march(entry("10.00", ref=first), entry("10.00", ref=second))
    path = write(tmp_path / "long.xml", data)
    assert "2 new, 0 already imported." in ok(db, "import", "statement", path).stdout
    assert rows(db, "SELECT transaction_id FROM bank_transactions ORDER BY id") == [
        ("sha256:" + hashlib.sha256(whole.encode()).hexdigest(),) for whole in (first, second)]
    before = digest(db)
    assert "0 new, 2 already imported." in ok(db, "import", "statement", path).stdout
    assert digest(db) == before
    # The same movements in another file (another statement) are known by their ids.
    again = ok(db, "import", "statement", write(tmp_path / "again.xml", data.replace(
        b"<Id>STMT-1</Id>", b"<Id>STMT-2</Id>")))
    assert "0 new, 2 already imported." in again.stdout
    assert rows(db, "SELECT COUNT(*) FROM bank_transactions") == [(2,)]


def test_a_long_bank_id_stored_cut_to_its_column_by_an_older_version_is_known(
        tmp_path: Path, db: str) -> None:
    long_id = "X" * 119 + "YZ"
    ok(db, "import", "statement", write(tmp_path / "a.xml", march(entry("10.00", ref=long_id))))
    # Before, such an id was stored, and keyed, cut to its first 120 characters.
    old = "t:" + hashlib.sha256("\x1f".join(["MX00TEST", long_id[:120], "MXN", "1000"])
                                .encode()).hexdigest()
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE bank_transactions SET dedupe_key = :key, transaction_id = :id"),
                     {"key": old, "id": long_id[:120]})
    engine.dispose()
    again = ok(db, "import", "statement", write(tmp_path / "b.xml", march(
        entry("10.00", ref=long_id), entry("20.00", ref="B"))))
    assert "1 new, 1 already imported." in again.stdout


def test_sequence_numbers_keyed_before_migration_0005_are_known_after_the_upgrade(
        tmp_path: Path, db: str) -> None:
    fee = entry("4.50", "DBIT", ref="1")
    ok(db, "import", "statement", write(tmp_path / "a.xml", march(fee)))
    downgrade(db, "0004")
    # Keyed by account, id, currency and amount (migration 0004), without the date.
    old = "t:" + hashlib.sha256(b"MX00TEST\x1f1\x1fMXN\x1f-450").hexdigest()
    assert rows(db, "SELECT dedupe_key FROM bank_transactions") == [(old,)]
    ok(db, "init")  # brings the database up to date
    assert "0 new, 1 already imported." in ok(db, "import", "statement", write(
        tmp_path / "b.xml", march(fee))).stdout
    assert "1 new, 0 already imported." in ok(db, "import", "statement", write(
        tmp_path / "c.xml", march(on("2026-03-03", fee), opening="995.50"))).stdout


def test_lines_keyed_by_an_older_version_are_known_after_the_upgrade(tmp_path: Path,
                                                                     db: str) -> None:
    ok(db, "import", "statement", write(tmp_path / "a.xml", march(entry("10.00", ref="A"))))
    downgrade(db, "0003")
    # Before migration 0004, a line with a bank id was keyed by its account and id alone.
    old = "t:" + hashlib.sha256(b"MX00TEST\x1fA").hexdigest()
    assert rows(db, "SELECT dedupe_key FROM bank_transactions") == [(old,)]
    ok(db, "init")  # brings the database up to date
    result = ok(db, "import", "statement", write(tmp_path / "b.xml", march(
        entry("10.00", ref="A"), entry("20.00", ref="B"))))
    assert "1 new, 1 already imported." in result.stdout
    assert rows(db, "SELECT transaction_id FROM bank_transactions ORDER BY id") == [
        ("A",), ("B",)]


def test_an_excel_export_imports_once(tmp_path: Path, db: str) -> None:
    path = write(tmp_path / "cartola.xlsx", CARTOLA)
    first = ok(db, "import", "statement", path, "--account", "00-123")
    assert "00-123 (CLP) 2026-03-02..2026-03-03: 2 new, 0 already imported." in first.stdout
    assert rows(db, "SELECT amount, creditor_reference FROM bank_transactions ORDER BY id") == [
        (1234500, "RF18539007547034"), (-12990, None)]
    before = digest(db)
    assert "0 new, 2 already imported." in ok(db, "import", "statement", path, "--account",
                                              "00-123").stdout
    assert digest(db) == before


@pytest.mark.parametrize(("name", "data"), [
    ("banco.csv", b"Fecha;Concepto;Importe;Saldo\n02/03/2026;SPEI RECIBIDO;1.160,00;2.160,00\n"
                  b"03/03/2026;COMISION CONDONADA;0,00;2.160,00\n"
                  b"04/03/2026;COMISION;-5,80;2.154,20\n"),
    ("banco.sta", b":20:X\n:25:MX00TEST\n:28C:1\n:60F:C260301MXN1000,00\n"
                  b":61:2603020302C1160,00NTRFREF-1\n:86:SPEI RECIBIDO\n"
                  b":61:2603030303D0,00NCHGREF-2\n:86:COMISION CONDONADA\n"
                  b":61:2603040304D5,80NCHGREF-3\n:86:COMISION\n:62F:C260304MXN2154,20\n-\n"),
])
def test_a_movement_of_no_amount_is_skipped_and_counted(tmp_path: Path, db: str, name: str,
                                                        data: bytes) -> None:
    path = write(tmp_path / name, data)
    first = ok(db, "import", "statement", path, "--account", "MX00TEST", "--currency", "MXN")
    said = " ".join(first.stdout.split())  # the console wraps long lines
    assert "2 new, 0 already imported. 1 movement of no amount skipped." in said
    assert rows(db, "SELECT amount FROM bank_transactions ORDER BY id") == [(116000,), (-580,)]
    assert rows(db, "SELECT lines_new, lines_known FROM bank_statements") == [(2, 0)]
    again = ok(db, "import", "statement", path, "--account", "MX00TEST", "--currency", "MXN")
    assert "0 new, 2 already imported. 1 movement of no amount skipped." in " ".join(
        again.stdout.split())


def test_a_cep_needs_the_account_when_it_names_none(tmp_path: Path, db: str) -> None:
    path = write(tmp_path / "cep.xml", receipt(account="NA"))
    refused = cli(db, "import", "statement", path)
    assert refused.exit_code == 2 and "give one with --account" in refused.stderr
    ok(db, "import", "statement", path, "--account", "072180000000000011")
    assert rows(db, "SELECT account, amount, spei_reference FROM bank_transactions") == [
        ("072180000000000011", 116050, "BNET01002603050000123")]


@pytest.mark.parametrize("cep_first", [True, False], ids=["cep first", "statement first"])
def test_one_spei_transfer_is_stored_once_whatever_reports_it(
        tmp_path: Path, db: str, cep_first: bool) -> None:
    # The customer's CEP and the bank's own export name the transfer by its clave de rastreo.
    cep = write(tmp_path / "cep.xml", receipt())
    export = write(tmp_path / "banco.csv", (
        b"Fecha,Concepto,Clave de rastreo,Referencia,Abono\n"
        b"05/03/2026,SPEI RECIBIDO BBVA,BNET01002603050000123,1234567,1160.50\n"
        b"05/03/2026,SPEI RECIBIDO BBVA,BNET01002603050000999,1234567,1160.50\n"))
    first, second = (cep, export) if cep_first else (export, cep)
    ok(db, "import", "statement", first, "--account", "072180000000000011")
    ok(db, "import", "statement", second, "--account", "072180000000000011")
    # The second transfer of the same amount and referencia numérica is another one.
    assert sorted(rows(db, "SELECT spei_reference, amount FROM bank_transactions")) == [
        ("BNET01002603050000123", 116050), ("BNET01002603050000999", 116050)]


BAD = {
    "truncated": (lambda: document(entry("1.00"))[:-60], "not well-formed XML"),
    "wrong-format": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x01\x02",
                     "not a bank statement format"),
    "wrong-encoding": (lambda: document(entry("1.00", details=TX.format(amount="")))
                       .replace(b"Esperanza", "Peñalolén".encode("latin-1")),
                       "not well-formed XML"),
    "unbalanced": (lambda: march(entry("10.00"), closing="1020.00"),
                   "Bal/Amt: opening balance 1000.00 + movements 10.00 = 1010.00, but the "
                   "closing balance is 1020.00: they differ by 10.00 MXN"),
    "three-decimals": (lambda: document(entry("10.005")), "amount: 10.005 has more decimals "
                                                          "than MXN allows (2)"),
    "unknown-currency": (lambda: document(entry("10.00")).replace(b"MXN", b"XYZ"),
                         "'XYZ' is not an ISO 4217 currency code"),
    "xml-bomb": (lambda: b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaa">\n'
                         b'<!ENTITY b "&a;&a;&a;&a;">]>\n<l>&b;</l>', "XML bomb"),
    "second-bad-statement": (lambda: march(entry("1.00"))
                             .replace(b"</Stmt>", b"</Stmt><Stmt><Id>2</Id><Acct><Id><IBAN>X"
                                      b"</IBAN></Id></Acct>" + entry("1.005").encode()
                                      + b"</Stmt>"), "more decimals"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_a_located_error_and_changes_nothing(tmp_path: Path, db: str,
                                                           case: str) -> None:
    ok(db, "import", "statement", write(tmp_path / "good.xml", march(entry("5.00", ref="G"))))
    before = digest(db)
    make, expected = BAD[case]
    path = write(tmp_path / f"{case}.xml", make())
    result = cli(db, "import", "statement", path)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert result.stderr.startswith(f"{path}:")
    assert "nothing was imported" in result.stderr
    assert digest(db) == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path,
                                                                 db: str) -> None:
    big = tmp_path / "huge.xml"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB that take no disk
    before = digest(db)
    result = cli(db, "import", "statement", str(big))
    assert result.exit_code == 2 and "larger than 50 MB" in result.stderr
    assert digest(db) == before
    small = write(tmp_path / "s.xml", march(entry("5.00")))
    assert "larger than 1 MB" not in cli(db, "import", "statement", small, "--max-mb", "1").stderr


def test_spanish_is_spoken_to_a_spanish_user(tmp_path: Path, db: str) -> None:
    path = write(tmp_path / "u.xml", march(entry("10.00"), closing="1020.00"))
    result = cli(db, "import", "statement", path, lang="es")
    assert "difieren en 10.00 MXN" in result.stderr


def test_statements_of_one_file_sharing_their_reference_are_all_imported(tmp_path: Path,
                                                                          db: str) -> None:
    # German banks head every MT940 statement of a file the same way (:20:STARTUMSE).
    day = (":20:STARTUMSE\n:25:10020030/1234567890\n:28C:{n}/1\n:60F:C26030{n}EUR{open},00\n"
           ":61:26030{m}C{amount},00NTRFNONREF\n:86:166?20Payment {n}\n"
           ":62F:C26030{m}EUR{close},00\n-\n")
    data = (day.format(n=1, m=2, open=100, amount=10, close=110)
            + day.format(n=2, m=3, open=110, amount=20, close=130)).encode()
    path = write(tmp_path / "two.sta", data)
    assert "1 new, 0 already imported." in ok(db, "import", "statement", path).stdout
    assert rows(db, "SELECT amount FROM bank_transactions ORDER BY amount") == [(1000,), (2000,)]
    before = digest(db)
    again = ok(db, "import", "statement", path).stdout
    assert again.count("0 new, 1 already imported.") == 2
    assert digest(db) == before


# The day's intraday (same-day, modifier 3) report: the wire's text still short, the check
# with a reference the previous-day report (modifier 2) does not repeat.
INTRADAY = (REPORT.replace(b",USD,2/", b",USD,3/")
            .replace(b"WIRE FROM ACME INC RF18539007547034", b"WIRE IN"))
PREVIOUS_DAY = REPORT.replace(b",CHK42,", b",,")


@pytest.mark.parametrize("order", [("i", "p"), ("p", "i"), ("i", "later", "p")])
def test_an_intraday_bai2_report_and_the_previous_day_report_store_each_movement_once(
        tmp_path: Path, db: str, order: tuple[str, ...]) -> None:
    # A later intraday report of the day may give the wire with its full text.
    reports = {"i": INTRADAY, "p": PREVIOUS_DAY, "later": REPORT.replace(b",USD,2/", b",USD,3/")}
    for name in order:
        ok(db, "import", "statement", write(tmp_path / f"{name}.bai", reports[name]))
    assert rows(db, "SELECT amount FROM bank_transactions ORDER BY amount") == [(-2500,),
                                                                                (15000,)]


# Intraday reports that list only the items new since the last one: two wires alike in all
# but their bank reference, one in each report; the day's final report lists both.
ITEM = b"16,195,116000,0,{ref},NONREF,ORIG CO NAME:ACME INC/\n"


def _bai2(time: bytes, modifier: bytes, *refs: bytes) -> bytes:
    body = b"".join(ITEM.replace(b"{ref}", ref) for ref in refs)
    total = str(100000 + 116000 * len(refs)).encode()
    return (b"01,BANKUS,ACMECL,260302," + time + b",1,,,2/\n"
            b"02,ACMECL,121000248,1,260302," + time + b",USD," + modifier + b"/\n"
            b"03,4001234567,USD,010,100000,,/\n" + body
            + b"49," + total + b"," + str(2 + len(refs)).encode() + b"/\n"
            b"98," + total + b",1," + str(4 + len(refs)).encode() + b"/\n"
            b"99," + total + b",1," + str(6 + len(refs)).encode() + b"/\n")


@pytest.mark.parametrize("order", [("1", "2", "final"), ("2", "1", "final"),
                                   ("1", "2", "both"), ("final", "2", "1"),
                                   ("1", "2", "2 again")])
def test_intraday_reports_of_new_items_only_store_each_bank_reference_once(
        tmp_path: Path, db: str, order: tuple[str, ...]) -> None:
    reports = {"1": _bai2(b"1100", b"3", b"FED000001"), "2": _bai2(b"1200", b"3", b"FED000002"),
               "2 again": _bai2(b"1300", b"3", b"FED000002"),
               "both": _bai2(b"1300", b"3", b"FED000001", b"FED000002"),
               "final": _bai2(b"2300", b"2", b"FED000001", b"FED000002")}
    for name in order:
        ok(db, "import", "statement", write(tmp_path / f"{name}.bai", reports[name]))
    assert rows(db, "SELECT transaction_id, amount FROM bank_transactions ORDER BY "
                    "transaction_id") == [("FED000001", 116000), ("FED000002", 116000)]


def test_one_file_imported_at_once_by_several_is_imported_once(db: str) -> None:
    """Two uploads of one statement at the same moment (a double click, a retry): the second
    waits for the first and finds the file imported, its lines known."""
    data = march(entry("500.00", ref="AAA1"), entry("250.00", ref="AAA2"))
    engine = make_engine(db)

    def upload(_n: int) -> tuple[int, int, bool]:
        with unit_of_work(engine) as session:
            outcome = import_statement(session, org_id=current(session).id, data=data,
                                       file="march.xml", now=datetime(2026, 4, 1, tzinfo=UTC))
            [statement] = outcome.statements
            return statement.lines_new, statement.lines_known, statement.already_imported

    with ThreadPoolExecutor(4) as pool:
        said = sorted(pool.map(upload, range(4)))
    engine.dispose()
    assert said == [(0, 2, True)] * 3 + [(2, 0, False)]
    assert rows(db, "SELECT COUNT(*) FROM bank_statements") == [(1,)]
    assert rows(db, "SELECT COUNT(*) FROM bank_transactions") == [(2,)]


MT940 = (b":20:STARTUMSE\n:25:10020030/1234567890\n:28C:1/1\n:60F:C260301EUR100,00\n"
         b":61:2603020302C10,00NTRFNONREF//BNK1\n:86:166?00GUTSCHRIFT?20Factura F-1001?32ACME\n"
         b":61:2603020302D2,50NMSCNONREF//BNK2\n:86:Comision\n:62F:C260302EUR107,50\n-\n")
EXPORT = ("Fecha,Concepto,Cargo,Abono,Saldo\n"
          "01/03/2026,SPEI RECIBIDO ACME FACT A-10,,1160.00,11160.00\n"
          "02/03/2026,COMISIÓN MANEJO DE CUENTA,1234.56,,9925.44\n")


@pytest.mark.parametrize(("name", "first", "again"), [
    ("export.csv", EXPORT.encode(), EXPORT.replace("\n", "\r\n").encode("utf-16")),
    ("export.csv", EXPORT.encode("cp1252"), b"\xef\xbb\xbf" + EXPORT.encode()),
    ("report.sta", MT940, MT940.replace(b"\n", b"\r\n")),
])
def test_a_statement_saved_again_in_another_encoding_is_the_statement_imported(
        tmp_path: Path, db: str, name: str, first: bytes, again: bytes) -> None:
    account = ["--account", "0123456789"] if name.endswith(".csv") else []
    ok(db, "import", "statement", write(tmp_path / name, first), *account)
    before = digest(db)
    result = ok(db, "import", "statement", write(tmp_path / f"again-{name}", again), *account)
    assert "0 new, 2 already imported." in result.stdout
    assert digest(db) == before  # not even a second statement row


def test_a_statement_another_version_keyed_by_its_file_s_bytes_is_known(tmp_path: Path,
                                                                        db: str) -> None:
    path = write(tmp_path / "report.sta", MT940)
    ok(db, "import", "statement", path)
    # Versions before the statement's digest stored the sha256 of the file's bytes.
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE bank_statements SET file_sha256 = :sha"),
                     {"sha": hashlib.sha256(MT940).hexdigest()})
    engine.dispose()
    before = digest(db)
    assert "0 new, 2 already imported." in ok(db, "import", "statement", path).stdout
    assert digest(db) == before
    # Another statement of the same account and reference is still another statement.
    other = MT940.replace(b"C10,00", b"C11,00").replace(b"107,50", b"108,50")
    result = ok(db, "import", "statement", write(tmp_path / "other.sta", other))
    assert "1 new, 1 already imported." in result.stdout
    assert len(rows(db, "SELECT id FROM bank_statements")) == 2
