"""The CSV reader's generic preset: which statement field each header names, and the words
its cells use (sign marks, states of rows not booked), for every bank alike (`formats.csv`);
and the few headers only one provider's export has, whose amounts read otherwise (American
Express's charges, Wise's list of transfers).

Headers and cells are compared normalised: lower case, no accents, punctuation as spaces.
"""

from __future__ import annotations

# The generic preset: the statement-line field each header (normalised: lower case, no accents)
# fills. Banks in Chile and Mexico export "Fecha, Descripción, Cargo, Abono, Saldo"; others one
# signed "Monto"/"Amount". European banks' exports name the same columns in German
# ("Buchungstag", "Betrag"), Dutch ("Datum", "Bedrag"), French ("Libellé", "Montant") and
# Italian ("Data valuta", "Importo"): only the words that name one field in every bank that
# uses them are listed ("Valuta" is a date in Belgium and a currency in Italy: left out).
PRESET: dict[str, tuple[str, ...]] = {
    "date": ("fecha", "fecha operacion", "fecha movimiento", "fecha contable", "fecha de operacion",
             "fecha transaccion", "f operacion", "f contable", "dia", "data", "date",
             "booking date", "transaction date", "posting date", "completed date", "release date",
             "post date", "created", "settlement date", "operation date",
             "buchungstag", "buchungsdatum", "datum", "transactiedatum",
             # ING Germany's "Buchung" (beside "Valuta", the value date).
             "buchung",
             # Raiffeisen Switzerland's "Booked At" (a timestamp whose time is 00:00).
             "booked at"),
    # A file whose only date is the value date (ING's "F. VALOR") is read by it (`_columns`).
    "value_date": ("fecha valor", "fecha de valor", "f valor", "fecha valuta", "value date",
                   "fecha liquidacion", "fecha de liquidacion",
                   "available on", "valutadatum", "wertstellung", "wert", "rentedatum",
                   "date de valeur", "data valuta", "valuta date"),
    # "Value" alone is NatWest's signed amount ("Value Date" is the value date).
    # A header that only starts with one of these yields to debit and credit columns
    # (`formats._columns`).
    "amount": ("monto", "importe", "amount", "valor", "value", "transaction amount",
               "total amount", "betrag", "umsatz", "bedrag", "transactiebedrag", "montant",
               "importo",
               # Raiffeisen Switzerland's signed amount: not a sign column ("credit debit").
               "credit debit amount", "debit credit amount"),
    # What reached the balance after fees (PayPal's "Net" beside "Gross", Stripe's beside
    # "Amount"): where a file has it, it is the movement's amount (`formats._columns`).
    # Mercado Pago's settlement report: "SETTLEMENT_NET_AMOUNT" beside "TRANSACTION_AMOUNT"
    # and "FEE_AMOUNT".
    "net": ("net", "net amount", "transaction net amount", "neto", "monto neto", "importe neto",
            "netto", "settlement net amount"),
    # A fee taken from the movement, in files without a net (Revolut's and Stripe's "Fee",
    # charged as a positive number): the balance moves by the amount less the fee.
    "fee": ("fee", "fees", "fee amount"),
    # A card issuer's amount, a charge positive and a payment negative (American Express):
    # no header says so by itself; `CARD` headers or --map charge=HEADER name it.
    "charge": (),
    # Exact spellings, so that "Importe del débito" is no amount and "Cheques / Cargos" (Chile)
    # no unknown column.
    "debit": ("cargo", "cargos", "debito", "debitos", "retiro", "retiros", "gasto", "gastos",
              "egreso", "egresos", "debit", "withdrawal", "withdrawals", "paid out",
              "cheques cargos", "cheques o cargos", "cheque o cargo", "cheques y otros cargos",
              "importe del debito", "importe de debito", "importe debito", "importe cargo",
              "monto cargo", "monto cargos", "soll", "debet",
              # Chile's "Giros y cargos"; Spain's bookkeeping columns, "Debe" and "Haber".
              "giros y cargos", "giros o cargos", "giros", "debe",
              # Zürcher Kantonalbank's German export: "Belastung CHF", "Gutschrift CHF".
              "belastung"),
    "credit": ("abono", "abonos", "credito", "creditos", "deposito", "depositos", "ingreso",
               "ingresos", "credit", "deposit", "deposits", "paid in", "depositos abonos",
               "depositos o abonos", "deposito o abono", "depositos y abonos", "depositos y abono",
               "importe del credito", "importe de credito", "importe credito", "importe abono",
               "monto abono", "monto abonos", "haben", "gutschrift", "haber"),
    # Where a file has two of these, the one listed first is read ("Description" over Chase's
    # "Details", which only says DEBIT or CREDIT; Lloyds' "Transaction Description" over its
    # "Transaction Type" code; the German purpose over the booking text).
    "description": ("descripcion", "detalle", "glosa", "description", "memo", "narrative",
                    # Zürcher Kantonalbank's "Booking text" over its "Details" (an address).
                    "booking text",
                    # Oberbank's "Verwendungszweck" over its "Text" (the payer's words, read
                    # as more of the remittance); Raiffeisen Switzerland's "Text" over its
                    # "Details".
                    "verwendungszweck", "text",
                    "details", "descricao", "historico", "transaction description",
                    "transaction type", "buchungstext", "omschrijving",
                    # PostFinance's English export.
                    "notification text",
                    "libelle", "descrizione"),
    # The payer's own words beside the bank's description (a SPEI's "Concepto", Banorte's
    # "Descripción detallada", CaixaBank's "Más datos"): the remittance carries both.
    "concept": ("concepto", "concepto propio", "descripcion detallada", "descripcion larga",
                "mas datos", "observaciones", "comentario", "subject", "note", "notes",
                "mededelingen", "notifications", "vrije mededeling", "detail de l ecriture",
                "dettagli", "payment purpose", "zahlungszweck"),
    "reference": ("referencia", "referencia numerica", "n documento", "no documento",
                  "nro documento", "numero documento", "numero de documento", "n doc", "no doc",
                  "nro doc", "documento", "docto nro", "nro docto", "n docto", "reference", "ref",
                  "payment reference", "external reference", "invoice number", "movimiento",
                  "comprobante", "numero de comprobante", "nro comprobante", "n comprobante",
                  "kundenreferenz", "betalingskenmerk"),
    # The payer's side, or the other party whatever the direction ("Name", "Payee" alone).
    # "Name" before "Counterparty": beside a name, bunq's and ING's "Counterparty" is an IBAN.
    # German payers: DKB's "Zahlungspflichtige*r", Oberbank's "Auftraggebername"; ING
    # Germany's "Auftraggeber/Empfänger" and DKB's older "Auftraggeber / Begünstigter" are the
    # other party whatever the direction. Never "Auftraggeber" alone: it starts Oberbank's
    # "Auftraggeber IBAN/Kto.Nr." and "Auftraggeber BIC/BLZ" too.
    "counterparty_name": ("nombre", "ordenante", "nombre ordenante", "payer", "payer name",
                          "name", "name description", "counterparty", "counter party",
                          "partner name",
                          "begunstigter auftraggeber", "beguenstigter zahlungspflichtiger",
                          "name zahlungsbeteiligter", "naam tegenpartij", "naam omschrijving",
                          "zahlungspflichtige r", "zahlungspflichtiger", "auftraggebername",
                          "auftraggeber name", "auftraggeber empfanger",
                          "auftraggeber empfaenger", "auftraggeber begunstigter",
                          "auftraggeber beguenstigter"),
    # "IBAN" alone is the other party's (DKB, Deutsche Bank; Consorsbank's "IBAN / Konto-Nr.");
    # Oberbank's payer's is "Auftraggeber IBAN/Kto.Nr.", the payee's "Empfänger IBAN/Kto.Nr.".
    "counterparty_account": ("cuenta origen", "clabe", "cuenta ordenante", "cta ordenante",
                             "clabe ordenante", "counterparty account", "partner iban",
                             "iban kontonummer", "kontonummer iban", "iban zahlungsbeteiligter",
                             "tegenrekening", "rekeningnummer tegenpartij", "iban",
                             "auftraggeber iban", "iban auftraggeber"),
    "counterparty_tax_id": ("rut", "rfc", "rut ordenante", "rfc ordenante", "tax id"),
    # The payee's side (Santander México's "Nombre Beneficiario", Wise's "Payee Name"): the
    # counterparty of a debit. Next to a payer's column the payee on a credit is the account's
    # own holder; alone it is the counterparty of every line (`formats._csv_movements._side`).
    # DKB's "Zahlungsempfänger*in", Oberbank's "Empfängername" and "Empfänger IBAN/Kto.Nr.".
    "payee_name": ("beneficiario", "nombre beneficiario", "payee", "payee name",
                   "zahlungsempfanger in", "zahlungsempfaenger in", "zahlungsempfanger",
                   "zahlungsempfaenger", "empfangername", "empfaengername", "empfanger name",
                   "empfaenger name"),
    "payee_account": ("clabe beneficiario", "cuenta beneficiario", "cta beneficiario",
                      "cuenta destino", "payee account", "payee account number",
                      "empfanger iban", "empfaenger iban", "iban empfanger", "iban empfaenger",
                      # Revolut Business: the payee's IBAN, or its account number elsewhere.
                      "beneficiary iban", "beneficiary account number", "beneficiary account"),
    "payee_tax_id": ("rfc beneficiario", "rut beneficiario"),
    # The account a movement is on (Banorte's CUENTA, a multi-account export's column): the
    # statement's own, never the payer's. A payer's account learnt from it would tie every
    # line of the account to one customer.
    "account": ("cuenta", "numero de cuenta", "no de cuenta", "n de cuenta", "no cuenta",
                "n cuenta", "nro cuenta", "account", "account number", "account no",
                "auftragskonto", "iban auftragskonto", "rekening", "rekeningnummer", "iban bban",
                # Commerzbank's own account: not the other party's "IBAN ..." (above).
                "auftraggeberkonto", "iban auftraggeberkonto"),
    "spei_reference": ("clave de rastreo", "clave rastreo", "tracking key"),
    "transaction_id": ("id transaccion", "numero operacion", "n operacion", "nro operacion",
                       "numero de operacion", "nro de operacion", "n de operacion",
                       "operacion numero", "folio",
                       "transaction id", "source id", "identificador", "transferwise id", "id",
                       "balance transaction id", "transaction no", "transaction number"),
    # Revolut Business's "Payment currency" is the account's; its "Orig currency" is what a
    # card payment abroad was charged in, never read.
    "currency": ("moneda", "divisa", "currency", "wahrung", "waehrung", "munt", "muntsoort",
                 "devise", "payment currency",
                 # Mercado Pago's settlement report: the currency its net is in.
                 "settlement currency"),
    "balance": ("saldo", "balance", "balance amount", "partial balance", "running balance",
                "running bal", "disponible",
                # Charles Schwab's "RunningBalance"; DCU's "CURRENT BALANCE", each row's.
                "runningbalance", "current balance"),
    # A movement's state, in exports that list pending or refused ones (Revolut, PayPal,
    # Mercado Pago, DKB): those rows are not booked (`NOT_BOOKED`). Sparkasse's CSV-CAMT
    # states it in "Info".
    "status": ("estado", "estatus", "status", "state", "info"),
    # A column that says whether an unsigned amount is a debit or a credit (Santander México's
    # "Cargo/Abono" of + and -, PayPal's "Balance Impact"): `formats._csv_amounts._signs`.
    "sign": ("cargo abono", "abono cargo", "cargo o abono", "c a", "a c", "debito credito",
             "credito debito", "debit credit", "credit debit", "debit or credit", "dr cr", "cr dr",
             "d c", "c d", "signo", "sign", "naturaleza", "direction", "af bij",
             "balance impact"),
}

