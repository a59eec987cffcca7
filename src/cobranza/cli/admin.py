"""Setting up: `init`, named payment `terms`, API keys and the HTTP server."""

from __future__ import annotations

import logging
import threading
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from cobranza.cli.app import EXIT_INVALID, Context, app, console, fail, ledger, now, parse_day
from cobranza.config import load_settings, write_config_template
from cobranza.core.terms import Terms, scaled_to_rate
from cobranza.db import migrate, unit_of_work
from cobranza.dunning.strategies import ensure_default_strategy
from cobranza.i18n import _
from cobranza.organisations.service import (
    Letterhead,
    SetupError,
    TermsInput,
    add_terms,
    calendar_days,
    create_api_key,
    ensure,
    list_terms,
    set_calendar_day,
)

terms_app = typer.Typer(help="Named payment terms, such as 30D or 2/10 net 30.",
                        no_args_is_help=True)
apikey_app = typer.Typer(help="Keys for the JSON API.", no_args_is_help=True)
app.add_typer(terms_app, name="terms")
app.add_typer(apikey_app, name="apikey")
log = logging.getLogger(__name__)


@app.command()
def init(
    ctx: typer.Context,
    country: Annotated[str | None, typer.Option(help="Country of the business: CL, MX, ...")]
        = None,
    currency: Annotated[str | None, typer.Option(help="Base currency (default by country).")]
        = None,
    timezone: Annotated[str | None, typer.Option(help="IANA time zone, e.g. America/Santiago.")]
        = None,
    name: Annotated[str | None, typer.Option(help="Name of the business.")] = None,
    locale: Annotated[str | None, typer.Option(help="Locale for amounts and dates, e.g. es_CL.")]
        = None,
    max_interest_pct: Annotated[str | None, typer.Option(
        help="Legal maximum late-interest rate, annual %, capping every invoice's rate "
             "(0 removes the cap).")] = None,
    tax_id: Annotated[str | None, typer.Option(help="The business's RUT or RFC (letterhead).")]
        = None,
    address: Annotated[str | None, typer.Option(help="Postal address (letterhead).")] = None,
    email: Annotated[str | None, typer.Option(help="Contact e-mail shown to debtors.")] = None,
    phone: Annotated[str | None, typer.Option(help="Contact phone shown to debtors.")] = None,
    payment_instructions: Annotated[str | None, typer.Option(
        help="How debtors pay: bank, account, reference. Printed in every reminder.")] = None,
) -> None:
    """Create the ledger database, or bring it up to date. Safe to run again.

    Also installs the default collection strategy and writes a commented cobranza.toml with
    every setting (e-mail, SMS and WhatsApp providers, queue) when there is none."""
    context: Context = ctx.obj
    engine = context.engine()
    try:
        migrate(engine)
        with unit_of_work(engine) as session:
            cap = None if max_interest_pct is None else _pct(max_interest_pct,
                                                              "--max-interest-pct")
            stamp = now()
            org = ensure(session, now=stamp, name=name, country=country, currency=currency,
                         timezone=timezone, locale=locale, max_interest_pct=cap,
                         letterhead=Letterhead(tax_id=tax_id, address=address, email=email,
                                               phone=phone,
                                               payment_instructions=payment_instructions))
            ensure_default_strategy(session, org=org, now=stamp)
            written = write_config_template()
            console.print(_("Ledger ready for {name} ({country}, {currency}, {timezone}).",
                            name=org.name, country=org.country, currency=org.base_currency,
                            timezone=org.timezone))
            if written is not None:
                console.print(_("Settings template written to {path}; edit it or use "
                                "COBRANZA_* environment variables.", path=str(written)))
    except SetupError as exc:
        fail(str(exc), EXIT_INVALID)
    finally:
        engine.dispose()


def _pct(value: str | None, option: str) -> Decimal:
    if value is None:
        return Decimal(0)
    try:
        return Decimal(value.replace(",", ".").rstrip("%"))
    except InvalidOperation:
        fail(_("{option}: '{value}' is not a number; expected a percentage such as 1.5",
               option=option, value=value), EXIT_INVALID)


