"""Strategies stored per organisation: import/export, seeding, templates, assignment, CLI, API.

On SQLite and PostgreSQL. A refused file or request changes no row of the strategy tables.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select, text

import cobranza.cli.strategies  # noqa: F401  (registers `cobranza strategy`)
from cobranza.app import create_app
from cobranza.core.contact import Limits
from cobranza.db import make_engine, unit_of_work
from cobranza.dunning.api import router
from cobranza.dunning.strategies import (
    assignments,
    ensure_default_strategy,
    import_strategy,
    load_limits,
    load_strategies,
    strategy_of_customer,
    templates_for,
)
from cobranza.dunning.strategy_yaml import ParsedStrategy, parse_strategy
from cobranza.messaging.templates import load_default_templates
from cobranza.models import Customer
from cobranza.organisations.service import current
from tests.integration.test_ledger_scenario import CUSTOMERS
from tests.support import cli, ok, write_csv
from tests.unit.dunning.test_strategy_yaml import BASE, INVALID

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
TABLES = ("strategies", "strategy_steps", "message_templates", "customers", "activity_log")

RETAIL = """\
code: retail
name: Minoristas
segments: [Retail]
limits: {written_per_7_days: 1, calls_per_7_days: 1, min_days_between_written: 3}
steps:
  - code: reminder
    offset: 2
    action: message
    channel: whatsapp
    tone: friendly
    template: due_today
