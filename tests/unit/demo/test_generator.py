"""The demo company and the benchmark data: canonical, valid, consistent, deterministic."""

from __future__ import annotations

import csv
import importlib
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cl import rut
from stdnum.mx import rfc

from cobranza.core.money import round_money
from cobranza.demo import names
from cobranza.demo.generator import BEHAVIOURS, CompanyData, UnknownCountry, generate_company

TODAY = date(2025, 6, 30)
REPO = Path(__file__).resolve().parents[3]
_TWO_DECIMALS = re.compile(r"(0|[1-9][0-9]*)\.[0-9]{2}")
AMOUNT_PATTERN = {"CLP": re.compile(r"[1-9][0-9]*"), "MXN": _TWO_DECIMALS, "USD": _TWO_DECIMALS}
# The canonical import format, written out here so that the test does not trust the generator.
HEADERS = {
    "customers": "id,name,tax_id,email,phone,whatsapp,language,country,timezone,"
    "preferred_channel,segment,credit_limit",
    "invoices": "number,customer_id,issue_date,due_date,currency,amount,terms,grace_days,"
    "late_interest_annual_pct,discount_pct,discount_days",
    "payments": "id,customer_id,date,currency,amount,invoice_numbers,reference,method",
    "credit-notes": "number,customer_id,invoice_number,date,currency,amount",
}
FILE_NAMES = {
    "customers": "customers.csv",
    "invoices": "invoices.csv",
    "payments": "payments.csv",
    "credit-notes": "credit_notes.csv",
}
BUCKETS = ("current", "1-30", "31-60", "61-90", "91-120", "121+")
Row = dict[str, str | None]


@dataclass
class Tables:
    """The four canonical tables as rows, null and "" both meaning empty."""

    customers: list[Row]
    invoices: list[Row]
    payments: list[Row]
    credit_notes: list[Row]

    @classmethod
    def of(cls, company: CompanyData) -> Tables:
        return cls(
            company.customers.to_dicts(),
            company.invoices.to_dicts(),
            company.payments.to_dicts(),
            company.credit_notes.to_dicts(),
        )

    @classmethod
    def read(cls, paths: dict[str, Path]) -> Tables:
        def rows(kind: str) -> list[Row]:
            with paths[kind].open(encoding="utf-8", newline="") as handle:
                return [{k: v or None for k, v in r.items()} for r in csv.DictReader(handle)]

        return cls(rows("customers"), rows("invoices"), rows("payments"), rows("credit-notes"))

    @cached_property
    def by_number(self) -> dict[str, Row]:
        return {str(i["number"]): i for i in self.invoices}

    def invoice(self, number: str) -> Row:
        return self.by_number[number]


def _assert_canonical_files(paths: dict[str, Path]) -> None:
    assert {kind: path.name for kind, path in paths.items()} == FILE_NAMES
    for kind, header in HEADERS.items():
        with paths[kind].open(encoding="utf-8", newline="") as handle:
            assert ",".join(csv.DictReader(handle).fieldnames or ()) == header


def _assert_unique_keys(tables: Tables) -> None:
    for rows, key in (
        (tables.customers, "id"),
        (tables.customers, "tax_id"),
        (tables.invoices, "number"),
        (tables.payments, "id"),
        (tables.credit_notes, "number"),
    ):
        assert len({r[key] for r in rows}) == len(rows), key


def _assert_amounts_fit_their_currency(tables: Tables) -> None:
    for row in tables.invoices + tables.payments + tables.credit_notes:
        assert AMOUNT_PATTERN[str(row["currency"])].fullmatch(str(row["amount"])), row
        assert _money(row["amount"]) > 0


def _assert_documents_reference_their_own_customer(tables: Tables, today: date) -> None:
    """Payments and credit notes name invoices of their customer and currency, issued by then."""
    for invoice in tables.invoices:
        assert _day(invoice["issue_date"]) <= min(_day(invoice["due_date"]), today)
    for payment in tables.payments:
        assert _day(payment["date"]) <= today
        for number in _targets(payment):
            invoice = tables.invoice(number)
            assert _owner(invoice) == _owner(payment)
            assert _day(invoice["issue_date"]) <= _day(payment["date"])
    for note in tables.credit_notes:
        invoice = tables.invoice(str(note["invoice_number"]))
        assert _owner(invoice) == _owner(note)
        assert _money(note["amount"]) <= _money(invoice["amount"])
        assert _day(invoice["issue_date"]) <= _day(note["date"]) <= today


def _owner(row: Row) -> tuple[str | None, str | None]:
    return row["customer_id"], row["currency"]


