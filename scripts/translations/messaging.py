"""Spanish for the messaging catalog (src/cobranza/locale/es/LC_MESSAGES/messaging.po)."""

from __future__ import annotations


ES: dict[str, str] = {
    # Why a queued message was held back just before sending (the outbox's reason column).
    "the customer asked not to be contacted: {reason}":
        "el cliente pidió no ser contactado: {reason}",
    "collection is paused until {until}: {reason}":
        "la cobranza está en pausa hasta el {until}: {reason}",
    "the customer promised to pay by {date}": "el cliente prometió pagar a más tardar el {date}",
    "the customer is on a current payment plan": "el cliente tiene un plan de pagos vigente",
    "every invoice of this action is paid": "todas las facturas de esta acción están pagadas",
    "the invoices of this action are paid or disputed":
        "las facturas de esta acción están pagadas o en disputa",
    "the invoices of this action were handed to a collection agency":
        "las facturas de esta acción se entregaron a una agencia de cobranza",
    "none of the invoices of this action is still open":
        "ninguna de las facturas de esta acción sigue pendiente",
    "deferred by the contact rules ({rule})": "aplazado por las reglas de contacto ({rule})",
    # Outcomes of sending.
    "recovered after an interrupted send": "recuperado tras un envío interrumpido",
    "the provider gave no reason": "el proveedor no indicó el motivo",
    "gave up after {n} attempts: {reason}": "se abandonó tras {n} intentos: {reason}",
    "gave up after {n} interrupted attempts": "se abandonó tras {n} intentos interrumpidos",
    "fallback after {channel} to {address} failed":
        "alternativa tras fallar {channel} a {address}",
    "the provider reported the message {status}": "el proveedor informó el mensaje como {status}",
    # Composing.
    "Pay by bank transfer to {organisation}, quoting your customer number {customer}. If you "
    "have already paid, please let us know.":
        "Pague por transferencia bancaria a {organisation}, indicando su número de cliente "
        "{customer}. Si ya pagó, por favor avísenos.",
    "unknown template '{code}'": "plantilla desconocida '{code}'",
    "the customer has no {channel} address": "el cliente no tiene dirección de {channel}",
    "statement-{customer}-{date}.pdf": "estado-de-cuenta-{customer}-{date}.pdf",
    # Outgoing webhooks.
    "webhooks are not configured: set COBRANZA_WEBHOOK_SECRET":
        "los webhooks no están configurados: defina COBRANZA_WEBHOOK_SECRET",
    'the step {step} has no webhook URL; expected params: {{"url": "https://..."}}':
        'el paso {step} no tiene URL de webhook; se esperaba params: {{"url": "https://..."}}',
    "the webhook {url} answered {status}": "el webhook {url} respondió {status}",
    # Delivery reports from the providers (POST /webhooks/{channel}).
    "unknown channel '{channel}'; expected one of {expected}":
        "canal desconocido '{channel}'; se esperaba uno de {expected}",
    "the webhook's signature does not match the configured secret":
        "la firma del webhook no corresponde al secreto configurado",
    "unknown organisation": "organización desconocida",
    # cobranza outbox / cobranza worker.
    "--status: unknown status '{value}'; expected one of {expected}":
        "--status: estado desconocido '{value}'; se esperaba uno de {expected}",
    "The outbox is empty.": "La bandeja de salida está vacía.",
    "Id": "Id",
    "Scheduled": "Programado",
    "Sent {sent}, retried later {retried}, failed {failed}, bounced {bounced}, cancelled "
    "{cancelled}, deferred {deferred}, waiting for a provider {not_configured}, recovered "
    "{recovered}.":
        "Enviados {sent}, reintento posterior {retried}, fallidos {failed}, rebotados "
        "{bounced}, cancelados {cancelled}, aplazados {deferred}, esperando un proveedor "
        "{not_configured}, recuperados {recovered}.",
    "Worker started ({workers} threads); sending every minute. Ctrl-C stops it.":
        "Envío iniciado ({workers} hilos); envía cada minuto. Ctrl-C lo detiene.",
}
