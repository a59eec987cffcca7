"""Spanish for the reconcile catalog: `cobranza reconcile` and the review decisions."""

from __future__ import annotations

ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "Date": "Fecha",
    "Transaction": "Transacción",
    "Amount": "Monto",
    "Status": "Estado",
    "No bank line is waiting for review.": "Ninguna línea bancaria espera revisión.",
    "Customer": "Cliente",
    "Invoices": "Facturas",
    "Confidence": "Confianza",
    "applied": "aplicado",
    "review": "en revisión",
    "unmatched": "sin coincidencia",
    "ignored": "ignorado",
    "{applied} applied, {review} to review, {unmatched} unmatched, {ignored} ignored.":
        "{applied} aplicados, {review} por revisar, {unmatched} sin coincidencia, "
        "{ignored} ignorados.",
    "Line": "Línea",
    "Payer": "Pagador",
    "Remittance": "Glosa",
    "Suggestions": "Sugerencias",
    "Bank line {line}: done.": "Línea bancaria {line}: hecho.",
    "--part: '{value}' is not CUSTOMER:AMOUNT[:INV;INV]":
        "--part: '{value}' no es CLIENTE:MONTO[:FACT;FACT]",
    "no bank line {line}": "no existe la línea bancaria {line}",
    "bank line {line} is already applied; reverse it first":
        "la línea bancaria {line} ya está aplicada; revértala primero",
    "bank line {line} is already ignored; reverse it first":
        "la línea bancaria {line} ya está ignorada; revértala primero",
    "bank line {line} is money out, not a customer's payment":
        "la línea bancaria {line} es un cargo, no un pago de cliente",
    "unknown customer '{code}'": "cliente desconocido '{code}'",
    "the parts add up to {parts}, the line is {line} {currency}":
        "las partes suman {parts}, la línea es de {line} {currency}",
    "bank line {line} has {n} suggestions, not {pick}":
        "la línea bancaria {line} tiene {n} sugerencias, no {pick}",
    "bank line {line} is applied; reverse it first":
        "la línea bancaria {line} está aplicada; revértala primero",
    "bank line {line} has no match to reverse":
        "la línea bancaria {line} no tiene una conciliación que revertir",
}
