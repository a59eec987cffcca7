"""The command line as a collections team uses it, on files like the ones they bring."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import create_engine, text

from tests.integration.test_ledger_scenario import INVOICES, load
from tests.support import FIXTURES, aging_json, cli, ok, write_csv

MESSY = FIXTURES / "messy"


def test_messy_spanish_latin1_exports_import_without_options(sqlite_url: str) -> None:
    ok(sqlite_url, "init", "--country", "CL")
    assert "3 new" in ok(sqlite_url, "import", "customers",
                         str(MESSY / "clientes_latin1.csv")).stdout
    # Invoices name customers by RUT, written with and without dots.
    assert "4 new" in ok(sqlite_url, "import", "invoices",
                         str(MESSY / "facturas_latin1.csv")).stdout
    assert "3 new" in ok(sqlite_url, "import", "payments", str(MESSY / "pagos_cp1252.csv")).stdout
    report = aging_json(sqlite_url, "2026-03-31")
    lines = {c["customer_id"]: c for c in report["currencies"]["CLP"]["customers"]}
    assert lines["CL-03"]["name"] == "José Muñoz Pérez"
    # 1.234.567 + 250.000 − 1.000.000 − 484.567 = 0; 89.990 paid; 45.000 still open.
    assert "CL-01" not in lines and "CL-02" not in lines
    assert lines["CL-03"]["1-30"] == "45000"


def test_an_overlapping_reimport_records_what_changed(sqlite_url: str, tmp_path: Path) -> None:
    load(tmp_path, sqlite_url)
    path = write_csv(tmp_path / "again.csv", INVOICES,
                     "F001,C001,2026-01-01,2026-01-31,CLP,100000,,0,24,,",
                     "F002,C001,2026-01-15,2026-02-28,CLP,50000,,,,2,10",
                     "F005,C001,2026-03-01,2026-03-31,CLP,7000,,,,,")
    out = ok(sqlite_url, "import", "invoices", str(path)).stdout
    assert "1 new, 1 updated, 1 unchanged" in out
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        key, changes = conn.execute(text("SELECT key, changes FROM change_records")).one()
    engine.dispose()
    assert key == "F002" and set(json.loads(changes)) == {"due_date"}


def test_map_reads_a_column_under_another_header(sqlite_url: str, tmp_path: Path) -> None:
    load(tmp_path, sqlite_url)
    path = write_csv(tmp_path / "mapped.csv",
                     "number,customer_id,issue_date,due_date,currency,Monto Neto",
                     "F9,C001,2026-02-01,2026-03-01,CLP,1000")
    assert cli(sqlite_url, "import", "invoices", str(path)).exit_code == 2
    ok(sqlite_url, "import", "invoices", str(path), "--map", "amount=Monto Neto")


def test_named_terms_give_due_date_grace_and_interest(sqlite_url: str, tmp_path: Path) -> None:
    load(tmp_path, sqlite_url)
    ok(sqlite_url, "terms", "add", "30M", "--net-days", "30", "--interest-monthly-pct", "2",
       "--grace-days", "3", "--day-basis", "360")
    path = write_csv(tmp_path / "t.csv", "number,customer_id,issue_date,currency,amount,terms",
                     "F9,C002,2026-01-01,CLP,360000,30M")
    ok(sqlite_url, "import", "invoices", str(path))
    # due 2026-01-31; 24%/360 on 360,000 for 28 days (Feb) = 6,720
    c002 = aging_json(sqlite_url, "2026-02-28")["currencies"]["CLP"]["customers"][1]
    assert c002["customer_id"] == "C002" and c002["accrued_interest"] == "6720"
    assert "30M" in ok(sqlite_url, "terms", "list").stdout


def test_xlsx_import_and_xlsx_aging(sqlite_url: str, tmp_path: Path) -> None:
    load(tmp_path, sqlite_url)
    book = Workbook()
    sheet = book.active
    sheet.append(["Folio", "Cliente", "Fecha Emisión", "Fecha Vencimiento", "Moneda", "Monto"])
    sheet.append(["F9", "C001", "01-02-2026", "03-03-2026", "CLP", 125000])
    book.save(tmp_path / "facturas.xlsx")
    ok(sqlite_url, "import", "invoices", str(tmp_path / "facturas.xlsx"))
    out = tmp_path / "aging.xlsx"
    ok(sqlite_url, "report", "aging", "--as-of", "2026-03-31", "--format", "xlsx",
       "--output", str(out))
    sheets = load_workbook(out)
    assert sheets.sheetnames == ["CLP", "MXN"]
    clp = sheets["CLP"]
    assert clp.freeze_panes == "C2"
    assert clp["A2"].value == "C001" and clp["C2"].number_format == "#,##0"
    assert str(clp.cell(clp.max_row, 3).value).startswith("=SUM(")


def test_aging_table_and_csv(sqlite_url: str, tmp_path: Path) -> None:
    load(tmp_path, sqlite_url)
    table = ok(sqlite_url, "report", "aging", "--as-of", "2026-03-31").stdout
    assert "$40.000" in table  # es_CL: dot thousands
    csv_out = ok(sqlite_url, "report", "aging", "--as-of", "2026-03-31", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("as_of,currency,customer_id,name,current")


def test_commands_on_an_uninitialised_database_say_to_run_init(sqlite_url: str) -> None:
    result = cli(sqlite_url, "report", "aging", "--as-of", "2026-01-01")
    assert result.exit_code == 1
    assert "cobranza init" in result.stderr


def test_init_is_idempotent(sqlite_url: str) -> None:
    ok(sqlite_url, "init", "--country", "MX", "--name", "Dulces SA")
    out = ok(sqlite_url, "init").stdout
    assert "Dulces SA (MX, MXN, America/Mexico_City)" in out


def test_help_speaks_to_a_collections_team() -> None:
    out = cli("sqlite://", "--help").stdout
    for word in ("aging", "import", "statement", "init"):
        assert word in out
    assert "nothing" in cli("sqlite://", "import", "--help").stdout


def test_the_installed_command_runs_the_demo(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("cobranza")
    result = subprocess.run([str(exe), "--lang", "en", "demo", "--customers", "40"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "10 most overdue customers" in result.stdout
    assert (tmp_path / "cobranza-demo.db").exists()
    # The last days' bank statement, written beside it, reconciled before the aging: most of
    # its payments applied, a third party's left for review, the account's own charges ignored.
    assert "Bank statement cobranza-demo-extracto.csv, reconciled" in result.stdout
    assert re.search(r"│ applied\s+│\s+\d+ │", result.stdout)
    assert re.search(r"│ ignored\s+│\s+2 │", result.stdout)
    again = subprocess.run([str(exe), "--lang", "en", "--db", "sqlite:///cobranza-demo.db",
                            "import", "statement", "cobranza-demo-extracto.csv"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert " 0 new, " in again.stdout


def test_a_pinned_manual_allocation_overrides_the_automatic_order(sqlite_url: str,
                                                                  tmp_path: Path) -> None:
    load(tmp_path, sqlite_url)
    # A payment can only be pinned to an invoice of its own customer (F004 is C002's).
    assert cli(sqlite_url, "allocate", "P002", "F004", "10000").exit_code == 2
    path = write_csv(tmp_path / "more.csv", INVOICES,
                     "F000,C001,2026-01-01,2026-01-20,CLP,30000,,,,,")
    ok(sqlite_url, "import", "invoices", str(path))
    # F000 is due first, so the automatic order now pays it before F001.
    first = aging_json(sqlite_url, "2026-03-31")["currencies"]["CLP"]["customers"][0]
    assert first["total"] == "70000"
    ok(sqlite_url, "allocate", "P002", "F001", "60000", "--note", "customer asked")
    statement = json.loads(ok(sqlite_url, "statement", "C001", "--as-of", "2026-03-31",
                               "--format", "json").stdout)
    docs = {d["number"]: d for d in statement["documents"]}
    assert docs["F001"]["open"] == "40000" and docs["F000"]["open"] == "30000"


def test_a_legal_maximum_rate_caps_late_interest(sqlite_url: str, tmp_path: Path) -> None:
    load(tmp_path, sqlite_url)
    ok(sqlite_url, "init", "--max-interest-pct", "12")
    # F001 at 24% accrued 2,341 as of 2026-03-31; capped at 12% it is half: 1,170.4 -> 1,170.
    c001 = aging_json(sqlite_url, "2026-03-31")["currencies"]["CLP"]["customers"][0]
    assert c001["accrued_interest"] == "1170"
    statement = json.loads(ok(sqlite_url, "statement", "C001", "--as-of", "2026-03-31",
                              "--format", "json").stdout)
    assert statement["totals"]["CLP"]["accrued_interest"] == "1170"
    capped = {d["number"]: d["interest_capped"] for d in statement["documents"]}
    assert capped == {"F001": True, "F002": False}


def test_the_demo_names_what_it_imports_in_spanish(tmp_path: Path) -> None:
    out = cli("sqlite://", "demo", "--customers", "12", "--file", str(tmp_path / "d.db"),
              lang="es").stdout
    for said in ("Clientes importados: 12", "Facturas importadas: ", "Notas de crédito importadas: ",
                 "Pagos importados: "):
        assert said in out
    assert "Importado" not in out and "credit-notes" not in out
