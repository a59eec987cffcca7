"""A deterministic, realistic company's receivables, written in the canonical import CSV format.

Used by `cobranza demo`. Everything derives from `random.Random(seed)` and the `today` passed in,
never from the clock, so one set of arguments always yields the same company.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from cobranza.core.money import half_up_div, minor_to_str
from cobranza.demo import names

# The canonical import headers, exactly as the importers expect them.
CUSTOMER_COLUMNS = tuple(
    "id,name,tax_id,email,phone,whatsapp,language,country,timezone,preferred_channel,segment,"
    "credit_limit".split(",")
)
INVOICE_COLUMNS = tuple(
    "number,customer_id,issue_date,due_date,currency,amount,terms,grace_days,"
    "late_interest_annual_pct,discount_pct,discount_days".split(",")
)
PAYMENT_COLUMNS = tuple(
    "id,customer_id,date,currency,amount,invoice_numbers,reference,method".split(",")
)
CREDIT_NOTE_COLUMNS = tuple("number,customer_id,invoice_number,date,currency,amount".split(","))
CSV_FILES = {
    "customers": "customers.csv",
    "invoices": "invoices.csv",
    "payments": "payments.csv",
    "credit-notes": "credit_notes.csv",
}
BEHAVIOURS = ("prompt", "late", "partial", "discount", "disputer", "overpayer")
_BEHAVIOUR_WEIGHTS = (32, 22, 12, 10, 12, 12)
SEGMENTS = ("persona", "pyme", "corporativo")
_SEGMENT_WEIGHTS = (25, 55, 20)
_INVOICES_PER_MONTH = {"persona": (1, 1), "pyme": (1, 2), "corporativo": (2, 4)}
_NET_DAYS, _NET_DAYS_WEIGHTS = (30, 15, 45, 60), (70, 10, 10, 10)
_CHANNELS, _CHANNEL_WEIGHTS = ("email", "whatsapp", "sms", "letter"), (55, 25, 10, 10)
DISCOUNT_PCT, DISCOUNT_DAYS = 2, 10  # "2/10 net 30"


class UnknownCountry(ValueError):
    """The demo generator has no data for this country."""


@dataclass(frozen=True)
class CompanyData:
    """A company's receivables in the canonical import format: Utf8 columns, null = empty."""

    customers: pl.DataFrame
    invoices: pl.DataFrame
    payments: pl.DataFrame
    credit_notes: pl.DataFrame
    # Which payment behaviour drove each customer; for tests and demos, never written to CSV.
    behaviours: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"customer_id": pl.Utf8, "behaviour": pl.Utf8})
    )

    def write_csvs(self, directory: Path) -> dict[str, Path]:
        """Write the four canonical CSVs (UTF-8, comma, header row); return their paths by kind."""
        directory.mkdir(parents=True, exist_ok=True)
        frames = (self.customers, self.invoices, self.payments, self.credit_notes)
        paths = {kind: directory / name for kind, name in CSV_FILES.items()}
        for path, frame in zip(paths.values(), frames, strict=True):
            frame.write_csv(path)
        return paths


@dataclass(frozen=True, slots=True)
class _Pricing:
    """How a currency's invoices are sized: net amounts in major units, plus VAT."""

    currency: str
    minor_per_major: int
    vat_pct: int
    net_step: int  # net amounts are multiples of this (CLP prices are round thousands)
    bounds: tuple[int, int]  # invoice total in minor units
    round_step: int  # minor units a person rounds a partial payment to
    sizes: dict[str, tuple[int, int]]  # typical net invoice per segment, major units


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    timezone: str
    phone_prefix: str
    pricing: _Pricing
    foreign: _Pricing | None  # a few customers invoiced in another currency
    methods: tuple[tuple[str, str, int], ...]  # method, reference prefix, weight


