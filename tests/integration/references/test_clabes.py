"""Virtual CLABEs: every Mexican customer gets one, once, with a valid check digit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from cobranza.core.references import customer_reference, is_clabe, is_rf, printed
from cobranza.db import make_engine, session_factory
from cobranza.models import Customer, PaymentReference
from cobranza.references.service import ClabeDoesNotFit, assign_clabes, references_for
from tests.support import cli, ok, write_csv

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
PREFIX = "0021800123"
CUSTOMERS = "id,name,tax_id,email,language,country"


def mexican_ledger(tmp: Path, db_url: str) -> str:
    """A Mexican organisation: customers in MX, in Chile, and with no country (so MX)."""
    ok(db_url, "init", "--country", "MX", "--currency", "MXN", "--timezone",
       "America/Mexico_City", "--name", "Ferretería del Bajío SA de CV")
    ok(db_url, "import", "customers", str(write_csv(
        tmp / "customers.csv", CUSTOMERS,
        "M001,Abarrotes Uno SA de CV,ABC680524P73,pagos@uno.mx,es,MX",
        "M002,Comercial Dos SA de CV,,pagos@dos.mx,es,",
        "C003,Andes Chile SpA,76.086.428-5,pagos@andes.cl,es,CL",
        "M004,Tienda Cuatro,,pagos@cuatro.mx,en,mx")))
    return db_url


def _ids(db_url: str) -> dict[str, int]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(Customer.code, Customer.id)).tuples().all())
    finally:
        engine.dispose()


def _clabes(db_url: str) -> dict[int, str]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(PaymentReference.customer_id, PaymentReference.value)
                                     .where(PaymentReference.kind == "clabe")).tuples().all())
    finally:
        engine.dispose()


def _assign(db_url: str, prefix: str = PREFIX) -> int:
    engine = make_engine(db_url)
    try:
        with session_factory(engine).begin() as session:
            org_id = session.scalars(select(Customer.org_id)).first()
            assert org_id is not None
            return assign_clabes(session, org_id=org_id, prefix=prefix, now=NOW)
    finally:
        engine.dispose()


def test_every_mexican_customer_gets_one_valid_clabe_and_a_second_run_assigns_none(
        tmp_path: Path, db_url: str) -> None:
    mexican_ledger(tmp_path, db_url)
    ids = _ids(db_url)
    assert _assign(db_url) == 3
    clabes = _clabes(db_url)
    assert set(clabes) == {ids["M001"], ids["M002"], ids["M004"]}  # not the Chilean one
    for customer_id, value in clabes.items():
        assert is_clabe(value) and value.startswith(PREFIX)
        assert int(value[len(PREFIX):17]) == customer_id
    assert _assign(db_url) == 0
    assert _assign(db_url, prefix="014180") == 0  # a new prefix does not renumber anyone
    assert _clabes(db_url) == clabes


def test_references_for_gives_the_fixed_rf_and_the_clabe_if_any(
        tmp_path: Path, db_url: str) -> None:
    mexican_ledger(tmp_path, db_url)
    ids = _ids(db_url)
    _assign(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        org_id = session.scalars(select(Customer.org_id)).first()
        assert org_id is not None
        found = references_for(session, org_id=org_id, customer_ids=ids.values())
    engine.dispose()
    for code, customer_id in ids.items():
        refs = found[customer_id]
        assert refs.payment_reference == printed(customer_reference(customer_id))
        assert is_rf(refs.payment_reference)
        assert (refs.clabe is None) == (code == "C003")


def test_an_id_too_long_for_the_prefix_assigns_nothing(tmp_path: Path, db_url: str) -> None:
    mexican_ledger(tmp_path, db_url)
    engine = make_engine(db_url)
    with session_factory(engine).begin() as session:  # a customer id of 7 digits
        session.execute(Customer.__table__.update().where(Customer.code == "M004")
                        .values(id=1_234_567))
    engine.dispose()
    with pytest.raises(ClabeDoesNotFit) as raised:
        _assign(db_url, prefix="012345678901")  # 12 digits leave room for 5
    assert raised.value.codes == ["M004"]
    assert _clabes(db_url) == {}


def test_the_command_assigns_and_says_how_many(tmp_path: Path, db_url: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    mexican_ledger(tmp_path, db_url)
    monkeypatch.setenv("COBRANZA_CLABE_PREFIX", PREFIX)
    assert "Assigned 3 virtual CLABEs." in ok(db_url, "references", "assign").stdout
    assert "Se asignaron 0 CLABE virtuales." in cli(db_url, "references", "assign",
                                                     lang="es").stdout
    assert len(_clabes(db_url)) == 3


def test_the_command_without_a_prefix_refuses_when_mexican_customers_need_one(
        tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    mexican_ledger(tmp_path, db_url)
    monkeypatch.delenv("COBRANZA_CLABE_PREFIX", raising=False)
    result = cli(db_url, "references", "assign")
    assert result.exit_code == 2
    assert "COBRANZA_CLABE_PREFIX is not set" in result.stderr
    monkeypatch.setenv("COBRANZA_CLABE_PREFIX", "12-34")
    result = cli(db_url, "references", "assign", lang="es")
    assert result.exit_code == 2
    assert "debe tener de 6 a 12 dígitos" in result.stderr
    assert _clabes(db_url) == {}


def test_a_chilean_ledger_needs_no_prefix(tmp_path: Path, db_url: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COBRANZA_CLABE_PREFIX", raising=False)
    ok(db_url, "init", "--country", "CL", "--name", "Ferretería Andes SpA")
    assert "Assigned 0 virtual CLABEs." in ok(db_url, "references", "assign").stdout


def test_assigning_is_one_insert_whatever_the_number_of_customers(
        tmp_path: Path, db_url: str) -> None:
    mexican_ledger(tmp_path, db_url)
    rows = [f"X{n:04d},Cliente {n},,x{n}@ejemplo.mx,es,MX" for n in range(300)]
    ok(db_url, "import", "customers", str(write_csv(tmp_path / "more.csv", CUSTOMERS, *rows)))
    engine = make_engine(db_url)
    statements: list[str] = []
    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    with session_factory(engine).begin() as session:
        org_id = session.scalars(select(Customer.org_id)).first()
        statements.clear()
        assert org_id is not None
        assert assign_clabes(session, org_id=org_id, prefix=PREFIX, now=NOW) == 303
        issued = list(statements)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(PaymentReference)) == 303
    engine.dispose()
    inserts = [s for s in issued if s.lstrip().upper().startswith("INSERT")]
    assert len(issued) == 2 and len(inserts) == 1  # the SELECT of who lacks one, one INSERT