"""


def seed(db: str) -> bool:
    """Seed the default strategy as `cobranza init` does."""
    engine = make_engine(db)
    with unit_of_work(engine) as session:
        created = ensure_default_strategy(session, org=current(session), now=NOW)
    engine.dispose()
    return created


@pytest.fixture
def ledger(db_url: str, tmp_path: Path) -> str:
    """A Chilean ledger with four customers of different segments and the default strategy."""
    ok(db_url, "init", "--country", "CL")
    ok(db_url, "import", "customers", str(write_csv(
        tmp_path / "c.csv", CUSTOMERS,
        "C1,Uno,,a@uno.cl,,,es,CL,,email,retail,",
        "C2,Dos,,b@dos.cl,,,es,CL,,email,wholesale,",
        "C3,Tres,,c@tres.cl,,,en,CL,,email,,",
        "C4,Cuatro,,d@cuatro.cl,,,es,CL,,email,RETAIL ,")))
    seed(db_url)  # `cobranza init` may have seeded it already: idempotent either way
    return db_url


def snapshot(db: str) -> dict[str, str]:
    """A digest of every row of the tables a strategy import may touch."""
    engine = make_engine(db)
    with engine.connect() as conn:
        digests = {t: hashlib.sha256(repr(conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))
                                          .all()).encode()).hexdigest() for t in TABLES}
    engine.dispose()
    return digests


def query(db: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(db)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def test_seeding_the_default_is_idempotent(ledger: str) -> None:
    assert not seed(ledger)
    assert query(ledger, "SELECT code, is_default FROM strategies") == [("default", True)]
    assert query(ledger, "SELECT count(*) FROM strategy_steps") == [(10,)]
    # Only texts an organisation changed are stored; the defaults stay in the package.
    assert query(ledger, "SELECT count(*) FROM message_templates") == [(0,)]


def test_a_users_own_default_is_never_replaced_by_the_seed(ledger: str, tmp_path: Path) -> None:
    own = tmp_path / "own.yaml"
    own.write_text(RETAIL.replace("code: retail", "code: mine").replace(
        "segments: [Retail]", "default: true"), encoding="utf-8")
    assert "Created" in ok(ledger, "strategy", "import", str(own)).stdout
    assert query(ledger, "SELECT code, is_default FROM strategies ORDER BY code") == [
        ("default", False), ("mine", True)]
    assert not seed(ledger)


def test_export_then_import_through_the_cli_changes_nothing(ledger: str, tmp_path: Path) -> None:
    path = tmp_path / "default.yaml"
    ok(ledger, "strategy", "export", "default", "--output", str(path))
    exported = path.read_text(encoding="utf-8")
    assert exported == ok(ledger, "strategy", "export", "default").stdout
    # Self-contained: the texts of every template its steps use travel with it.
    assert set(yaml.safe_load(exported)["templates"]) == {
        "reminder_before_due", "due_today", "first_overdue", "second_reminder", "call_first",
        "letter_1", "letter_2", "letter_3_final"}
    before = snapshot(ledger)
    out = ok(ledger, "strategy", "import", str(path)).stdout
    assert "Replaced: strategy default: 10 steps, 0 template texts of its own" in out
    assert snapshot(ledger) == before
    assert ok(ledger, "strategy", "export", "default").stdout == exported


def test_every_invalid_file_is_refused_whole_with_located_errors(ledger: str,
                                                                  tmp_path: Path) -> None:
    ok(ledger, "strategy", "import", str(write(tmp_path / "base.yaml", BASE)))
    before = snapshot(ledger)
    for old, new, line, field, message in INVALID:
        path = write(tmp_path / "bad.yaml", BASE.replace(old, new, 1))
        result = cli(ledger, "strategy", "import", str(path))
        assert result.exit_code == 2, (field, result.output)
        assert f"{path}:{line}: {field}: " in result.stderr and message in result.stderr
        assert "nothing was imported" in result.stderr
        assert snapshot(ledger) == before, field


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def test_a_dry_run_checks_everything_and_writes_nothing(ledger: str, tmp_path: Path) -> None:
    before = snapshot(ledger)
    out = ok(ledger, "strategy", "import", str(write(tmp_path / "b.yaml", BASE)),
             "--dry-run").stdout
    assert "Dry run, nothing written: strategy test: 4 steps, 1 template texts" in out
    assert snapshot(ledger) == before
    bad = write(tmp_path / "bad.yaml", BASE.replace("tone: firm", "tone: angry"))
    assert cli(ledger, "strategy", "import", str(bad), "--dry-run").exit_code == 2


def test_errors_and_messages_in_spanish(ledger: str, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", BASE.replace("tone: firm", "tone: angry"))
    result = cli(ledger, "strategy", "import", str(bad), lang="es")
    assert f"{bad}:15: steps[1].tone: tono desconocido 'angry'" in result.stderr
    assert "no se importó nada" in result.stderr


def test_a_file_that_cannot_be_read_is_a_clear_error(ledger: str, tmp_path: Path) -> None:
    missing = cli(ledger, "strategy", "import", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(BASE.replace("Test", "Cobranza año").encode("latin-1"))
    assert cli(ledger, "strategy", "import", str(latin1)).exit_code == 2


def _session_import(db: str, content: str) -> object:
    engine = make_engine(db)
    with unit_of_work(engine) as session:
        result = import_strategy(session, org=current(session), text=content, source="t.yaml",
                                 now=NOW)
    engine.dispose()
    return result


def test_own_template_texts_are_stored_and_the_rest_fall_back(ledger: str) -> None:
    own = BASE.replace("template: reminder_before_due", "template: due_today") + """\
  due_today:
    es:
      subject: Vence hoy
      text: Hola {{ customer_name }}, hoy vence {{ total_open }}.
