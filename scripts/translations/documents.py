"""Spanish for the documents catalog (src/cobranza/locale/es/LC_MESSAGES/documents.po)."""

from __future__ import annotations


ES: dict[str, str] = {
    # Template checks and rendering errors (the strategy author reads them).
    "template '{code}' ({language}, {part}): {problem}":
        "plantilla '{code}' ({language}, {part}): {problem}",
    "template '{code}' ({language}, {part}), line {line}: {problem}":
        "plantilla '{code}' ({language}, {part}), línea {line}: {problem}",
    "the template has no text in any language": "la plantilla no tiene texto en ningún idioma",
    "unknown variable '{name}'; expected one of: {expected}":
        "variable desconocida '{name}'; se esperaba una de: {expected}",
    "unknown invoice field '{name}'; expected one of: {expected}":
        "campo de factura desconocido '{name}'; se esperaba uno de: {expected}",
    "{where}: template '{code}' ({language}) must map parts to texts; expected keys {expected}":
        "{where}: la plantilla '{code}' ({language}) debe asignar textos a sus partes; se "
        "esperaban las claves {expected}",
    "{where}: template '{code}' ({language}): unknown part '{part}'; expected one of {expected}":
        "{where}: plantilla '{code}' ({language}): parte desconocida '{part}'; se esperaba una de "
        "{expected}",
    "{where}: template '{code}' ({language}, {part}) must be text":
        "{where}: la plantilla '{code}' ({language}, {part}) debe ser un texto",
    "{where}: template '{code}' must map languages to parts; expected {expected}":
        "{where}: la plantilla '{code}' debe asignar partes a cada idioma; se esperaba "
        "{expected}",
    "{where}: template '{code}': unknown language '{language}'; expected one of {expected}":
        "{where}: plantilla '{code}': idioma desconocido '{language}'; se esperaba uno de "
        "{expected}",
    "{where}, line {line}: {problem}": "{where}, línea {line}: {problem}",
    "{where}: expected a mapping of template codes":
        "{where}: se esperaba una lista de plantillas por código",
    "there is no call script template with this code":
        "no existe una plantilla de guion de llamada con este código",
    # Letters.
    "Extrajudicial collection under article 37 of Chile's consumer protection law "
    "(Ley 19.496). Collection contacts take place only Monday to Saturday between 08:00 and "
    "20:00, never on public holidays. Extrajudicial collection costs may be charged only after "
    "20 days overdue and within the legal caps. You may always pay the creditor directly.":
        "Cobranza extrajudicial conforme al artículo 37 de la Ley N° 19.496 sobre protección de "
        "los derechos de los consumidores. Las gestiones de cobranza se realizan solo de lunes a "
        "sábado entre las 08:00 y las 20:00 horas, nunca en días festivos. Los gastos de "
        "cobranza extrajudicial solo pueden cobrarse después de 20 días de atraso y dentro de "
        "los topes legales. Usted siempre puede pagar directamente al acreedor.",
    "Collection under the rules of Mexico's Condusef for collection agencies (REDECO): this "
    "notice states who is collecting, on behalf of which creditor, and the amount owed. "
    "Collection contacts take place only between 07:00 and 22:00, and the debt is never "
    "discussed with third parties.":
        "Gestión de cobranza conforme a las disposiciones de la Condusef para despachos de "
        "cobranza (REDECO): este aviso indica quién realiza la cobranza, a nombre de qué "
        "acreedor y el monto adeudado. Las gestiones de cobranza se realizan solo entre las "
        "07:00 y las 22:00 horas, y la deuda nunca se trata con terceros.",
    "This letter concerns the balance stated in it. If you have already paid, please disregard "
    "it; if you disagree with any amount, please contact us.":
        "Esta carta se refiere al saldo que en ella se indica. Si ya lo pagó, le rogamos no "
        "considerarla; si no está de acuerdo con algún monto, comuníquese con nosotros.",
    "Tax id": "Identificador tributario",
    "Customer id": "Código de cliente",
    "Subject": "Ref.",
    "Invoice details": "Detalle de facturas",
    "Invoice": "Factura",
    "Yours faithfully,": "Sin otro particular, le saluda atentamente,",
    "Collections department": "Departamento de Cobranzas",
    "a print batch needs at least one letter": "un lote de impresión necesita al menos una carta",
    "letter {n} of the print batch is not a readable PDF: {error}":
        "la carta {n} del lote de impresión no es un PDF legible: {error}",
    # Statements.
    "Late fee": "Gastos de cobranza",
    "Late interest": "Interés moratorio",
    "Payment": "Pago",
    "Credit note": "Nota de crédito",
    "Early-payment discount": "Descuento por pronto pago",
    "Payments and credit notes": "Pagos y notas de crédito",
    "Date": "Fecha",
    "Kind": "Tipo",
    "Reference": "Referencia",
    "Summary": "Resumen",
    "Total open": "Saldo total",
    "* Interest limited to the legal maximum rate.":
        "* Interés limitado a la tasa máxima legal.",
    "Accrued interest is computed up to the statement date and has not been charged yet.":
        "El interés devengado se calcula hasta la fecha del estado de cuenta y aún no ha sido "
        "cargado.",
    "Statement of account": "Estado de cuenta",
    "As of": "Al",
}
