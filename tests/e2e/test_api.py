"""The JSON API: bearer keys per organisation, the import checks as 422, aging and statements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cobranza.app import create_app
from tests.integration.test_ledger_scenario import load
from tests.support import aging_json, ok


@pytest.fixture
def api(tmp_path: Path, db_url: str) -> Iterator[tuple[TestClient, str]]:
    load(tmp_path, db_url)
    key = ok(db_url, "apikey", "create", "--name", "tests").stdout.strip()
    app = create_app(db_url)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield client, db_url
    app.state.engine.dispose()


def test_requests_without_a_valid_key_are_refused(api: tuple[TestClient, str]) -> None:
    client, _ = api
    assert client.get("/customers", headers={"Authorization": "Bearer cbz_nope_nope"}
                      ).status_code == 401
    del client.headers["Authorization"]
    assert client.get("/customers").status_code == 401


def test_lists_customers_invoices_and_payments(api: tuple[TestClient, str]) -> None:
    client, _ = api
    customers = client.get("/customers").json()
    assert [c["id"] for c in customers] == ["C001", "C002", "M001"]
    assert customers[0]["tax_id"] == "76086428-5"
    invoices = client.get("/invoices", params={"customer_id": "C001"}).json()
    assert {i["number"]: i["open"] for i in invoices} == {"F001": "40000", "F002": "0"}
    payments = client.get("/payments", params={"customer_id": "C001"}).json()
    assert payments[0]["invoice_numbers"] == ["F002"]
    notes = client.get("/credit-notes").json()
    assert notes[0]["amount"] == "500.00"


def test_aging_and_statement_match_the_cli(api: tuple[TestClient, str]) -> None:
    client, db = api
    response = client.get("/reports/aging", params={"as_of": "2026-03-31"})
    assert response.status_code == 200
    assert response.json() == aging_json(db, "2026-03-31")
    statement = client.get("/customers/C001/statement", params={"as_of": "2026-03-31"}).json()
    assert statement["totals"]["CLP"]["accrued_interest"] == "2341"
    assert client.get("/customers/NOPE/statement",
                      params={"as_of": "2026-03-31"}).status_code == 404


def test_writes_go_through_the_import_checks(api: tuple[TestClient, str]) -> None:
    client, db = api
    bad = [{"number": "F20", "customer_id": "C001", "issue_date": "2026-04-01",
            "due_date": "2026-05-01", "currency": "CLP", "amount": "5000.5"},
           {"number": "F21", "customer_id": "C404", "issue_date": "2026-04-01",
            "due_date": "2026-05-01", "currency": "CLP", "amount": "5000"}]
    response = client.post("/invoices", json=bad)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [(d["line"], d["column"]) for d in detail] == [(1, "amount"), (2, "customer_id")]
    assert client.get("/invoices", params={"customer_id": "C001"}).json()[-1]["number"] != "F20"
    good = [{"number": "F20", "customer_id": "C001", "issue_date": "2026-04-01",
             "due_date": "2026-05-01", "currency": "CLP", "amount": 5000}]
    assert client.post("/invoices", json=good).json()["new"] == 1
    paid = client.post("/payments", json=[{"id": "P20", "customer_id": "C001",
                                           "date": "2026-04-02", "currency": "CLP",
                                           "amount": "45000", "invoice_numbers": ["F20"]}])
    assert paid.status_code == 200, paid.text
    c001 = aging_json(db, "2026-04-02")["currencies"]["CLP"]["customers"][0]
    assert c001["total"] == "0"


def test_errors_follow_the_accept_language(api: tuple[TestClient, str]) -> None:
    client, _ = api
    response = client.post("/customers", json=[{"id": "C9", "name": "X", "tax_id": "1-1",
                                                "country": "CL"}],
                           headers={"Accept-Language": "es-CL"})
    assert response.status_code == 422
    assert "no es un RUT válido" in response.json()["detail"][0]["msg"]


def test_keys_see_only_their_organisation(api: tuple[TestClient, str]) -> None:
    client, db = api
    from datetime import UTC, datetime

    from cobranza.db import make_engine, unit_of_work
    from cobranza.models import Organisation
    from cobranza.organisations.service import create_api_key

    engine = make_engine(db)
    with unit_of_work(engine) as session:
        other = Organisation(name="Otra", country="CL", base_currency="CLP",
                             timezone="America/Santiago", locale="es_CL",
                             created_at=datetime.now(UTC))
        session.add(other)
        session.flush()
        key = create_api_key(session, org=other, name="other", now=datetime.now(UTC))
    engine.dispose()
    response = client.get("/customers", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200 and response.json() == []
    report = client.get("/reports/aging", params={"as_of": "2026-03-31"},
                        headers={"Authorization": f"Bearer {key}"}).json()
    assert report["currencies"] == {}


def test_openapi_documents_the_endpoints(api: tuple[TestClient, str]) -> None:
    client, _ = api
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/customers", "/invoices", "/payments", "/credit-notes", "/reports/aging",
                 "/customers/{customer_id}/statement"):
        assert path in paths
