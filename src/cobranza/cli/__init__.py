"""The `cobranza` command line, written for a collections team."""

from __future__ import annotations

from cobranza.cli import (  # noqa: F401  (each registers its commands)
    accounts,
    admin,
    channels,
    demo,
    imports,
    outbox,
    reconcile,
    references,
    reports,
    run,
    statements,
    strategies,
    tasks,
    timeline,
)
from cobranza.cli.app import app


def main() -> None:
    """Entry point of the `cobranza` script."""
    app(prog_name="cobranza")


__all__ = ["app", "main"]
