"""Payment references: the RF and CLABE a debtor quotes, so the bank line comes back matched.

An invoice's and a customer's RF references are pure functions of their ids
(`cobranza.core.references`); only the virtual CLABEs of Mexican customers are stored, since
they depend on the organisation's bank prefix (`COBRANZA_CLABE_PREFIX`).
"""
