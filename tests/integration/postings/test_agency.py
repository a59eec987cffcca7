"""Agency hand-offs, recalls and credit blocks on a real ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from cobranza.agency.service import (
    HandoffRequest,
    HandoffResult,
    InvalidHandoff,
    RecallError,
    credit_block,
    hand_off,
    recall,
)
from cobranza.core.fees import FeeRule
from cobranza.i18n import language
from cobranza.models import (
    ActivityEntry,
    AgencyHandoff,
    CollectionAction,
    Customer,
    Dispute,
    Invoice,
    Promise,
)
from cobranza.postings.service import FeeRequest, post_fees
from tests.integration.postings.ledger import NOW, build, d, import_uf, unit
from tests.support import aging_json

D = Decimal
DAY = "2026-05-01"  # F100 is 90 days past due
NORTE = "Agencia Norte"


@pytest.fixture
def ledger(tmp_path: Path, db_url: str) -> str:
    """The shared ledger, plus a fee on F100, a collection history and a dispute on F200."""
    build(tmp_path, db_url)
    import_uf(tmp_path, db_url, "2026-03-01,37000")
    with unit(db_url) as (session, org, ids):
        # 10% of the 500,000 open on 2026-03-01, capped at 9% × 370,000 + 6% × 130,000 = 41,100
        [fee] = post_fees(session, org=org, day=d("2026-03-01"), now=NOW, requests=[
            FeeRequest(ids["F100"], "fee30", 0, FeeRule(pct=D(10)))]).results
        assert fee.amount == D(41_100)
        org.tax_id = "76.123.456-7"
        customers = dict(session.execute(select(Customer.code, Customer.id)).tuples().all())
        c001, c002 = customers["C001"], customers["C002"]
        at = datetime(2026, 4, 10, 2, 30, tzinfo=UTC)  # 2026-04-09 in Santiago
        session.add_all([
            Promise(org_id=org.id, customer_id=c001, promised_date=d("2026-03-10"), amount=100,
                    currency="CLP", taken_by="ana", status="broken", created_at=NOW),
            Promise(org_id=org.id, customer_id=c001, promised_date=d("2026-02-25"), amount=300,
                    currency="CLP", taken_by="ana", status="kept", created_at=NOW),
            Dispute(org_id=org.id, customer_id=c001, invoice_id=ids["F100"], reason="quality",
                    opened_by="ana", opened_at=NOW, resolved_at=NOW),
            Dispute(org_id=org.id, customer_id=c002, invoice_id=ids["F200"],
                    reason="wrong_amount", opened_by="ana", opened_at=NOW),
            CollectionAction(org_id=org.id, customer_id=c001, key="k1", step_code="letter3",
                             action="letter", channel="letter", invoice_numbers='["F100"]',
                             amount=500_000, currency="CLP", scheduled_at=at, status="sent",
                             run_at=at, sent_at=at, created_at=at, updated_at=at)])
    return db_url


def requests(db: str, commission: str = "25") -> tuple[dict[str, int], list[HandoffRequest]]:
    with unit(db) as (session, _org, ids):
        customers = dict(session.execute(select(Customer.code, Customer.id)).tuples().all())
    return ids, [
        HandoffRequest(customers["C001"], [ids["F100"]], NORTE, D(commission), None),
        HandoffRequest(customers["C002"], [ids["F200"], 999_999], NORTE, D(commission)),
        HandoffRequest(customers["M001"], [ids["FM1"]], "Cobros MX", D("12.5"))]


def run(db: str, out: Path, reqs: list[HandoffRequest], day: str = DAY) -> list[HandoffResult]:
    with language("en"), unit(db) as (session, org, _ids):
        return hand_off(session, org=org, day=d(day), now=NOW, requests=reqs, out_dir=out)


def test_hand_off_marks_the_invoices_and_writes_one_file_per_agency(
        ledger: str, tmp_path: Path) -> None:
    out = tmp_path / "agencies"
    reqs = requests(ledger)[1]
    accrued = aging_json(ledger, DAY)["currencies"]["CLP"]["customers"][0]["accrued_interest"]
    # 1,000,000 × 90 − 200,000 × 80 − 300,000 × 65 = 54,500,000 principal-days at 24% / 365
    assert accrued == "35836"
    c001, c002, m001 = run(ledger, out, reqs)
    assert c001.handed == ["F100"] and c001.skipped == []
    assert [(s.reason, s.explanation) for s in c002.skipped] == [
        ("disputed", "F200 has an open dispute; its collection stops until the dispute is "
                     "resolved"),
        ("not_customers_invoice", "customer C002 has no invoice with id 999999")]
    assert c002.handoff_ids == [] and m001.handed == ["FM1"]
    assert sorted(p.name for p in out.iterdir()) == [
        "handoff-agencia-norte-2026-05-01.csv", "handoff-agencia-norte-2026-05-01.xlsx",
        "handoff-cobros-mx-2026-05-01.csv", "handoff-cobros-mx-2026-05-01.xlsx"]
    with unit(ledger) as (session, _org, _ids):
        handed = dict(session.execute(select(Invoice.number, Invoice.handoff_id)).tuples().all())
        record = session.get(AgencyHandoff, c001.handoff_ids[0])
        assert record is not None
        assert (record.agency, record.commission_scaled, record.amount, record.currency) == (
            NORTE, 250_000, 541_100, "CLP")
        assert json.loads(record.invoice_numbers) == ["F100"]
        assert [Path(p).name for p in json.loads(record.files or "[]")] == [
            "handoff-agencia-norte-2026-05-01.csv", "handoff-agencia-norte-2026-05-01.xlsx"]
    # The invoice and its posted fee stop internal collection; the disputed one stays.
    assert handed["F100"] == handed["F100-F-fee30-0"] == c001.handoff_ids[0]
    assert handed["F200"] is None and handed["FM1"] == m001.handoff_ids[0]


def test_the_hand_off_files_hold_what_the_agency_needs(ledger: str, tmp_path: Path) -> None:
    run(ledger, tmp_path, requests(ledger)[1])
    with (tmp_path / "handoff-agencia-norte-2026-05-01.csv").open(encoding="utf-8-sig") as fh:
        [row] = list(csv.DictReader(fh))
    assert row == {
        "Creditor": "Acreedora SpA", "Creditor tax id": "76.123.456-7", "Debtor id": "C001",
        "Debtor": "Comercial Uno SpA", "Debtor tax id": "76086428-5", "Email": "a@uno.cl",
        "Phone": "+56911111111", "WhatsApp": "+56911111111", "Country": "CL", "Language": "es",
        "Invoice": "F100", "Issue date": "2026-01-01", "Due date": "2026-01-31",
        "Currency": "CLP", "Original amount": "1000000", "Open amount": "500000",
        "Days past due": "90", "Accrued interest": "35836", "Fees posted": "41100",
        "Interest posted": "0", "Open charges": "41100", "Total owed": "576936",
        "Promises": "2", "Broken promises": "1", "Disputes": "1", "Open disputes": "0",
        "Last contact": "2026-04-09", "Agency": NORTE, "Commission %": "25",
        "Hand-off date": "2026-05-01"}
    with (tmp_path / "handoff-cobros-mx-2026-05-01.csv").open(encoding="utf-8-sig") as fh:
        [mx] = list(csv.DictReader(fh))
    assert (mx["Original amount"], mx["Open amount"], mx["Commission %"]) == (
        "1000.00", "1000.00", "12.5")
    assert (mx["Last contact"], mx["Promises"], mx["Creditor"]) == ("", "0", "Acreedora SpA")
    sheet = load_workbook(tmp_path / "handoff-agencia-norte-2026-05-01.xlsx").active
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert sheet.max_row == 2 and header == list(row)
    assert cells["Open amount"].value == 500_000 and cells["Open amount"].number_format == "#,##0"
    assert cells["Total owed"].value == 576_936
    assert cells["Due date"].value == datetime(2026, 1, 31)
    assert cells["Commission %"].value == 0.25 and cells["Commission %"].number_format == "0.00%"
    assert cells["Days past due"].value == 90 and cells["Debtor"].value == "Comercial Uno SpA"
    mx_sheet = load_workbook(tmp_path / "handoff-cobros-mx-2026-05-01.xlsx").active
    mx_cells = dict(zip([c.value for c in mx_sheet[1]], mx_sheet[2], strict=True))
    assert mx_cells["Open amount"].value == 1000
    assert mx_cells["Open amount"].number_format == "#,##0.00"


def test_the_file_headers_follow_the_users_language(ledger: str, tmp_path: Path) -> None:
    with language("es"), unit(ledger) as (session, org, _ids):
        hand_off(session, org=org, day=d(DAY), now=NOW, requests=requests(ledger)[1][:1],
                 out_dir=tmp_path)
    header = next(csv.reader((tmp_path / "handoff-agencia-norte-2026-05-01.csv")
                             .open(encoding="utf-8-sig")))
    assert header[:4] == ["Acreedor", "RUT/RFC del acreedor", "Código del deudor", "Deudor"]


def test_a_second_hand_off_hands_nothing_again_and_writes_no_file(
        ledger: str, tmp_path: Path) -> None:
    reqs = requests(ledger)[1]
    run(ledger, tmp_path / "out", reqs)
    again = run(ledger, tmp_path / "out", reqs)
    assert [r.handed for r in again] == [[], [], []]
    assert [s.reason for s in again[0].skipped] == ["already_handed_off"]
    assert len(list((tmp_path / "out").iterdir())) == 4
    with unit(ledger) as (session, _org, _ids):
        assert session.scalar(select(func.count()).select_from(AgencyHandoff)) == 2


def test_a_commission_above_50_percent_is_refused_and_nothing_is_written(
        ledger: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidHandoff) as raised:
        run(ledger, tmp_path / "out", requests(ledger, commission="60")[1])
    assert "request 1: an agency's commission must be more than 0% and at most 50%, not 60%" \
        in str(raised.value)
    assert not (tmp_path / "out").exists()
    with unit(ledger) as (session, _org, _ids):
        assert session.scalar(select(func.count()).select_from(AgencyHandoff)) == 0
        assert session.scalar(select(func.count()).select_from(Invoice).where(
            Invoice.handoff_id.is_not(None))) == 0


def test_a_handed_invoice_gets_no_posting_until_recalled(ledger: str, tmp_path: Path) -> None:
    run(ledger, tmp_path, requests(ledger)[1][:1])
    fee = [FeeRequest(requests(ledger)[0]["F100"], "fee60", 0, FeeRule(pct=D(1)))]
    with language("en"), unit(ledger) as (session, org, _ids):
        [held] = post_fees(session, org=org, day=d(DAY), now=NOW, requests=fee).results
        assert held.reason == "handed_off"
        back = recall(session, org=org, invoice_number="F100", now=NOW, actor="ana")
        assert (back.agency, back.documents) == (NORTE, 2)
        with pytest.raises(RecallError, match="F100 is not with a collection agency"):
            recall(session, org=org, invoice_number="F100", now=NOW, actor="ana")
        with pytest.raises(RecallError, match="there is no invoice F999"):
            recall(session, org=org, invoice_number="F999", now=NOW, actor="ana")
    with unit(ledger) as (session, _org, _ids):
        assert session.scalar(select(func.count()).select_from(Invoice).where(
            Invoice.handoff_id.is_not(None))) == 0
        kinds = session.scalars(select(ActivityEntry.kind).order_by(ActivityEntry.id)).all()
    assert kinds[-2:] == ["handoff", "recall"]
    # Back in internal collection, it can be handed again: the same day gets a second file.
    [again] = run(ledger, tmp_path, requests(ledger)[1][:1])
    assert again.handed == ["F100"]
    assert again.files[0].name == "handoff-agencia-norte-2026-05-01-2.csv"


def test_credit_block_sets_the_date_once(ledger: str) -> None:
    with unit(ledger) as (session, org, _ids):
        customers = dict(session.execute(select(Customer.code, Customer.id)).tuples().all())
        both = [customers["C001"], customers["C002"]]
        assert credit_block(session, org=org, now=NOW, customer_ids=both) == sorted(both)
        later = datetime(2026, 7, 1, tzinfo=UTC)
        assert credit_block(session, org=org, now=later, customer_ids=both) == []
    with unit(ledger) as (session, _org, _ids):
        blocked = dict(session.execute(select(Customer.code, Customer.credit_blocked_at))
                       .tuples().all())
        events = session.scalar(select(func.count()).select_from(ActivityEntry).where(
            ActivityEntry.kind == "credit_block"))
    assert blocked == {"C001": NOW, "C002": NOW, "M001": None, "E001": None}
    assert events == 2
