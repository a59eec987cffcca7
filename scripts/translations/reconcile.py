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
    "none: nothing points to a customer (assign, split or ignore it)":
        "ninguna: nada apunta a un cliente (asígnela, divídala o ignórela)",
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
    ("bank line {line} has {n} suggestion, not {pick}",
     "bank line {line} has {n} suggestions, not {pick}"):
        ("la línea bancaria {line} tiene {n} sugerencia, no {pick}",
         "la línea bancaria {line} tiene {n} sugerencias, no {pick}"),
    "bank line {line} has no suggestion to confirm; assign, split or ignore it":
        "la línea bancaria {line} no tiene sugerencias que confirmar; asígnela, divídala o "
        "ignórela",
    "bank line {line} is applied; reverse it first":
        "la línea bancaria {line} está aplicada; revértala primero",
    "bank line {line} has no match to reverse":
        "la línea bancaria {line} no tiene una conciliación que revertir",
    "no invoice {number}": "no existe la factura {number}",
    "invoice {number} is not customer {code}'s": "la factura {number} no es del cliente {code}",
    "invoice {number} is in {invoice_currency}, the line in {currency}":
        "la factura {number} está en {invoice_currency} y la línea en {currency}",
    "invoice {number} is paid already": "la factura {number} ya está pagada",
    "invoice {number} is dated {issued}, after bank line {line} of {booked}: a payment settles "
    "only invoices issued by its date":
        "la factura {number} tiene fecha {issued}, posterior a la línea bancaria {line} del "
        "{booked}: un pago solo salda facturas emitidas hasta su fecha",
    # `reconcile review`: the evidence behind a suggestion and how its amount fits
    "RF reference of the invoice": "referencia RF de la factura",
    "RF reference of the customer": "referencia RF del cliente",
    "customer's CLABE": "CLABE del cliente",
    "payer's tax ID": "RUT/RFC del pagador",
    "payer's account, paid from before": "cuenta del pagador, usada en pagos anteriores",
    "payer's name, confirmed before": "nombre del pagador, confirmado antes",
    "invoice number in the remittance": "número de factura en la glosa",
    "invoice number's digits in the remittance": "dígitos del número de factura en la glosa",
    "payer's name": "nombre del pagador",
    "only the amount of an open invoice": "solo el monto de una factura abierta",
    "exact amount": "monto exacto",
    "sum of invoices": "suma de facturas",
    "all open invoices": "todas las facturas abiertas",
    "oldest invoices": "facturas más antiguas",
    "with early-payment discount": "con descuento por pronto pago",
    "less a bank fee": "menos una comisión bancaria",
    "partial payment": "pago parcial",
    "more than owed": "más de lo adeudado",
    "on account": "a cuenta",
    "invoices not determined": "facturas sin determinar",
    "a payment of this amount on the ledger already, near this day":
        "un pago de este monto ya registrado, de fecha cercana",
    "the payment's operation number": "el número de operación del pago",
    "the payment already recorded (nothing added)": "el pago ya registrado (no se agrega nada)",
    "settled by the payment complement, whose payments took the place of the line's":
        "saldada por el complemento de pago, cuyos pagos tomaron el lugar de los de la línea",
    "the payment of customer {code} that bank line {line} brought is no longer waiting for "
    "its bank line (another line has it, or it was changed); pick another suggestion":
        "el pago del cliente {code} que trajo la línea bancaria {line} ya no espera su línea "
        "bancaria (otra línea lo tiene, o cambió); elija otra sugerencia",
    # the customer's timeline: a bank line applied, and taken back
    "payment applied": "pago aplicado",
    "payment reversed": "pago revertido",
    "matched automatically": "conciliado automáticamente",
    "matched automatically with confidence {confidence}":
        "conciliado automáticamente con confianza {confidence}",
    "suggestion confirmed by a person": "sugerencia confirmada por una persona",
    "another suggestion picked by a person": "otra sugerencia elegida por una persona",
    "split among customers by a person": "dividido entre clientes por una persona",
    "assigned by a person": "asignado por una persona",
    ("{amount} received on {date} (bank transaction {transaction}) applied to invoice "
     "{invoices}",
     "{amount} received on {date} (bank transaction {transaction}) applied to invoices "
     "{invoices}"):
        ("{amount} recibido el {date} (transacción bancaria {transaction}) aplicado a la "
         "factura {invoices}",
         "{amount} recibido el {date} (transacción bancaria {transaction}) aplicado a las "
         "facturas {invoices}"),
    "{amount} received on {date} (bank transaction {transaction}) applied on account":
        "{amount} recibido el {date} (transacción bancaria {transaction}) aplicado a cuenta",
    "{amount} received on {date} (bank transaction {transaction}) is the payment of "
    "{invoices} recorded already; nothing added":
        "{amount} recibido el {date} (transacción bancaria {transaction}) es el pago de "
        "{invoices} ya registrado; no se agrega nada",
    "bank line {line} no longer stands for the payment recorded before it; the invoices are "
    "as they were":
        "la línea bancaria {line} ya no corresponde al pago registrado antes que ella; las "
        "facturas quedan como estaban",
    "the match of bank line {line} was reversed; its invoices owe again what it paid":
        "se revirtió la conciliación de la línea bancaria {line}; sus facturas vuelven a deber "
        "lo que pagó",
    "'{value}' may be {large} or {small}; write the amount without a thousands mark":
        "'{value}' puede ser {large} o {small}; escriba el monto sin separador de miles",
    # a person's decision: where each part's money went (`reconciliation.landed`)
    "{amount} {currency} for customer {code} is more than {invoices} owe ({owed} {currency}); "
    "correct the amount, or ask for the rest, {rest} {currency}, to go on account (to the "
    "customer's other open invoices, or as credit)":
        "{amount} {currency} para el cliente {code} es más de lo que deben {invoices} "
        "({owed} {currency}); corrija el monto, o pida que el resto, {rest} {currency}, vaya a "
        "cuenta (a las demás facturas abiertas del cliente, o como saldo a favor)",
    "{customer}: {amount} {currency} is the payment recorded before the line, which paid "
    "{invoices}; nothing added":
        "{customer}: {amount} {currency} es el pago registrado antes que la línea, que pagó "
        "{invoices}; no se agrega nada",
    "{customer}: that payment did not pay {invoices}; they owe as before":
        "{customer}: ese pago no pagó {invoices}; deben lo mismo que antes",
    "{customer}: {amount} {currency} to {invoices}":
        "{customer}: {amount} {currency} a {invoices}",
    "{customer}: {amount} {currency}": "{customer}: {amount} {currency}",
    "{customer}: {rest} {currency} went to other open invoices: {invoices}":
        "{customer}: {rest} {currency} se aplicaron a otras facturas abiertas: {invoices}",
    "{customer}: {rest} {currency} stays as the customer's unapplied credit":
        "{customer}: {rest} {currency} quedan como saldo a favor del cliente",
    "{customer}: {fee} {currency} written off on {invoice} as the bank's fee":
        "{customer}: {fee} {currency} castigados en {invoice} como comisión del banco",
    "{invoices} owe {owed} {currency}: {amount} {currency} is no longer short of them by a "
    "bank fee; assign or split the line":
        "{invoices} deben {owed} {currency}: {amount} {currency} ya no es lo que deben menos "
        "una comisión del banco; asigne o divida la línea",
}
