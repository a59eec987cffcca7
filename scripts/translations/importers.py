"""Spanish for the importers catalog (src/cobranza/locale/es/LC_MESSAGES/importers.po): CSV and workbook imports."""

from __future__ import annotations

ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "missing column {column}; accepted headers: {accepted}":
        "falta la columna {column}; encabezados aceptados: {accepted}",
    "--map names an unknown column {column}; expected one of {columns}":
        "--map nombra una columna desconocida, {column}; se esperaba una de {columns}",
    "--map {column}={header}: the file has no column '{header}'; its columns are {headers}":
        "--map {column}={header}: el archivo no tiene la columna '{header}'; sus columnas son "
        "{headers}",
    "columns {headers} all look like {column}; keep one or choose it with --map {column}=HEADER":
        "las columnas {headers} parecen todas {column}; deje solo una o elija con --map "
        "{column}=ENCABEZADO",
    "cannot open the file: {reason}":
        "no se puede abrir el archivo: {reason}",
    "the file is empty; expected a header row":
        "el archivo está vacío; se esperaba una fila de encabezados",
    "this is an Excel 97-2003 (.xls) workbook; save it as .xlsx or CSV and import that":
        "este es un libro de Excel 97-2003 (.xls); guárdelo como .xlsx o CSV e importe ese "
        "archivo",
    "the file is not a readable Excel workbook ({reason}); save it again as .xlsx or CSV":
        "el archivo no es un libro de Excel legible ({reason}); guárdelo de nuevo como .xlsx o "
        "CSV",
    "the file cannot be read as CSV ({reason}); check for an unclosed quote in the record that "
    "starts on this line":
        "el archivo no se puede leer como CSV ({reason}); revise si hay comillas sin cerrar en "
        "el registro que empieza en esta línea",
    "the row has {found} cells but the header has {expected}; a value containing the delimiter "
    "must be quoted":
        "la fila tiene {found} celdas pero el encabezado tiene {expected}; un valor que contiene "
        "el delimitador debe ir entre comillas",
    "missing value; expected a date (YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY)":
        "falta el valor; se esperaba una fecha (AAAA-MM-DD, DD-MM-AAAA o DD/MM/AAAA)",
    "'{value}' is not a date; expected YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY":
        "'{value}' no es una fecha; se esperaba AAAA-MM-DD, DD-MM-AAAA o DD/MM/AAAA",
    "missing value; expected an amount":
        "falta el valor; se esperaba un monto",
    "'{value}' is not an amount; expected a number such as 1234, 1234.50 or 1.234,50":
        "'{value}' no es un monto; se esperaba un número como 1234, 1234.50 o 1.234,50",
    "'{value}' has more decimals than {currency} allows ({places})":
        "'{value}' tiene más decimales de los que permite {currency} ({places})",
    "'{value}' is too large for an amount":
        "'{value}' es demasiado grande para un monto",
    "'{value}' must be greater than zero":
        "'{value}' debe ser mayor que cero",
    "missing value; expected a whole number":
        "falta el valor; se esperaba un número entero",
    "'{value}' is not a whole number; expected digits such as 30":
        "'{value}' no es un número entero; se esperaban dígitos como 30",
    "missing value; expected a number":
        "falta el valor; se esperaba un número",
    "'{value}' is not a number; expected digits such as 24, 1.5 or 1,5":
        "'{value}' no es un número; se esperaban dígitos como 24, 1.5 o 1,5",
    "'{value}' has more than {places} decimal places":
        "'{value}' tiene más de {places} decimales",
    "'{value}' must be at least {minimum}":
        "'{value}' debe ser al menos {minimum}",
    "'{value}' must be at most {maximum}":
        "'{value}' debe ser como máximo {maximum}",
}
