"""The reconciliation JSON API on SQLite and PostgreSQL: run the matcher, the review queue, its
decisions (confirm, assign, split, ignore, reverse) and the matches they leave; refusals are 422
in the request's language (a decision's refusal is the use case's, located on the line), an
unknown line 404, a line decided already 409; a request no check expected (a number past 64
bits, a NUL in a text) is refused the same way, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cobranza.app import create_app
from cobranza.core.references import invoice_reference, printed
from tests.integration.reconciliation.helpers import (
    add_lines,
    invoice_id,
    open_amounts,
    seed_ledger,
)
from tests.support import ok


@pytest.fixture
def db(tmp_path: Path, db_url: str) -> str:
    """Three Mexican customers with open invoices in MXN."""
    return seed_ledger(tmp_path, db_url)


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    key = ok(db, "apikey", "create", "--name", "tests").stdout.strip()
    app = create_app(db)
    with TestClient(app) as test_client:
        test_client.headers["Authorization"] = f"Bearer {key}"
        test_client.headers["Accept-Language"] = "en"
        yield test_client
    app.state.engine.dispose()


def _detail(response: Any) -> list[dict[str, Any]]:
    assert response.status_code in (404, 409, 422), response.text
    detail: list[dict[str, Any]] = response.json()["detail"]
    return detail


def _review(client: TestClient) -> dict[int, dict[str, Any]]:
    return {line["id"]: line for line in client.get("/reconciliation/review").json()}


def test_run_applies_the_sure_lines_and_shows_every_line(db: str, client: TestClient) -> None:
    ref = printed(invoice_reference(invoice_id(db, "A-1002")))
    add_lines(db, {"amount": 232050, "remittance": f"PAGO {ref}", "counterparty_name": "X"},
              {"amount": 750000, "counterparty_name": "PAGOS VARIOS SA"},
              {"amount": -25000, "remittance": "COMISION MANEJO CUENTA"})
    first = client.post("/reconciliation/run", json={}).json()["lines"]
    assert [line["status"] for line in first] == ["review", "review", "ignored"]
    assert open_amounts(db)["A-1002"] == 232050  # without auto nothing is applied
    assert (first[2]["amount"], first[2]["customer_id"], first[2]["suggestions"]) == (
        "-250.00", None, [])
    reply = client.post("/reconciliation/run", json={"auto": True})
    assert reply.status_code == 200, reply.text
    lines = reply.json()["lines"]
    applied, by_amount = lines  # the money out line is handled already
    assert {k: applied[k] for k in ("date", "amount", "currency", "status", "customer_id",
                                    "invoice_numbers", "confidence")} == {
        "date": "2026-03-30", "amount": "2320.50", "currency": "MXN", "status": "applied",
        "customer_id": "M001", "invoice_numbers": ["A-1002"], "confidence": "0.998"}
    assert applied["transaction_id"].startswith("TX")
    assert applied["suggestions"][0] == {"customer_id": "M001", "invoice_numbers": ["A-1002"],
                                         "confidence": "0.998"}
    assert (by_amount["status"], by_amount["customer_id"]) == ("review", "M003")
    assert len(by_amount["confidence"].split(".")[1]) == 3
    assert open_amounts(db)["A-1002"] == 0
    matches = client.get("/reconciliation/matches", params={"customer": "M001"}).json()
    assert [(m["amount"], m["invoice_numbers"], m["method"], m["created_by"])
            for m in matches] == [("2320.50", ["A-1002"], "auto", "api:tests")]


def test_review_queue_and_confirming_a_suggestion(db: str, client: TestClient) -> None:
    line, = add_lines(db, {"amount": 750000, "counterparty_name": "PAGOS VARIOS SA",
                           "counterparty_account": "021180040012345678",
                           "remittance": "TRANSFERENCIA"})
    client.post("/reconciliation/run", json={"auto": True})
    queued = _review(client)[line]
    assert queued["status"] == "review"
    assert {k: queued[k] for k in ("date", "amount", "currency", "counterparty_name",
                                   "counterparty_account", "remittance")} == {
        "date": "2026-03-30", "amount": "7500.00", "currency": "MXN",
        "counterparty_name": "PAGOS VARIOS SA", "counterparty_account": "021180040012345678",
        "remittance": "TRANSFERENCIA"}
    best = queued["suggestions"][0]
    assert (best["customer_id"], best["invoice_numbers"], best["fit"]) == (
        "M003", ["C-3001"], "exact")
    assert all(isinstance(v, str) for v in best["evidence"].values())
    too_far = client.post(f"/reconciliation/lines/{line}/confirm", json={"pick": 9})
    assert _detail(too_far) == [{"loc": ["path", "line_id"], "type": "value_error",
                                 "msg": f"bank line {line} has 1 suggestion, not 9"}]
    done = client.post(f"/reconciliation/lines/{line}/confirm", json={"pick": 1})
    assert done.status_code == 200, done.text
    state = done.json()
    assert state["status"] == "applied"
    assert [(m["customer_id"], m["amount"], m["method"], m["confidence"], m["created_by"])
            for m in state["matches"]] == [("M003", "7500.00", "confirmed", "1.000", "api:tests")]
    assert line not in _review(client)
    assert open_amounts(db)["C-3001"] == 0
    again = client.post(f"/reconciliation/lines/{line}/confirm", json={"pick": 1},
                        headers={"Accept-Language": "es"})
    assert again.status_code == 409  # decided already: another person's, maybe just now
    refused, = _detail(again)
    assert (refused["loc"], refused["type"]) == (["path", "line_id"], "conflict")
    # The use case names the status as stored ("applied"), untranslated: only the sentence
    # around it is asserted.
    assert refused["msg"].startswith(f"la línea bancaria {line} ya está ")
    assert refused["msg"].endswith("; revértala primero")


def test_assign_then_reverse_restores_the_invoices(db: str, client: TestClient) -> None:
    before = open_amounts(db)
    line, = add_lines(db, {"amount": 116000, "counterparty_name": "JUAN PEREZ LOPEZ"})
    client.post("/reconciliation/run", json={"auto": True})
    unknown = client.post(f"/reconciliation/lines/{line}/assign", json={"customer_id": "M999"},
                          headers={"Accept-Language": "es"})
    assert _detail(unknown) == [{"loc": ["path", "line_id"], "type": "value_error",
                                 "msg": "cliente desconocido 'M999'"}]
    assigned = client.post(f"/reconciliation/lines/{line}/assign",
                           json={"customer_id": "M001", "invoice_numbers": ["A-1001"]})
    assert assigned.status_code == 200, assigned.text
    assert [(m["customer_id"], m["invoice_numbers"], m["method"])
            for m in assigned.json()["matches"]] == [("M001", ["A-1001"], "manual")]
    [part] = assigned.json()["parts"]
    assert (part["invoices"], part["other_invoices"], part["unapplied"]) == (
        [{"invoice_number": "A-1001", "amount": "1160.00"}], [], "0.00")
    assert part["messages"] == ["M001: 1160.00 MXN to A-1001 (1160.00)"]
    assert open_amounts(db)["A-1001"] == 0
    reversed_ = client.post(f"/reconciliation/lines/{line}/reverse")
    assert reversed_.status_code == 200, reversed_.text
    assert reversed_.json() == {"id": line, "status": "review", "matches": [], "parts": []}
    assert open_amounts(db) == before
    assert line in _review(client)
    assert client.get("/reconciliation/matches").json() == []
    history = client.get("/reconciliation/matches",
                         params={"customer": "M001", "include_reversed": "true"}).json()
    assert [(m["line_id"], m["reversed_by"]) for m in history] == [(line, "api:tests")]
    assert history[0]["reversed_at"] is not None
    nothing = client.post(f"/reconciliation/lines/{line}/reverse")
    assert "no match to reverse" in _detail(nothing)[0]["msg"]


def test_split_between_customers(db: str, client: TestClient) -> None:
    line, = add_lines(db, {"amount": 1116000, "counterparty_name": "GRUPO"})
    client.post("/reconciliation/run", json={"auto": True})
    url = f"/reconciliation/lines/{line}/split"
    short = client.post(url, json={"parts": [
        {"customer_id": "M002", "amount": "9999.99", "invoice_numbers": ["B-2001"]}]})
    assert _detail(short) == [{"loc": ["path", "line_id"], "type": "value_error",
                               "msg": "the parts add up to 9999.99, the line is 11160.00 MXN"}]
    cents = client.post(url, json={"parts": [{"customer_id": "M002", "amount": "9999.999"}]},
                        headers={"Accept-Language": "es"})
    assert _detail(cents)[0]["loc"] == ["body", "parts", 0, "amount"]
    assert "más decimales" in _detail(cents)[0]["msg"]
    a_float = client.post(url, json={"parts": [{"customer_id": "M002", "amount": 11160.0}]})
    assert a_float.status_code == 422  # amounts are decimal strings, never JSON numbers
    who = client.post(url, json={"parts": [{"customer_id": "M002", "amount": "1"},
                                           {"customer_id": "NOPE", "amount": "11159"}]})
    assert _detail(who) == [{"loc": ["path", "line_id"], "type": "value_error",
                             "msg": "unknown customer 'NOPE'"}]
    parts = [{"customer_id": "M002", "amount": "9999.99", "invoice_numbers": ["B-2001"]},
             {"customer_id": "M001", "amount": "1160.01", "invoice_numbers": ["A-1001"]}]
    # A-1001 owes 1160.00: the cent more would pay A-1002, which nobody named.
    beyond = client.post(url, json={"parts": parts})
    assert _detail(beyond) == [{"loc": ["path", "line_id"], "type": "value_error", "msg": (
        "1160.01 MXN for customer M001 is more than A-1001 owe (1160.00 MXN); correct the "
        "amount, or ask for the rest, 0.01 MXN, to go on account (to the customer's other "
        "open invoices, or as credit)")}]
    assert client.get("/reconciliation/matches").json() == []
    parts[1]["rest_on_account"] = True
    done = client.post(url, json={"parts": parts})
    assert done.status_code == 200, done.text
    assert [(p["customer_id"], p["invoices"], p["other_invoices"], p["unapplied"])
            for p in done.json()["parts"]] == [
        ("M002", [{"invoice_number": "B-2001", "amount": "9999.99"}], [], "0.00"),
        ("M001", [{"invoice_number": "A-1001", "amount": "1160.00"}],
         [{"invoice_number": "A-1002", "amount": "0.01"}], "0.00")]
    assert done.json()["parts"][1]["messages"] == [
        "M001: 1160.01 MXN to A-1001 (1160.00)",
        "M001: 0.01 MXN went to other open invoices: A-1002 (0.01)"]
    assert sorted((m["customer_id"], m["amount"], m["method"])
                  for m in done.json()["matches"]) == [
        ("M001", "1160.01", "split"), ("M002", "9999.99", "split")]
    after = open_amounts(db)
    assert (after["B-2001"], after["A-1001"]) == (0, 0)


def test_ignore_unknown_lines_and_money_out(db: str, client: TestClient) -> None:
    noise, out = add_lines(db, {"amount": 100, "counterparty_name": "INTERESES"},
                           {"amount": -25000, "remittance": "COMISION"})
    client.post("/reconciliation/run", json={"auto": True})
    # Money in nothing points to waits for a person, with no suggestion; money out does not.
    queue = _review(client)
    assert (queue[noise]["status"], queue[noise]["suggestions"]) == ("unmatched", [])
    assert out not in queue
    ignored = client.post(f"/reconciliation/lines/{noise}/ignore")
    assert ignored.status_code == 200, ignored.text
    assert ignored.json()["status"] == "ignored"
    assert noise not in _review(client)
    # Taken back, it waits as the matcher left it: nothing points to a customer.
    assert client.post(f"/reconciliation/lines/{noise}/reverse").json()["status"] == "unmatched"
    assert queue[noise]["status"] == _review(client)[noise]["status"]
    # Money out is never a customer's payment: there is nothing to take back.
    kept = client.post(f"/reconciliation/lines/{out}/reverse")
    assert kept.status_code == 422 and "money out" in _detail(kept)[0]["msg"]
    assert out not in _review(client)
    missing = client.post("/reconciliation/lines/999999/ignore",
                          headers={"Accept-Language": "es"})
    assert missing.status_code == 404
    assert _detail(missing) == [{"loc": ["path", "line_id"], "type": "not_found",
                                 "msg": "no existe la línea bancaria 999999"}]
    assert client.post("/reconciliation/lines/999999/confirm", json={}).status_code == 404
    # Unknown comes first: the amount's decimals are read against the line's currency.
    assert client.post("/reconciliation/lines/999999/split", json={"parts": [
        {"customer_id": "M001", "amount": "1.001"}]}).status_code == 404
    debit = client.post(f"/reconciliation/lines/{out}/assign", json={"customer_id": "M001"})
    assert "money out" in _detail(debit)[0]["msg"]
    nobody = client.get("/reconciliation/matches", params={"customer": "M999"})
    assert nobody.status_code == 404 and _detail(nobody)[0]["loc"] == ["query", "customer"]


def test_a_key_is_required(client: TestClient) -> None:
    reply = client.get("/reconciliation/review", headers={"Authorization": "Bearer nope"})
    assert reply.status_code == 401
    spanish = client.get("/reconciliation/review", headers={"Authorization": "Bearer nope",
                                                            "Accept-Language": "es"})
    assert spanish.json()["detail"] == "clave de API inválida o ausente"


def test_amounts_a_person_writes_are_read_plainly_or_refused(db: str,
                                                             client: TestClient) -> None:
    line, = add_lines(db, {"amount": 1116000, "counterparty_name": "GRUPO"})
    client.post("/reconciliation/run", json={"auto": True})
    url = f"/reconciliation/lines/{line}/split"
    for written, said in (("1e30", "is not an amount"), ("1e7", "is not an amount"),
                          ("-5", "is not an amount"), ("1.116,00", "is not an amount"),
                          ("9" * 29, "is not an amount"),
                          ("11,160", "may be 11160 or 11.16"), ("0", "not a positive")):
        refused = client.post(url, json={"parts": [{"customer_id": "M002", "amount": written}]})
        assert refused.status_code == 422, (written, refused.text)
        assert refused.json()["detail"][0]["loc"] == ["body", "parts", 0, "amount"]
        assert said in refused.json()["detail"][0]["msg"], (written, refused.text)
    done = client.post(url, json={"parts": [{"customer_id": "M002", "amount": "9999,99"},
                                            {"customer_id": "M001", "amount": "1160.01"}]})
    assert done.status_code == 200, done.text


def test_what_no_check_expected_is_refused_not_a_server_error(db: str,
                                                              client: TestClient) -> None:
    line, = add_lines(db, {"amount": 116000, "counterparty_name": "JUAN PEREZ LOPEZ"})
    client.post("/reconciliation/run", json={"auto": True})
    huge = "99999999999999999999"  # past a 64-bit row id
    for action in ("confirm", "ignore", "reverse"):
        reply = client.post(f"/reconciliation/lines/{huge}/{action}", json={},
                            headers={"Accept-Language": "es"})
        assert reply.status_code == 422, reply.text
        assert reply.json()["detail"][0]["loc"] == ["path", "line_id"]
        assert "a lo más" in reply.json()["detail"][0]["msg"]
    far = client.get("/reconciliation/matches", params={"offset": huge})
    assert far.status_code == 422 and far.json()["detail"][0]["loc"] == ["query", "offset"]
    word = client.post(f"/reconciliation/lines/{line}/confirm", json={"pick": "abc"},
                       headers={"Accept-Language": "es"})
    assert word.status_code == 422
    assert word.json()["detail"][0]["msg"] == "'abc' no es un número entero"
    broken = client.post(f"/reconciliation/lines/{line}/confirm", content=b"{",
                         headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json()["detail"][0]["type"] == "json_invalid"
    # PostgreSQL holds no NUL in a text (SQLite does, and knows no such customer).
    nul = client.post(f"/reconciliation/lines/{line}/assign", json={"customer_id": "M001\x00x"})
    assert nul.status_code in (404, 422), nul.text
    assert client.post(f"/reconciliation/lines/{line}/assign",
                       json={"customer_id": "M001"}).status_code == 200


def test_a_part_beyond_what_its_customer_owes_stays_as_credit_and_is_said(
        db: str, client: TestClient) -> None:
    # M003 owes 7,500.00 (C-3001) and nothing else: the rest of 8,000.00 stays as its credit.
    line, = add_lines(db, {"amount": 800000, "counterparty_name": "GRUPO"})
    url = f"/reconciliation/lines/{line}/assign"
    refused = client.post(url, json={"customer_id": "M003", "invoice_numbers": ["C-3001"]},
                          headers={"Accept-Language": "es"})
    assert refused.status_code == 422
    assert "(7500.00 MXN)" in _detail(refused)[0]["msg"]
    done = client.post(url, json={"customer_id": "M003", "invoice_numbers": ["C-3001"],
                                  "rest_on_account": True})
    assert done.status_code == 200, done.text
    [part] = done.json()["parts"]
    assert (part["amount"], part["other_invoices"], part["unapplied"], part["recorded"]) == (
        "8000.00", [], "500.00", False)
    assert part["messages"] == ["M003: 8000.00 MXN to C-3001 (7500.00)",
                                "M003: 500.00 MXN stays as the customer's unapplied credit"]
    assert open_amounts(db)["C-3001"] == 0


def test_parts_naming_one_invoice_twice_are_refused_and_nothing_is_kept(
        db: str, client: TestClient) -> None:
    line, = add_lines(db, {"amount": 166000, "counterparty_name": "GRUPO"})
    before = open_amounts(db)
    refused = client.post(f"/reconciliation/lines/{line}/split", json={"parts": [
        {"customer_id": "M001", "amount": "1160.00", "invoice_numbers": ["A-1001"]},
        {"customer_id": "M001", "amount": "500.00", "invoice_numbers": ["A-1001"]}]})
    assert "500.00 MXN for customer M001 is more than A-1001 owe (0.00 MXN)" in _detail(
        refused)[0]["msg"]
    assert open_amounts(db) == before
    assert client.get("/reconciliation/matches").json() == []
    # Not applied: still the person's to decide.
    assert client.post(f"/reconciliation/lines/{line}/ignore").status_code == 200
