"""The root `cobranza` command, its global options and the shared plumbing of sub-commands."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cobranza.config import database_url
from cobranza.db import NotInitialised, make_engine, require_schema, unit_of_work
from cobranza.i18n import _, ngettext, set_language
from cobranza.models import Organisation
from cobranza.organisations.service import NoOrganisation, current

EXIT_INVALID = 2  # bad input: nothing was written
# Reports are wide: when output goes to a file or pipe, don't squeeze tables into 80 columns.
console = Console(width=None if Console().is_terminal else 180)
errors = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 400)

app = typer.Typer(
    help="cobranza: collections for small and medium businesses. Load customers, invoices and "
         "payments from your accounting exports, then see who owes what and how late (aging), "
         "customer statements, and the numbers a finance team needs.",
    no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
)


@dataclass
class Context:
    """What every sub-command needs: where the ledger is."""

    db_url: str

    def engine(self) -> Engine:
        """An engine on the configured database."""
        return make_engine(self.db_url)


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", metavar="URL", help="Database URL (default: $COBRANZA_DATABASE_URL, else "
        "sqlite:///./cobranza.db). PostgreSQL: postgresql://user@host/dbname.")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Language of messages: es or en (default: $COBRANZA_LANG, $LANG, es).")]
        = None,
) -> None:
    """Global options."""
    set_language(lang)
    ctx.obj = Context(db_url=database_url(db))


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error for the user and stop with `code`."""
    # The message is the user's own text (file names, values): never read it as markup or emoji.
    errors.print(f"[bold red]{_('Error')}:[/] {escape(message)}", highlight=False, emoji=False)
    raise typer.Exit(code)


@contextmanager
def ledger(ctx: typer.Context) -> Iterator[tuple[Session, Organisation]]:
    """One unit of work on an initialised ledger, with its organisation."""
    context: Context = ctx.obj
    engine = context.engine()
    try:
        require_schema(engine)
        with unit_of_work(engine) as session:
            yield session, current(session)
    except (NotInitialised, NoOrganisation):
        fail(_("the database {url} is not initialised; run `cobranza init` first",
               url=engine.url.render_as_string(hide_password=True)))
    finally:
        engine.dispose()


def now() -> datetime:
    """The system clock, read once at the edge."""
    return datetime.now(UTC)


def parse_day(value: str, option: str) -> date:
    """A YYYY-MM-DD option value, or a clear error."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(_("{option}: '{value}' is not a date; expected YYYY-MM-DD", option=option,
               value=value), EXIT_INVALID)


def refuse(problems: Sequence[object], file: str) -> None:
    """Print every problem and exit 2 (nothing was imported); nothing happens when none."""
    if not problems:
        return
    for problem in problems:
        errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    errors.print(ngettext("{n} error in {file}; nothing was imported.",
                          "{n} errors in {file}; nothing was imported.",
                          len(problems), file=file),
                 highlight=False, markup=False)
    raise typer.Exit(EXIT_INVALID)