# Headers that start like a field's but are none: the account holder's and the bank's names
# (HSBC México), which would otherwise be read as the counterparty's ("nombre ...").
# Mercury's "Name On Card" is the account's own cardholder, not the merchant; PayPal's
# "Reference Txn ID" another PayPal transaction's id, not the payer's reference.
# Zürcher Kantonalbank's "Amount details" ("Betrag Detail") holds the parts of a collective
# payment, not the movement's amount (its "Debit CHF" and "Credit CHF").
OTHER = frozenset({"nombre de cuenta", "nombre de la cuenta", "nombre del banco", "nombre banco",
                    "nombre del titular", "nombre titular", "name on card", "reference txn id",
                    "amount details", "amount detail", "betrag detail", "betrag details"})


# States of a row that the bank has not booked (normalised: lower case, no accents), the whole
# cell: DKB's "Vorgemerkt" (booked: "Gebucht"), Sparkasse's "Umsatz vorgemerkt" ("Umsatz
# gebucht"). A pending row is exported again once booked: read now, it would come in twice.
NOT_BOOKED = frozenset({
    "pending", "pendiente", "in progress", "processing", "en proceso", "reverted", "revertido",
    "revertida", "reversed", "declined", "denied", "rechazado", "rechazada", "denegado",
    "denegada", "failed", "fallido", "fallida", "cancelled", "canceled", "cancelado",
    "cancelada", "vorgemerkt", "umsatz vorgemerkt"})


