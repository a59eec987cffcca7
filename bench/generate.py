"""Large, deterministic receivables in the canonical import CSVs, for the benchmarks.

Columnar and chunked: every column is a polars expression of the row number and the seed (a
murmur3-style integer hash, so no random state is carried between rows), and each chunk of invoices
is written before the next is built. One million invoices with about 1.5 million payments take
seconds and a few hundred MB.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

import polars as pl

from cobranza.demo import names
from cobranza.demo.generator import (
    CREDIT_NOTE_COLUMNS,
    CSV_FILES,
    CUSTOMER_COLUMNS,
    INVOICE_COLUMNS,
    PAYMENT_COLUMNS,
)

BENCH_TODAY = date(2025, 12, 31)  # the benchmarks' "as of" date; fixed so runs compare
_CHUNK = 200_000  # invoices per chunk; even, so an invoice pair never straddles two chunks
_MASK = 2**32
_DAYS = 365


def write_bench_csvs(
    directory: Path,
    *,
    invoices: int,
    customers: int | None = None,
    seed: int = 1,
    today: date = BENCH_TODAY,
) -> dict[str, Path]:
    """Write customers, invoices, payments and credit notes CSVs for `invoices` invoices.

    Without `customers` there are N / 20 of them (at least 100) and the files are exactly the
    aging and import benchmarks' data. With a count, the customers also carry the contact data
    the daily run reads (`_with_contacts`); the invoices are spread over that many customers.
    """
    directory.mkdir(parents=True, exist_ok=True)
    paths = {kind: directory / name for kind, name in CSV_FILES.items()}
    shape = _Shape(invoices, customers or max(100, invoices // 20), seed, today)
    people = _customers(shape)
    if customers is not None:
        people = _with_contacts(people, shape)
    people.write_csv(paths["customers"])
    with (
        paths["invoices"].open("wb") as invoice_file,
        paths["payments"].open("wb") as payment_file,
        paths["credit-notes"].open("wb") as credit_file,
    ):
        for handle, columns in (
            (invoice_file, INVOICE_COLUMNS),
            (payment_file, PAYMENT_COLUMNS),
            (credit_file, CREDIT_NOTE_COLUMNS),
        ):
            handle.write((",".join(columns) + "\n").encode())
        payments_so_far = credits_so_far = 0
        for start in range(0, invoices, _CHUNK):
            chunk = _invoice_chunk(shape, start, min(invoices, start + _CHUNK))
            _append(invoice_file, chunk.select(INVOICE_COLUMNS))
            payments = _payment_chunk(shape, chunk, payments_so_far)
            _append(payment_file, payments)
            payments_so_far += payments.height
            credits = _credit_note_chunk(shape, chunk, credits_so_far)
            _append(credit_file, credits)
            credits_so_far += credits.height
    return paths


class _Shape:
    """Sizes, key widths and dates shared by every chunk."""

    def __init__(self, invoices: int, customers: int, seed: int, today: date) -> None:
        self.invoices = invoices
        self.customers = customers
        self.seed = seed
        self.first_day = today - timedelta(days=_DAYS - 1)
        self.customer_width = max(4, len(str(customers)))
        self.invoice_width = max(6, len(str(invoices)))
        self.payment_width = max(6, len(str(3 * invoices)))
        self.credit_width = max(5, len(str(invoices)))


def _append(handle: BinaryIO, frame: pl.DataFrame) -> None:
    frame.write_csv(handle, include_header=False)


# --- deterministic randomness as expressions -------------------------------------------------


def _mix(value: int) -> int:
    """murmur3's 32-bit finalizer, in Python, to derive a salt per seed and column."""
    value %= _MASK
    value ^= value >> 16
    value = value * 0x85EBCA6B % _MASK
    value ^= value >> 13
    value = value * 0xC2B2AE35 % _MASK
    return value ^ (value >> 16)


def _u64(value: int) -> pl.Expr:
    return pl.lit(value, dtype=pl.UInt64)