@terms_app.command("add")
def terms_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Short code used in the invoices' terms column.")],
    net_days: Annotated[int, typer.Option(help="Days from issue to due date.")] = 30,
    grace_days: Annotated[int, typer.Option(help="Days after due before interest counts.")] = 0,
    discount_pct: Annotated[str | None, typer.Option(help="Early-payment discount, %.")] = None,
    discount_days: Annotated[int, typer.Option(help="Days from issue the discount lasts.")] = 0,
    interest_pct: Annotated[str | None, typer.Option(
        help="Late interest, annual %.")] = None,
    interest_monthly_pct: Annotated[str | None, typer.Option(
        help="Late interest as a monthly % (stored as 12 × monthly).")] = None,
    day_basis: Annotated[int, typer.Option(help="Days in the interest year: 365 or 360.")] = 365,
    name: Annotated[str | None, typer.Option(help="Description, e.g. '2/10 net 30'.")] = None,
) -> None:
    """Add or replace named payment terms."""
    annual = _pct(interest_pct, "--interest-pct")
    if interest_monthly_pct is not None:
        annual = 12 * _pct(interest_monthly_pct, "--interest-monthly-pct")
    terms = Terms(net_days=net_days, grace_days=grace_days,
                  discount_pct=_pct(discount_pct, "--discount-pct"), discount_days=discount_days,
                  late_interest_annual_pct=annual, day_basis=day_basis)
    with ledger(ctx) as (session, org):
        try:
            add_terms(session, org=org, data=TermsInput(code, name or code, terms))
        except SetupError as exc:
            fail(str(exc), EXIT_INVALID)
    console.print(_("Terms {code} saved.", code=code))


@terms_app.command("list")
def terms_list(ctx: typer.Context) -> None:
    """Show the organisation's named terms."""
    with ledger(ctx) as (session, org):
        for t in list_terms(session, org=org):
            console.print(f"{t.code}\t{t.name}\t" + _(
                "net {net} days, grace {grace}, discount {disc}% in {ddays} days, "
                "interest {rate}% a year (basis {basis})", net=t.net_days, grace=t.grace_days,
                disc=scaled_to_rate(t.discount_pct_scaled), ddays=t.discount_days,
                rate=scaled_to_rate(t.late_interest_scaled), basis=t.day_basis))


@apikey_app.command("create")
def apikey_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="Who or what will use the key.")] = "api",
) -> None:
    """Create a bearer key for the JSON API. It is shown once; keep it safe."""
    with ledger(ctx) as (session, org):
        token = create_api_key(session, org=org, name=name, now=now())
    console.print(token, highlight=False, soft_wrap=True)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    worker: Annotated[bool, typer.Option(
        "--worker", help="Also send what is due, every minute, inside this process.")] = False,
) -> None:
    """Start the JSON API (OpenAPI docs at /docs)."""
    import uvicorn

    from cobranza.app import create_app

    context: Context = ctx.obj
    with ledger(ctx):
        pass  # refuse to start on an uninitialised database
    stop = threading.Event()
    if worker:
        threading.Thread(target=_drain_every_minute, args=(context.db_url, stop),
                         name="cobranza-worker", daemon=True).start()
    try:
        uvicorn.run(create_app(context.db_url), host=host, port=port)
    finally:
        stop.set()


def _drain_every_minute(db_url: str, stop: threading.Event) -> None:
    """The worker inside `serve --worker`: the same pass as `cobranza worker --once`."""
    from cobranza.messaging.worker import run_once

    settings = load_settings()
    while not stop.is_set():
        try:
            run_once(db_url, now_fn=now, settings=settings)
        except Exception:  # noqa: BLE001  (keep serving; the next pass retries, the log says why)
            log.exception("worker pass failed")
        stop.wait(60)


calendar_app = typer.Typer(help="The organisation's own business days: closed and open days.",
                           no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")


@calendar_app.command("close")
def calendar_close(ctx: typer.Context, day: Annotated[str, typer.Argument(
        metavar="YYYY-MM-DD", help="A day nobody is contacted (e.g. a company holiday).")]) -> None:
    """Mark a day closed: no reminder, call or letter goes out on it."""
    _calendar(ctx, day, "closed")


@calendar_app.command("open")
def calendar_open(ctx: typer.Context, day: Annotated[str, typer.Argument(
        metavar="YYYY-MM-DD", help="A holiday on which the business works after all.")]) -> None:
    """Mark a public or bank holiday as a working day for collection."""
    _calendar(ctx, day, "open")


@calendar_app.command("list")
def calendar_list(ctx: typer.Context) -> None:
    """Show the closed and open days."""
    with ledger(ctx) as (session, org):
        overrides = calendar_days(org)
    labels = {"closed": _("closed for collection"), "open": _("open for collection")}
    for kind, days in overrides.items():
        for day in days:
            console.print(f"{day}\t{labels[kind]}")


def _calendar(ctx: typer.Context, value: str, kind: str) -> None:
    day = parse_day(value, "DAY")
    with ledger(ctx) as (session, org):
        set_calendar_day(org, day=day, kind=kind)
    message = (_("{day} is now closed for collection.") if kind == "closed"
               else _("{day} is now open for collection."))
    console.print(message.format(day=day.isoformat()))
