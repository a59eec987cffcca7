"""The JSON API of promises, disputes, pauses, extensions, plans, satisfaction, tasks and the
timeline, on SQLite and PostgreSQL: 422 located in the request's language, 404 for unknowns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from cobranza.accounts.api import router as accounts_router
from cobranza.app import create_app
from cobranza.tasks.api import router as tasks_router
from tests.integration.accounts.helpers import make_task, uow
from tests.support import ok

# The API reads the clock: dates are relative to the real today (with a margin for time zones).
SOON = (date.today() + timedelta(days=10)).isoformat()
LATER = (date.today() + timedelta(days=40)).isoformat()
PAST = (date.today() - timedelta(days=5)).isoformat()


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    key = ok(db, "apikey", "create", "--name", "tests").stdout.strip()
    app = create_app(db)
    app.include_router(accounts_router)
    app.include_router(tasks_router)
    with TestClient(app) as test_client:
        test_client.headers["Authorization"] = f"Bearer {key}"
        test_client.headers["Accept-Language"] = "en"
        yield test_client
    app.state.engine.dispose()


def _detail(response: object) -> list[dict[str, object]]:
    detail: list[dict[str, object]] = response.json()["detail"]  # type: ignore[attr-defined]
    return detail


def test_promises(client: TestClient) -> None:
    created = client.post("/customers/C001/promises", json={"date": SOON, "amount": "40000",
                                                            "note": "por teléfono"})
    assert created.status_code == 200, created.text
    body = created.json()
    assert {k: body[k] for k in ("customer_id", "date", "amount", "currency", "status",
                                 "taken_by")} == {
        "customer_id": "C001", "date": SOON, "amount": "40000", "currency": "CLP",
        "status": "open", "taken_by": "api:tests"}
    assert [p["id"] for p in client.get("/customers/C001/promises").json()] == [body["id"]]
    bad = client.post("/customers/C001/promises", json={"date": SOON, "amount": "40000,5"},
                      headers={"Accept-Language": "es-CL"})
    assert bad.status_code == 422
    assert _detail(bad) == [{"loc": ["body", "amount"], "type": "value_error",
                             "msg": "'40000.5' tiene más decimales de los que admite CLP"}]
    past = client.post("/customers/C001/promises", json={"date": PAST, "amount": "1"})
    assert _detail(past)[0]["loc"] == ["body", "date"]
    assert "is in the past" in str(_detail(past)[0]["msg"])
    missing = client.post("/customers/C001/promises", json={"amount": "1"})
    assert _detail(missing)[0]["loc"] == ["body", "date"]
    unknown = client.post("/customers/C404/promises", json={"date": SOON, "amount": "1"})
    assert unknown.status_code == 404 and _detail(unknown)[0]["loc"] == ["path", "customer_id"]
    assert len(client.get("/customers/C001/promises").json()) == 1


def test_disputes(client: TestClient) -> None:
    opened = client.post("/invoices/F001/disputes", json={"reason": "quality", "note": "roto"})
    assert opened.status_code == 200, opened.text
    dispute = opened.json()
    assert (dispute["invoice"], dispute["customer_id"], dispute["status"]) == (
        "F001", "C001", "open")
    again = client.post("/invoices/F001/disputes", json={"reason": "quality"})
    assert again.status_code == 422 and _detail(again)[0]["loc"] == ["path", "number"]
    bad_reason = client.post("/invoices/F004/disputes", json={"reason": "late"})
    assert _detail(bad_reason)[0]["loc"] == ["body", "reason"]
    assert client.post("/invoices/F404/disputes", json={"reason": "other"}).status_code == 404
    resolved = client.post(f"/disputes/{dispute['id']}/resolve",
                           json={"resolution": "se envió reemplazo"})
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_by"] == "api:tests"
    twice = client.post(f"/disputes/{dispute['id']}/resolve", json={"resolution": "x"})
    assert twice.status_code == 422
    assert client.post("/disputes/999/resolve", json={"resolution": "x"}).status_code == 404


def test_pause_and_lift(client: TestClient) -> None:
    paused = client.post("/customers/C002/pause", json={"reason": "vacaciones", "until": LATER})
    assert paused.status_code == 200 and paused.json()["until"] == LATER
    no_reason = client.post("/customers/C002/pause", json={"until": LATER})
    assert _detail(no_reason)[0]["loc"] == ["body", "reason"]
    bad_date = client.post("/customers/C002/pause", json={"reason": "x", "until": "31-12-2026"})
    assert _detail(bad_date)[0] == {"loc": ["body", "until"], "type": "value_error",
                                    "msg": "'31-12-2026' is not a date; expected YYYY-MM-DD"}
    lifted = client.delete("/customers/C002/pause")
    assert lifted.status_code == 200 and lifted.json()[0]["lifted_at"] is not None
    again = client.delete("/customers/C002/pause")
    assert again.status_code == 422 and _detail(again)[0]["loc"] == ["path", "customer_id"]


def test_extensions_plans_satisfaction_and_contact(client: TestClient) -> None:
    extended = client.post("/invoices/F004/extensions", json={"due_date": LATER,
                                                              "reason": "pidió plazo"})
    assert extended.status_code == 200 and extended.json()["due_date"] == LATER
    earlier = client.post("/invoices/F004/extensions", json={"due_date": SOON, "reason": "x"})
    assert _detail(earlier)[0]["loc"] == ["body", "due_date"]
    plan = client.post("/customers/M001/payment-plans", json={"instalments": [
        {"date": SOON, "amount": "800.00"}, {"date": LATER, "amount": "860.25"}]})
    assert plan.status_code == 200, plan.text
    assert (plan.json()["total"], plan.json()["currency"]) == ("1660.25", "MXN")
    bad_plan = client.post("/customers/M001/payment-plans",
                           json={"instalments": [{"date": SOON, "amount": "abc"}]})
    assert _detail(bad_plan)[0]["loc"] == ["body", "instalments"]
    answer = client.post("/customers/C001/satisfaction", json={"answer": "muy bien"})
    assert answer.json()["score"] == 5
    stop = client.post("/customers/C001/contact", json={"do_not_contact": True})
    assert _detail(stop)[0]["loc"] == ["body", "reason"]
    stop = client.post("/customers/C001/contact", json={"do_not_contact": True,
                                                        "reason": "opt-out"})
    assert stop.json() == {"customer_id": "C001", "do_not_contact": True, "reason": "opt-out"}


def test_tasks_and_their_outcomes(client: TestClient, db: str) -> None:
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    with uow(db) as (session, org):
        task_id = make_task(session, org, "M001", invoices=["FM1"], scheduled_at=when,
                            currency="MXN", amount=16025).id
    listed = client.get("/tasks").json()
    assert listed == [{"id": task_id, "customer_id": "M001", "kind": "call", "step": "call_15",
                       "scheduled_at": when.astimezone(ZoneInfo("America/Mexico_City"))
                       .isoformat(),
                       "collector": "ana", "status": "open"}]
    assert client.get("/tasks", params={"status": "closed"}).status_code == 422
    no_amount = client.post(f"/tasks/{task_id}/outcome", json={"outcome": "promise",
                                                               "promise_date": SOON})
    assert _detail(no_amount)[0]["loc"] == ["body", "amount"]
    bad_at = client.post(f"/tasks/{task_id}/outcome", json={"outcome": "callback",
                                                            "at": "mañana"})
    assert _detail(bad_at)[0]["loc"] == ["body", "at"]
    assert client.post("/tasks/999/outcome", json={"outcome": "reached"}).status_code == 404
    done = client.post(f"/tasks/{task_id}/outcome", json={
        "outcome": "promise", "promise_date": SOON, "amount": "160.25"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert client.get("/customers/M001/promises").json()[0]["amount"] == "160.25"
    timeline = client.get("/customers/M001/timeline").json()
    assert [(e["kind"], e["actor"]) for e in timeline] == [
        ("promise", "api:tests"), ("call_logged", "api:tests")]
    assert client.get("/customers/C404/timeline").status_code == 404