def _targets(payment: Row) -> list[str]:
    return str(payment["invoice_numbers"]).split(";") if payment["invoice_numbers"] else []


def _day(text: str | None) -> date:
    return date.fromisoformat(str(text))


def _money(text: str | None) -> Decimal:
    return Decimal(str(text))


@pytest.fixture(scope="module", params=["CL", "MX"])
def company(request: pytest.FixtureRequest) -> CompanyData:
    return generate_company(today=TODAY, country=request.param)


@pytest.fixture(scope="module")
def tables(company: CompanyData) -> Tables:
    return Tables.of(company)


def test_the_same_arguments_give_the_same_company() -> None:
    first = generate_company(today=TODAY, seed=11)
    second = generate_company(today=TODAY, seed=11)
    for name in ("customers", "invoices", "payments", "credit_notes", "behaviours"):
        assert getattr(first, name).equals(getattr(second, name)), name


def test_another_seed_or_today_gives_another_company() -> None:
    base = generate_company(today=TODAY, seed=11)
    assert not base.invoices.equals(generate_company(today=TODAY, seed=12).invoices)
    assert not base.payments.equals(generate_company(today=TODAY, seed=12).payments)
    assert not base.invoices.equals(
        generate_company(today=TODAY + timedelta(days=1), seed=11).invoices
    )


def test_the_size_and_period_follow_the_arguments() -> None:
    small = Tables.of(generate_company(today=TODAY, customers=40, months=3))
    assert len(small.customers) == 40
    assert {i["customer_id"] for i in small.invoices} <= {c["id"] for c in small.customers}
    assert min(_day(i["issue_date"]) for i in small.invoices) > TODAY - timedelta(days=93)


def test_an_unknown_country_is_refused() -> None:
    with pytest.raises(UnknownCountry):
        generate_company(today=TODAY, country="AR")


def test_three_hundred_customers_take_well_under_a_second() -> None:
    generate_company(today=TODAY, customers=10)  # warm up polars
    started = time.perf_counter()
    company = generate_company(today=TODAY)
    assert time.perf_counter() - started < 1.0
    assert company.customers.height == 300


def test_every_chilean_rut_is_valid() -> None:
    customers = generate_company(today=TODAY, country="CL", customers=600).customers.to_dicts()
    assert all(rut.is_valid(str(c["tax_id"])) for c in customers)
    assert {c["timezone"] for c in customers} == {"America/Santiago"}
    assert all(re.fullmatch(r"\+569[0-9]{8}", str(c["phone"])) for c in customers)


def test_every_mexican_rfc_is_valid_with_its_check_digit() -> None:
    customers = generate_company(today=TODAY, country="MX", customers=600).customers.to_dicts()
    tax_ids = [str(c["tax_id"]) for c in customers]
    assert all(rfc.is_valid(t, validate_check_digits=True) for t in tax_ids)
    assert {len(t) for t in tax_ids} == {12, 13}  # companies and personas físicas
    assert {c["timezone"] for c in customers} == {"America/Mexico_City"}
    assert all(re.fullmatch(r"\+5255[0-9]{8}", str(c["phone"])) for c in customers)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_generated_rfcs_are_always_valid(seed: int) -> None:
    rng = random.Random(seed)
    who = names.person(rng, "MX")
    born = date(rng.randint(1950, 2002), rng.randint(1, 12), rng.randint(1, 28))
    assert rfc.is_valid(names.mexico_person_rfc(rng, who, born), validate_check_digits=True)
    company_rfc = names.mexico_company_rfc(rng, names.company_name(rng, "MX"), born)
    assert rfc.is_valid(company_rfc, validate_check_digits=True)


def test_a_forbidden_word_in_a_person_rfc_gets_an_x() -> None:
    rng = random.Random(1)
    who = names.Person("Óscar", "Pérez", "Domínguez")  # would start with PEDO
    number = names.mexico_person_rfc(rng, who, date(1980, 5, 17))
    assert number.startswith("PEDX800517")
    assert rfc.is_valid(number, validate_check_digits=True)


def test_a_company_rfc_takes_its_letters_from_the_name() -> None:
    rng = random.Random(1)
    number = names.mexico_company_rfc(
        rng, "Distribuidora del Norte S.A. de C.V.", date(1993, 7, 14)
    )
    assert number.startswith("DNO930714")


