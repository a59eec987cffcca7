"""Spanish for the e-invoice import (CFDI 4.0, Pagos 2.0, SII DTE): einvoices.po."""

from __future__ import annotations

ES: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "a CFDI of type {value} is not a receivable; expected I (ingreso), E (egreso) or P (pago)":
        "un CFDI de tipo {value} no es una cuenta por cobrar; se esperaba I (ingreso), E "
        "(egreso) o P (pago)",
    "a global CFDI (InformacionGlobal) sums up sales to the general public, paid at the sale; it "
    "is not a receivable":
        "un CFDI global (InformacionGlobal) resume ventas al público en general, pagadas al "
        "momento de la venta; no es una cuenta por cobrar",
    "a CFDI de retenciones e información de pagos states taxes withheld on a payment; it is not "
    "a receivable":
        "un CFDI de retenciones e información de pagos declara impuestos retenidos en un pago; no "
        "es una cuenta por cobrar",
    "missing element; a CFDI names its issuer and its receiver":
        "falta el elemento; un CFDI indica su emisor y su receptor",
    "the CFDI is not stamped (no TimbreFiscalDigital, hence no UUID): read as a draft numbered "
    "{number}, with no fiscal id; its stamped XML, with the same Serie and Folio, replaces it "
    "when imported":
        "el CFDI no está timbrado (no tiene TimbreFiscalDigital ni, por tanto, UUID): se lee "
        "como borrador con el número {number}, sin folio fiscal; su XML timbrado, con la misma "
        "Serie y Folio, lo reemplaza al importarse",
    "the CFDI is not stamped (no TimbreFiscalDigital, hence no UUID): read as a draft numbered "
    "{number}, with no fiscal id; its stamped XML, of the same issuer, receiver and Fecha, "
    "replaces it when imported and keeps this number":
        "el CFDI no está timbrado (no tiene TimbreFiscalDigital ni, por tanto, UUID): se lee "
        "como borrador con el número {number}, sin folio fiscal; su XML timbrado, del mismo "
        "emisor, receptor y Fecha, lo reemplaza al importarse y conserva este número",
    "skipped: draft {number} is the unstamped XML of CFDI {uuid} (same issuer, receiver and "
    "Fecha), imported with it; the draft adds nothing":
        "omitido: el borrador {number} es el XML sin timbrar del CFDI {uuid} (mismo emisor, "
        "receptor y Fecha), importado con él; el borrador no agrega nada",
    "CFDI {uuid} is the stamped XML of draft {number} (same issuer, receiver and Fecha), "
    "imported before: it replaces the draft and keeps its number":
        "el CFDI {uuid} es el XML timbrado del borrador {number} (mismo emisor, receptor y "
        "Fecha), importado antes: reemplaza al borrador y conserva su número",
    "the payment complement is not stamped (no TimbreFiscalDigital, hence no UUID): read as a "
    "draft numbered {number}; its stamped XML, when imported, takes over the same installments "
    "of the same invoices":
        "el complemento de pago no está timbrado (no tiene TimbreFiscalDigital ni, por tanto, "
        "UUID): se lee como borrador con el número {number}; su XML timbrado, al importarse, "
        "reemplaza las mismas parcialidades de las mismas facturas",
    "a CFDI of type P without a {pagos} complement pays no invoice (it carries {found}); "
    "expected {tag}":
        "un CFDI de tipo P sin complemento de {pagos} no paga ninguna factura (lleva {found}); "
        "se esperaba {tag}",
    "missing value; a DoctoRelacionado names the invoice it pays by its UUID, so this payment "
    "cannot be applied":
        "falta el valor; un DoctoRelacionado indica por su UUID la factura que paga, así que "
        "este pago no se puede aplicar",
    "missing value; {pagos} requires the number of this payment of the invoice (1 for the "
    "first, 2 for the second, ...)":
        "falta el valor; {pagos} exige el número de este pago de la factura (1 para el primero, "
        "2 para el segundo, ...)",
    "not stamped":
        "sin timbrar",
    "'{value}' is not a payment method; expected PUE or PPD":
        "'{value}' no es un método de pago; se esperaba PUE o PPD",
    "Total {total} does not match SubTotal {sub} − Descuento {discount} + taxes moved {moved} − "
    "taxes withheld {withheld} = {expected}; the file was altered or badly generated":
        "el Total {total} no coincide con SubTotal {sub} − Descuento {discount} + impuestos "
        "trasladados {moved} − impuestos retenidos {withheld} = {expected}; el archivo fue "
        "alterado o mal generado",
    "{found} is not the payment complement of a CFDI {version}; expected {pagos}":
        "{found} no es el complemento de pagos de un CFDI {version}; se esperaba {pagos}",
    "a CFDI of type P without a {pagos} complement; expected {tag}":
        "un CFDI de tipo P sin complemento de {pagos}; se esperaba {tag}",
    "MontoTotalPagos {stated} does not match the payments' Monto × TipoCambioP, {expected} MXN; "
    "the file was altered or badly generated":
        "MontoTotalPagos {stated} no coincide con Monto × TipoCambioP de los pagos, {expected} "
        "MXN; el archivo fue alterado o mal generado",
    "the complement pays no document; expected a DoctoRelacionado":
        "el complemento no paga ningún documento; se esperaba un DoctoRelacionado",
    "the related documents are paid {applied} {currency} in all, more than the payment's Monto "
    "{amount}":
        "a los documentos relacionados se les pagan {applied} {currency} en total, más que el "
        "Monto del pago, {amount}",
    "the amount paid is zero; expected an amount greater than zero":
        "el importe pagado es cero; se esperaba un importe mayor que cero",
    "ImpSaldoAnt {before} − ImpPagado {paid} is not ImpSaldoInsoluto {after}":
        "ImpSaldoAnt {before} − ImpPagado {paid} no es ImpSaldoInsoluto {after}",
    "document {number} ({fiscal_id}) is also in {file} line {line} with other contents; expected "
    "each document once":
        "el documento {number} ({fiscal_id}) también está en {file}, línea {line}, con otro "
        "contenido; se esperaba cada documento una sola vez",
    "payment complement {uuid} is also in {file} with other contents; expected each complement "
    "once":
        "el complemento de pago {uuid} también está en {file} con otro contenido; se esperaba "
        "cada complemento una sola vez",
    "the organisation has no tax id, so who issued each document is not checked; set it to "
    "refuse purchases imported by mistake":
        "la organización no tiene RUT/RFC, así que no se comprueba quién emitió cada documento; "
        "regístrelo para rechazar compras importadas por error",
    "issued by {issuer}, not by the organisation ({own}); this is a purchase, not a receivable":
        "emitido por {issuer}, no por la organización ({own}); es una compra, no una cuenta por "
        "cobrar",
    "the credit note relates to CFDI {uuid}, which is not in the ledger yet; it will settle "
    "that invoice when it is imported":
        "la nota de crédito se relaciona con el CFDI {uuid}, que aún no está en el libro; "
        "saldará esa factura cuando se importe",
    "credit note {number} relates to {n} invoices; it settles the first, and the rest of its "
    "amount is applied like a payment":
        "la nota de crédito {number} se relaciona con {n} facturas; salda la primera y el resto "
        "de su monto se aplica como un pago",
    "the payment is for CFDI {uuid}, which is not in the ledger yet; it will settle that "
    "invoice when it is imported":
        "el pago es del CFDI {uuid}, que aún no está en el libro; saldará esa factura cuando se "
        "importe",
    "number {number} is already in the ledger for another document ({fiscal_id}); expected a new "
    "number or the same document":
        "el número {number} ya está en el libro para otro documento ({fiscal_id}); se esperaba "
        "un número nuevo o el mismo documento",
    "this is an AEC (cesión): the invoice in it was assigned to a factoring company, which "
    "collects it now; it is not a DTE to collect. Import the DTE itself if the assignment was "
    "undone":
        "esto es un AEC (cesión): la factura que contiene fue cedida a una empresa de factoring, "
        "que ahora la cobra; no es un DTE por cobrar. Importe el DTE mismo si la cesión se "
        "deshizo",
    "'{value}' is not a DTE; expected a DTE, EnvioDTE or Documento of the SII":
        "'{value}' no es un DTE; se esperaba un DTE, EnvioDTE o Documento del SII",
    "the file holds no Documento; expected a factura, nota de débito or nota de crédito":
        "el archivo no contiene ningún Documento; se esperaba una factura, nota de débito o nota "
        "de crédito",
    "the signature's {what} is not base64; the file was damaged or altered":
        "el {what} de la firma no está en base64; el archivo está dañado o fue alterado",
    "missing element; a DTE has an Encabezado":
        "falta el elemento; un DTE tiene un Encabezado",
    "expected 33 (factura), 34 (factura exenta), 56 (nota de débito) or 61 (nota de crédito), "
    "or their exports 110, 111 or 112":
        "se esperaba 33 (factura), 34 (factura exenta), 56 (nota de débito) o 61 (nota de "
        "crédito), o sus exportaciones 110, 111 o 112",
    "DTE type {value} is not a document cobranza collects; {expected}":
        "el DTE de tipo {value} no es un documento que cobranza cobre; {expected}",
    "DTE type {value} is not a document cobranza collects: {reason}; {expected}":
        "el DTE de tipo {value} no es un documento que cobranza cobre: {reason}; {expected}",
    "a boleta is paid at the sale":
        "una boleta se paga al momento de la venta",
    "a factura de compra is issued by the buyer, not by the seller":
        "una factura de compra la emite el comprador, no el vendedor",
    "a guía de despacho moves goods and bills nothing":
        "una guía de despacho traslada mercadería y no factura nada",
    "unknown currency '{value}'; expected a currency of the SII's table, such as DOLAR USA, EURO "
    "or PESO CL":
        "moneda desconocida '{value}'; se esperaba una moneda de la tabla del SII, como DOLAR "
        "USA, EURO o PESO CL",
    "MntTotal {total} does not match MntNeto + MntExe + IVA = {expected}; the file was altered "
    "or badly generated":
        "MntTotal {total} no coincide con MntNeto + MntExe + IVA = {expected}; el archivo fue "
        "alterado o mal generado",
    "missing value; this field is required":
        "falta el valor; este campo es obligatorio",
    "'{value}' is not a number":
        "'{value}' no es un número",
    "'{value}' is negative; expected an amount of zero or more":
        "'{value}' es negativo; se esperaba un importe de cero o más",
    "{problem} (skipped)":
        "{problem} (omitido)",
    "{file}: skipped, not an XML file":
        "{file}: omitido, no es un archivo XML",
    "the folder holds no CFDI or DTE XML file; expected .xml files":
        "la carpeta no contiene archivos XML de CFDI ni de DTE; se esperaban archivos .xml",
    "this is an SII RCV export (registro de compras y ventas), a register of documents, not the "
    "documents; import the DTE XML files instead":
        "esto es una exportación del RCV del SII (registro de compras y ventas), un registro de "
        "documentos y no los documentos; importe en su lugar los XML de los DTE",
    "CFDI {version} is not supported; expected CFDI 4.0 or 3.3":
        "CFDI {version} no está soportado; se esperaba CFDI 4.0 o 3.3",
    "this XML is not a CFDI or a DTE (its root is {root}); expected a CFDI 4.0 or 3.3 "
    "Comprobante or an SII DTE":
        "este XML no es un CFDI ni un DTE (su raíz es {root}); se esperaba un Comprobante CFDI "
        "4.0 o 3.3 o un DTE del SII",
    "the Conceptos' {field} add up to {added}, and the CFDI's {header} is {stated}; expected "
    "them to agree: the file was altered or badly generated":
        "los {field} de los Conceptos suman {added} y el {header} del CFDI es {stated}; se "
        "esperaba que coincidieran: el archivo fue alterado o mal generado",
    "the payment of {number} of {amount} {currency} on {day} is already recorded, by payment "
    "{code} of {paid}: the complement documents it; nothing added":
        "el pago de {number} por {amount} {currency} del {day} ya está registrado, con el pago "
        "{code} del {paid}: el complemento lo documenta; no se agrega nada",
    "the complement says {number} owed {stated} {currency} before this payment, and the ledger "
    "says {ledger} {currency}: check for a payment recorded twice, or one the ledger lacks":
        "el complemento dice que {number} debía {stated} {currency} antes de este pago, y el "
        "libro dice {ledger} {currency}: revise si hay un pago registrado dos veces, o uno que "
        "falta en el libro",
    "the payment of {number} of {amount} {currency} on {day} is already recorded, by payment "
    "{code} of {paid}, applied to {applied}: the complement says it paid {number}; nothing added "
    "(to move it, reverse the bank line and assign it to {number})":
        "el pago de {number} por {amount} {currency} del {day} ya está registrado, con el pago "
        "{code} del {paid}, aplicado a {applied}: el complemento dice que pagó {number}; no se "
        "agrega nada (para moverlo, revierta la línea del banco y asígnela a {number})",
    "the payment of CFDI {uuid} of {amount} {currency} on {day} is already recorded, by "
    "payment {code} of {paid}, applied to {applied}: the complement documents it; nothing added":
        "el pago del CFDI {uuid} por {amount} {currency} del {day} ya está registrado, con el "
        "pago {code} del {paid}, aplicado a {applied}: el complemento lo documenta; no se "
        "agrega nada",
    "the payment of {amount} {currency} on {day} came in on a bank line, as payment {code}: "
    "the complement's payment takes its place there, on the invoices it names":
        "el pago de {amount} {currency} del {day} llegó en una línea bancaria, como el pago "
        "{code}: el pago del complemento toma su lugar allí, en las facturas que nombra",
    "the customer's credit": "el saldo a favor del cliente",
    "'{value}' is not a number of days; expected a whole number such as 30":
        "'{value}' no es un número de días; se esperaba un número entero, como 30",
    "invoice {number} gives no due date and no terms apply: due on its issue date {issued}; "
    "use --terms CODE to give one":
        "la factura {number} no indica vencimiento y no hay condiciones que lo den: vence en su "
        "fecha de emisión, {issued}; use --terms CÓDIGO para darle uno",
    (
        "{n} more invoice gives no due date and no terms apply: due on its issue date",
        "{n} more invoices give no due date and no terms apply: due on their issue date",
    ):
        (
            "{n} factura más no indica vencimiento y no hay condiciones que lo den: vence en su "
            "fecha de emisión",
            "{n} facturas más no indican vencimiento y no hay condiciones que lo den: vencen en "
            "su fecha de emisión",
        ),
    "customers":
        "clientes",
    "invoices":
        "facturas",
    "credit notes":
        "notas de crédito",
    "payments":
        "pagos",
    "payment {number} #{installment} replaces its draft {draft}, imported before from the "
    "unstamped complement":
        "el pago {number} n.º {installment} reemplaza a su borrador {draft}, importado antes "
        "desde el complemento sin timbrar",
    "skipped: payment {number} #{installment} is already known from the stamped complement; the "
    "draft adds nothing":
        "omitido: el pago {number} n.º {installment} ya se conoce por el complemento timbrado; "
        "el borrador no agrega nada",
    "payment {number} #{installment} replaces the one of complement {old}, cancelled and "
    "substituted by this one (CfdiRelacionados, TipoRelacion 04)":
        "el pago {number} n.º {installment} reemplaza al del complemento {old}, cancelado y "
        "sustituido por este (CfdiRelacionados, TipoRelacion 04)",
    "installment {installment} of invoice {number} is paid twice in this complement (also "
    "on line {line}); expected each installment once":
        "la parcialidad {installment} de la factura {number} se paga dos veces en este "
        "complemento (también en la línea {line}); se esperaba cada parcialidad una vez",
    "installment {installment} of invoice {number} is already paid by {other}; a second payment "
    "of the same installment is refused (a complement reissued in place of a cancelled one names "
    "it in CfdiRelacionados with TipoRelacion 04)":
        "la parcialidad {installment} de la factura {number} ya está pagada por {other}; se "
        "rechaza un segundo pago de la misma parcialidad (un complemento reexpedido en lugar de "
        "uno cancelado lo nombra en CfdiRelacionados con TipoRelacion 04)",
    "skipped: payment {number} #{installment} of complement {old} is substituted by complement "
    "{new} (CfdiRelacionados, TipoRelacion 04)":
        "omitido: el pago {number} n.º {installment} del complemento {old} está sustituido por "
        "el complemento {new} (CfdiRelacionados, TipoRelacion 04)",
    "skipped: payment {number} #{installment} of complement {old} is substituted by complement "
    "{new}, in the ledger (CfdiRelacionados, TipoRelacion 04)":
        "omitido: el pago {number} n.º {installment} del complemento {old} está sustituido por "
        "el complemento {new}, en el libro (CfdiRelacionados, TipoRelacion 04)",
    "payment {number} #{installment} of complement {old}, {amount} {currency}, is removed: that "
    "complement was cancelled and substituted by this one (CfdiRelacionados, TipoRelacion 04), "
    "which does not pay it again":
        "se elimina el pago {number} n.º {installment} del complemento {old}, {amount} "
        "{currency}: ese complemento fue cancelado y sustituido por este (CfdiRelacionados, "
        "TipoRelacion 04), que no lo vuelve a pagar",
    "{new}, itself cancelled and substituted by {last}":
        "{new}, a su vez cancelada y sustituida por {last}",
    "{middle}, cancelled in turn and substituted by {new}, substitutes CFDI {uuid}, which is not "
    "in the ledger; the ledger remembers it as substituted by {new}, so it will be skipped if it "
    "is imported later":
        "{middle}, a su vez cancelada y sustituida por {new}, sustituye al CFDI {uuid}, que no "
        "está en el libro; el libro lo recuerda como sustituido por {new}, así que se omitirá si "
        "se importa después",
    "invoice {number} ({uuid}) is substituted by {new} (CfdiRelacionados, TipoRelacion 04): not "
    "imported":
        "la factura {number} ({uuid}) está sustituida por {new} (CfdiRelacionados, TipoRelacion "
        "04): no se importa",
    "invoice {number} ({uuid}) is substituted by {new} (CfdiRelacionados, TipoRelacion 04): "
    "closed by credit note {note}":
        "la factura {number} ({uuid}) está sustituida por {new} (CfdiRelacionados, TipoRelacion "
        "04): se cierra con la nota de crédito {note}",
    "invoice {number} ({uuid}) is substituted by {new}, in the ledger (CfdiRelacionados, "
    "TipoRelacion 04): not imported":
        "la factura {number} ({uuid}) está sustituida por {new}, en el libro (CfdiRelacionados, "
        "TipoRelacion 04): no se importa",
    "invoice {number} ({uuid}) has the number of the CFDI it substitutes, in the ledger: "
    "imported as {uuid}":
        "la factura {number} ({uuid}) tiene el número del CFDI que sustituye, en el libro: se "
        "importa como {uuid}",
    "credit note {number} ({uuid}) has the number of the CFDI it substitutes, in the ledger: "
    "imported as {uuid}":
        "la nota de crédito {number} ({uuid}) tiene el número del CFDI que sustituye, en el "
        "libro: se importa como {uuid}",
    "credit note {number} ({uuid}) is substituted by {new} (CfdiRelacionados, TipoRelacion 04): "
    "not imported":
        "la nota de crédito {number} ({uuid}) está sustituida por {new} (CfdiRelacionados, "
        "TipoRelacion 04): no se importa",
    "credit note {number} ({uuid}) is substituted by {new}, in the ledger (CfdiRelacionados, "
    "TipoRelacion 04): not imported":
        "la nota de crédito {number} ({uuid}) está sustituida por {new}, en el libro "
        "(CfdiRelacionados, TipoRelacion 04): no se importa",
    "credit note {number} ({uuid}) is substituted by {new} (CfdiRelacionados, TipoRelacion 04): "
    "removed from the ledger":
        "la nota de crédito {number} ({uuid}) está sustituida por {new} (CfdiRelacionados, "
        "TipoRelacion 04): se elimina del libro",
    "{new} substitutes CFDI {uuid}, which is not in the ledger; the ledger remembers it as "
    "cancelled, so it will be skipped if it is imported later":
        "{new} sustituye al CFDI {uuid}, que no está en el libro; el libro lo recuerda como "
        "cancelado, así que se omitirá si se importa después",
    "the credit note relates to CFDI {uuid}, cancelled and substituted by invoice {new} "
    "(CfdiRelacionados, TipoRelacion 04): it credits nothing of {new} by name, and is applied "
    "to the customer's open invoices, as what a cancelled invoice was credited is; the SAT "
    "cancels no CFDI another valid one relates to: check whether the credit note was cancelled "
    "too":
        "la nota de crédito se relaciona con el CFDI {uuid}, cancelado y sustituido por la "
        "factura {new} (CfdiRelacionados, TipoRelacion 04): no acredita nada de {new} por "
        "nombre, y se aplica a las facturas abiertas del cliente, como lo acreditado a una "
        "factura cancelada; el SAT no cancela un CFDI con el que se relaciona otro vigente: "
        "revise si la nota de crédito también se canceló",
    "the payment is for CFDI {uuid}, cancelled and substituted by invoice {new} "
    "(CfdiRelacionados, TipoRelacion 04): it pays nothing of {new} by name, and its money goes "
    "to the customer's open invoices, as what was paid on a cancelled invoice does; the SAT "
    "cancels no CFDI a valid complement pays: check whether the complement was cancelled too":
        "el pago es del CFDI {uuid}, cancelado y sustituido por la factura {new} "
        "(CfdiRelacionados, TipoRelacion 04): no paga nada de {new} por nombre, y su dinero va "
        "a las facturas abiertas del cliente, como lo pagado a una factura cancelada; el SAT no "
        "cancela un CFDI que paga un complemento vigente: revise si el complemento también se "
        "canceló",
    "'{value}' has more digits than an amount has (at most {n})":
        "'{value}' tiene más dígitos de los que tiene un monto (como máximo {n})",
    "missing value; an ingreso CFDI states PUE (paid at issue) or PPD (paid later)":
        "falta el valor; un CFDI de ingreso indica PUE (pagado al emitirse) o PPD (pagado "
        "después)",
    "a nota de crédito or débito of amount 0 corrects text only (CodRef 2); it moves no money":
        "una nota de crédito o débito de monto 0 solo corrige texto (CodRef 2); no mueve dinero",
    "a CFDI egreso of Total 0 credits nothing; it moves no money":
        "un CFDI de egreso con Total 0 no acredita nada; no mueve dinero",
    "a CFDI ingreso of Total 0 bills nothing; nobody owes it":
        "un CFDI de ingreso con Total 0 no factura nada; nadie lo debe",
    "a DTE with FmaPago 3 (sin costo) records a free delivery; it is not a receivable":
        "un DTE con FmaPago 3 (sin costo) registra una entrega gratuita; no es una cuenta por "
        "cobrar",
    "payment complement {uuid}": "el complemento de pago {uuid}",
    "credit note {number}": "la nota de crédito {number}",
    "invoice {number} ({uuid}) is for another customer than {other}, imported before, which "
    "relates to it; expected an invoice of that customer":
        "la factura {number} ({uuid}) es de otro cliente que {other}, que se relaciona con ella "
        "y ya está en el libro; se esperaba una factura de ese cliente",
    "invoice {number} ({uuid}) is in {invoice_currency}, not {currency} as {other}, imported "
    "before, which relates to it; expected an invoice in the same currency":
        "la factura {number} ({uuid}) está en {invoice_currency}, no en {currency} como {other}, "
        "que se relaciona con ella y ya está en el libro; se esperaba una factura en la misma "
        "moneda",
    "an export DTE with FmaPagExp 21 (sin pago) ships goods for no payment; it is not a "
    "receivable":
        "un DTE de exportación con FmaPagExp 21 (sin pago) despacha mercadería sin pago; no es "
        "una cuenta por cobrar",
    "the amount paid at issue, {paid}, is not between 0 and MntTotal {total}; the file was "
    "altered or badly generated":
        "el monto pagado al emitir, {paid}, no está entre 0 y MntTotal {total}; el archivo fue "
        "alterado o mal generado",
    "SaldoInsol {left} is not MntTotal {total} − MntCancel {paid} = {expected}; the file was "
    "altered or badly generated":
        "SaldoInsol {left} no es MntTotal {total} − MntCancel {paid} = {expected}; el archivo fue "
        "alterado o mal generado",
    "document {number} asks for VlrPagar {to_pay} ({parts}) and bills MntTotal {total}; the "
    "receivable is MntTotal, record the rest separately if it is owed":
        "el documento {number} cobra VlrPagar {to_pay} ({parts}) y factura MntTotal {total}; la "
        "cuenta por cobrar es MntTotal: registre el resto aparte si se adeuda",
    "the payment's Monto {amount} {currency} pays its documents {applied} {currency}; the rest, "
    "{rest} {currency}, is recorded as the customer's credit (a payment naming no invoice)":
        "el Monto del pago, {amount} {currency}, paga a sus documentos {applied} {currency}; el "
        "resto, {rest} {currency}, se registra como saldo a favor del cliente (un pago que no "
        "nombra factura)",
    "the rest of the payment's Monto, {rest} {currency}, goes with its payments of documents, "
    "which are not recorded from this complement (said above); nothing added":
        "el resto del Monto del pago, {rest} {currency}, va con sus pagos de documentos, que no "
        "se registran desde este complemento (ver arriba); no se agrega nada",
}
