"""The same data imported at once or in shuffled batches gives the same aging, equal to the
pure core's computation from the files themselves (shared/DOMAIN.md: any order, any batches)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from cobranza.core.aging import InterestTerms, age_customer
from cobranza.core.allocation import Credit, Document, SourceKind, replay
from cobranza.core.money import minor_to_str, to_minor
from cobranza.core.terms import discount_amount, rate_to_scaled
from cobranza.demo.generator import CompanyData, generate_company
from tests.support import aging_json, ok

TODAY = date(2026, 6, 30)
AS_OF = [date(2025, 9, 30), date(2026, 1, 31), date(2026, 3, 15), TODAY,
         TODAY + timedelta(days=200)]


@pytest.fixture(scope="module")
def company() -> CompanyData:
    return generate_company(today=TODAY, country="CL", seed=11, customers=40)


def _batches(data: CompanyData, tmp: Path, rng: random.Random) -> list[tuple[str, Path]]:
    frames = {"invoices": data.invoices, "payments": data.payments,
              "credit-notes": data.credit_notes}
    parts: list[tuple[str, Path]] = []
    for kind, frame in frames.items():
        shuffled = frame.sample(fraction=1.0, shuffle=True, seed=rng.randrange(1 << 30))
        size = max(1, shuffled.height // 4)
        for i, start in enumerate(range(0, shuffled.height, size)):
            path = tmp / f"{kind}-{i}.csv"
            shuffled.slice(start, size).write_csv(path)
            parts.append((kind, path))
    rng.shuffle(parts)
    return parts


def _oracle(data: CompanyData, as_of: date) -> dict[str, dict[str, dict[str, str]]]:
    """Aging computed by the pure core straight from the generated rows, no database."""
    docs: dict[tuple[str, str], list[Document]] = defaultdict(list)
    terms: dict[str, InterestTerms] = {}
    for row in data.invoices.iter_rows(named=True):
        amount = to_minor(Decimal(row["amount"]), row["currency"])
        issued = date.fromisoformat(row["issue_date"])
        pct = rate_to_scaled(Decimal(row["discount_pct"] or 0))
        docs[(row["customer_id"], row["currency"])].append(Document(
            row["number"], issued, date.fromisoformat(row["due_date"]), amount,
            discount_amount=discount_amount(amount=amount, discount_pct_scaled=pct) if pct else 0,
            discount_until=issued + timedelta(days=int(row["discount_days"] or 0))))
        terms[row["number"]] = InterestTerms(
            int(row["grace_days"] or 0),
            rate_to_scaled(Decimal(row["late_interest_annual_pct"] or 0)), 365)
    credits: dict[tuple[str, str], list[Credit]] = defaultdict(list)
    for row in data.payments.iter_rows(named=True):
        targets = tuple(t for t in (row["invoice_numbers"] or "").split(";") if t)
        credits[(row["customer_id"], row["currency"])].append(Credit(
            SourceKind.PAYMENT, row["id"], date.fromisoformat(row["date"]),
            to_minor(Decimal(row["amount"]), row["currency"]), targets))
    for row in data.credit_notes.iter_rows(named=True):
        target = (row["invoice_number"],) if row["invoice_number"] else ()
        credits[(row["customer_id"], row["currency"])].append(Credit(
            SourceKind.CREDIT_NOTE, row["number"], date.fromisoformat(row["date"]),
            to_minor(Decimal(row["amount"]), row["currency"]), target))
    out: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for key in set(docs) | set(credits):
        customer, cur = key
        allocations = replay(documents=docs[key], credits=credits[key])
        aged = age_customer(documents=docs[key], credits=credits[key], allocations=allocations,
                            interest=terms, as_of=as_of)
        if aged.is_empty:
            continue
        out[cur][customer] = {"total": minor_to_str(aged.total, cur),
                              "unapplied": minor_to_str(aged.unapplied, cur),
                              "accrued_interest": minor_to_str(aged.accrued_interest, cur)}
    return dict(out)


def _summary(report: dict) -> dict[str, dict[str, dict[str, str]]]:
    return {cur: {c["customer_id"]: {k: c[k] for k in ("total", "unapplied",
                                                        "accrued_interest")}
                  for c in group["customers"]}
            for cur, group in report["currencies"].items()}


def test_shuffled_batches_age_like_one_import_and_like_the_core(
        company: CompanyData, tmp_path: Path, db_url: str) -> None:
    paths = company.write_csvs(tmp_path)
    at_once = f"sqlite:///{tmp_path / 'at-once.db'}"
    for db in (at_once, db_url):
        ok(db, "init", "--country", "CL")
        ok(db, "import", "customers", str(paths["customers"]))
    for kind in ("invoices", "credit-notes", "payments"):
        ok(at_once, "import", kind, str(paths[kind]))
    for kind, path in _batches(company, tmp_path, random.Random(5)):
        ok(db_url, "import", kind, str(path))
    for as_of in AS_OF:
        whole = aging_json(at_once, as_of.isoformat())
        assert aging_json(db_url, as_of.isoformat()) == whole, as_of
        assert _summary(whole) == _oracle(company, as_of), as_of


def test_reimporting_changes_nothing_and_says_so(company: CompanyData, tmp_path: Path,
                                                 sqlite_url: str) -> None:
    paths = company.write_csvs(tmp_path)
    ok(sqlite_url, "init")
    for kind in ("customers", "invoices", "credit-notes", "payments"):
        ok(sqlite_url, "import", kind, str(paths[kind]))
    before = aging_json(sqlite_url, TODAY.isoformat())
    again = ok(sqlite_url, "import", "invoices", str(paths["invoices"])).stdout
    n = company.invoices.height
    assert f"0 new, 0 updated, {n} unchanged" in again
    assert aging_json(sqlite_url, TODAY.isoformat()) == before
    assert pl.read_csv(paths["invoices"]).height == n
