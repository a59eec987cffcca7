"""Spanish for the accounts catalog (src/cobranza/locale/es/LC_MESSAGES/accounts.po)."""

from __future__ import annotations


ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    # Dispute reasons.
    "not received": "no recibido",
    "wrong amount": "monto incorrecto",
    "quality": "calidad",
    "service": "servicio",
    "already paid": "ya pagado",
    "other": "otro",
    # Refusals of the use cases.
    "unknown invoice '{value}'": "factura desconocida '{value}'",
    "missing value; this is required": "falta el valor; es obligatorio",
    "{customer} has no open documents": "{customer} no tiene documentos pendientes",
    "{customer} owes in {currencies}; say which currency":
        "{customer} debe en {currencies}; indique la moneda",
    "{customer} has no open documents in {currency}":
        "{customer} no tiene documentos pendientes en {currency}",
    "'{value}' is not a positive amount": "'{value}' no es un monto positivo",
    "'{value}' has more decimals than {currency} allows":
        "'{value}' tiene más decimales de los que admite {currency}",
    "{value} is in the past; expected today ({today}) or later":
        "{value} ya pasó; se esperaba hoy ({today}) o una fecha posterior",
    "'{value}' is not a dispute reason; expected one of {expected}":
        "'{value}' no es un motivo de disputa; se esperaba uno de {expected}",
    "invoice {number} already has an open dispute":
        "la factura {number} ya tiene una disputa abierta",
    "invoice {number} has no open dispute": "la factura {number} no tiene una disputa abierta",
    "{value} is not in the future; a pause ends after today ({today})":
        "{value} no es una fecha futura; una pausa termina después de hoy ({today})",
    "{customer} is not paused": "{customer} no está en pausa",
    "invoice {number} is paid; there is nothing to extend":
        "la factura {number} está pagada; no hay nada que prorrogar",
    "{value} is not after the current due date {current}":
        "{value} no es posterior al vencimiento vigente {current}",
    "a plan needs at least one instalment": "un plan necesita al menos una cuota",
    "instalment {n}: {problem}": "cuota {n}: {problem}",
    "instalment {n}: {value} is not after the previous instalment's date":
        "cuota {n}: {value} no es posterior a la fecha de la cuota anterior",
    "{value} is not an action of {customer}": "{value} no es una acción de {customer}",
    "'{value}' is not an amount; expected a number such as 1500 or 1500.50":
        "'{value}' no es un monto; se esperaba un número como 1500 o 1500,50",
    "'{value}' is not a date; expected YYYY-MM-DD":
        "'{value}' no es una fecha; se esperaba AAAA-MM-DD",
    "'{value}' is not a date and time; expected ISO 8601 such as 2026-03-10T10:00 or "
    "2026-03-10T10:00-03:00":
        "'{value}' no es una fecha y hora; se esperaba ISO 8601 como 2026-03-10T10:00 o "
        "2026-03-10T10:00-03:00",
    "'{value}' is not DATE:AMOUNT, e.g. 2026-04-30:150000":
        "'{value}' no tiene la forma FECHA:MONTO, p. ej. 2026-04-30:150000",
    "unknown dispute {value}": "disputa desconocida {value}",
    "dispute {value} is already resolved": "la disputa {value} ya está resuelta",
    "'{value}' is not a task status; expected {expected}":
        "'{value}' no es un estado de tarea; se esperaba {expected}",
    "unknown task {value}": "tarea desconocida {value}",
    "task {value} is already {status}": "la tarea {value} ya está en estado {status}",
    "a promise needs its date": "una promesa necesita su fecha",
    "a promise needs its amount": "una promesa necesita su monto",
    "a dispute needs its reason": "una disputa necesita su motivo",
    "a call back needs the time to call, e.g. 2026-03-10T10:00":
        "volver a llamar necesita la hora de la llamada, p. ej. 2026-03-10T10:00",
    "{value} is not in the future": "{value} no es una fecha futura",
    "'{value}' is not an outcome; expected one of {expected}":
        "'{value}' no es un resultado; se esperaba uno de {expected}",
    # CLI.
    "Promise {id} recorded: {customer} pays {amount} by {date}.":
        "Promesa {id} registrada: {customer} paga {amount} a más tardar el {date}.",
    "open": "abierta",
    "kept": "cumplida",
    "broken": "incumplida",
    "cancelled": "cancelada",
    "resolved": "resuelta",
    "done": "hecha",
    "Status": "Estado",
    "Taken by": "Tomada por",
    "Kept rate": "Cumplimiento",
    "Note": "Nota",
    "Dispute {id} opened on {invoice}: {reason}.":
        "Disputa {id} abierta sobre {invoice}: {reason}.",
    "Dispute on {invoice} resolved.": "Disputa sobre {invoice} resuelta.",
    "Reason": "Motivo",
    "Opened": "Abierta",
    "By": "Por",
    "{customer} paused until {until}.": "{customer} en pausa hasta el {until}.",
    "{customer}: pause lifted.": "{customer}: pausa levantada.",
    "{invoice} is now due {date}.": "{invoice} vence ahora el {date}.",
    ("Payment plan {id} recorded: {total} in {n} instalment.",
     "Payment plan {id} recorded: {total} in {n} instalments."):
        ("Plan de pago {id} registrado: {total} en {n} cuota.",
         "Plan de pago {id} registrado: {total} en {n} cuotas."),
    "{customer} will not be contacted.": "No se contactará a {customer}.",
    "{customer} may be contacted again.": "Se puede volver a contactar a {customer}.",
    "Answer recorded for {customer} (score {score}).":
        "Respuesta registrada para {customer} (nota {score}).",
    "No tasks.": "No hay tareas.",
    "Phone": "Teléfono",
    "Invoices": "Facturas",
    "Collector": "Cobrador",
    "Script": "Guion",
    "call": "llamada",
    "visit": "visita",
    "Task {id}: {outcome}.": "Tarea {id}: {outcome}.",
    "Nothing has happened to {customer} yet.": "Aún no hay actividad de {customer}.",
    "Timeline of {customer}": "Historial de {customer}",
    "What": "Qué",
    "Who": "Quién",
    "the entry was changed": "la entrada fue modificada",
    "the link to the previous entry is broken (an entry was removed, changed or moved)":
        "el enlace con la entrada anterior está roto (una entrada fue eliminada, modificada o "
        "movida)",
    "an entry is missing or out of order": "falta una entrada o está fuera de orden",
    "OK: {entries} entries in {chains} timelines verified.":
        "OK: {entries} entradas verificadas en {chains} historiales.",
    "{customer} entry {seq}: {problem}": "{customer} entrada {seq}: {problem}",
    ("{n} problem found in the activity log.", "{n} problems found in the activity log."):
        ("Se encontró {n} problema en el registro de actividad.",
         "Se encontraron {n} problemas en el registro de actividad."),
    # Timeline kinds and summaries.
    "promise": "promesa",
    "dispute": "disputa",
    "pause": "pausa",
    "extension": "prórroga",
    "payment plan": "plan de pago",
    "contact": "contacto",
    "satisfaction": "satisfacción",
    "posting": "cargo",
    "message sent": "mensaje enviado",
    "letter": "carta",
    "webhook": "webhook",
    "message failed": "mensaje fallido",
    "message bounced": "mensaje rebotado",
    "message cancelled": "mensaje cancelado",
    "delivery": "entrega",
    "action planned": "acción planificada",
    "agency hand-off": "derivación a agencia",
    "credit block": "bloqueo de crédito",
    "promise of {amount} for {date} kept ({paid} paid since)":
        "promesa de {amount} para el {date} cumplida ({paid} pagado desde entonces)",
    "promise of {amount} for {date} broken ({paid} paid since)":
        "promesa de {amount} para el {date} incumplida ({paid} pagado desde entonces)",
    "promised {amount} by {date}, taken by {by}":
        "prometió {amount} a más tardar el {date}, tomada por {by}",
    "dispute on {invoice} resolved by {by}: {resolution}":
        "disputa sobre {invoice} resuelta por {by}: {resolution}",
    "dispute on {invoice} opened by {by}: {reason}":
        "disputa sobre {invoice} abierta por {by}: {reason}",
    "pause lifted": "pausa levantada",
    "paused until {until} by {by}: {reason}": "en pausa hasta el {until} por {by}: {reason}",
    "{invoice} now due {date} (was {previous}), granted by {by}: {reason}":
        "{invoice} vence ahora el {date} (antes {previous}), otorgada por {by}: {reason}",
    "payment plan completed ({paid} paid)": "plan de pago completado ({paid} pagado)",
    "payment plan defaulted: instalment of {date} unpaid":
        "plan de pago incumplido: cuota del {date} impaga",
    "payment plan cancelled": "plan de pago cancelado",
    ("payment plan of {total} in {n} instalment agreed with {by}",
     "payment plan of {total} in {n} instalments agreed with {by}"):
        ("plan de pago de {total} en {n} cuota acordado con {by}",
         "plan de pago de {total} en {n} cuotas acordado con {by}"),
    "contact stopped: {reason}": "contacto suspendido: {reason}",
    "contact allowed again": "contacto permitido nuevamente",
    "answered \"{answer}\" (score {score})": "respondió \"{answer}\" (nota {score})",
    "{kind} on {invoices}: {outcome}": "{kind} por {invoices}: {outcome}",
    "(call back at {at})": "(volver a llamar el {at})",
    "reached": "contactado",
    "no answer": "no contesta",
    "wrong number": "número equivocado",
    "promise to pay": "promesa de pago",
    "call back": "volver a llamar",
    "{document} posted on {invoice}: {amount}": "{document} cargado a {invoice}: {amount}",
}
