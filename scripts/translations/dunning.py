"""Spanish for the dunning catalog (src/cobranza/locale/es/LC_MESSAGES/dunning.po)."""

from __future__ import annotations

ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "--as-of: '{value}' is not a date or time; expected ISO 8601 such as 2026-03-10 or "
    "2026-03-10T09:00 or 2026-03-10T09:00-03:00":
        "--as-of: '{value}' no es una fecha ni una hora; se esperaba ISO 8601, como 2026-03-10, "
        "2026-03-10T09:00 o 2026-03-10T09:00-03:00",
    "{n} bank statements wait to be reconciled: fee and interest posting is held back until "
    "they are":
        "{n} estados de cuenta bancarios esperan conciliación: los gastos de cobranza y los "
        "intereses no se cargan hasta que se concilien",
    "{customer}: {step} waits: {reason}": "{customer}: {step} espera: {reason}",
    "Dry run as of {moment}: nothing was written":
        "Simulación al {moment}: no se escribió nada",
    "Run as of {moment}": "Ejecución al {moment}",
    "Deferred by": "Aplazado por",
    "{created} new actions written; {skipped} steps skipped by the catch-up.":
        "{created} acciones nuevas registradas; {skipped} pasos omitidos al ponerse al día.",
    "the commission must be more than 0 and at most 50 (%)":
        "la comisión debe ser mayor que 0 y de a lo más 50 (%)",
    "Settings template written to {path}; edit it or use COBRANZA_* environment variables.":
        "Plantilla de configuración escrita en {path}; edítela o use las variables de entorno "
        "COBRANZA_*.",
    "Today's collection run (dry run: nothing is sent)":
        "La cobranza de hoy (simulación: no se envía nada)",
    "closed for collection": "cerrado para la cobranza",
    "open for collection": "abierto para la cobranza",
    "{day} is now closed for collection.": "{day} queda cerrado para la cobranza.",
    "{day} is now open for collection.": "{day} queda abierto para la cobranza.",
}