def test_customers_have_the_canonical_fields(tables: Tables) -> None:
    assert all(c["id"] and re.fullmatch(r"C[0-9]{4}", str(c["id"])) for c in tables.customers)
    assert all(c["language"] in {"es", "en"} for c in tables.customers)
    assert all(
        c["preferred_channel"] in {"email", "sms", "whatsapp", "letter"} for c in tables.customers
    )
    assert all("@" in str(c["email"]) for c in tables.customers)
    chose_whatsapp = [c for c in tables.customers if c["preferred_channel"] == "whatsapp"]
    assert all(c["whatsapp"] == c["phone"] for c in chose_whatsapp)
    assert {c["segment"] for c in tables.customers} == {"persona", "pyme", "corporativo"}
    spanish = sum(c["language"] == "es" for c in tables.customers)
    assert spanish >= 0.9 * len(tables.customers)


def test_keys_are_unique(tables: Tables) -> None:
    _assert_unique_keys(tables)
    assert len({c["name"] for c in tables.customers}) == len(tables.customers)


def test_invoices_span_the_months_up_to_today_with_their_terms(tables: Tables) -> None:
    earliest = TODAY - timedelta(days=366)
    for invoice in tables.invoices:
        issue, due = _day(invoice["issue_date"]), _day(invoice["due_date"])
        assert earliest <= issue <= TODAY
        assert (due - issue).days in {15, 30, 45, 60}
        assert invoice["terms"] is None
    months = {str(i["issue_date"])[:7] for i in tables.invoices}
    assert len(months) >= 12


def test_about_a_third_carry_interest_and_a_sixth_a_discount(tables: Tables) -> None:
    count = len(tables.invoices)
    with_interest = [i for i in tables.invoices if i["late_interest_annual_pct"]]
    assert 0.15 * count < len(with_interest) < 0.45 * count
    assert {i["late_interest_annual_pct"] for i in with_interest} <= {"18", "24", "36"}
    assert {i["grace_days"] for i in with_interest} <= {"0", "5", "10"}
    assert all(
        i["grace_days"] is None for i in tables.invoices if not i["late_interest_annual_pct"]
    )
    with_discount = [i for i in tables.invoices if i["discount_pct"]]
    assert 0.07 * count < len(with_discount) < 0.25 * count
    assert all((i["discount_pct"], i["discount_days"]) == ("2", "10") for i in with_discount)


def test_amounts_are_positive_with_the_currency_decimals(tables: Tables) -> None:
    _assert_amounts_fit_their_currency(tables)
    limits = [c["credit_limit"] for c in tables.customers if c["credit_limit"]]
    assert all(re.fullmatch(r"[1-9][0-9]*(\.[0-9]{2})?", str(limit)) for limit in limits)


def test_invoice_amounts_are_plausible(tables: Tables) -> None:
    bounds = {
        "CLP": (Decimal(50_000), Decimal(15_000_000)),
        "MXN": (Decimal(1_500), Decimal(450_000)),
        "USD": (Decimal(500), Decimal(50_000)),
    }
    for invoice in tables.invoices:
        low, high = bounds[str(invoice["currency"])]
        assert low <= _money(invoice["amount"]) <= high


def test_chile_invoices_in_pesos_and_a_few_dollars_mexico_in_pesos() -> None:
    chile = generate_company(today=TODAY, country="CL").invoices["currency"].to_list()
    assert set(chile) <= {"CLP", "USD"}
    assert chile.count("CLP") >= 0.9 * len(chile)
    assert set(generate_company(today=TODAY, country="MX").invoices["currency"]) == {"MXN"}


def test_payments_and_credit_notes_name_invoices_of_their_customer_up_to_today(
    tables: Tables,
) -> None:
    _assert_documents_reference_their_own_customer(tables, TODAY)
    assert tables.credit_notes


def test_some_payments_cover_several_invoices_and_some_name_none(tables: Tables) -> None:
    assert any(len(_targets(p)) > 1 for p in tables.payments)
    assert any(not _targets(p) for p in tables.payments)
    assert {p["method"] for p in tables.payments} >= {"transfer", "deposit", "check"}


def _behaviour_of(company: CompanyData) -> dict[str, str]:
    return dict(company.behaviours.iter_rows())


def test_every_behaviour_is_present_and_stays_out_of_the_csv(company: CompanyData) -> None:
    assert set(_behaviour_of(company).values()) == set(BEHAVIOURS)
    assert "behaviour" not in company.customers.columns
    small = generate_company(today=TODAY, customers=6)
    assert set(_behaviour_of(small).values()) == set(BEHAVIOURS)


def test_prompt_payers_pay_in_full_on_or_before_the_due_date(
    company: CompanyData, tables: Tables
) -> None:
    behaviour = _behaviour_of(company)
    paid = [p for p in tables.payments if behaviour[str(p["customer_id"])] == "prompt"]
    assert paid
    for payment in paid:
        invoices = [tables.invoice(n) for n in _targets(payment)]
        assert invoices
        assert all(_day(payment["date"]) <= _day(i["due_date"]) for i in invoices)
        assert _money(payment["amount"]) == sum(_money(i["amount"]) for i in invoices)


