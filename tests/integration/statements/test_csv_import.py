"""CSV bank exports through the command line and the API: currency and columns as told or found."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.integration.statements.test_api import api
from tests.integration.statements.test_import import db, digest, march, rows, write
from tests.support import cli, ok
from tests.unit.statements.test_camt import entry
from tests.unit.statements.test_csv_statements import MEXICO, SANTIAGO

__all__ = ["api", "db"]  # the fixtures, shared with the other statement tests

STORED = ("SELECT account, amount, currency, remittance, transaction_id FROM bank_transactions"
          " ORDER BY id")


def test_a_mexican_export_is_in_the_organisations_currency(tmp_path: Path, db: str) -> None:
    path = write(tmp_path / "bbva.csv", MEXICO)
    result = ok(db, "import", "statement", path, "--account", "0123456789")
    # The organisation was set up in Mexico: its base currency is the account's.
    assert "0123456789 (MXN) 2026-03-01..2026-03-02: 2 new, 0 already imported." in result.stdout
    assert rows(db, STORED) == [
        ("0123456789", 116000, "MXN", "SPEI RECIBIDO ACME FACT A-10", None),
        ("0123456789", -123456, "MXN", "COMISION MANEJO DE CUENTA", None)]
    again = ok(db, "import", "statement", path, "--account", "0123456789")
    assert "0 new, 2 already imported." in again.stdout


def test_the_account_currency_can_be_given(tmp_path: Path, db: str) -> None:
    path = write(tmp_path / "bbva-usd.csv", MEXICO)
    result = ok(db, "import", "statement", path, "--account", "USD-1", "--currency", "usd")
    assert "USD-1 (USD)" in result.stdout
    assert {row[2] for row in rows(db, STORED)} == {"USD"}


def test_a_chilean_latin1_export_takes_the_currency_its_headers_name(tmp_path: Path,
                                                                     db: str) -> None:
    path = write(tmp_path / "cartola.csv", SANTIAGO)
    result = ok(db, "import", "statement", path, "--account", "0-000-12345-6")
    assert "0-000-12345-6 (CLP) 2026-03-01..2026-03-02: 2 new" in result.stdout
    assert rows(db, STORED) == [
        ("0-000-12345-6", 1160000, "CLP", "Transferencia de ACME SpA / 4471", None),
        ("0-000-12345-6", -12990, "CLP", "Comisión mantención", None)]


def test_columns_the_preset_does_not_know_are_named_with_map(tmp_path: Path, db: str) -> None:
    data = SANTIAGO.replace(b"Descripci\xf3n;N\xb0 Documento",
                            "Movimiento;Nro. Operación".encode("latin-1"))
    path = write(tmp_path / "cartola.csv", data)
    ok(db, "import", "statement", path, "--account", "A", "--currency", "CLP",
       "--map", "description=Movimiento,transaction_id=Nro. Operación",
       "--map", "balance=Saldo (CLP)")
    assert rows(db, STORED) == [("A", 1160000, "CLP", "Transferencia de ACME SpA", "4471"),
                                ("A", -12990, "CLP", "Comisión mantención", None)]


def test_a_wrong_map_is_a_located_error_and_imports_nothing(tmp_path: Path, db: str) -> None:
    path = write(tmp_path / "bbva.csv", MEXICO)
    before = digest(db)
    missing = cli(db, "import", "statement", path, "--map", "amount=Importe")
    assert missing.exit_code == 2
    assert missing.stderr.startswith(f"{path}:1: amount: --map: the file has no column 'Importe'")
    unknown = cli(db, "import", "statement", path, "--map", "fecha=Fecha Operación")
    assert unknown.exit_code == 2 and "'fecha' is not a statement field" in unknown.stderr
    malformed = cli(db, "import", "statement", path, "--map", "amount")
    assert malformed.exit_code == 2 and "'amount' is not COLUMN=HEADER" in malformed.stderr
    assert digest(db) == before


def test_every_bad_row_of_a_csv_is_listed_and_nothing_imported(tmp_path: Path, db: str) -> None:
    path = write(tmp_path / "bbva.csv", b"Fecha,Concepto,Importe,Moneda\n"
                 b"01/03/2026,SPEI ACME,1160.00,MXN\n"
                 b"32/03/2026,SPEI BETA,10.00,MXN\n"
                 b"03/03/2026,SPEI GAMMA,diez,MXN\n"
                 b"04/03/2026,SPEI DELTA,12.50,MXN\n"
                 b"05/03/2026,SPEI EPSILON,1.001,MXN\n")
    before = digest(db)
    result = cli(db, "import", "statement", path, "--account", "A")
    assert result.exit_code == 2
    located = [line.split(": ")[0] for line in result.stderr.splitlines()[:-1]]
    assert located == [f"{path}:3", f"{path}:4", f"{path}:6"]
    assert "3 errors in" in result.stderr.splitlines()[-1]
    assert digest(db) == before


def test_every_unknown_currency_is_listed(tmp_path: Path, db: str) -> None:
    path = write(tmp_path / "usd.csv", b"Fecha,Concepto,Importe,Moneda\n"
                 b"01/03/2026,A,1.00,MXN\n02/03/2026,B,1.00,XYZ\n03/03/2026,C,1.00,PESOS\n")
    result = cli(db, "import", "statement", path, "--account", "A")
    assert result.exit_code == 2
    assert f"{path}:3: Moneda: 'XYZ' is not an ISO 4217 currency code" in result.stderr
    assert f"{path}:4: Moneda: 'PESOS' is not an ISO 4217 currency code" in result.stderr


def test_a_map_for_a_format_with_fixed_fields_is_refused(tmp_path: Path, db: str) -> None:
    path = write(tmp_path / "march.xml", march(entry("5.00", ref="G")))
    result = cli(db, "import", "statement", path, "--format", "camt", "--map", "amount=Monto")
    assert result.exit_code == 2
    assert "--map: a column mapping is for CSV files; camt files name their own fields" \
        in result.stderr
    detected = cli(db, "import", "statement", path, "--map", "amount=Monto")
    assert detected.exit_code == 2 and "camt files name their own fields" in detected.stderr
    assert rows(db, "SELECT count(*) FROM bank_transactions") == [(0,)]


def test_the_api_takes_currency_and_map_as_the_command_line_does(
        api: tuple[TestClient, str]) -> None:
    client, db = api
    data = MEXICO.replace(b"Concepto / Referencia", b"Texto")
    result = client.post("/statements", content=data, params={
        "filename": "bbva.csv", "account": "B", "currency": "USD", "map": "description=Texto"})
    assert result.status_code == 200, result.text
    assert result.json()["statements"][0]["currency"] == "USD"
    assert rows(db, STORED)[0] == ("B", 116000, "USD", "SPEI RECIBIDO ACME FACT A-10", None)
    plain = client.post("/statements", content=SANTIAGO, params={"account": "C"})
    assert plain.json()["statements"][0]["currency"] == "CLP"
    bad = client.post("/statements", content=data, params={"filename": "x.csv", "map": "Texto"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["message"] == "'Texto' is not FIELD=HEADER"


def test_an_export_cut_inside_its_last_row_imports_nothing(tmp_path: Path, db: str) -> None:
    ok(db, "import", "statement", write(tmp_path / "first.csv", MEXICO), "--account", "A")
    before = digest(db)
    # The download broke off in the last row's balance: "9,925.44" came as "9,9".
    cut = MEXICO.replace(b"02/03/2026", b"03/03/2026")[:-len(b'25.44"\n')] + b'"'
    path = write(tmp_path / "cut.csv", cut)
    result = cli(db, "import", "statement", path, "--account", "A")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{path}:3: the file ends inside a row (its last cell "
                                    "'9,9' (Saldo)")
    assert "nothing was imported" in result.stderr
    assert digest(db) == before
    # Whole, but for its last line break, it imports.
    whole = ok(db, "import", "statement", write(tmp_path / "whole.csv", MEXICO.rstrip(b"\n")),
               "--account", "A")
    assert "0 new, 2 already imported." in whole.stdout
