"""The JSON API: FastAPI application factory (OpenAPI at /docs and /openapi.json)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from cobranza import __version__, api_errors
from cobranza.accounts.api import router as accounts
from cobranza.config import database_url
from cobranza.customers.api import router as customers
from cobranza.db import make_engine
from cobranza.dunning.api import router as strategies
from cobranza.i18n import language, normalise_language
from cobranza.invoices.api import router as invoices
from cobranza.messaging.api import router as delivery
from cobranza.payments.api import router as payments
from cobranza.reconciliation.api import router as reconciliation
from cobranza.reports.api import router as reports
from cobranza.statements.api import router as statements
from cobranza.tasks.api import router as tasks


def create_app(db_url: str | None = None) -> FastAPI:
    """An application bound to one database; every request is scoped to its key's organisation."""
    app = FastAPI(
        title="cobranza",
        version=__version__,
        description="Receivables ledger and collections API. Authenticate with "
                    "`Authorization: Bearer <key>` (create one with `cobranza apikey create`). "
                    "Amounts are decimal strings in the currency's minor unit; dates ISO 8601.",
    )
    app.state.engine = make_engine(database_url(db_url))
    api_errors.install(app)

    @app.middleware("http")
    async def request_language(request: Request,
                               call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        with language(normalise_language(request.headers.get("accept-language"))):
            return await call_next(request)

    # Statement lives under /customers/{id}; register reports before the catch-all customer id.
    app.include_router(reports)
    app.include_router(accounts)  # /customers/{id}/promises... before the customer id route
    app.include_router(customers)
    app.include_router(invoices)
    app.include_router(payments)
    app.include_router(strategies)
    app.include_router(tasks)
    app.include_router(delivery)
    app.include_router(statements)
    app.include_router(reconciliation)
    return app
