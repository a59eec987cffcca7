"""The `cobranza` command line, written for a collections team."""

from __future__ import annotations

from cobranza.cli import admin, demo, imports, reports, run  # noqa: F401  (each registers commands)
from cobranza.cli.app import app


def main() -> None:
    """Entry point of the `cobranza` script."""
    app(prog_name="cobranza")


__all__ = ["app", "main"]