# The title of a section of rows the bank has not booked, on a row of its own above them
# (Charles Schwab's "Pending Transactions", then "Posted Transactions" above the booked ones):
# its rows are not booked up to the next title (`formats._rows.sections`).
NOT_BOOKED_SECTIONS = frozenset({
    "pending", "pending transactions", "pending transaction", "pending activity",
    "pendientes", "movimientos pendientes", "transacciones pendientes",
    "operaciones pendientes", "vorgemerkte umsatze", "vorgemerkte umsaetze"})


# The marks of a sign column (normalised; "+" and "-" as written). A lone "C" is a cargo
# beside "A" (abono) and a credit beside "D" (debit): the column's own marks say which.
# ING Netherlands writes "Af" (out) and "Bij" (in).
# Davivienda (Colombia) writes "Nota Crédito" and "Nota Débito".
CREDIT_MARKS = frozenset({"+", "a", "abono", "abonos", "cr", "credit", "credito", "h",
                           "haber", "in", "ingreso", "deposito", "bij", "nota credito"})
DEBIT_MARKS = frozenset({"-", "cargo", "cargos", "d", "db", "dr", "debit", "debito", "out",
                          "egreso", "retiro", "af", "nota debito"})

# Words that, filling a column by themselves, say a movement's direction (Davivienda's
# "Transacción": "Nota Débito", "Nota Crédito"): a column of them is a sign column beside an
# unsigned amount (`formats._columns.sign_column`). Not "credit" or "debit" alone, which a card's
# type (Stripe's "Card Funding") writes too.
SIDE_WORDS = frozenset({"nota credito", "nota debito", "abono", "abonos", "cargo", "cargos",
                        "deposito", "retiro", "ingreso", "egreso"})

