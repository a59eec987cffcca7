"""Small synthetic CFDI 4.0, Pagos 2.0 and SII DTE documents, written for these tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

ORG_RFC, CUSTOMER_RFC, OTHER_RFC = "EKU9003173C9", "KIJ0906199R1", "XIQB891116QE4"
ORG_RUT, CUSTOMER_RUT = "76354771-K", "96790240-3"
UUID_A = "11111111-1111-4111-8111-111111111111"
UUID_B = "22222222-2222-4222-8222-222222222222"
UUID_NC = "33333333-3333-4333-8333-333333333333"
UUID_PAY = "44444444-4444-4444-8444-444444444444"

_NS = ('xmlns:cfdi="http://www.sat.gob.mx/cfd/4" '
       'xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" '
       'xmlns:pago20="http://www.sat.gob.mx/Pagos20"')


def _stamp(uuid: str | None) -> str:
    if uuid is None:
        return ""
    return (f'<tfd:TimbreFiscalDigital Version="1.1" UUID="{uuid}" '
            'FechaTimbrado="2026-01-10T10:05:00"/>')


def cfdi(*, uuid: str | None = UUID_A, tipo: str = "I", serie: str = "A", folio: str = "1",
         emisor: str = ORG_RFC, receptor: str = CUSTOMER_RFC, moneda: str = "MXN",
         subtotal: str = "1000.00", traslados: str = "160.00", total: str = "1160.00",
         metodo: str = "PPD", fecha: str = "2026-01-10T10:00:00", extra: str = "",
         related: Sequence[str] = (), relation: str = "01", complement: str = "",
         replaces: Sequence[str] = ()) -> bytes:
    """A CFDI ingreso (or egreso with `tipo="E"` and `related` UUIDs), substituting `replaces`
    (TipoRelacion 04, beside the `related` group)."""
    relations = ""
    for kind, uuids in ((relation, related), ("04", replaces)):
        if uuids:
            relations += (f'<cfdi:CfdiRelacionados TipoRelacion="{kind}">'
                          + "".join(f'<cfdi:CfdiRelacionado UUID="{u}"/>' for u in uuids)
                          + "</cfdi:CfdiRelacionados>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante {_NS} Version="4.0" Serie="{serie}" Folio="{folio}" Fecha="{fecha}"
  SubTotal="{subtotal}" Moneda="{moneda}" Total="{total}" TipoDeComprobante="{tipo}"
  Exportacion="01" MetodoPago="{metodo}" LugarExpedicion="01000" {extra}>
  {relations}
  <cfdi:Emisor Rfc="{emisor}" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>
  <cfdi:Receptor Rfc="{receptor}" Nombre="KIJ, S.A. DE C.V." DomicilioFiscalReceptor="59820"
    RegimenFiscalReceptor="601" UsoCFDI="G03"/>
  <cfdi:Conceptos><cfdi:Concepto ClaveProdServ="80131502" Cantidad="1" ClaveUnidad="E48"
    Descripcion="Servicio" ValorUnitario="{subtotal}" Importe="{subtotal}" ObjetoImp="02"/>
  </cfdi:Conceptos>
  <cfdi:Impuestos TotalImpuestosTrasladados="{traslados}"/>
  <cfdi:Complemento>{complement}{_stamp(uuid)}</cfdi:Complemento>
</cfdi:Comprobante>
""".encode()


@dataclass
class Docto:
    """One DoctoRelacionado of a payment."""

    uuid: str
    paid: str
    before: str
    installment: int | None = 1  # None: no NumParcialidad (required by Pagos 2.0)
    currency: str = "MXN"
    equivalence: str = "1"


@dataclass
class Pago:
    """One Pago of a complement."""

    amount: str
    docs: list[Docto] = field(default_factory=list)
    date: str = "2026-02-01T12:00:00"
    currency: str = "MXN"
    rate: str = "1"
    operation: str | None = None  # NumOperacion (a SPEI's clave de rastreo, say)


def pagos(*, uuid: str | None = UUID_PAY, receptor: str = CUSTOMER_RFC,
          payments: Sequence[Pago], total: str | None = None,
          replaces: Sequence[str] = ()) -> bytes:
    """A CFDI of type P with a Pagos 2.0 complement (substituting `replaces`, cancelled)."""
    body = ""
    for pago in payments:
        docs = "".join(
            f'<pago20:DoctoRelacionado IdDocumento="{d.uuid}" MonedaDR="{d.currency}" '
            f'EquivalenciaDR="{d.equivalence}" '
            + ("" if d.installment is None else f'NumParcialidad="{d.installment}" ') +
            f'ImpSaldoAnt="{d.before}" ImpPagado="{d.paid}" '
            f'ImpSaldoInsoluto="{_minus(d.before, d.paid)}" ObjetoImpDR="01"/>'
            for d in pago.docs)
        operation = "" if pago.operation is None else f'NumOperacion="{pago.operation}" '
        body += (f'<pago20:Pago FechaPago="{pago.date}" FormaDePagoP="03" {operation}'
                 f'MonedaP="{pago.currency}" TipoCambioP="{pago.rate}" Monto="{pago.amount}">'
                 f"{docs}</pago20:Pago>")
    stated = total if total is not None else _sum(payments)
    complement = (f'<pago20:Pagos Version="2.0"><pago20:Totales MontoTotalPagos="{stated}"/>'
                  f"{body}</pago20:Pagos>")
    return cfdi(uuid=uuid, tipo="P", serie="P", folio="1", moneda="XXX", subtotal="0",
                traslados="0", total="0", metodo="", receptor=receptor, related=replaces,
                relation="04", complement=complement).replace(b' MetodoPago=""', b"")


