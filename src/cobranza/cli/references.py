"""`cobranza references assign`: a virtual CLABE for every Mexican customer (issue 4, item 3)."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from cobranza.cli.app import EXIT_INVALID, app, console, fail, ledger, now
from cobranza.config import Settings, load_settings
from cobranza.i18n import _, ngettext
from cobranza.references.service import ClabeDoesNotFit, assign_clabes, needs_clabe

references_app = typer.Typer(help="Payment references printed on reminders and letters.",
                             no_args_is_help=True)
app.add_typer(references_app, name="references")


def _settings() -> Settings:
    try:
        return load_settings()
    except ValidationError as exc:
        fields = {str(part) for error in exc.errors() for part in error["loc"]}
        if "clabe_prefix" in fields:
            fail(_("COBRANZA_CLABE_PREFIX must be 6 to 12 digits (bank, plaza and the start of "
                   "the account, as your bank gives them)"), EXIT_INVALID)
        fail(str(exc), EXIT_INVALID)


@references_app.command("assign")
def assign_cmd(ctx: typer.Context) -> None:
    """Give each Mexican customer without one a virtual CLABE (COBRANZA_CLABE_PREFIX)."""
    prefix = _settings().clabe_prefix
    moment = now()
    with ledger(ctx) as (session, org):
        if prefix is None:
            if needs_clabe(session, org_id=org.id):
                fail(_("COBRANZA_CLABE_PREFIX is not set: set it to the 6 to 12 leading "
                       "digits (bank, plaza and the start of the account) under which your "
                       "bank issues virtual CLABEs, then run this again"), EXIT_INVALID)
            assigned = 0
        else:
            try:
                assigned = assign_clabes(session, org_id=org.id, prefix=prefix, now=moment)
            except ClabeDoesNotFit as exc:
                fail(_("the ids of these customers do not fit in a CLABE after the prefix "
                       "{prefix}; ask your bank for a shorter prefix: {customers}",
                       prefix=exc.prefix, customers=", ".join(exc.codes)), EXIT_INVALID)
    console.print(ngettext("Assigned {n} virtual CLABE.", "Assigned {n} virtual CLABEs.",
                           assigned))