# The mark of a sign column for a row that moves no money: PayPal's Balance Impact "Memo"
# (authorizations, and holds shown for information only) is counted as not booked.
NO_IMPACT = frozenset({"memo"})

# An amount header whose words add a side ("Monto debitado", "Valor Crédito", Global66 and
# Colombian banks) is that side's column, not a signed amount (`formats._columns.field_of`).
DEBIT_WORDS = frozenset({"debito", "debitado", "debitos", "cargo", "cargos", "retiro",
                         "retiros", "egreso", "egresos", "debit", "debits", "withdrawal",
                         "withdrawals", "soll"})
CREDIT_WORDS = frozenset({"credito", "acreditado", "creditos", "abono", "abonos", "deposito",
                          "depositos", "ingreso", "ingresos", "credit", "credits", "deposit",
                          "deposits", "haben"})

# Headers only American Express's exports have: its "Amount" is a card's, charges positive
# and payments negative, the opposite of a bank account's (`formats._columns`). Its
# shortest export (Date, Description, Amount) cannot be told from a bank's: --map charge=Amount.
CARD = frozenset({"card member", "appears on your statement as", "extended details"})

# Headers of a list of transfers, each with the amount that left one side and the amount
# that reached the other (Wise's transaction history: "Source amount (after fees)", "Target
# amount (after fees)", Direction IN, OUT or NEUTRAL): no account's movements, refused.
TRANSFER_SIDES = frozenset({"source amount", "target amount"})

# Layouts whose dates their provider documents as month-first (MM/DD/YYYY), told by headers
# only their exports have: Chase's checking account activity ("Details", "Posting Date",
# "Check or Slip #"). An export of one day (03/02/2026 only) does not show its order itself
# (`formats._cells.month_first`).
MONTH_FIRST_LAYOUTS = (frozenset({"details", "posting date", "check or slip"}),)
# PayPal's activity download ("TimeZone", "Balance Impact") writes its dates as the account's
# country does: month-first in the United States, whose time zones its "TimeZone" cells name.
PAYPAL_ACTIVITY = frozenset({"timezone", "balance impact"})
US_TIME_ZONES = frozenset({"pst", "pdt", "mst", "mdt", "cst", "cdt", "est", "edt", "akst",
                           "akdt", "hst", "hast", "hadt"})