def _hash(index: pl.Expr, *, seed: int, stream: int) -> pl.Expr:
    """A pseudo-random UInt64 in [0, 2**32) per row, fixed by (row index, seed, stream)."""
    # Every product stays below 2**64, so UInt64 arithmetic is exact: nothing overflows.
    x = (index.cast(pl.UInt64) * _u64(0x9E3779B1) + _u64(_mix(seed * 7919 + stream))) % _u64(_MASK)
    x = x.xor(x // _u64(1 << 16))
    x = x * _u64(0x85EBCA6B) % _u64(_MASK)
    x = x.xor(x // _u64(1 << 13))
    x = x * _u64(0xC2B2AE35) % _u64(_MASK)
    return x.xor(x // _u64(1 << 16))


def _below(index: pl.Expr, n: int | pl.Expr, *, seed: int, stream: int) -> pl.Expr:
    """A pseudo-random integer in [0, n) per row (n up to 2**31, or a column of such)."""
    bound = n.cast(pl.UInt64) if isinstance(n, pl.Expr) else _u64(n)
    return (_hash(index, seed=seed, stream=stream) * bound // _u64(_MASK)).cast(pl.Int64)


def _pick(slot: pl.Expr, values: tuple[str, ...]) -> pl.Expr:
    """values[slot] as a string column."""
    return slot.replace_strict(dict(enumerate(values)), return_dtype=pl.Utf8)


def _key(prefix: str, number: pl.Expr, width: int) -> pl.Expr:
    return pl.lit(prefix) + number.cast(pl.Utf8).str.zfill(width)


def _day(shape: _Shape, offset: pl.Expr) -> pl.Expr:
    """ISO date `offset` days after the first invoice day."""
    return (pl.lit(shape.first_day) + pl.duration(days=offset)).cast(pl.Utf8)


def _amount_text(minor: pl.Expr, currency: pl.Expr) -> pl.Expr:
    """Plain decimal with the currency's decimals: CLP has none, USD two."""
    cents = (minor % 100).cast(pl.Utf8).str.zfill(2)
    with_cents = pl.format("{}.{}", (minor // 100).cast(pl.Utf8), cents)
    return pl.when(currency == "CLP").then(minor.cast(pl.Utf8)).otherwise(with_cents)


def _currency(customer: pl.Expr, seed: int) -> pl.Expr:
    """One customer in twenty is invoiced in USD; the rest in CLP."""
    return (
        pl.when(_below(customer, 20, seed=seed, stream=2) == 0)
        .then(pl.lit("USD"))
        .otherwise(pl.lit("CLP"))
    )


# --- the four files --------------------------------------------------------------------------


def _customers(shape: _Shape) -> pl.DataFrame:
    """Chilean companies with valid RUTs; plain lists, as there are only N / 20 of them."""
    rng = random.Random(shape.seed)
    rows = []
    for index in range(shape.customers):
        name = names.company_name(rng, "CL")
        domain = names.slug(names.trade_name(name))
        phone = f"+569{rng.randrange(10_000_000, 100_000_000)}"
        rows.append(
            (
                f"C{index + 1:0{shape.customer_width}d}",
                name,
                names.chile_rut(76_000_000 + index),
                f"pagos@{domain}.cl",
                phone,
                phone if index % 2 else None,
                "es",
                "CL",
                "America/Santiago",
                ("email", "whatsapp", "sms", "letter")[index % 4],
                "corporativo" if index % 10 == 0 else "pyme",
                None,
            )
        )
    frame = pl.DataFrame(rows, schema={c: pl.Utf8 for c in CUSTOMER_COLUMNS}, orient="row")
    currency = pl.select(_currency(pl.int_range(0, shape.customers), shape.seed)).to_series()
    # No currency column on customers: USD customers get no limit rather than an ambiguous one.
    limit = pl.when(currency == "CLP").then(pl.lit("50000000"))
    return frame.with_columns(credit_limit=pl.select(limit).to_series())


_CONTACT_HOURS = ("09:00-18:00", "08:30-13:30", "14:00-19:00", "10:00-17:00")


def _with_contacts(frame: pl.DataFrame, shape: _Shape) -> pl.DataFrame:
    """Contact data as the daily run meets it, each share drawn per customer from the seed.

    E-mail for 96%, a phone for 97%, WhatsApp for 60% of those with a phone; the preferred
    channel is e-mail 55%, WhatsApp 25%, SMS 10%, letter 10% (as `cobranza demo`); a quarter
    set their own contact hours; every one is in America/Santiago.
    """
    seed = shape.seed
    index = pl.int_range(0, pl.len(), dtype=pl.Int64)
    prefer = _below(index, 100, seed=seed, stream=33)
    phone = pl.when(_below(index, 100, seed=seed, stream=31) >= 3).then(pl.col("phone"))
    return frame.with_columns(
        email=pl.when(_below(index, 100, seed=seed, stream=30) >= 4).then(pl.col("email")),
        phone=phone,
        whatsapp=pl.when(_below(index, 100, seed=seed, stream=32) < 60).then(phone),
        preferred_channel=pl.when(prefer < 55).then(pl.lit("email"))
        .when(prefer < 80).then(pl.lit("whatsapp"))
        .when(prefer < 90).then(pl.lit("sms"))
        .otherwise(pl.lit("letter")),
        contact_hours=pl.when(_below(index, 100, seed=seed, stream=34) < 25).then(
            _pick(_below(index, len(_CONTACT_HOURS), seed=seed, stream=35), _CONTACT_HOURS)),
    )


def _invoice_chunk(shape: _Shape, start: int, stop: int) -> pl.DataFrame:
    """Invoices start..stop-1 with the helper columns the payments and credit notes need."""
    seed = shape.seed
    i = pl.col("i")
    customer = _below(i // 2, shape.customers, seed=seed, stream=1)  # pairs share a customer
    net_days = pl.col("net_slot").replace_strict(
        {0: 30, 1: 30, 2: 30, 3: 30, 4: 30, 5: 30, 6: 30, 7: 15, 8: 45, 9: 60}
    )
    clp = (43 + _below(i, 12_558, seed=seed, stream=4)) * 1_000 * 119 // 100  # net + 19% VAT
    usd = (500 + _below(i, 49_501, seed=seed, stream=4)) * 100
    interest = _below(i, 10, seed=seed, stream=5) < 3
    frame = pl.DataFrame({"i": pl.int_range(start, stop, eager=True)}).with_columns(
        customer=customer,
        issue_day=i * _DAYS // max(1, shape.invoices),
        net_slot=_below(i, 10, seed=seed, stream=3),
        kind=_below(i, 100, seed=seed, stream=9),
    )
    frame = frame.with_columns(
        number=_key("F", i + 1, shape.invoice_width),
        customer_id=_key("C", pl.col("customer") + 1, shape.customer_width),
        currency=_currency(pl.col("customer"), seed),
        due_day=pl.col("issue_day") + net_days,
        discount=_below(i, 20, seed=seed, stream=8) < 3,
    )
    frame = frame.with_columns(
        minor=pl.when(pl.col("currency") == "CLP").then(clp).otherwise(usd),
        issue_date=_day(shape, pl.col("issue_day")),
        due_date=_day(shape, pl.col("due_day")),
        terms=pl.lit(None, dtype=pl.Utf8),
        grace_days=pl.when(interest).then((_below(i, 3, seed=seed, stream=6) * 5).cast(pl.Utf8)),
        late_interest_annual_pct=pl.when(interest).then(
            _pick(_below(i, 3, seed=seed, stream=7), ("18", "24", "36"))
        ),
        discount_pct=pl.when(pl.col("discount")).then(pl.lit("2")),
        discount_days=pl.when(pl.col("discount")).then(pl.lit("10")),
        # 0, 1, 2 or 3 payments per invoice: 15%, 35%, 35% and 15%, i.e. 1.5 on average.
        payments=pl.when(pl.col("kind") < 15)
        .then(0)
        .when(pl.col("kind") < 50)
        .then(1)
        .when(pl.col("kind") < 85)
        .then(2)
        .otherwise(3),
    )
    return frame.with_columns(amount=_amount_text(pl.col("minor"), pl.col("currency")))


def _payment_chunk(shape: _Shape, chunk: pl.DataFrame, done: int) -> pl.DataFrame:
    """The chunk's payments: 0 to 3 per invoice, some covering two invoices, some naming none."""
    seed = shape.seed
    i, k = pl.col("i"), pl.col("payments")
    even = i % 2 == 0
    # A pair of one customer's invoices, each paid at once, is sometimes paid by one transfer.
    partner = pl.when(even).then(k.shift(-1)).otherwise(k.shift(1))
    together = (k == 1) & (partner == 1) & (_below(i // 2, 5, seed=seed, stream=10) == 0)
    frame = chunk.with_columns(
        together=together.fill_null(False),
        partner_number=pl.col("number").shift(-1),
        partner_minor=pl.col("minor").shift(-1),
        partner_issue=pl.col("issue_day").shift(-1),
    )
    frame = frame.filter((k > 0) & ~(pl.col("together") & ~even))
    frame = frame.with_columns(j=pl.int_ranges(0, k)).explode("j", empty_as_null=False)
    frame = frame.with_columns(row=i * 4 + pl.col("j"), minor=_payment_minor(seed))
    method = _below(pl.col("row"), 100, seed=seed, stream=18)
    frame = frame.with_columns(
        day=_payment_day(shape),
        # transfer 80%, deposit 12%, check 8%
        method_slot=pl.when(method < 80).then(0).when(method < 92).then(1).otherwise(2),
    )
    return frame.select(
        id=_key("P", pl.int_range(done + 1, done + 1 + pl.len()), shape.payment_width),
        customer_id="customer_id",
        date=_day(shape, pl.col("day")),
        currency="currency",
        amount=_amount_text(pl.col("minor"), pl.col("currency")),
        invoice_numbers=pl.when(pl.col("together"))
        .then(pl.format("{};{}", "number", "partner_number"))
        .when(_below(pl.col("row"), 100, seed=seed, stream=17) >= 8)
        .then("number"),
        reference=pl.format(
            "{}-{}",
            _pick(pl.col("method_slot"), ("TEF", "DEP", "CHQ")),
            (10_000_000 + _below(pl.col("row"), 90_000_000, seed=seed, stream=19)).cast(pl.Utf8),
        ),
        method=_pick(pl.col("method_slot"), ("transfer", "deposit", "check")),
    )


def _taken_discount(seed: int) -> pl.Expr:
    """Most single payments on 2/10 invoices take the discount."""
    return (
        pl.col("discount")
        & (pl.col("payments") == 1)
        & ~pl.col("together")
        & (_below(pl.col("i"), 10, seed=seed, stream=11) < 6)
    )


def _payment_minor(seed: int) -> pl.Expr:
    """What each payment pays, in minor units; the installments of an invoice add up to it."""
    i, j, k, minor = pl.col("i"), pl.col("j"), pl.col("payments"), pl.col("minor")
    first = minor * (30 + _below(i, 41, seed=seed, stream=13)) // 100
    third = minor // 3
    step = pl.when(pl.col("currency") == "CLP").then(100_000).otherwise(100_00)
    overpaid = _below(i, 100, seed=seed, stream=12) < 3
    # shared/DOMAIN.md: the 2/10 discount leaves round(amount x 2%) open, rounded half-up.
    discounted = minor - (minor * 2 + 50) // 100
    return (
        pl.when(pl.col("together"))
        .then(minor + pl.col("partner_minor"))
        .when(_taken_discount(seed))
        .then(discounted)
        .when((k == 1) & overpaid)
        .then(minor + step)
        .when(k == 1)
        .then(minor)
        .when((k == 2) & (j == 0))
        .then(first)
        .when(k == 2)
        .then(minor - first)
        .when(j < 2)
        .then(third)
        .otherwise(minor - 2 * third)
    )


def _payment_day(shape: _Shape) -> pl.Expr:
    """Day index of each payment: near the due date, installments weeks apart, never after today."""
    seed = shape.seed
    row = pl.col("row")
    base = pl.when(pl.col("together")).then(pl.col("partner_issue")).otherwise(pl.col("issue_day"))
    planned = (
        pl.when(_taken_discount(seed))
        .then(1 + _below(pl.col("i"), 10, seed=seed, stream=14))
        .otherwise(
            pl.col("due_day")
            - pl.col("issue_day")
            - 10
            + _below(row, 91, seed=seed, stream=15)
            + pl.col("j") * (15 + _below(row, 61, seed=seed, stream=16))
        )
    )
    # Invoices issued lately have their payments spread over the days left, so the ratio holds.
    room = _DAYS - 1 - base
    spread = _below(row, room + 1, seed=seed, stream=20)
    return base + pl.when(planned <= room).then(planned).otherwise(spread)


def _credit_note_chunk(shape: _Shape, chunk: pl.DataFrame, done: int) -> pl.DataFrame:
    """Credit notes for part of about one in seven unpaid (disputed) invoices."""
    seed = shape.seed
    i = pl.col("i")
    disputed = (pl.col("payments") == 0) & (_below(i, 100, seed=seed, stream=21) < 15)
    frame = chunk.filter(disputed)
    settled_after = _below(i, 45, seed=seed, stream=22) + 1
    day = pl.min_horizontal(pl.col("issue_day") + settled_after, _DAYS - 1)
    minor = pl.col("minor") * (10 + _below(i, 91, seed=seed, stream=23)) // 100
    return frame.select(
        number=_key("NC", pl.int_range(done + 1, done + 1 + pl.len()), shape.credit_width),
        customer_id="customer_id",
        invoice_number="number",
        date=_day(shape, day),
        currency="currency",
        amount=_amount_text(minor, pl.col("currency")),
    )
