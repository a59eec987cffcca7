"""What the worker sends carries the references the bank line brings back: RF and CLABE."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from cobranza.channels.base import OutgoingMessage
from cobranza.config import Settings
from cobranza.core.references import (
    customer_reference,
    find_clabes,
    find_rf,
    invoice_reference,
    is_clabe,
    is_rf,
    printed,
)
from cobranza.db import session_factory
from cobranza.messaging.compose import LetterJob, compose
from cobranza.messaging.letters import write_letter
from cobranza.models import Customer, Invoice
from cobranza.references.service import assign_clabes
from tests.integration.documents.pdf import text as pdf_text
from tests.integration.messaging.conftest import CUSTOMERS, INVOICES, NOW, add_actions
from tests.support import ok, write_csv

PREFIX = "0021800123"


def _add_mexican_customer(tmp: Path, url: str) -> None:
    ok(url, "import", "customers", str(write_csv(
        tmp / "mx.csv", CUSTOMERS,
        "M001,Abarrotes del Bajío SA de CV,,pagos@bajio.mx,,,es,MX,America/Mexico_City,email,"
        "pyme,")))
    ok(url, "import", "invoices", str(write_csv(
        tmp / "mx-invoices.csv", INVOICES,
        "MX-7,M001,2026-02-01,2026-03-03,CLP,70000,,,,,",
        "MX-8,M001,2026-02-05,2026-03-07,CLP,30000,,,,,")))


def _ids(engine: Engine) -> tuple[dict[str, int], dict[str, int]]:
    with engine.connect() as conn:
        return (dict(conn.execute(select(Customer.code, Customer.id)).tuples().all()),
                dict(conn.execute(select(Invoice.number, Invoice.id)).tuples().all()))


def _compose(engine: Engine, ids: list[int], settings: Settings) -> dict[int, object]:
    with session_factory(engine)() as session:
        return dict(compose(session, action_ids=ids, now=NOW, settings=settings))


def test_a_reminder_carries_each_invoices_rf_and_a_mexican_customers_clabe(
        engine: Engine, ledger_url: str, tmp_path: Path) -> None:
    _add_mexican_customer(tmp_path, ledger_url)
    with session_factory(engine).begin() as session:
        org_id = session.scalars(select(Customer.org_id)).first()
        assert org_id is not None
        assert assign_clabes(session, org_id=org_id, prefix=PREFIX, now=NOW) == 1
    customers, invoices = _ids(engine)
    chilean, mexican = add_actions(
        engine, {"customer": "C001", "invoices": ["F001"]},
        {"customer": "M001", "invoices": ["MX-7", "MX-8"], "template": "second_reminder"})
    found = _compose(engine, [chilean, mexican], Settings(letters_dir=str(tmp_path)))

    cl = found[chilean]
    assert isinstance(cl, OutgoingMessage) and cl.html is not None
    reference = printed(invoice_reference(invoices["F001"]))
    assert is_rf(reference)
    assert f"Referencia de pago: {reference}" in cl.text and reference in cl.html
    assert find_rf(cl.text) == [reference.replace(" ", "")]
    assert "CLABE" not in cl.text  # a Chilean customer has none

    mx = found[mexican]
    assert isinstance(mx, OutgoingMessage) and mx.html is not None
    expected = [invoice_reference(invoices["MX-7"]), invoice_reference(invoices["MX-8"]),
                customer_reference(customers["M001"])]
    assert find_rf(mx.text) == expected and find_rf(mx.html) == expected
    [clabe] = find_clabes(mx.text)
    assert is_clabe(clabe) and clabe.startswith(PREFIX)
    assert f"CLABE para transferencias: {clabe}" in mx.text and clabe in mx.html


def test_an_sms_names_the_reference_to_quote(engine: Engine, ledger_url: str,
                                             tmp_path: Path) -> None:
    _customers, invoices = _ids(engine)
    [action] = add_actions(engine, {"customer": "C001", "invoices": ["F001"], "channel": "sms",
                                    "template": "due_today"})
    sms = _compose(engine, [action], Settings(letters_dir=str(tmp_path)))[action]
    assert isinstance(sms, OutgoingMessage)
    assert find_rf(sms.text) == [invoice_reference(invoices["F001"])]
    assert len(sms.text) <= 320


def test_a_letter_pdf_prints_the_references(engine: Engine, ledger_url: str,
                                            tmp_path: Path) -> None:
    _add_mexican_customer(tmp_path, ledger_url)
    with session_factory(engine).begin() as session:
        org_id = session.scalars(select(Customer.org_id)).first()
        assert org_id is not None
        assign_clabes(session, org_id=org_id, prefix=PREFIX, now=NOW)
    customers, invoices = _ids(engine)
    [action] = add_actions(engine, {"customer": "M001", "invoices": ["MX-7", "MX-8"],
                                    "channel": "letter", "action": "letter",
                                    "template": "letter_1", "step": "letter_1"})
    settings = Settings(letters_dir=str(tmp_path / "letters"))
    job = _compose(engine, [action], settings)[action]
    assert isinstance(job, LetterJob)
    found = pdf_text(write_letter(job, settings=settings).read_bytes())
    for invoice in ("MX-7", "MX-8"):
        assert printed(invoice_reference(invoices[invoice])) in found
    assert printed(customer_reference(customers["M001"])) in found
    [clabe] = find_clabes(found)
    assert is_clabe(clabe) and f"CLABE para transferencias: {clabe}" in found