def _minus(a: str, b: str) -> str:
    from decimal import Decimal
    return str(Decimal(a) - Decimal(b))


def _sum(payments: Sequence[Pago]) -> str:
    from decimal import Decimal
    total = sum((Decimal(p.amount) * Decimal(p.rate) for p in payments), Decimal(0))
    return str(total.quantize(Decimal("0.01")))


def dte(*, tipo: str = "33", folio: str = "100", emisor: str = ORG_RUT,
        receptor: str = CUSTOMER_RUT, neto: int = 100000, iva: int = 19000,
        total: str | None = None, emitted: str = "2026-01-05", due: str | None = "2026-02-04",
        refs: Sequence[tuple[str, str]] = (), namespace: bool = True) -> bytes:
    """A signed-looking SII DTE (the signature is not checked, only its base64)."""
    ns = ' xmlns="http://www.sii.cl/SiiDte"' if namespace else ""
    venc = f"<FchVenc>{due}</FchVenc>" if due else ""
    references = "".join(
        f"<Referencia><NroLinRef>{i}</NroLinRef><TpoDocRef>{kind}</TpoDocRef>"
        f"<FolioRef>{number}</FolioRef><CodRef>1</CodRef></Referencia>"
        for i, (kind, number) in enumerate(refs, start=1))
    amount = total if total is not None else str(neto + iva)
    return f"""<?xml version="1.0" encoding="ISO-8859-1"?>
<DTE{ns} version="1.0">
<Documento ID="F{folio}T{tipo}">
<Encabezado>
<IdDoc><TipoDTE>{tipo}</TipoDTE><Folio>{folio}</Folio><FchEmis>{emitted}</FchEmis>
<FmaPago>2</FmaPago>{venc}</IdDoc>
<Emisor><RUTEmisor>{emisor}</RUTEmisor><RznSoc>INGENIERIA ENACON SPA</RznSoc></Emisor>
<Receptor><RUTRecep>{receptor}</RUTRecep><RznSocRecep>MINERA LOS PELAMBRES</RznSocRecep>
</Receptor>
<Totales><MntNeto>{neto}</MntNeto><TasaIVA>19</TasaIVA><IVA>{iva}</IVA>
<MntTotal>{amount}</MntTotal></Totales>
</Encabezado>
<Detalle><NroLinDet>1</NroLinDet><NmbItem>Tableros</NmbItem><MontoItem>{neto}</MontoItem>
</Detalle>
{references}
</Documento>
</DTE>
""".encode("latin-1")


def export_dte(*, tipo: str = "110", folio: str = "5", moneda: str = "DOLAR USA",
               total: str = "1250.50", rate: str = "950.25",
               refs: Sequence[tuple[str, str]] = ()) -> bytes:
    """An SII export document (110/111/112) in an EnvioDTE: Exportaciones, not Documento."""
    references = "".join(
        f"<Referencia><NroLinRef>{i}</NroLinRef><TpoDocRef>{kind}</TpoDocRef>"
        f"<FolioRef>{number}</FolioRef><CodRef>3</CodRef></Referencia>"
        for i, (kind, number) in enumerate(refs, start=1))
    return f"""<?xml version="1.0" encoding="ISO-8859-1"?>
<EnvioDTE xmlns="http://www.sii.cl/SiiDte" version="1.0"><SetDTE ID="SetDoc">
<Caratula version="1.0"><RutEmisor>{ORG_RUT}</RutEmisor></Caratula>
<DTE version="1.0"><Exportaciones ID="F{folio}T{tipo}"><Encabezado>
<IdDoc><TipoDTE>{tipo}</TipoDTE><Folio>{folio}</Folio><FchEmis>2026-03-02</FchEmis>
<FmaPago>2</FmaPago></IdDoc>
<Emisor><RUTEmisor>{ORG_RUT}</RUTEmisor><RznSoc>INGENIERIA ENACON SPA</RznSoc></Emisor>
<Receptor><RUTRecep>55555555-5</RUTRecep><RznSocRecep>ANDES TRADING LLC</RznSocRecep>
<Extranjero><NumId>US-4471</NumId><Nacionalidad>225</Nacionalidad></Extranjero></Receptor>
<Totales><TpoMoneda>{moneda}</TpoMoneda><MntExe>{total}</MntExe><MntTotal>{total}</MntTotal>
</Totales>
<OtraMoneda><TpoMoneda>PESO CL</TpoMoneda><TpoCambio>{rate}</TpoCambio></OtraMoneda>
</Encabezado>
<Detalle><NroLinDet>1</NroLinDet><IndExe>1</IndExe><NmbItem>Cobre</NmbItem>
<MontoItem>{total}</MontoItem></Detalle>
{references}
</Exportaciones></DTE></SetDTE></EnvioDTE>
""".encode("latin-1")