# Country and currency profiles are a data table, kept aligned by hand.
# fmt: off
_CLP = _Pricing(
    currency="CLP", minor_per_major=1, vat_pct=19, net_step=1_000,
    bounds=(50_000, 15_000_000), round_step=10_000,
    sizes={"persona": (45_000, 400_000), "pyme": (150_000, 2_500_000),
           "corporativo": (1_000_000, 12_000_000)},
)
_USD = _Pricing(
    currency="USD", minor_per_major=100, vat_pct=0, net_step=10,
    bounds=(500_00, 50_000_00), round_step=100_00,
    sizes={"persona": (500, 3_000), "pyme": (1_000, 15_000), "corporativo": (5_000, 45_000)},
)
_MXN = _Pricing(
    currency="MXN", minor_per_major=100, vat_pct=16, net_step=1,
    bounds=(1_500_00, 450_000_00), round_step=100_00,
    sizes={"persona": (1_300, 12_000), "pyme": (4_000, 60_000),
           "corporativo": (40_000, 380_000)},
)
_COUNTRIES = {
    "CL": _Country(
        code="CL", timezone="America/Santiago", phone_prefix="+569", pricing=_CLP, foreign=_USD,
        methods=(("transfer", "TEF", 80), ("deposit", "DEP", 12), ("check", "CHQ", 8)),
    ),
    "MX": _Country(
        code="MX", timezone="America/Mexico_City", phone_prefix="+5255", pricing=_MXN,
        foreign=None,
        methods=(("transfer", "SPEI", 78), ("deposit", "DEP", 10), ("check", "CHQ", 7),
                 ("cash", "EFE", 5)),
    ),
}
# fmt: on


@dataclass(slots=True)
class _Customer:
    id: str
    segment: str
    behaviour: str
    pricing: _Pricing
    base: int  # typical net invoice, major units
    first_month: int  # newer customers start buying later in the period
    net_days: int
    interest: tuple[int, int] | None  # annual pct, grace days
    discount: bool
    batches: bool  # pays several invoices at once in a weekly payment run
    row: tuple[str | None, ...] = ()


@dataclass(slots=True)
class _Invoice:
    customer: _Customer
    issue: date
    due: date
    amount: int  # minor units
    number: str = ""


@dataclass(slots=True)
class _Settlement:
    customer: _Customer
    day: date
    amount: int
    invoice: _Invoice | None  # None: the payer named no invoice


@dataclass(slots=True)
class _CreditNote:
    invoice: _Invoice
    day: date
    amount: int


def generate_company(
    *, today: date, country: str = "CL", seed: int = 7, customers: int = 300, months: int = 12
) -> CompanyData:
    """Customers, invoices, payments and credit notes of a company up to `today`, deterministic."""
    if country not in _COUNTRIES:
        known = ", ".join(sorted(_COUNTRIES))
        raise UnknownCountry(f"no demo data for country {country!r}; known: {known}")
    if customers < 1 or months < 1:
        raise ValueError("customers and months must be at least 1")
    rng = random.Random(seed)
    profile = _COUNTRIES[country]
    people = _make_customers(rng, profile, customers, months)
    invoices = _make_invoices(rng, people, today, months)
    book = _Book(rng, today)
    for invoice in invoices:
        _BEHAVIOUR_RULES[invoice.customer.behaviour](book, invoice)
    return CompanyData(
        customers=_frame(CUSTOMER_COLUMNS, [c.row for c in people]),
        invoices=_frame(INVOICE_COLUMNS, [_invoice_row(i) for i in invoices]),
        payments=_frame(PAYMENT_COLUMNS, _payment_rows(rng, profile, book.settlements)),
        credit_notes=_frame(CREDIT_NOTE_COLUMNS, _credit_note_rows(book.credit_notes)),
        behaviours=pl.DataFrame(
            {"customer_id": [c.id for c in people], "behaviour": [c.behaviour for c in people]}
        ),
    )


