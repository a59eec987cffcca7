"""Spanish for the bank statements catalog (src/cobranza/locale/es/LC_MESSAGES/statements.po)."""

from __future__ import annotations

ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "cannot read the file: {reason}":
        "no se puede leer el archivo: {reason}",
    "the file is larger than {limit} MB ({size} bytes); bank statements are far smaller — split "
    "it, or raise the limit":
        "el archivo supera los {limit} MB ({size} bytes); las cartolas bancarias son mucho más "
        "pequeñas: divídalo o aumente el límite",
    "the file holds no bank statement; nothing to import":
        "el archivo no contiene ningún estado de cuenta; no hay nada que importar",
    "the form has no file in a field named 'file'":
        "el formulario no trae un archivo en un campo llamado 'file'",
    "the file is larger than {limit} MB; bank statements are far smaller":
        "el archivo supera los {limit} MB; las cartolas bancarias son mucho más pequeñas",
    "the XML declares entities (<!ENTITY>); refused as a possible XML bomb or external entity "
    "attack":
        "el XML declara entidades (<!ENTITY>); se rechaza como posible bomba XML o ataque de "
        "entidad externa",
    "not well-formed XML (truncated or damaged?): {detail}":
        "XML mal formado (¿truncado o dañado?): {detail}",
    "not readable XML: {detail}":
        "XML ilegible: {detail}",
    "the file is empty":
        "el archivo está vacío",
    "the XML has a DOCTYPE; refused as a possible external entity attack":
        "el XML tiene un DOCTYPE; se rechaza como posible ataque de entidad externa",
    "the text is not valid {encoding} at byte {offset}; expected UTF-8 or Latin-1 text":
        "el texto no es {encoding} válido en el byte {offset}; se esperaba texto UTF-8 o Latin-1",
    "an XML document <{root}> is not a bank statement; expected camt.052/053/054, OFX or a "
    "Banxico CEP":
        "un documento XML <{root}> no es un estado de cuenta; se esperaba camt.052/053/054, OFX "
        "o un CEP de Banxico",
    "this is a Spanish AEB Norma 43 (Cuaderno 43) file, which cobranza does not read; download "
    "the statement from your bank as camt.053 (ISO 20022 XML), Excel or CSV":
        "este es un archivo AEB Norma 43 (Cuaderno 43), que cobranza no lee; descargue el "
        "extracto de su banco como camt.053 (XML ISO 20022), Excel o CSV",
    "not a bank statement format cobranza reads; expected {formats}":
        "no es un formato de estado de cuenta que cobranza lea; se esperaba {formats}",
    "'{value}' is not a format cobranza reads; expected {formats}":
        "'{value}' no es un formato que cobranza lea; se esperaba {formats}",
    "the file does not look like {format}; try --format auto":
        "el archivo no parece {format}; pruebe --format auto",
    "the statement names no account; give one with --account":
        "el estado de cuenta no indica la cuenta; indíquela con --account",
    "'{value}' is longer than {n} characters":
        "'{value}' tiene más de {n} caracteres",
    "the statement states no period and has no movements; expected dates":
        "el estado de cuenta no indica período ni tiene movimientos; se esperaban fechas",
    "opening balance {opening} + movements {movements} = {expected}, but the closing balance is "
    "{closing}: they differ by {difference} {currency}":
        "saldo inicial {opening} + movimientos {movements} = {expected}, pero el saldo final es "
        "{closing}: difieren en {difference} {currency}",
    "a movement in {currency} on a {statement} account; expected {statement}":
        "un movimiento en {currency} en una cuenta en {statement}; se esperaba {statement}",
    "'{value}' is not an ISO 4217 currency code; expected e.g. MXN, CLP, USD, EUR":
        "'{value}' no es un código de moneda ISO 4217; se esperaba p. ej. MXN, CLP, USD, EUR",
    "{amount} has more decimals than {currency} allows ({n})":
        "{amount} tiene más decimales de los que admite {currency} ({n})",
    "the message holds no {element}; nothing to import":
        "el mensaje no contiene ningún {element}; no hay nada que importar",
    "{message} is not an account statement; expected camt.052, camt.053 or camt.054":
        "{message} no es un estado de cuenta; se esperaba camt.052, camt.053 o camt.054",
    "no bank-to-customer message (BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn); "
    "expected a camt.052, camt.053 or camt.054 document":
        "no hay mensaje del banco al cliente (BkToCstmrStmt, BkToCstmrAcctRpt o "
        "BkToCstmrDbtCdtNtfctn); se esperaba un documento camt.052, camt.053 o camt.054",
    "the account has no IBAN or other id":
        "la cuenta no tiene IBAN ni otro identificador",
    "the entry has no amount":
        "el movimiento no tiene monto",
    "'{value}' is not CRDT or DBIT":
        "'{value}' no es CRDT ni DBIT",
    "not a Banxico CEP; expected a SPEI_Tercero root element":
        "no es un CEP de Banxico; se esperaba un elemento raíz SPEI_Tercero",
    "the receipt has no clave de rastreo":
        "el comprobante no tiene clave de rastreo",
    "missing; a CEP names the beneficiary and the payer":
        "falta; un CEP indica el beneficiario y el ordenante",
    "the account given ({account}) is neither account this receipt names: the payer's "
    "{payer} and the beneficiary's {beneficiary}; give one of them with --account":
        "la cuenta indicada ({account}) no es ninguna de las dos que nombra este comprobante: "
        "la del ordenante, {payer}, y la del beneficiario, {beneficiary}; indique una de ellas "
        "con --account",
    "'{value}' is not an amount; expected digits with a decimal point, such as 1234.50":
        "'{value}' no es un monto; se esperaban dígitos con punto decimal, como 1234.50",
    "'{value}' is not a date; expected YYYY-MM-DD":
        "'{value}' no es una fecha; se esperaba AAAA-MM-DD",
    "missing; expected an amount with a decimal point, such as 1234.50":
        "falta; se esperaba un monto con punto decimal, como 1234.50",
    "missing; expected a date, YYYY-MM-DD":
        "falta; se esperaba una fecha, AAAA-MM-DD",
    "--format: '{value}' is not a format cobranza reads; expected {formats}":
        "--format: '{value}' no es un formato que cobranza lea; se esperaba {formats}",
    "{account} ({currency}) {period}: {new} new, {known} already imported.":
        "{account} ({currency}) {period}: {new} nuevos, {known} ya importados.",
    (
        "{n} entry not booked by the bank (pending or for information) left out.",
        "{n} entries not booked by the bank (pending or for information) left out.",
    ):
        (
            "{n} movimiento no contabilizado por el banco (pendiente o informativo) queda fuera.",
            "{n} movimientos no contabilizados por el banco (pendientes o informativos) quedan "
            "fuera.",
        ),
    (
        "{n} movement of no amount skipped.",
        "{n} movements of no amount skipped.",
    ):
        (
            "{n} movimiento sin monto omitido.",
            "{n} movimientos sin monto omitidos.",
        ),
    "'{value}' is not FIELD=HEADER":
        "'{value}' no tiene la forma CAMPO=ENCABEZADO",
    "{file}: skipped, not a bank statement":
        "{file}: omitido, no es una cartola bancaria",
    "the folder holds no file to import":
        "la carpeta no contiene ningún archivo que importar",
    "a debit and a credit on one row; expected one of them (a movement goes one way)":
        "un cargo y un abono en la misma fila; se esperaba uno de los dos (un movimiento va en "
        "un solo sentido)",
    "a negative amount in the credit column; expected money in as a positive figure (money "
    "out goes in {debit})":
        "un monto negativo en la columna de abonos; se esperaba el dinero que entra como cifra "
        "positiva (el que sale va en {debit})",
    "a debit column": "una columna de cargos",
    "the file ends inside a row ({why}): it was cut short, as a broken download is; expected "
    "the whole row and a line break; download the statement again":
        "el archivo termina dentro de una fila ({why}): quedó cortado, como queda una descarga "
        "interrumpida; se esperaba la fila completa y un salto de línea; descargue la cartola "
        "de nuevo",
    "a quoted cell is not closed": "una celda entre comillas no se cierra",
    "the row has {cells} of the {columns} cells of the header":
        "la fila tiene {cells} de las {columns} celdas del encabezado",
    "its last cell '{value}' ({column}) is written shorter than its column's other cells":
        "su última celda '{value}' ({column}) está escrita más corta que las demás celdas de su "
        "columna",
    "'{value}' is written in {written}, not in {currency}, the row's currency; expected an "
    "amount in {currency}":
        "'{value}' está escrito en {written}, no en {currency}, la moneda de su fila; se esperaba "
        "un monto en {currency}",
    "'{value}' could be day first or month first, and no date of the file says which; give the "
    "order with --date-order DMY (day first) or --date-order MDY (month first)":
        "'{value}' puede ser día primero o mes primero, y ninguna fecha del archivo lo aclara; "
        "indique el orden con --date-order DMY (día primero) o --date-order MDY (mes primero)",
    "'{value}' is not a date order; expected DMY (day first, 03/02/2026 is 3 February) or MDY "
    "(month first, March 2)":
        "'{value}' no es un orden de fecha; se esperaba DMY (día primero, 03/02/2026 es el 3 de "
        "febrero) o MDY (mes primero, 2 de marzo)",
    "the balance {balance} is not the {expected} that the balance stated on line {line} and "
    "the movements since make: they differ by {difference} (an amount misread, or movements "
    "missing from the file)":
        "el saldo {balance} no es el {expected} que dan el saldo indicado en la línea {line} y "
        "los movimientos desde entonces: difieren en {difference} (un monto mal leído, o "
        "movimientos que faltan en el archivo)",
    "the subtotal of {section} is {stated} {currency}, but its movements add up to {read} "
    "{currency}: they differ by {difference} {currency}":
        "el subtotal de {section} es {stated} {currency}, pero sus movimientos suman {read} "
        "{currency}: difieren en {difference} {currency}",
}
