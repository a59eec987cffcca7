"""POST /statements: the same import as the command line, answered in JSON."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cobranza.app import create_app
from tests.integration.statements.test_import import digest, march
from tests.support import ok
from tests.unit.statements.test_camt import entry
from tests.unit.statements.test_cep import receipt


@pytest.fixture
def api(db_url: str) -> Iterator[tuple[TestClient, str]]:
    ok(db_url, "init", "--country", "MX")
    key = ok(db_url, "apikey", "create", "--name", "tests").stdout.strip()
    app = create_app(db_url)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        client.headers["Accept-Language"] = "en"
        yield client, db_url
    app.state.engine.dispose()


def test_a_statement_uploaded_twice_is_stored_once(api: tuple[TestClient, str]) -> None:
    client, _db = api
    body = march(entry("10.00", ref="A"), entry("20.00", ref="B"))
    first = client.post("/statements", content=body, params={"filename": "march.xml"})
    assert first.status_code == 200, first.text
    assert first.json()["format"] == "camt"
    assert first.json()["statements"][0] == {
        "account": "MX00TEST", "currency": "MXN", "period_start": "2026-03-02",
        "period_end": "2026-03-31", "statement_ref": "STMT-1", "lines_new": 2,
        "lines_known": 0, "already_imported": False, "not_booked": 0, "zero": 0}
    again = client.post("/statements", content=body).json()
    assert (again["lines_new"], again["lines_known"]) == (0, 2)


def test_a_receipt_takes_the_account_from_the_query(api: tuple[TestClient, str]) -> None:
    client, _db = api
    result = client.post("/statements", content=receipt(account="NA"),
                         params={"account": "072180000000000011", "format": "cep"})
    assert result.json()["statements"][0]["account"] == "072180000000000011"


def test_a_bad_file_is_422_with_located_errors_and_writes_nothing(
        api: tuple[TestClient, str]) -> None:
    client, db = api
    before = digest(db)
    result = client.post("/statements", content=march(entry("10.00"), closing="1.00"),
                         params={"filename": "bad.xml"})
    assert result.status_code == 422
    [error] = result.json()["detail"]
    assert (error["file"], error["field"]) == ("bad.xml", "Bal/Amt")
    assert "differ by -1009.00 MXN" in error["message"]
    assert digest(db) == before


def test_requests_without_a_key_are_refused(api: tuple[TestClient, str]) -> None:
    client, _db = api
    del client.headers["Authorization"]
    assert client.post("/statements", content=b"x").status_code == 401


def test_a_browser_form_upload_imports_the_file_field(api: tuple[TestClient, str]) -> None:
    client, _db = api
    body = march(entry("10.00", ref="A"))
    result = client.post("/statements", files={"file": ("marzo.xml", body, "text/xml")})
    assert result.status_code == 200, result.text
    assert (result.json()["file"], result.json()["lines_new"]) == ("marzo.xml", 1)
    again = client.post("/statements", files={"file": ("marzo.xml", body, "text/xml")})
    assert again.json()["lines_known"] == 1


def test_a_form_without_a_file_field_is_refused(api: tuple[TestClient, str]) -> None:
    client, _db = api
    result = client.post("/statements", files={"statement": ("m.xml", b"<x/>", "text/xml")})
    assert result.status_code == 422
    assert result.json()["detail"][0]["message"] == "the form has no file in a field named 'file'"
    client.headers["Accept-Language"] = "es"
    spanish = client.post("/statements", data={"file": "not a file"},
                          files={"statement": ("m.xml", b"<x/>", "text/xml")})
    assert spanish.json()["detail"][0]["message"] == (
        "el formulario no trae un archivo en un campo llamado 'file'")
