"""Spanish for the ledger catalog (src/cobranza/locale/es/LC_MESSAGES/ledger.po)."""

from __future__ import annotations


ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "Ledger ready for {name} ({country}, {currency}, {timezone}).":
        "Libro de cuentas listo para {name} ({country}, {currency}, {timezone}).",
    "{option}: '{value}' is not a number; expected a percentage such as 1.5":
        "{option}: '{value}' no es un número; se esperaba un porcentaje como 1,5",
    "Terms {code} saved.": "Condiciones {code} guardadas.",
    "net {net} days, grace {grace}, discount {disc}% in {ddays} days, interest {rate}% a year "
    "(basis {basis})":
        "neto {net} días, gracia {grace}, descuento {disc}% en {ddays} días, interés {rate}% "
        "anual (base {basis})",
    "the database {url} is not initialised; run `cobranza init` first":
        "la base de datos {url} no está inicializada; ejecute primero `cobranza init`",
    "{option}: '{value}' is not a date; expected YYYY-MM-DD":
        "{option}: '{value}' no es una fecha; se esperaba AAAA-MM-DD",
    "--country: '{value}' is not supported by the demo; expected CL or MX":
        "--country: la demostración no admite '{value}'; se esperaba CL o MX",
    "Customers imported: {n}": "Clientes importados: {n}",
    "Invoices imported: {n}": "Facturas importadas: {n}",
    "Credit notes imported: {n}": "Notas de crédito importadas: {n}",
    "Payments imported: {n}": "Pagos importados: {n}",
    "Aging as of {date}": "Antigüedad de saldos al {date}",
    "Currency": "Moneda",
    "current": "al día",
    "Total": "Total",
    "Customers": "Clientes",
    "10 most overdue customers ({currency})": "Los 10 clientes más morosos ({currency})",
    "Customer": "Cliente",
    "Name": "Nombre",
    "Overdue": "Vencido",
    "Over 90 days": "Más de 90 días",
    "Accrued interest": "Interés devengado",
    "What to try next:": "Qué probar ahora:",
    "Bank statement {file}, reconciled": "Extracto bancario {file}, conciliado",
    "Lines": "Líneas",
    "imported already: nothing changes": "ya importado: no cambia nada",
    "JSON API, docs at http://127.0.0.1:8000/docs":
        "API JSON, documentación en http://127.0.0.1:8000/docs",
    "--map: '{value}' is not COLUMN=HEADER": "--map: '{value}' no tiene la forma COLUMNA=ENCABEZADO",
    ("{n} error in {file}; nothing was imported.", "{n} errors in {file}; nothing was imported."):
        ("{n} error en {file}; no se importó nada.", "{n} errores en {file}; no se importó nada."),
    "{new} new, {updated} updated, {unchanged} unchanged.":
        # Nouns, not participles: "clientes" and "pagos" are masculine, "facturas" feminine.
        "{new} altas, {updated} modificaciones, {unchanged} sin cambios.",
    "Dry run, nothing written": "Prueba, no se escribió nada",
    "Imported": "Importado",
    "--buckets: '{value}' is not a list of increasing days; expected e.g. 30,60,90":
        "--buckets: '{value}' no es una lista de días creciente; se esperaba p. ej. 30,60,90",
    "--format xlsx needs --output FILE.xlsx": "--format xlsx requiere --output ARCHIVO.xlsx",
    "Wrote {path}": "Se escribió {path}",
    "unknown customer '{value}'": "cliente desconocido '{value}'",
    "Statement of {name} ({id}) as of {date}": "Estado de cuenta de {name} ({id}) al {date}",
    "Document": "Documento",
    "Issued": "Emisión",
    "Due": "Vencimiento",
    "Amount": "Monto",
    "Settled by": "Pagado con",
    "Open": "Saldo",
    "Days past due": "Días de atraso",
    "{currency}: open {open}, unapplied credit {unapplied}, accrued interest {interest}":
        "{currency}: saldo {open}, saldo a favor {unapplied}, interés devengado {interest}",
    "'{value}' is not a country; expected a two-letter ISO code such as CL or MX":
        "'{value}' no es un país; se esperaba un código ISO de dos letras como CL o MX",
    "'{value}' is not a valid {what}; expected {expected}":
        "'{value}' no es un {what} válido; se esperaba {expected}",
    "missing value; this column is required": "falta el valor; esta columna es obligatoria",
    "'{value}' appears more than once in this file (first on line {first}); expected each key "
    "once":
        "'{value}' aparece más de una vez en este archivo (primero en la línea {first}); cada "
        "clave debe aparecer una sola vez",
    "unknown currency '{value}'; expected an ISO 4217 code such as CLP, MXN or USD":
        "moneda desconocida '{value}'; se esperaba un código ISO 4217 como CLP, MXN o USD",
    "unknown customer '{value}'; expected the id or tax id of a customer already imported "
    "(import customers first)":
        "cliente desconocido '{value}'; se esperaba el código o RUT/RFC de un cliente ya "
        "importado (importe primero los clientes)",
    "tax id '{value}' belongs to several customers; use the customer id":
        "el identificador tributario '{value}' pertenece a varios clientes; use el código de "
        "cliente",
    "missing value; expected a due date, or terms that give one":
        "falta el valor; se esperaba una fecha de vencimiento o condiciones de pago que la den",
    "due date {due} is before the issue date {issued}; expected a due date on or after it":
        "la fecha de vencimiento {due} es anterior a la de emisión {issued}; se esperaba una "
        "fecha igual o posterior",
    "unknown terms '{value}'; expected the code of terms added with `cobranza terms add`":
        "condiciones de pago desconocidas '{value}'; se esperaba un código creado con "
        "`cobranza terms add`",
    "invoice {number} belongs to another customer; expected an invoice of this customer":
        "la factura {number} es de otro cliente; se esperaba una factura de este cliente",
    "invoice {number} is in {invoice_currency}, not {currency}; expected an invoice in the same "
    "currency":
        "la factura {number} está en {invoice_currency}, no en {currency}; se esperaba una "
        "factura en la misma moneda",
    "invoice {number} is not in the ledger yet; it will be settled when it is imported":
        "la factura {number} aún no está en el libro; se saldará cuando se importe",
    "My company": "Mi empresa",
    "unknown time zone '{value}'; expected an IANA name such as America/Santiago":
        "zona horaria desconocida '{value}'; se esperaba un nombre IANA como America/Santiago",
    "unknown country '{value}'; expected an ISO 3166 code such as CL, MX or US":
        "país desconocido '{value}'; se esperaba un código ISO 3166 como CL, MX o US",
    "country {country} has no currency of its own; give one with --currency":
        "el país {country} no tiene moneda propia; indique una con --currency",
    "country {country} has several time zones ({zones}); give the organisation's with "
    "--timezone":
        "el país {country} tiene varias zonas horarias ({zones}); indique la de la "
        "organización con --timezone",
    "days must be zero or more": "los días deben ser cero o más",
    "the discount must be a percentage between 0 and 100":
        "el descuento debe ser un porcentaje entre 0 y 100",
    "the day basis must be 365 or 360": "la base de días debe ser 365 o 360",
    "percentages take at most 4 decimal places": "los porcentajes admiten hasta 4 decimales",
    "Unapplied": "Saldo a favor",
    "Nothing is owed as of {date}.": "Nada adeudado al {date}.",
    "Aging as of {date} — {currency}": "Antigüedad de saldos al {date} — {currency}",
    "{n} customers": "{n} clientes",
    # Messages passed through a variable (customers import checks).
    "'{value}' is not an e-mail address; expected name@domain.cl":
        "'{value}' no es un correo electrónico; se esperaba nombre@dominio.cl",
    "'{value}' is not a supported language; expected es or en":
        "'{value}' no es un idioma disponible; se esperaba es o en",
    "'{value}' is not a channel; expected email, sms, whatsapp, letter, call or visit":
        "'{value}' no es un canal; se esperaba email, sms, whatsapp, letter, call o visit",
    "'{value}' are not contact hours; expected HH:MM-HH:MM, e.g. 09:00-18:00":
        "'{value}' no es un horario de contacto; se esperaba HH:MM-HH:MM, p. ej. 09:00-18:00",
    "'{value}' is not a country; expected a two-letter ISO code such as CL or MX ":
        "'{value}' no es un país; se esperaba un código ISO de dos letras como CL o MX",
    "RUT, e.g. 76.123.456-0 (check digit 0-9 or K)":
        "un RUT, p. ej. 76.123.456-0 (dígito verificador 0-9 o K)",
    "RFC, e.g. ABC680524P73 (12 characters) or 13 for a person":
        "un RFC, p. ej. ABC680524P73 (12 caracteres, o 13 para una persona física)",
    "a tax id": "un identificador tributario",
    "Error": "Error",
    "a rate must be greater than zero": "un valor debe ser mayor que cero",
    "unknown payment or credit note '{value}'": "pago o nota de crédito desconocido '{value}'",
    "invoice {number} is not an invoice of the same customer and currency":
        "{number} no es una factura del mismo cliente y moneda",
    "'{value}' is not an amount": "'{value}' no es un monto",
    "'{value}' is not a positive amount in {currency}":
        "'{value}' no es un monto positivo en {currency}",
    "Pinned {amount} of {source} to {invoice}.": "Se asignaron {amount} de {source} a {invoice}.",
    "warning": "advertencia",
}
