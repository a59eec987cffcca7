"""Spanish for the reconciliation catalog: the JSON API's refusals (reconciliation/api.py).

Messages shared with the `reconcile` catalog (the CLI) carry the same Spanish word for word.
"""

from __future__ import annotations


ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "unknown bank line {value}": "línea bancaria desconocida {value}",
    "bank line {line} cannot be changed: {reason}":
        "la línea bancaria {line} no se puede modificar: {reason}",
    "bank line {line} is already applied; reverse it first":
        "la línea bancaria {line} ya está aplicada; revértala primero",
    "bank line {line} is ignored; reverse it first":
        "la línea bancaria {line} está ignorada; revértala primero",
    "bank line {line} is applied; reverse it first":
        "la línea bancaria {line} está aplicada; revértala primero",
    "bank line {line} is money out, not a customer's payment":
        "la línea bancaria {line} es un cargo, no un pago de cliente",
    "bank line {line} has {n} suggestions; expected a number from 1 to {n}":
        "la línea bancaria {line} tiene {n} sugerencias; se esperaba un número del 1 al {n}",
    "bank line {line} has no suggestions; assign it to a customer":
        "la línea bancaria {line} no tiene sugerencias; asígnela a un cliente",
    "the parts add up to {total} {currency}; the line is {amount}":
        "las partes suman {total} {currency}; la línea es de {amount}",
    "bank line {line} has no match to reverse":
        "la línea bancaria {line} no tiene una conciliación que revertir",
}
