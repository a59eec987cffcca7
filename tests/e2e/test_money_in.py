"""Money in from end to end, as a finance team meets it: the bank's camt.053 file imported,
reconciled with the invoices it pays, imported again without effect, and the daily run's hold
on fees lifted once nothing waits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cobranza.core.references import invoice_reference, printed
from cobranza.db import make_engine
from tests.support import aging_json, cli, ok, write_csv
from tests.unit.statements.test_camt import balance, document


def _entry(amount: str, ref: str, *, name: str, text: str, day: str = "2026-03-30") -> str:
    return (f"<Ntry><Amt Ccy=\"MXN\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
            f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
            f"<AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Pty>"
            f"<Nm>{name}</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf>"
            f"</TxDtls></NtryDtls></Ntry>")


@pytest.fixture
def db(tmp_path: Path, db_url: str) -> str:
    ok(db_url, "init", "--country", "MX")
    ok(db_url, "import", "customers", str(write_csv(
        tmp_path / "c.csv", "id,name,country",
        "M001,Abarrotes La Esperanza SA de CV,MX", "M002,Ferretería Hernández Hermanos,MX")))
    ok(db_url, "import", "invoices", str(write_csv(
        tmp_path / "i.csv", "number,customer_id,issue_date,due_date,currency,amount",
        "A-1001,M001,2026-02-01,2026-03-03,MXN,1160.00",
        "A-1002,M001,2026-02-15,2026-03-17,MXN,2320.50",
        "B-2001,M002,2026-02-10,2026-03-12,MXN,9999.99")))
    return db_url


def _invoice_id(db: str, number: str) -> int:
    engine = make_engine(db)
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            f"SELECT id FROM invoices WHERE number = '{number}'").scalar_one()
    engine.dispose()
    return int(found)


def test_a_bank_file_pays_the_invoices_once(tmp_path: Path, db: str) -> None:
    rf = printed(invoice_reference(_invoice_id(db, "A-1002")))
    entries = (_entry("2320.50", "BK-1", name="Juan Pérez", text=f"Pago {rf}")
               + _entry("9999.99", "BK-2", name="FERRETERIA HERNANDEZ HNOS",
                        text="FACTURA B-2001")
               + _entry("75.00", "BK-3", name="Intereses", text="Abono intereses")
               # Not booked yet: no line, no part of the balances, and said so.
               + _entry("500.00", "BK-4", name="Juan Pérez", text="Pago").replace(
                   "<Cd>BOOK</Cd>", "<Cd>PDNG</Cd>"))
    statement = tmp_path / "camt053.xml"
    statement.write_bytes(document(entries, balances=balance("OPBD", "1000.00")
                                   + balance("CLBD", "13395.49")))
    first = " ".join(ok(db, "import", "statement", str(statement)).stdout.split())
    assert ("3 new, 0 already imported. 1 entry not booked by the bank (pending or for "
            "information) left out.") in first
    # The run holds fee and interest postings while the bank lines wait.
    held = cli(db, "run", "--as-of", "2026-04-01T09:00", "--dry-run")
    assert "statement" in held.output.lower()

    lines = json.loads(ok(db, "reconcile", "--auto", "--format", "json").stdout)["lines"]
    found = {ln["transaction_id"]: (ln["status"], ln["customer_id"], ln["invoice_numbers"])
             for ln in lines}
    assert found["BK-1"] == ("applied", "M001", ["A-1002"])
    assert found["BK-2"] == ("applied", "M002", ["B-2001"])
    assert found["BK-3"][0] in ("review", "unmatched")
    aging = json.dumps(aging_json(db, "2026-04-01"))
    assert "2320.50" not in aging and "9999.99" not in aging and "1160.00" in aging

    # The same file again (the bank sends overlapping statements) changes nothing.
    again = ok(db, "import", "statement", str(statement))
    assert "0 new, 3 already imported" in again.stdout
    assert json.loads(ok(db, "reconcile", "--auto", "--format", "json").stdout)["lines"] == [
        line for line in lines if line["transaction_id"] == "BK-3"]

    # Interest from the bank is not a customer's payment: once ignored, nothing waits.
    review = json.loads(ok(db, "reconcile", "review", "--format", "json").stdout)
    for line in review:
        ok(db, "reconcile", "ignore", str(line["line"]))
    unheld = cli(db, "run", "--as-of", "2026-04-01T09:00", "--dry-run")
    assert "statement" not in unheld.output.lower()


def _day_file(folder: Path, name: str, entries: str, opening: str, closing: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(document(entries, balances=balance("OPBD", opening)
                                         + balance("CLBD", closing)))


def test_a_folder_of_daily_statements_is_imported_whole_each_transaction_once(
        tmp_path: Path, db: str) -> None:
    downloads = tmp_path / "banco"
    paid = _entry("1160.00", "BK-1", name="Abarrotes La Esperanza", text="FACTURA A-1001")
    _day_file(downloads, "2026-03-30.xml", paid, "0.00", "1160.00")
    # The next day's file repeats the day before's transaction (an overlapping download).
    _day_file(downloads / "marzo", "2026-03-31.xml",
              paid + _entry("9999.99", "BK-2", name="Ferreteria Hernandez", text="B-2001",
                            day="2026-03-31"), "0.00", "11159.99")
    (downloads / "resumen.pdf").write_bytes(b"%PDF-1.4")
    (downloads / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    result = ok(db, "import", "statement", str(downloads))
    out = " ".join(result.stdout.split())
    assert "resumen.pdf: skipped, not a bank statement" in out
    assert "2026-03-30.xml: MX00TEST (MXN) 2026-03-30..2026-03-31: 1 new, 0 already" in out
    assert "2026-03-31.xml: MX00TEST (MXN) 2026-03-30..2026-03-31: 1 new, 1 already" in out
    again = " ".join(ok(db, "import", "statement", str(downloads)).stdout.split())
    assert "0 new, 1 already imported" in again and "0 new, 2 already imported" in again


def test_a_folder_with_one_bad_statement_imports_nothing(tmp_path: Path, db: str) -> None:
    downloads = tmp_path / "banco"
    _day_file(downloads, "a.xml", _entry("1160.00", "BK-1", name="X", text="A-1001"),
              "0.00", "1160.00")
    _day_file(downloads, "b.xml", _entry("50.00", "BK-2", name="Y", text="?"), "0.00", "60.00")
    result = cli(db, "import", "statement", str(downloads))
    assert result.exit_code == 2
    assert "b.xml:" in result.stderr and "they differ by 10.00 MXN" in result.stderr
    assert f"1 error in {downloads}; nothing was imported." in " ".join(result.stderr.split())
    engine = make_engine(db)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM bank_transactions").scalar() == 0
    engine.dispose()


def test_an_empty_folder_is_refused(tmp_path: Path, db: str) -> None:
    (tmp_path / "empty").mkdir()
    result = cli(db, "import", "statement", str(tmp_path / "empty"))
    assert result.exit_code == 2 and "the folder holds no file to import" in result.stderr