# CFDI 3.3 and Pagos 1.0 (Anexo 20, in force until 2022): no Exportacion or ObjetoImp, a Receptor
# without DomicilioFiscalReceptor and RegimenFiscalReceptor, taxes per Concepto, and a Pagos
# without Totales whose DoctoRelacionado states TipoCambioDR, not EquivalenciaDR.
_NS33 = ('xmlns:cfdi="http://www.sat.gob.mx/cfd/3" '
         'xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" '
         'xmlns:pago10="http://www.sat.gob.mx/Pagos"')


def cfdi33(*, uuid: str | None = UUID_A, tipo: str = "I", serie: str = "A", folio: str = "1",
           receptor: str = CUSTOMER_RFC, moneda: str = "MXN", subtotal: str = "1000.00",
           traslados: str = "160.00", total: str = "1160.00", metodo: str = "PPD",
           fecha: str = "2021-11-10T10:00:00", related: Sequence[str] = (),
           relation: str = "01", complement: str = "", version: str = 'Version="3.3"') -> bytes:
    """A CFDI 3.3 ingreso (or egreso with `tipo="E"`, relating `related` by `relation`)."""
    relations = "" if not related else (
        f'<cfdi:CfdiRelacionados TipoRelacion="{relation}">'
        + "".join(f'<cfdi:CfdiRelacionado UUID="{u}"/>' for u in related)
        + "</cfdi:CfdiRelacionados>")
    method = f'MetodoPago="{metodo}" ' if metodo else ""
    use = "P01" if tipo == "P" else "G03"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante {_NS33} {version} Serie="{serie}" Folio="{folio}" Fecha="{fecha}"
  SubTotal="{subtotal}" Moneda="{moneda}" Total="{total}" TipoDeComprobante="{tipo}"
  {method}LugarExpedicion="01000">
  {relations}
  <cfdi:Emisor Rfc="{ORG_RFC}" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>
  <cfdi:Receptor Rfc="{receptor}" Nombre="KIJ, S.A. DE C.V." UsoCFDI="{use}"/>
  <cfdi:Conceptos><cfdi:Concepto ClaveProdServ="80131502" Cantidad="1" ClaveUnidad="E48"
    Descripcion="Servicio" ValorUnitario="{subtotal}" Importe="{subtotal}">
    <cfdi:Impuestos><cfdi:Traslados><cfdi:Traslado Base="{subtotal}" Impuesto="002"
      TipoFactor="Tasa" TasaOCuota="0.160000" Importe="{traslados}"/></cfdi:Traslados>
    </cfdi:Impuestos></cfdi:Concepto>
  </cfdi:Conceptos>
  <cfdi:Impuestos TotalImpuestosTrasladados="{traslados}"/>
  <cfdi:Complemento>{complement}{_stamp(uuid)}</cfdi:Complemento>
</cfdi:Comprobante>
""".encode()


@dataclass
class Docto10:
    """One DoctoRelacionado of a Pagos 1.0 payment (`paid` None: ImpPagado omitted)."""

    uuid: str
    paid: str | None
    before: str
    installment: int | None = 1
    currency: str = "MXN"
    rate: str | None = None  # TipoCambioDR: units of MonedaDR per unit of MonedaP


def pagos10(*, uuid: str | None = UUID_PAY, amount: str, docs: Sequence[Docto10],
            currency: str = "MXN", rate: str | None = None,
            date: str = "2022-01-20T12:00:00") -> bytes:
    """A CFDI 3.3 of type P with a Pagos 1.0 complement of one Pago."""
    body = ""
    for d in docs:
        paid = d.paid if d.paid is not None else amount
        body += (f'<pago10:DoctoRelacionado IdDocumento="{d.uuid}" MonedaDR="{d.currency}" '
                 + ("" if d.rate is None else f'TipoCambioDR="{d.rate}" ')
                 + 'MetodoDePagoDR="PPD" '
                 + ("" if d.installment is None else f'NumParcialidad="{d.installment}" ')
                 + f'ImpSaldoAnt="{d.before}" '
                 + ("" if d.paid is None else f'ImpPagado="{d.paid}" ')
                 + f'ImpSaldoInsoluto="{_minus(d.before, paid)}"/>')
    exchange = "" if rate is None else f'TipoCambioP="{rate}" '
    complement = (f'<pago10:Pagos Version="1.0"><pago10:Pago FechaPago="{date}" '
                  f'FormaDePagoP="03" MonedaP="{currency}" {exchange}Monto="{amount}">'
                  f"{body}</pago10:Pago></pago10:Pagos>")
    return cfdi33(uuid=uuid, tipo="P", serie="P", folio="1", moneda="XXX", subtotal="0",
                  traslados="0", total="0", metodo="", complement=complement,
                  fecha="2022-01-20T13:00:00")
