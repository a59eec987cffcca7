"""Spanish for the payment references catalog (src/cobranza/locale/es/LC_MESSAGES/references.po)."""

from __future__ import annotations


ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "COBRANZA_CLABE_PREFIX must be 6 to 12 digits (bank, plaza and the start of the account, "
    "as your bank gives them)":
        "COBRANZA_CLABE_PREFIX debe tener de 6 a 12 dígitos (banco, plaza y el inicio de la "
        "cuenta, tal como se los entrega su banco)",
    "COBRANZA_CLABE_PREFIX is not set: set it to the 6 to 12 leading digits (bank, plaza and "
    "the start of the account) under which your bank issues virtual CLABEs, then run this "
    "again":
        "COBRANZA_CLABE_PREFIX no está definido: indique los 6 a 12 primeros dígitos (banco, "
        "plaza y el inicio de la cuenta) con que su banco emite las CLABE virtuales y vuelva a "
        "ejecutar este comando",
    "the ids of these customers do not fit in a CLABE after the prefix {prefix}; ask your "
    "bank for a shorter prefix: {customers}":
        "los identificadores de estos clientes no caben en una CLABE después del prefijo "
        "{prefix}; pida a su banco un prefijo más corto: {customers}",
    ("Assigned {n} virtual CLABE.", "Assigned {n} virtual CLABEs."):
        ("Se asignó {n} CLABE virtual.", "Se asignaron {n} CLABE virtuales."),
}
