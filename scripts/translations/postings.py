"""Spanish for the postings catalog (src/cobranza/locale/es/LC_MESSAGES/postings.po)."""

from __future__ import annotations


ES: dict[str, str] = {
    # Why a posting or hand-off did nothing (cobranza.postings.explain).
    "there is no invoice with id {id} in this organisation":
        "no existe una factura con id {id} en esta organización",
    "customer {customer} has no invoice with id {id}":
        "el cliente {customer} no tiene una factura con id {id}",
    "{number} is a posted charge, not an invoice":
        "{number} es un cargo contabilizado, no una factura",
    "{number} is with a collection agency; internal collection of it has stopped":
        "{number} está en una empresa de cobranza externa; su cobranza interna se detuvo",
    "{number} has an open dispute; its collection stops until the dispute is resolved":
        "{number} tiene una disputa abierta; su cobranza se detiene hasta que se resuelva",
    "{number} was not yet issued on {date}": "{number} aún no estaba emitida el {date}",
    "{document} was already posted": "{document} ya estaba contabilizado",
    "the document number {document} is longer than {limit} characters":
        "el número de documento {document} tiene más de {limit} caracteres",
    "{number} has no overdue principal on {date}":
        "{number} no tiene capital vencido al {date}",
    "{number} is {days} days overdue on {date}; Chilean law allows collection costs only from "
    "20 days overdue (Ley 19.496 art. 37)":
        "{number} tiene {days} días de atraso al {date}; la ley chilena permite gastos de "
        "cobranza solo desde los 20 días de atraso (Ley 19.496 art. 37)",
    "no UF value in {currency} for {date}: import that day's UF value (cobranza import rates) "
    "to cap the fee on {number} as Chilean law requires":
        "no hay valor de la UF en {currency} para el {date}: importe el valor de la UF de ese "
        "día (cobranza import rates) para limitar el cargo de {number} como exige la ley chilena",
    "{number} is in {currency}; the Spanish compensation for collection costs is 40 EUR per "
    "late invoice, so fees are posted only on invoices in EUR":
        "{number} está en {currency}; la compensación española por costes de cobro es de 40 EUR "
        "por factura vencida, por lo que los cargos solo se contabilizan en facturas en EUR",
    "the fees already posted on {number} reach the legal cap":
        "los cargos ya contabilizados en {number} alcanzan el tope legal",
    "the fee on {number} comes to zero": "el cargo de {number} resulta en cero",
    "no interest has accrued on {number} beyond what was posted, as of {date}":
        "{number} no ha devengado intereses más allá de los contabilizados, al {date}",
    "request {n}: the days until the charge falls due must be 0 or more, not {value}":
        "solicitud {n}: los días hasta el vencimiento del cargo deben ser 0 o más, no {value}",
    "request {n}: a step code and a dunning cycle of 0 or more are required "
    "(got '{step}', {cycle})":
        "solicitud {n}: se requieren un código de paso y un ciclo de cobranza de 0 o más "
        "(se recibió '{step}', {cycle})",
    "request {n}: a fee's fixed amount and percentage cannot be negative":
        "solicitud {n}: el monto fijo y el porcentaje de un cargo no pueden ser negativos",
    "{number} has nothing open on {date}": "{number} no tiene saldo pendiente al {date}",
    "{number} was already handed to a collection agency":
        "{number} ya fue entregada a una empresa de cobranza externa",
    # Hand-off requests and recalls (cobranza.agency.service).
    "request {n}: an agency's commission must be more than 0% and at most 50%, not {pct}%":
        "solicitud {n}: la comisión de una empresa de cobranza debe ser mayor que 0% y de a lo "
        "más 50%, no {pct}%",
    "request {n}: a commission has at most 4 decimals ({pct}%)":
        "solicitud {n}: una comisión tiene a lo más 4 decimales ({pct}%)",
    "request {n}: the agency's name is required":
        "solicitud {n}: se requiere el nombre de la empresa de cobranza",
    "request {n}: no invoices to hand off": "solicitud {n}: no hay facturas que entregar",
    "request {n}: there is no customer with id {id}":
        "solicitud {n}: no existe un cliente con id {id}",
    "{path} is not a folder": "{path} no es una carpeta",
    "there is no invoice {number}": "no existe la factura {number}",
    "{number} is not with a collection agency":
        "{number} no está en una empresa de cobranza externa",
    # The hand-off file's columns (cobranza.agency.files).
    "Creditor": "Acreedor",
    "Creditor tax id": "RUT/RFC del acreedor",
    "Debtor id": "Código del deudor",
    "Debtor": "Deudor",
    "Debtor tax id": "RUT/RFC del deudor",
    "Email": "Correo electrónico",
    "Phone": "Teléfono",
    "WhatsApp": "WhatsApp",
    "Country": "País",
    "Language": "Idioma",
    "Invoice": "Factura",
    "Issue date": "Fecha de emisión",
    "Due date": "Fecha de vencimiento",
    "Currency": "Moneda",
    "Original amount": "Monto original",
    "Open amount": "Saldo pendiente",
    "Days past due": "Días de atraso",
    "Accrued interest": "Interés devengado",
    "Fees posted": "Gastos de cobranza cargados",
    "Interest posted": "Intereses cargados",
    "Open charges": "Cargos pendientes",
    "Total owed": "Total adeudado",
    "Promises": "Promesas de pago",
    "Broken promises": "Promesas incumplidas",
    "Disputes": "Disputas",
    "Open disputes": "Disputas abiertas",
    "Last contact": "Último contacto",
    "Agency": "Empresa de cobranza",
    "Commission %": "Comisión %",
    "Hand-off date": "Fecha de entrega",
    "Hand-off": "Entrega a cobranza externa",
}
