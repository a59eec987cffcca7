"""Spanish for the strategies catalog (src/cobranza/locale/es/LC_MESSAGES/strategies.po)."""

from __future__ import annotations


ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    # Checking a strategy file (dunning/strategy_yaml.py, dunning/yaml_reader.py)
    "not valid YAML: {problem}": "no es YAML válido: {problem}",
    "the file is empty; expected a strategy with code, name and steps":
        "el archivo está vacío; se esperaba una estrategia con code, name y steps",
    "'{value}' does not match the strategy in the address ('{code}')":
        "'{value}' no coincide con la estrategia de la dirección ('{code}')",
    "a strategy needs at least one step": "una estrategia necesita al menos un paso",
    "step code '{value}' is already used by steps[{first}]; expected each step code once":
        "el código de paso '{value}' ya lo usa steps[{first}]; se esperaba cada código de paso "
        "una sola vez",
    "unknown action '{value}'; expected one of {expected}":
        "acción desconocida '{value}'; se esperaba una de {expected}",
    "'{key}' does not apply to a {action} step; expected one of {expected}":
        "'{key}' no corresponde a un paso {action}; se esperaba una de {expected}",
    "unknown anchor '{value}'; expected one of {expected}":
        "referencia desconocida '{value}'; se esperaba una de {expected}",
    "the first step has no previous step to wait for":
        "el primer paso no tiene un paso anterior que esperar",
    "the first step has no previous step to count from; expected due or month_end":
        "el primer paso no tiene un paso anterior desde el cual contar; se esperaba due o "
        "month_end",
    "unknown channel '{value}'; expected one of {expected}":
        "canal desconocido '{value}'; se esperaba uno de {expected}",
    "channel '{value}' does not fit a message; expected email, sms or whatsapp, or no channel "
    "for the customer's preferred one":
        "el canal '{value}' no sirve para un mensaje; se esperaba email, sms o whatsapp, o "
        "ningún canal para usar el preferido del cliente",
    "channel '{value}' does not fit a {action} step; expected {expected} or no channel":
        "el canal '{value}' no sirve para un paso {action}; se esperaba {expected} o ningún canal",
    "unknown tone '{value}'; expected one of {expected}":
        "tono desconocido '{value}'; se esperaba uno de {expected}",
    "'{value}' is not a country code; expected two letters such as CL or MX":
        "'{value}' no es un código de país; se esperaban dos letras como CL o MX",
    "a fee step needs a fixed amount (fixed) or a percentage (pct) above zero":
        "un paso de cargo necesita un monto fijo (fixed) o un porcentaje (pct) mayor que cero",
    "'{value}' is not a percentage between 0 and {maximum}":
        "'{value}' no es un porcentaje entre 0 y {maximum}",
    "a template needs its texts in at least one language; expected {expected}":
        "una plantilla necesita sus textos en al menos un idioma; se esperaba {expected}",
    "'{value}' is not a web address; expected one starting with https://":
        "'{value}' no es una dirección web; se esperaba una que comience con https://",
    "unknown template '{value}'; expected one defined under templates, or one of {expected}":
        "plantilla desconocida '{value}'; se esperaba una definida en templates, o una de "
        "{expected}",
    "expected a mapping of keys to values (key: value)":
        "se esperaba una lista de claves y valores (clave: valor)",
    "'{key}' appears more than once here; expected each key once":
        "'{key}' aparece más de una vez aquí; se esperaba cada clave una sola vez",
    "missing; this key is required here": "falta; esta clave es obligatoria aquí",
    "expected a list (- item)": "se esperaba una lista (- elemento)",
    "expected a single value here": "se esperaba un único valor aquí",
    "'{value}...' is too long; expected at most {n} characters":
        "'{value}...' es demasiado largo; se esperaban a lo más {n} caracteres",
    "'{value}' is not a code; expected up to 64 letters, digits, '_', '-' or '.'":
        "'{value}' no es un código; se esperaban hasta 64 letras, dígitos, '_', '-' o '.'",
    "'{value}' is not a whole number": "'{value}' no es un número entero",
    "'{value}' is not a whole number of at least {minimum}":
        "'{value}' no es un número entero mayor o igual a {minimum}",
    "'{value}' is not true or false": "'{value}' no es true ni false",
    "'{value}' is not a number; expected a decimal such as 5 or 12.5":
        "'{value}' no es un número; se esperaba un decimal como 5 o 12.5",
    "unknown key '{key}'; did you mean '{suggestion}'?":
        "clave desconocida '{key}'; ¿quiso decir '{suggestion}'?",
    "unknown key '{key}'; expected one of {expected}":
        "clave desconocida '{key}'; se esperaba una de {expected}",
    # Storing strategies (dunning/strategies.py, dunning/api.py)
    "segment '{value}' already follows strategy '{other}'; remove it there first, a segment has "
    "one default strategy":
        "el segmento '{value}' ya sigue la estrategia '{other}'; quítelo de ella primero, un "
        "segmento tiene una sola estrategia por defecto",
    "the body is not UTF-8 text": "el cuerpo de la solicitud no es texto UTF-8",
    # `cobranza strategy` (cli/strategies.py)
    "Code": "Código",
    "Default": "Por defecto",
    "Segments": "Segmentos",
    "Steps": "Pasos",
    "yes": "sí",
    "The default strategy of customers without one of their own.":
        "La estrategia por defecto de los clientes que no tienen una propia.",
    "Default for segments: {segments}": "Por defecto para los segmentos: {segments}",
    "Step": "Paso",
    "When": "Cuándo",
    "Action": "Acción",
    "Channel": "Canal",
    "Tone": "Tono",
    "Template": "Plantilla",
    "Details": "Detalles",
    ("{n} day after the previous step", "{n} days after the previous step"):
        ("{n} día después del paso anterior", "{n} días después del paso anterior"),
    "{offset:+d} days from the end of the due month":
        "{offset:+d} días desde el fin del mes de vencimiento",
    ("{n} day before the due date", "{n} days before the due date"):
        ("{n} día antes del vencimiento", "{n} días antes del vencimiento"),
    "on the due date": "el día del vencimiento",
    ("{n} day after the due date", "{n} days after the due date"):
        ("{n} día después del vencimiento", "{n} días después del vencimiento"),
    "preferred": "preferido",
    "once the previous step is done": "una vez hecho el paso anterior",
    "segments: {value}": "segmentos: {value}",
    "countries: {value}": "países: {value}",
    "overdue at least {currency} {amount}": "vencido de al menos {currency} {amount}",
    "fee {currency} {amount}": "cargo {currency} {amount}",
    "fee {pct}% of the overdue principal, within the legal cap":
        "cargo del {pct}% del capital vencido, dentro del tope legal",
    "cannot read {file}: {problem}": "no se puede leer {file}: {problem}",
    "strategy {code}: {steps} steps, {templates} template texts of its own":
        "estrategia {code}: {steps} pasos, {templates} textos de plantilla propios",
    "Created": "Creada",
    "Replaced": "Reemplazada",
    "Customer {customer} now follows strategy {code}.":
        "El cliente {customer} ahora sigue la estrategia {code}.",
    "Customer {customer} follows its segment's strategy, or the default, again.":
        "El cliente {customer} vuelve a seguir la estrategia de su segmento, o la por defecto.",
    "unknown strategy '{value}'; `cobranza strategy list` shows the strategies":
        "estrategia desconocida '{value}'; `cobranza strategy list` muestra las estrategias",
}