def test_late_payers_pay_weeks_late_and_sometimes_name_nothing(
    company: CompanyData, tables: Tables
) -> None:
    behaviour = _behaviour_of(company)
    paid = [p for p in tables.payments if behaviour[str(p["customer_id"])] == "late"]
    assert any(not _targets(p) for p in paid)
    for payment in paid:
        for number in _targets(payment):
            days_late = (_day(payment["date"]) - _day(tables.invoice(number)["due_date"])).days
            assert 20 <= days_late <= 126


def test_partial_payers_pay_part_of_an_invoice(company: CompanyData, tables: Tables) -> None:
    behaviour = _behaviour_of(company)
    shares = [
        _money(p["amount"]) / _money(tables.invoice(_targets(p)[0])["amount"])
        for p in tables.payments
        if behaviour[str(p["customer_id"])] == "partial" and len(_targets(p)) == 1
    ]
    assert any(Decimal("0.2") <= share <= Decimal("0.7") for share in shares)


def test_discount_takers_pay_all_but_two_percent_within_ten_days(
    company: CompanyData, tables: Tables
) -> None:
    behaviour = _behaviour_of(company)
    early = 0
    for payment in tables.payments:
        if behaviour[str(payment["customer_id"])] != "discount":
            continue
        invoice = tables.invoice(_targets(payment)[0])
        if (_day(payment["date"]) - _day(invoice["issue_date"])).days <= 10:
            amount, currency = _money(invoice["amount"]), str(invoice["currency"])
            allowance = round_money(amount * 2 / 100, currency)
            assert _money(payment["amount"]) == amount - allowance
            early += 1
    assert early > 0


def test_only_disputers_get_credit_notes_and_leave_invoices_unpaid(
    company: CompanyData, tables: Tables
) -> None:
    behaviour = _behaviour_of(company)
    assert {behaviour[str(n["customer_id"])] for n in tables.credit_notes} == {"disputer"}
    full = [
        n
        for n in tables.credit_notes
        if n["amount"] == tables.invoice(str(n["invoice_number"]))["amount"]
    ]
    assert full and len(full) < len(tables.credit_notes)  # some for all, some for part
    named = {n for p in tables.payments for n in _targets(p)}
    named |= {str(n["invoice_number"]) for n in tables.credit_notes}
    old = TODAY - timedelta(days=150)
    ignored = [
        i
        for i in tables.invoices
        if behaviour[str(i["customer_id"])] == "disputer"
        and i["number"] not in named
        and _day(i["due_date"]) < old
    ]
    assert ignored


def test_overpayers_sometimes_pay_more_than_they_owe(company: CompanyData, tables: Tables) -> None:
    behaviour = _behaviour_of(company)
    over = [
        p
        for p in tables.payments
        if behaviour[str(p["customer_id"])] == "overpayer"
        and _money(p["amount"]) > sum(_money(tables.invoice(n)["amount"]) for n in _targets(p))
    ]
    assert over
    _open, unapplied = _replay(tables, TODAY)
    assert any(unapplied[str(p["customer_id"])] > 0 for p in over)


