"""A collector's day on the command line, in Spanish and English: promises, disputes, pauses,
extensions, plans, contact, satisfaction, the task queue and the timeline."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import cobranza.cli.accounts  # noqa: F401  (registers the commands)
import cobranza.cli.tasks  # noqa: F401
import cobranza.cli.timeline  # noqa: F401
from tests.integration.accounts.helpers import make_task, uow
from tests.integration.test_ledger_scenario import load
from tests.support import cli, ok

# The CLI reads the clock: dates relative to the real today, with a margin for time zones.
SOON = (date.today() + timedelta(days=10)).isoformat()
LATER = (date.today() + timedelta(days=40)).isoformat()
PAST = (date.today() - timedelta(days=5)).isoformat()


@pytest.fixture
def ledger(tmp_path: Path, sqlite_url: str) -> str:
    load(tmp_path, sqlite_url)
    return sqlite_url


def _refused(db: str, *args: str, lang: str = "en") -> str:
    result = cli(db, *args, lang=lang)
    assert result.exit_code == 2, result.output
    return result.stderr


def test_promises_in_spanish_and_english(ledger: str) -> None:
    out = cli(ledger, "promise", "add", "C001", "--date", SOON, "--amount", "40000", "--by",
              "ana", lang="es").stdout
    assert f"Promesa 1 registrada: C001 paga $40.000 a más tardar el {SOON}." in out
    assert "Promise 2 recorded: M001 pays" in ok(ledger, "promise", "add", "M001", "--date",
                                                  SOON, "--amount", "160,25").stdout
    assert "--date: " + PAST + " ya pasó" in _refused(
        ledger, "promise", "add", "C001", "--date", PAST, "--amount", "1", lang="es")
    assert "--amount: 'diez' is not an amount" in _refused(
        ledger, "promise", "add", "C001", "--date", SOON, "--amount", "diez")
    assert "--date: '10/04/2026' is not a date" in _refused(
        ledger, "promise", "add", "C001", "--date", "10/04/2026", "--amount", "1")
    assert "unknown customer 'C404'" in _refused(
        ledger, "promise", "add", "C404", "--date", SOON, "--amount", "1")
    listed = json.loads(ok(ledger, "promise", "list", "--format", "json").stdout)
    assert [(p["customer_id"], p["amount"], p["currency"], p["status"], p["taken_by"])
            for p in listed] == [("C001", "40000", "CLP", "open", "ana"),
                                 ("M001", "160.25", "MXN", "open", listed[1]["taken_by"])]
    table = cli(ledger, "promise", "list", "--customer", "C001", lang="es").stdout
    assert "abierta" in table and "M001" not in table


def test_disputes_in_spanish_and_english(ledger: str) -> None:
    out = cli(ledger, "dispute", "open", "F001", "--reason", "not_received", "--note",
              "no llegó", lang="es").stdout
    assert "Disputa 1 abierta sobre F001: no recibido." in out
    assert "la factura F001 ya tiene una disputa abierta" in _refused(
        ledger, "dispute", "open", "F001", "--reason", "quality", lang="es")
    assert "--reason: 'late' is not a dispute reason" in _refused(
        ledger, "dispute", "open", "F004", "--reason", "late")
    assert "F001" in ok(ledger, "dispute", "list").stdout
    assert "Dispute on F001 resolved." in ok(ledger, "dispute", "resolve", "F001",
                                             "--resolution", "reenviada").stdout
    assert json.loads(ok(ledger, "dispute", "list", "--format", "json").stdout) == []
    resolved = json.loads(ok(ledger, "dispute", "list", "--all", "--format", "json").stdout)
    assert (resolved[0]["status"], resolved[0]["resolution"]) == ("resolved", "reenviada")
    assert "invoice F001 has no open dispute" in _refused(
        ledger, "dispute", "resolve", "F001", "--resolution", "x")


def test_pause_extend_plan_contact_and_satisfaction(ledger: str) -> None:
    assert f"C002 en pausa hasta el {LATER}." in cli(
        ledger, "pause", "C002", "--reason", "vacaciones", "--until", LATER, lang="es").stdout
    assert "--until: " + PAST + " is not in the future" in _refused(
        ledger, "pause", "C002", "--reason", "x", "--until", PAST)
    assert "C002: pause lifted." in ok(ledger, "unpause", "C002").stdout
    assert "C002 is not paused" in _refused(ledger, "unpause", "C002")
    assert f"F004 is now due {SOON}." in ok(ledger, "extend", "F004", "--due-date", SOON,
                                            "--reason", "pidió plazo").stdout
    assert f"--due-date: {SOON} no es posterior al vencimiento vigente {SOON}" in _refused(
        ledger, "extend", "F004", "--due-date", SOON, "--reason", "x", lang="es")
    out = cli(ledger, "plan", "add", "M001", "--instalment", f"{SOON}:800", "--instalment",
              f"{LATER}:860.25", lang="es").stdout
    assert "Plan de pago 1 registrado:" in out and "en 2 cuotas." in out
    assert "--instalment: 'mañana:100': 'mañana' no es una fecha" in _refused(
        ledger, "plan", "add", "M001", "--instalment", "mañana:100", lang="es")
    assert "C002 will not be contacted." in ok(ledger, "contact", "stop", "C002", "--reason",
                                               "cease request").stdout
    assert "--reason: missing value" in _refused(ledger, "contact", "stop", "C001",
                                                 "--reason", " ")
    assert "C002 may be contacted again." in ok(ledger, "contact", "allow", "C002").stdout
    assert "(nota 4)" in cli(ledger, "satisfaction", "C001", "bien", lang="es").stdout
    assert "(score ?)" in ok(ledger, "satisfaction", "C001", "llámenme mañana").stdout


def test_the_task_queue_and_every_outcome(ledger: str) -> None:
    tomorrow = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=1)
    with uow(ledger) as (session, org):
        ids = [make_task(session, org, code, invoices=[number], scheduled_at=tomorrow
                         + timedelta(hours=i), key=f"k{i}", contact="+56 2 2222 2222",
                         currency="MXN" if code == "M001" else "CLP").id
               for i, (code, number) in enumerate([("C001", "F001"), ("C002", "F004"),
                                                   ("M001", "FM1"), ("C001", "F001")])]
    listed = json.loads(ok(ledger, "tasks", "list", "--format", "json").stdout)
    assert [t["id"] for t in listed] == ids
    assert set(listed[0]) == {"id", "customer_id", "kind", "step", "scheduled_at", "collector",
                              "status"}
    assert listed[2]["scheduled_at"] == (tomorrow + timedelta(hours=2)).astimezone(
        ZoneInfo("America/Mexico_City")).isoformat()
    table = cli(ledger, "tasks", "list", "--script", lang="es").stdout
    assert "Guion" in table and "ofrezca una prórroga" in table
    assert "Task" not in ok(ledger, "tasks", "list", "--collector", "nadie").stdout

    assert "--amount: a promise needs its amount" in _refused(
        ledger, "tasks", "log", str(ids[0]), "--outcome", "promise", "--promise-date", SOON)
    assert "--outcome" in _refused(ledger, "tasks", "log", str(ids[0]), "--outcome", "busy")
    assert "unknown task 999" in _refused(ledger, "tasks", "log", "999", "--outcome",
                                          "reached")
    assert f"Tarea {ids[0]}: promesa de pago." in cli(
        ledger, "tasks", "log", str(ids[0]), "--outcome", "promise", "--promise-date", SOON,
        "--amount", "40000", lang="es").stdout
    assert "--reason: a dispute needs its reason" in _refused(
        ledger, "tasks", "log", str(ids[1]), "--outcome", "dispute")
    ok(ledger, "tasks", "log", str(ids[1]), "--outcome", "dispute", "--reason", "quality",
       "--note", "producto dañado")
    ok(ledger, "tasks", "log", str(ids[2]), "--outcome", "wrong-number")
    assert "--at: " in _refused(ledger, "tasks", "log", str(ids[3]), "--outcome", "callback")
    ok(ledger, "tasks", "log", str(ids[3]), "--outcome", "callback", "--at",
       f"{LATER}T16:00")
    still_open = json.loads(ok(ledger, "tasks", "list", "--format", "json").stdout)
    assert [(t["id"], t["scheduled_at"][:16]) for t in still_open] == [
        (ids[3], f"{LATER}T16:00")]
    done = json.loads(ok(ledger, "tasks", "list", "--status", "done", "--format",
                         "json").stdout)
    assert [t["id"] for t in done] == ids[:3]
    assert [d["invoice"] for d in json.loads(ok(ledger, "dispute", "list", "--format",
                                                "json").stdout)] == ["F004"]
    timeline = json.loads(ok(ledger, "timeline", "C001", "--format", "json").stdout)
    assert [e["kind"] for e in timeline] == ["promise", "call_logged", "call_logged"]
    assert "llamada por F001: volver a llamar" in cli(ledger, "timeline", "C001",
                                                      lang="es").stdout
    assert "OK: 6 entries in 3 timelines verified." in ok(ledger, "audit", "verify").stdout
