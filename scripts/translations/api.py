"""Spanish for the API's own refusals (src/cobranza/locale/es/LC_MESSAGES/api.po): validation
errors, values the database cannot hold, and the API key."""

from __future__ import annotations

ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "a value of the request cannot be stored: a number too large, or a text with a character "
    "no text may hold (NUL)":
        "un valor de la solicitud no se puede guardar: un número demasiado grande, o un texto "
        "con un carácter que ningún texto admite (NUL)",
    "'{value}' is not a whole number": "'{value}' no es un número entero",
    "expected text; amounts are written as decimal strings, such as \"1500.50\"":
        "se esperaba texto; los montos se escriben como cadenas decimales, por ejemplo "
        "\"1500.50\"",
    "'{value}' is not true or false": "'{value}' no es true ni false",
    "expected a number of at least {limit}": "se esperaba un número de al menos {limit}",
    "expected a number of at most {limit}": "se esperaba un número de a lo más {limit}",
    "the body is not valid JSON": "el cuerpo no es JSON válido",
    "expected a list": "se esperaba una lista",
    "expected an object": "se esperaba un objeto",
    "'{value}' is not one of {expected}": "'{value}' no es uno de {expected}",
    "invalid or missing API key": "clave de API inválida o ausente",
}