def _replay(tables: Tables, as_of: date) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Open amount per invoice and unapplied credit per customer as of a day."""
    open_amount = {str(i["number"]): _money(i["amount"]) for i in tables.invoices}
    by_due = defaultdict(list)  # auto-application order: due date, issue date, document id
    for i in sorted(tables.invoices, key=lambda i: (i["due_date"], i["issue_date"], i["number"])):
        by_due[str(i["customer_id"])].append(str(i["number"]))
    credit: dict[str, Decimal] = defaultdict(Decimal)
    events = [
        (i["issue_date"], 0, i["number"], i["customer_id"], None, []) for i in tables.invoices
    ]
    events += [
        (n["date"], 1, n["number"], n["customer_id"], n["amount"], [str(n["invoice_number"])])
        for n in tables.credit_notes
    ]
    events += [
        (p["date"], 2, p["id"], p["customer_id"], p["amount"], _targets(p)) for p in tables.payments
    ]
    # On one date: invoices are issued, then credit notes apply, then payments by id.
    for day_text, kind, _key, customer_id, amount_text, targets in sorted(events, key=_first3):
        day, customer = _day(day_text), str(customer_id)
        if day > as_of:
            break
        left = credit.pop(customer, Decimal(0)) if kind == 0 else _money(amount_text)
        issued = [n for n in by_due[customer] if _day(tables.invoice(n)["issue_date"]) <= day]
        for number in [*targets, *issued]:
            take = min(left, open_amount[number])
            open_amount[number] -= take
            left -= take
            if kind == 2 and take and _earns_discount(tables.invoice(number), day, open_amount):
                open_amount[number] = Decimal(0)
        credit[customer] += left
    return open_amount, credit


def _first3(event: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(str(part) for part in event[:3])


def _earns_discount(invoice: Row, day: date, open_amount: dict[str, Decimal]) -> bool:
    """shared/DOMAIN.md: paid down to round(amount x pct) by issue + discount days settles it."""
    if not invoice["discount_pct"]:
        return False
    window = _day(invoice["issue_date"]) + timedelta(days=int(str(invoice["discount_days"])))
    pct, currency = _money(invoice["discount_pct"]), str(invoice["currency"])
    allowance = round_money(_money(invoice["amount"]) * pct / 100, currency)
    return day <= window and open_amount[str(invoice["number"])] <= allowance


def _bucket(days_past_due: int) -> str:
    for edge, name in ((0, "current"), (30, "1-30"), (60, "31-60"), (90, "61-90"), (120, "91-120")):
        if days_past_due <= edge:
            return name
    return "121+"


@pytest.mark.parametrize("seed", [7, 1, 2024])
def test_the_aging_as_of_today_has_money_in_every_bucket(seed: int) -> None:
    for country in ("CL", "MX"):
        tables = Tables.of(generate_company(today=TODAY, country=country, seed=seed))
        open_amount, _unapplied = _replay(tables, TODAY)
        buckets: dict[str, Decimal] = defaultdict(Decimal)
        for invoice in tables.invoices:
            if invoice["currency"] in {"CLP", "MXN"}:
                past_due = (TODAY - _day(invoice["due_date"])).days
                buckets[_bucket(past_due)] += open_amount[str(invoice["number"])]
        assert all(buckets[name] > 0 for name in BUCKETS), (country, dict(buckets))


def test_write_csvs_round_trips_with_the_canonical_headers(
    company: CompanyData, tables: Tables, tmp_path: Path
) -> None:
    paths = company.write_csvs(tmp_path / "out")
    _assert_canonical_files(paths)
    assert Tables.read(paths) == tables


@pytest.fixture(scope="module")
def bench_generate() -> ModuleType:
    """bench/ is not an installed package: import it from the repository root."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module("bench.generate")


@pytest.fixture(scope="module")
def bench_paths(
    bench_generate: ModuleType, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    paths: dict[str, Path] = bench_generate.write_bench_csvs(
        tmp_path_factory.mktemp("bench"), invoices=2000
    )
    return paths


def test_bench_files_have_the_canonical_headers_and_sizes(bench_paths: dict[str, Path]) -> None:
    _assert_canonical_files(bench_paths)
    tables = Tables.read(bench_paths)
    assert len(tables.customers) == 100
    assert len(tables.invoices) == 2000
    assert 1.4 <= len(tables.payments) / len(tables.invoices) <= 1.6
    assert tables.credit_notes


def test_bench_data_is_consistent(bench_generate: ModuleType, bench_paths: dict[str, Path]) -> None:
    tables = Tables.read(bench_paths)
    assert all(rut.is_valid(str(c["tax_id"])) for c in tables.customers)
    _assert_unique_keys(tables)
    _assert_amounts_fit_their_currency(tables)
    _assert_documents_reference_their_own_customer(tables, bench_generate.BENCH_TODAY)
    customers = {str(c["id"]) for c in tables.customers}
    currency_of: dict[str, str] = {}
    for invoice in tables.invoices:
        customer = str(invoice["customer_id"])
        assert customer in customers
        assert currency_of.setdefault(customer, str(invoice["currency"])) == invoice["currency"]
    assert any(len(_targets(p)) == 2 for p in tables.payments)
    assert any(not _targets(p) for p in tables.payments)
    assert any(i["late_interest_annual_pct"] for i in tables.invoices)
    assert any(i["discount_pct"] for i in tables.invoices)


def test_bench_data_is_deterministic(
    bench_generate: ModuleType, bench_paths: dict[str, Path], tmp_path: Path
) -> None:
    again = bench_generate.write_bench_csvs(tmp_path / "again", invoices=2000)
    other = bench_generate.write_bench_csvs(tmp_path / "other", invoices=2000, seed=2)
    for kind, path in bench_paths.items():
        assert again[kind].read_bytes() == path.read_bytes(), kind
    assert other["payments"].read_bytes() != bench_paths["payments"].read_bytes()
