"""Spanish for the bank statement formats catalog (MT940, OFX, BAI2 and CSV readers)."""

from __future__ import annotations

ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "'{value}' is not an amount; expected a number such as 1234.50":
        "'{value}' no es un monto; se esperaba un número como 1234.50",
    "'{value}' may be {whole} with its thousands grouped or {decimal}; expected the amount with "
    "its decimals, such as 1160.00":
        "'{value}' puede ser {whole} con sus miles separados o {decimal}; se esperaba el monto "
        "con sus decimales, como 1160.00",
    "no MT940 statement found; a statement starts with the :20: reference tag":
        "no se encontró una cartola MT940; una cartola comienza con la etiqueta de referencia "
        ":20:",
    "the statement has no :25: account identification":
        "la cartola no tiene la identificación de cuenta :25:",
    "a second or multi-line :25: account identification in one statement; the file is damaged":
        "una segunda identificación de cuenta :25: (o una de varias líneas) en una misma "
        "cartola; el archivo está dañado",
    "'{value}' is not a balance; expected D or C, the date as YYMMDD, the currency and the "
    "amount, as in C240131EUR1234,56":
        "'{value}' no es un saldo; se esperaba D o C, la fecha como AAMMDD, la moneda y el "
        "monto, como en C240131EUR1234,56",
    "the statement has no opening balance (:60F:) nor, as an MT942 report, a floor limit (:34F:)":
        "la cartola no tiene saldo inicial (:60F:) ni, como informe MT942, un límite mínimo "
        "(:34F:)",
    "the statement has no closing balance (:62F:); the file may be truncated":
        "la cartola no tiene saldo final (:62F:); puede que el archivo esté truncado",
    "a movement after the closing balance; expected a new statement (:20:) first":
        "un movimiento después del saldo final; se esperaba antes una nueva cartola (:20:)",
    "'{value}' cannot be read; check the date (YYMMDD), the D/C mark and the amount (digits with "
    "a decimal comma)":
        "'{value}' no se puede leer; revise la fecha (AAMMDD), la marca D/C y el monto (dígitos "
        "con coma decimal)",
    "'{value}' is not a date; expected YYMMDD, as in 240131":
        "'{value}' no es una fecha; se esperaba AAMMDD, como en 240131",
    "'{value}' is not a month and day; expected the entry date as MMDD, as in 0131":
        "'{value}' no es un mes y día; se esperaba la fecha contable como MMDD, como en 0131",
    "the statement cannot be read as MT940":
        "la cartola no se puede leer como MT940",
    "the statement states no currency (no balance and no floor limit)":
        "la cartola no indica la moneda (no tiene saldos ni límite mínimo)",
    "the statement is in {currency} (:{first}: on line {line}) but this tag states {other}; one "
    "statement holds one account in one currency":
        "la cartola está en {currency} (:{first}: en la línea {line}) pero esta etiqueta indica "
        "{other}; una cartola corresponde a una cuenta en una sola moneda",
    "not an OFX file: there is no <OFX> element":
        "no es un archivo OFX: no tiene el elemento <OFX>",
    "the OFX markup cannot be read ({reason})":
        "las etiquetas OFX no se pueden leer ({reason})",
    "the OFX elements are not properly closed; the file may be truncated":
        "los elementos OFX no están bien cerrados; puede que el archivo esté truncado",
    "the OFX elements are not properly nested: by this line, end tags have closed the <OFX> "
    "element; check the end tags above it":
        "los elementos OFX no están bien anidados: en esta línea las etiquetas de cierre ya "
        "cerraron el elemento <OFX>; revise las etiquetas de cierre anteriores",
    "the bank sent an error instead of a statement: {message} (code {code})":
        "el banco envió un error en lugar de una cartola: {message} (código {code})",
    "no bank statement in this OFX file (it holds: {kinds})":
        "este archivo OFX no contiene una cartola bancaria (contiene: {kinds})",
    "nothing":
        "nada",
    "investment statement":
        "estado de inversiones",
    "account list":
        "lista de cuentas",
    "profile":
        "perfil",
    "sign-on response":
        "respuesta de inicio de sesión",
    "tax form":
        "formulario tributario",
    "bill payment":
        "pago de cuentas",
    "the statement has no currency (CURDEF)":
        "la cartola no tiene moneda (CURDEF)",
    "this transaction corrects ({action}) transaction {fitid}, which is not in this file; a "
    "movement imported earlier is not corrected automatically: correct it by hand and remove "
    "this transaction from the file":
        "esta transacción corrige ({action}) la transacción {fitid}, que no está en este "
        "archivo; un movimiento importado antes no se corrige automáticamente: corríjalo a mano "
        "y quite esta transacción del archivo",
    "missing value; expected a date (YYYYMMDD)":
        "falta el valor; se esperaba una fecha (AAAAMMDD)",
    "'{value}' may be day/month/year or month/day/year; expected YYYYMMDD":
        "'{value}' puede ser día/mes/año o mes/día/año; se esperaba AAAAMMDD",
    "'{value}' is not a date; expected YYYYMMDD":
        "'{value}' no es una fecha; se esperaba AAAAMMDD",
    "the account's ledger balance went from {opening} to {closing} {currency}, but the report "
    "lists no movement (no 16 detail records): a summary report has none to import; download "
    "the bank's detail report (BAI2 previous-day detail) instead":
        "el saldo contable de la cuenta pasó de {opening} a {closing} {currency}, pero el "
        "reporte no trae ningún movimiento (ningún registro de detalle 16): un reporte resumido "
        "no tiene movimientos que importar; descargue en su lugar el reporte detallado del banco "
        "(BAI2 previous-day detail)",
    "the file's creation date '{value}' is written YYYYMMDD; BAI2 writes every date YYMMDD":
        "la fecha de creación del archivo '{value}' está escrita AAAAMMDD; BAI2 escribe todas "
        "las fechas AAMMDD",
    "not a BAI2 file: it must start with a 01 file header record":
        "no es un archivo BAI2: debe comenzar con un registro de encabezado 01",
    "the file ends without its 99 file trailer record; it may be truncated":
        "el archivo termina sin su registro de cierre 99; puede que esté truncado",
    "the BAI2 file cannot be read ({reason}); check the record field counts and amounts":
        "el archivo BAI2 no se puede leer ({reason}); revise la cantidad de campos de los "
        "registros y los montos",
    "'{value}' is not an ISO 4217 currency code":
        "'{value}' no es un código de moneda ISO 4217",
    "the file has no currency column; give the account's currency (--currency)":
        "el archivo no tiene columna de moneda; indique la moneda de la cuenta (--currency)",
    "--map: '{field}' is not a statement field; expected one of {fields}":
        "--map: '{field}' no es un campo de cartola; se esperaba uno de {fields}",
    "--map: the file has no column '{header}'":
        "--map: el archivo no tiene la columna '{header}'",
    "the header has no date and amount columns (such as Fecha and Monto, or Cargo and Abono); "
    "name them with --map date=HEADER --map amount=HEADER":
        "el encabezado no tiene columnas de fecha y monto (como Fecha y Monto, o Cargo y Abono); "
        "indíquelas con --map date=ENCABEZADO --map amount=ENCABEZADO",
    "the headers name different currencies ({codes}); give the account's currency (--currency) "
    "and the columns to read (--map)":
        "los encabezados nombran monedas distintas ({codes}); indique la moneda de la cuenta "
        "(--currency) y las columnas a leer (--map)",
    "a column mapping is for CSV files; {format} files name their own fields":
        "una asignación de columnas es para archivos CSV; los archivos {format} nombran sus "
        "propios campos",
    "type code '{code}' does not say whether the detail is a credit or a debit; expected a "
    "credit (100-399) or debit (400-699) type code":
        "el código de tipo '{code}' no indica si el detalle es un abono o un cargo; se esperaba "
        "un código de abono (100-399) o de cargo (400-699)",
    "BAI version {version} is not read (BTRS 3 lays records out differently); expected a BAI2 "
    "file, version 2":
        "la versión BAI {version} no se lee (BTRS 3 organiza los registros de otra forma); se "
        "esperaba un archivo BAI2, versión 2",
    "missing value; expected an amount in {columns}":
        "falta el valor; se esperaba un monto en {columns}",
    "the balance {balance} less the amount {amount} is {before}, the balance of no other "
    "movement: the balances do not follow from the amounts (an amount misread, or movements "
    "missing from the file)":
        "el saldo {balance} menos el monto {amount} es {before}, que no es el saldo de ningún "
        "otro movimiento: los saldos no se siguen de los montos (un monto mal leído, o "
        "movimientos que faltan en el archivo)",
    "the worksheet has more than {n} rows; expected a bank's export":
        "la hoja tiene más de {n} filas; se esperaba la exportación de un banco",
    "'{value}' is not a debit or credit mark; expected + or -, Cargo or Abono, Debit or Credit":
        "'{value}' no indica cargo ni abono; se esperaba + o -, Cargo o Abono, Débito o Crédito",
    "the statement has {n} movements (:61:) but {read} could be read; check each :61: line: its "
    "date (YYMMDD), D/C mark, amount with a decimal comma and transaction type":
        "la cartola tiene {n} movimientos (:61:) pero se pudieron leer {read}; revise cada línea "
        ":61:: su fecha (AAMMDD), la marca D/C, el monto con coma decimal y el tipo de "
        "transacción",
    "not a bank statement format cobranza reads; if it is a CSV export whose headers are not "
    "recognised, or that has no header row, name its columns with --map (FIELD=HEADER, or "
    "FIELD=N for the Nth column)":
        "no es un formato de cartola que cobranza lea; si es una exportación CSV cuyos "
        "encabezados no se reconocen, o que no tiene fila de encabezados, indique sus columnas "
        "con --map (CAMPO=ENCABEZADO, o CAMPO=N para la columna N)",
    "the amounts are written in different currencies ({codes}); expected one currency per "
    "file, or a currency column":
        "los montos están escritos en monedas distintas ({codes}); se esperaba una moneda por "
        "archivo, o una columna de moneda",
    "the amounts are written in {written}, not in {other}; give the currency the file is in "
    "(--currency)":
        "los montos están escritos en {written}, no en {other}; indique la moneda del archivo "
        "(--currency)",
    "the file lists transfers, each with the amount that left one side and the amount that "
    "reached the other (Wise's transaction history), not an account's movements; export the "
    "account's statement instead":
        "el archivo lista transferencias, cada una con el monto que salió de un lado y el que "
        "llegó al otro (el historial de transacciones de Wise), no los movimientos de una "
        "cuenta; exporte en su lugar la cartola de la cuenta",
    "missing value; expected a debit or credit mark for the unsigned amount":
        "falta el valor; se esperaba una marca de cargo o abono para el monto sin signo",
    "a fee beside the amount, and no net or running balance: what reached the account is not "
    "stated; export the file with its net or balance column, or name the column that moved the "
    "account (--map amount=HEADER)":
        "una comisión junto al monto, y ni monto neto ni saldo: no se indica lo que llegó a la "
        "cuenta; exporte el archivo con su columna de neto o de saldo, o indique la columna que "
        "movió la cuenta (--map amount=ENCABEZADO)",
    "credit": "abono",
    "debit": "cargo",
    "the file states {count} {kind} entries of {stated} {currency}, but its {kind} movements are "
    "{n} of {read}: they differ by {difference} {currency}":
        "el archivo indica {count} movimientos de {kind} por {stated} {currency}, pero sus "
        "movimientos de {kind} son {n} por {read}: difieren en {difference} {currency}",
    "'{value}' is a negative balance marked {indicator}; expected the amount without a sign and "
    "DBIT for a debit balance":
        "'{value}' es un saldo negativo marcado {indicator}; se esperaba el monto sin signo y DBIT "
        "para un saldo deudor",
    "'{value}' is not a correction action; expected REPLACE or DELETE":
        "'{value}' no es una acción de corrección; se esperaba REPLACE o DELETE",
    'this transaction corrects ({action}) transaction {fitid}, but {count} transactions of this '
    'file have that FITID (lines {lines}) and which one it corrects cannot be told: correct it by'
    ' hand and remove this transaction from the file':
        'esta transacción corrige ({action}) la transacción {fitid}, pero {count} transacciones '
        'de este archivo tienen ese FITID (líneas {lines}) y no se puede saber cuál corrige: '
        'corríjala a mano y quite esta transacción del archivo',
    'this transaction corrects ({action}) transaction {fitid}, which the transaction on line '
    '{earlier} already corrects, and which correction stands cannot be told: correct it by hand '
    'and remove both corrections from the file':
        'esta transacción corrige ({action}) la transacción {fitid}, que ya corrige la '
        'transacción de la línea {earlier}, y no se puede saber qué corrección vale: corríjala a '
        'mano y quite ambas correcciones del archivo',
    "'{value}' is the amount of a {type} but has the other sign; OFX amounts are signed for the "
    'account holder (money in positive, money out negative): the bank may have written it without'
    ' its sign':
        "'{value}' es el monto de un {type} pero tiene el signo contrario; los montos OFX llevan "
        'el signo del titular de la cuenta (abonos positivos, cargos negativos): puede que el '
        'banco lo haya escrito sin su signo',
    "'{value}' is not a BAI2 detail amount; expected digits only, without a sign (the type code "
    'says credit or debit) or a decimal point (1500 is 15.00 in a currency of two decimals)':
        "'{value}' no es un monto de detalle BAI2; se esperaban solo dígitos, sin signo (el "
        'código de tipo dice si es abono o cargo) ni punto decimal (1500 es 15.00 en una moneda '
        'de dos decimales)',
    "the 49 account trailer states a control total of {stated}, but the amounts of the account's "
    '03 and 16 records add up to {found}: they differ by {difference}':
        'el registro de cierre de cuenta 49 indica un total de control de {stated}, pero los '
        'montos de los registros 03 y 16 de la cuenta suman {found}: difieren en {difference}',
    'the 98 group trailer counts {stated} accounts, but the group has {found}':
        'el registro de cierre de grupo 98 cuenta {stated} cuentas, pero el grupo tiene {found}',
    'the 99 file trailer counts {stated} groups, but the file has {found}':
        'el registro de cierre de archivo 99 cuenta {stated} grupos, pero el archivo tiene '
        '{found}',
    'the {code} trailer states a control total of {stated}, but the control totals of its {parts}'
    ' trailers add up to {found}: they differ by {difference}':
        'el registro de cierre {code} indica un total de control de {stated}, pero los totales de'
        ' control de sus cierres {parts} suman {found}: difieren en {difference}',
    'the {code} trailer states {stated} records, but there are {found} from the {header} record '
    'to the {code}, 88 continuations included: they differ by {difference}':
        'el registro de cierre {code} indica {stated} registros, pero hay {found} desde el '
        'registro {header} hasta el {code}, incluidas las continuaciones 88: difieren en '
        '{difference}',
    'the group is marked as a test (group status 4): it reports no money moved; expected an '
    'update (1) or a correction (3)':
        'el grupo está marcado como prueba (estado de grupo 4): no informa dinero movido; se '
        'esperaba una actualización (1) o una corrección (3)',
    'the group asks to delete a report sent before (group status 2), and an import deletes no '
    'movements: remove them by hand; expected an update (1) or a correction (3)':
        'el grupo pide eliminar un informe enviado antes (estado de grupo 2), y una importación '
        'no elimina movimientos: elimínelos a mano; se esperaba una actualización (1) o una '
        'corrección (3)',
    "type code '{code}' ({description}) is a summary's, not a detail's: its amount would count "
    "the account's movements a second time; expected a detail type code":
        "el código de tipo '{code}' ({description}) es de un resumen, no de un detalle: su monto "
        "contaría por segunda vez los movimientos de la cuenta; se esperaba un código de tipo de "
        "detalle",
    "the balance at the end of {day} is {balance}, but the day before's {previous} and the "
    "day's movements, {moved}, make {expected}: the balances do not follow from the amounts (an "
    "amount misread, or movements missing from the file)":
        "el saldo al cierre del {day} es {balance}, pero el del día anterior, {previous}, y los "
        "movimientos del día, {moved}, dan {expected}: los saldos no se siguen de los montos (un "
        "monto mal leído, o movimientos que faltan en el archivo)",
    "this corrected report gives bank reference {reference} an amount of {amount} {currency}, "
    "and the statement imported before gave it {before} {currency}: a corrected movement does "
    "not replace the one imported; fix that line by hand (cobranza reconcile reverse, if it was "
    "applied) and remove this movement from the file":
        "este informe corregido da a la referencia bancaria {reference} un monto de {amount} "
        "{currency}, y la cartola importada antes le dio {before} {currency}: un movimiento "
        "corregido no reemplaza al importado; corrija esa línea a mano (cobranza reconcile "
        "reverse, si se aplicó) y quite este movimiento del archivo",
}