"""
    _session_import(ledger, own)
    assert sorted(query(ledger, "SELECT code, language FROM message_templates")) == [
        ("due_today", "es"), ("own", "es")]
    engine = make_engine(ledger)
    defaults = load_default_templates()
    with unit_of_work(engine) as session:
        org_id = current(session).id
        assert templates_for(session, org_id=org_id, code="due_today", language="es").subject \
            == "Vence hoy"
        # English was not changed: the shipped English text.
        assert templates_for(session, org_id=org_id, code="due_today", language="en") \
            == defaults["due_today"].languages["en"]
        # A template with only Spanish answers in Spanish.
        assert templates_for(session, org_id=org_id, code="own", language="en").language == "es"
    engine.dispose()
    # Importing the shipped text again drops the organisation's copy.
    shipped = defaults["due_today"].languages["es"]
    again = BASE + "  due_today:\n    es:\n" + "".join(
        f"      {part}: {json.dumps(getattr(shipped, part))}\n"
        for part in ("subject", "text", "html", "sms"))
    assert isinstance(_session_import(ledger, again), object)
    assert query(ledger, "SELECT code FROM message_templates") == [("own",)]


def test_a_customer_follows_its_own_then_its_segments_then_the_default(ledger: str,
                                                                        tmp_path: Path) -> None:
    ok(ledger, "strategy", "import", str(write(tmp_path / "r.yaml", RETAIL)))
    ok(ledger, "strategy", "import", str(write(tmp_path / "t.yaml", BASE)))
    assert "Customer C1 now follows strategy test." in ok(
        ledger, "strategy", "assign", "C1", "test").stdout
    engine = make_engine(ledger)
    with unit_of_work(engine) as session:
        org_id = current(session).id
        ids = {s.code: sid for sid, s in load_strategies(session, org_id=org_id).items()}
        codes = dict(session.execute(select(Customer.id, Customer.code)).all())
        found = {codes[c]: s for c, s in assignments(session, org_id=org_id).items()}
        # The same expression works inside any query of the run (one pass over customers).
        expr = strategy_of_customer(session, org_id=org_id)
        in_sql = dict(session.execute(select(Customer.code, expr).order_by(Customer.code)).all())
    engine.dispose()
    assert found == {"C1": ids["test"], "C2": ids["default"], "C3": ids["default"],
                     "C4": ids["retail"]}  # "RETAIL " matches segment "Retail"
    assert in_sql == found
    assert query(ledger, "SELECT kind, actor FROM activity_log") == [
        ("strategy_assigned", "cli")]
    ok(ledger, "strategy", "unassign", "C1")
    ok(ledger, "strategy", "assign", "C4", "default")
    engine = make_engine(ledger)
    with unit_of_work(engine) as session:
        found = {codes[c]: s for c, s in assignments(session, org_id=org_id).items()}
    engine.dispose()
    assert found == {"C1": ids["retail"], "C2": ids["default"], "C3": ids["default"],
                     "C4": ids["default"]}


def test_assigning_names_unknown_customers_and_strategies(ledger: str) -> None:
    before = snapshot(ledger)
    unknown_customer = cli(ledger, "strategy", "assign", "NOPE", "default")
    assert unknown_customer.exit_code == 2 and "unknown customer 'NOPE'" in unknown_customer.stderr
    unknown_strategy = cli(ledger, "strategy", "assign", "C1", "nope")
    assert unknown_strategy.exit_code == 2 and "unknown strategy 'nope'" in unknown_strategy.stderr
    assert cli(ledger, "strategy", "show", "nope").exit_code == 2
    assert cli(ledger, "strategy", "export", "nope").exit_code == 2
    assert snapshot(ledger) == before


def test_without_any_strategy_no_customer_is_assigned(ledger: str) -> None:
    engine = make_engine(ledger)
    with unit_of_work(engine) as session:
        session.execute(text("DELETE FROM strategy_steps"))
        session.execute(text("DELETE FROM strategies"))
        assert assignments(session, org_id=current(session).id) == {}
    engine.dispose()


def test_a_segment_has_one_strategy(ledger: str, tmp_path: Path) -> None:
    ok(ledger, "strategy", "import", str(write(tmp_path / "r.yaml", RETAIL)))
    before = snapshot(ledger)
    other = write(tmp_path / "o.yaml", RETAIL.replace("code: retail", "code: other").replace(
        "[Retail]", "[pyme, retail]"))
    result = cli(ledger, "strategy", "import", str(other))
    assert result.exit_code == 2
    assert f"{other}:3: segments[1]: segment 'retail' already follows strategy 'retail'" \
        in result.stderr
    assert snapshot(ledger) == before
    # Re-importing the same strategy with its own segments is fine.
    ok(ledger, "strategy", "import", str(write(tmp_path / "r.yaml", RETAIL)))


def test_limits_and_steps_load_as_stored(ledger: str, tmp_path: Path) -> None:
    ok(ledger, "strategy", "import", str(write(tmp_path / "r.yaml", RETAIL)))
    engine = make_engine(ledger)
    with unit_of_work(engine) as session:
        org_id = current(session).id
        loaded = {s.code: (sid, s) for sid, s in load_strategies(session, org_id=org_id).items()}
        limits = load_limits(session, org_id=org_id)
    engine.dispose()
    expected = parse_strategy(RETAIL, source="r", known_templates={"due_today"})
    assert isinstance(expected, ParsedStrategy)
    sid, strategy = loaded["retail"]
    assert strategy == expected.strategy
    assert limits[sid] == Limits(written_per_7_days=1, voice_per_7_days=1,
                                 written_min_days_apart=3)
    assert limits[loaded["default"][0]] == Limits()
    assert [s.code for s in loaded["default"][1].steps][-3:] == ["late_fee", "letter_3", "agency"]


def test_importing_a_default_makes_it_the_only_default(ledger: str, tmp_path: Path) -> None:
    ok(ledger, "strategy", "import", str(write(tmp_path / "n.yaml", BASE.replace(
        "name: Test", "name: Test\ndefault: true"))))
    assert query(ledger, "SELECT code FROM strategies WHERE is_default = true") == [("test",)]


def test_list_and_show_describe_the_strategies(ledger: str) -> None:
    listing = ok(ledger, "strategy", "list").stdout
    assert "default" in listing and "10" in listing and "4" in listing  # 4 customers follow it
    shown = ok(ledger, "strategy", "show", "default").stdout
    for fragment in ("7 days before the due date", "on the due date", "preferred",
                     "letter_3_final", "fee 5% of the overdue principal",
                     "Agencia externa"):
        assert fragment in shown, fragment
    assert "7 días antes del vencimiento" in cli(ledger, "strategy", "show", "default",
                                                 lang="es").stdout


@pytest.fixture
def api(ledger: str) -> Iterator[tuple[TestClient, str]]:
    key = ok(ledger, "apikey", "create", "--name", "tests").stdout.strip()
    app = create_app(ledger)
    app.include_router(router)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        client.headers["Accept-Language"] = "en"
        yield client, ledger
    app.state.engine.dispose()


def test_the_api_reads_and_replaces_strategies_as_json_or_yaml(
        api: tuple[TestClient, str]) -> None:
    client, db = api
    assert [s["code"] for s in client.get("/strategies").json()] == ["default"]
    created = client.put("/strategies/retail", content=RETAIL,
                         headers={"Content-Type": "application/yaml"})
    assert created.status_code == 200, created.text
    document = created.json()
    assert document["limits"] == {"written_per_7_days": 1, "calls_per_7_days": 1,
                                  "min_days_between_written": 3}
    assert document["steps"][0] == {"code": "reminder", "offset": 2, "anchor": "due",
                                    "action": "message", "channel": "whatsapp",
                                    "tone": "friendly", "template": "due_today"}
    assert client.get("/strategies/retail").json() == document
    # The JSON a GET gives is a valid PUT: same shape, same result.
    document["name"] = "Minoristas (editada)"
    assert client.put("/strategies/retail", json=document).json()["name"] == \
        "Minoristas (editada)"
    as_yaml = client.get("/strategies/retail/yaml")
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert as_yaml.text == ok(db, "strategy", "export", "retail").stdout
    summary = {s["code"]: s for s in client.get("/strategies").json()}
    assert summary["retail"]["customers"] == 2 and summary["retail"]["segments"] == ["Retail"]


def test_the_api_refuses_a_bad_strategy_whole_with_located_errors(
        api: tuple[TestClient, str]) -> None:
    client, db = api
    before = snapshot(db)
    bad = client.put("/strategies/retail", content=RETAIL.replace("whatsapp", "fax").replace(
        "offset: 2", "offset: two"), headers={"Content-Type": "application/yaml"})
    assert bad.status_code == 422
    assert [(e["line"], e["field"], e["loc"]) for e in bad.json()["detail"]] == [
        (7, "steps[0].offset", ["body", "steps", 0, "offset"]),
        (9, "steps[0].channel", ["body", "steps", 0, "channel"])]
    mismatch = client.put("/strategies/other", content=RETAIL,
                          headers={"Content-Type": "application/yaml"})
    assert mismatch.status_code == 422 and mismatch.json()["detail"][0]["field"] == "code"
    assert client.put("/strategies/retail", content=RETAIL,
                      headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.put("/strategies/retail", content=b"\xff\xfe",
                      headers={"Content-Type": "application/yaml"}).status_code == 422
    dry = client.put("/strategies/retail", params={"dry_run": "true"}, content=RETAIL,
                     headers={"Content-Type": "application/yaml"})
    assert dry.status_code == 200 and dry.json()["code"] == "retail"
    assert snapshot(db) == before
    assert client.get("/strategies/retail").status_code == 404
    assert client.get("/strategies/retail/yaml").status_code == 404