def _frame(columns: tuple[str, ...], rows: list[tuple[str | None, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={c: pl.Utf8 for c in columns}, orient="row")


def _make_customers(
    rng: random.Random, profile: _Country, count: int, months: int
) -> list[_Customer]:
    behaviours = rng.choices(BEHAVIOURS, weights=_BEHAVIOUR_WEIGHTS, k=count)
    # Every behaviour appears at least once, so the demo shows each collection situation.
    positions = rng.sample(range(count), min(count, len(BEHAVIOURS)))
    for behaviour, position in zip(BEHAVIOURS, positions, strict=False):
        behaviours[position] = behaviour
    taken: set[str] = set()
    result = []
    for index, behaviour in enumerate(behaviours):
        segment = rng.choices(SEGMENTS, weights=_SEGMENT_WEIGHTS)[0]
        pricing = profile.pricing
        if profile.foreign and segment != "persona" and rng.random() < 0.04:
            pricing = profile.foreign  # an export customer
        interest = None
        if rng.random() < 0.3:
            interest = (rng.choice((18, 24, 36)), rng.choice((0, 5, 10)))
        customer = _Customer(
            id=f"C{index + 1:04d}",
            segment=segment,
            behaviour=behaviour,
            pricing=pricing,
            base=_log_choice(rng, *pricing.sizes[segment]),
            first_month=rng.randint(1, months - 1) if months > 1 and rng.random() < 0.15 else 0,
            net_days=rng.choices(_NET_DAYS, weights=_NET_DAYS_WEIGHTS)[0],
            interest=interest,
            discount=behaviour == "discount" or rng.random() < 0.06,
            batches=(behaviour == "prompt" and segment == "corporativo")
            or (behaviour == "late" and rng.random() < 0.5),
        )
        customer.row = _customer_row(rng, profile, customer, taken)
        result.append(customer)
    return result


def _customer_row(
    rng: random.Random, profile: _Country, customer: _Customer, taken: set[str]
) -> tuple[str | None, ...]:
    persona = customer.segment == "persona"
    name, tax_id, email = names.identity(rng, profile.code, persona=persona, taken=taken)
    phone = profile.phone_prefix + str(rng.randrange(10_000_000, 100_000_000))
    channel = rng.choices(_CHANNELS, weights=_CHANNEL_WEIGHTS)[0]
    whatsapp = phone if channel == "whatsapp" or rng.random() < 0.5 else None
    foreign = customer.pricing is not profile.pricing
    english = foreign or rng.random() < 0.03
    low, high = _INVOICES_PER_MONTH[customer.segment]
    gross = customer.base * customer.pricing.minor_per_major * (100 + customer.pricing.vat_pct)
    monthly = gross // 100 * (low + high) // 2
    credit_limit = None
    # The customers file has no currency column, so a limit is only given in the local currency.
    if (customer.segment != "persona" or rng.random() < 0.5) and not foreign:
        credit_limit = minor_to_str(_round_significant(monthly * 3), customer.pricing.currency)
    return (
        customer.id,
        name,
        tax_id,
        email,
        phone,
        whatsapp,
        "en" if english else "es",
        profile.code,
        profile.timezone,
        channel,
        customer.segment,
        credit_limit,
    )


def _make_invoices(
    rng: random.Random, customers: list[_Customer], today: date, months: int
) -> list[_Invoice]:
    """Each customer's invoices month by month, numbered in issue-date order."""
    start = _add_months(today, -months) + timedelta(days=1)
    windows = []
    for month in range(months):
        low = _add_months(start, month)
        high = min(today, _add_months(start, month + 1) - timedelta(days=1))
        windows.append((low, high))
    invoices = []
    for customer in customers:
        for low, high in windows[customer.first_month :]:
            if low > high:
                continue
            for _ in range(rng.randint(*_INVOICES_PER_MONTH[customer.segment])):
                issue = _business_day(low + timedelta(days=rng.randint(0, (high - low).days)), low)
                due = issue + timedelta(days=customer.net_days)
                invoices.append(_Invoice(customer, issue, due, _invoice_amount(rng, customer)))
    invoices.sort(key=lambda i: (i.issue, i.customer.id))
    for number, invoice in enumerate(invoices, start=1):
        invoice.number = f"F{number:06d}"
    return invoices


def _invoice_amount(rng: random.Random, customer: _Customer) -> int:
    """Invoice total in minor units: a round net price around the customer's usual order, + VAT."""
    pricing = customer.pricing
    net = customer.base * rng.randint(60, 140) // 100
    net = max(pricing.net_step, net - net % pricing.net_step)
    gross = net * pricing.minor_per_major * (100 + pricing.vat_pct) // 100
    return min(max(gross, pricing.bounds[0]), pricing.bounds[1])


def _invoice_row(invoice: _Invoice) -> tuple[str | None, ...]:
    customer, currency = invoice.customer, invoice.customer.pricing.currency
    rate = grace = discount_pct = discount_days = None
    if customer.interest:
        rate, grace = str(customer.interest[0]), str(customer.interest[1])
    if customer.discount:
        discount_pct, discount_days = str(DISCOUNT_PCT), str(DISCOUNT_DAYS)
    amount = minor_to_str(invoice.amount, currency)
    issue, due = invoice.issue.isoformat(), invoice.due.isoformat()
    document = (invoice.number, customer.id, issue, due, currency, amount)
    # `terms` stays empty: the inline columns that follow carry the terms.
    return (*document, None, grace, rate, discount_pct, discount_days)


class _Book:
    """What customers paid and what was credited, up to `today` (nothing later is recorded)."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.settlements: list[_Settlement] = []
        self.credit_notes: list[_CreditNote] = []

    def pay(self, invoice: _Invoice, day: date, amount: int, *, named: bool = True) -> date | None:
        """Record a payment for the invoice; return its date, or None when it is after today."""
        day = max(day, invoice.issue)
        if day > self.today:
            return None
        target = invoice if named else None
        self.settlements.append(_Settlement(invoice.customer, day, amount, target))
        return day

    def credit(self, invoice: _Invoice, day: date, amount: int) -> date | None:
        """Record a credit note against the invoice; return its date, or None when after today."""
        if day > self.today:
            return None
        self.credit_notes.append(_CreditNote(invoice, day, amount))
        return day

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))


def _prompt(book: _Book, invoice: _Invoice) -> None:
    day = invoice.due - book.days(0, 5)
    if invoice.customer.batches:
        day = invoice.due - timedelta(days=(invoice.due.weekday() - 4) % 7)  # Friday's run
    book.pay(invoice, day, invoice.amount)


def _late(book: _Book, invoice: _Invoice) -> None:
    day = invoice.due + book.days(20, 120)
    if invoice.customer.batches:
        day += timedelta(days=(4 - day.weekday()) % 7)  # catches up in the next Friday's run
    book.pay(invoice, day, invoice.amount, named=book.rng.random() >= 0.3)


def _partial(book: _Book, invoice: _Invoice) -> None:
    if book.rng.random() < 0.3:
        book.pay(invoice, invoice.due + book.days(0, 15), invoice.amount)
        return
    first = _portion(invoice, book.rng.randint(30, 70))
    paid_on = book.pay(invoice, invoice.due + book.days(0, 30), first)
    if paid_on and book.rng.random() < 0.55:
        book.pay(invoice, paid_on + book.days(20, 75), invoice.amount - first)


def _discount(book: _Book, invoice: _Invoice) -> None:
    if invoice.customer.discount and book.rng.random() < 0.85:
        # shared/DOMAIN.md, early-payment discount: paying all but round(amount × 2%) in time.
        allowance = half_up_div(invoice.amount * DISCOUNT_PCT, 100)
        day = invoice.issue + book.days(2, DISCOUNT_DAYS)
        book.pay(invoice, day, invoice.amount - allowance)
    else:
        book.pay(invoice, invoice.due + book.days(0, 10), invoice.amount)


def _disputer(book: _Book, invoice: _Invoice) -> None:
    roll = book.rng.random()
    if roll < 0.6:
        book.pay(invoice, invoice.due + book.days(0, 20), invoice.amount)
    elif roll < 0.75:
        return  # disputed and never paid
    elif roll < 0.9:
        credited = _portion(invoice, book.rng.randint(10, 50))
        credited_on = book.credit(invoice, invoice.issue + book.days(7, 45), credited)
        if credited_on and book.rng.random() < 0.7:
            day = max(credited_on + book.days(3, 10), invoice.due + book.days(10, 40))
            book.pay(invoice, day, invoice.amount - credited)
    else:
        book.credit(invoice, invoice.issue + book.days(7, 45), invoice.amount)


def _overpayer(book: _Book, invoice: _Invoice) -> None:
    amount = invoice.amount
    if book.rng.random() < 0.25:
        step = invoice.customer.pricing.round_step * 10
        amount = (amount // step + book.rng.randint(1, 2)) * step  # rounds up past what is owed
    paid_on = book.pay(invoice, invoice.due + book.days(-3, 10), amount)
    if paid_on and book.rng.random() < 0.05:
        book.pay(invoice, paid_on + book.days(1, 6), amount)  # the same transfer sent twice


_BEHAVIOUR_RULES: dict[str, Callable[[_Book, _Invoice], None]] = {
    "prompt": _prompt,
    "late": _late,
    "partial": _partial,
    "discount": _discount,
    "disputer": _disputer,
    "overpayer": _overpayer,
}


def _payment_rows(
    rng: random.Random, profile: _Country, settlements: list[_Settlement]
) -> list[tuple[str | None, ...]]:
    """One payment per settlement, except that a payment run pays all its invoices at once."""
    runs: dict[tuple[str, date, bool], list[_Settlement]] = {}
    for index, settlement in enumerate(settlements):
        key: tuple[str, date, bool] = (settlement.customer.id, settlement.day, True)
        if not settlement.customer.batches:
            key = (f"{settlement.customer.id}#{index}", settlement.day, False)
        elif settlement.invoice is None:
            key = (settlement.customer.id, settlement.day, False)
        runs.setdefault(key, []).append(settlement)
    groups = sorted(runs.values(), key=lambda g: (g[0].day, g[0].customer.id))
    methods = [m[:2] for m in profile.methods]
    weights = [m[2] for m in profile.methods]
    rows: list[tuple[str | None, ...]] = []
    for number, group in enumerate(groups, start=1):
        first = group[0]
        currency = first.customer.pricing.currency
        named = ";".join(dict.fromkeys(s.invoice.number for s in group if s.invoice))
        method, prefix = rng.choices(methods, weights=weights)[0]
        rows.append(
            (
                f"P{number:06d}",
                first.customer.id,
                first.day.isoformat(),
                currency,
                minor_to_str(sum(s.amount for s in group), currency),
                named or None,
                f"{prefix}-{rng.randrange(10_000_000, 100_000_000)}",
                method,
            )
        )
    return rows


def _credit_note_rows(notes: list[_CreditNote]) -> list[tuple[str | None, ...]]:
    notes = sorted(notes, key=lambda n: (n.day, n.invoice.customer.id))
    return [
        (
            f"NC{number:05d}",
            note.invoice.customer.id,
            note.invoice.number,
            note.day.isoformat(),
            note.invoice.customer.pricing.currency,
            minor_to_str(note.amount, note.invoice.customer.pricing.currency),
        )
        for number, note in enumerate(notes, start=1)
    ]


def _portion(invoice: _Invoice, pct: int) -> int:
    """About `pct`% of the invoice, rounded down to a figure a person would type, never 0."""
    raw = invoice.amount * pct // 100
    step = invoice.customer.pricing.round_step
    return raw - raw % step if raw > step else max(1, raw)


def _log_choice(rng: random.Random, low: int, high: int) -> int:
    """A value between low and high, as likely to be small as large (steps of 25%)."""
    steps = [low]
    while steps[-1] * 5 // 4 <= high:
        steps.append(steps[-1] * 5 // 4)
    return rng.choice(steps)


def _round_significant(value: int, digits: int = 2) -> int:
    magnitude: int = 10 ** max(0, len(str(value)) - digits)
    return max(magnitude, (value + magnitude // 2) // magnitude * magnitude)


def _add_months(day: date, months: int) -> date:
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _business_day(day: date, earliest: date) -> date:
    """Invoices go out on weekdays: a weekend date moves back to Friday when it can."""
    friday = day - timedelta(days=day.weekday() - 4) if day.weekday() > 4 else day
    return friday if friday >= earliest else day
