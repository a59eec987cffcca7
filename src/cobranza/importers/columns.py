"""The columns each kind of import file has: canonical names, the header spellings accepted for them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from cobranza.i18n import _


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an import file: its canonical name and the other header spellings accepted."""

    name: str
    required: bool
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class HeaderProblem:
    """A header row that cannot be read as the kind of file asked for (missing or ambiguous column)."""

    column: str
    message: str


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_header(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumerics one space: 'N° Folio' -> 'n folio'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", "").lower())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", ascii_only).strip()


# Accounting exports name the customer by its internal code or by its tax id (RUT in Chile, RFC in
# Mexico); in documents both mean "the customer", in the customers file they are different columns.
_CUSTOMER_REF = (
    "cliente", "codigo cliente", "cod cliente", "id cliente", "rut", "rut cliente", "rfc",
    "rfc cliente", "customer", "customer code", "client", "client id",
)
_DOCUMENT_NUMBER = (
    # A bare "N°" is left out on purpose: exports use it for a row counter beside the real folio.
    "folio", "numero", "nro", "n folio", "no folio", "nro folio", "numero folio",
    "numero documento", "nro documento", "n documento", "no documento", "documento",
    "document number", "doc number",
)
_CURRENCY = ("moneda", "divisa", "tipo moneda", "currency code", "ccy")
_AMOUNT = ("monto", "total", "monto total", "importe", "importe total", "valor", "total amount")
_ISSUE_DATE = ("fecha emision", "fecha de emision", "emision", "fecha documento", "fecha")

KINDS: dict[str, tuple[ColumnSpec, ...]] = {
    # `id` is required, but a customers file may carry only the tax id: read_table then accepts
    # `tax_id` in its place and the importer uses the tax id as the customer's id.
    "customers": (
        ColumnSpec("id", True, ("codigo", "codigo cliente", "cod cliente", "id cliente", "cliente",
                                "customer", "customer code", "code", "client id")),
        ColumnSpec("name", True, ("razon social", "nombre", "nombre cliente", "customer name",
                                  "company", "company name", "legal name")),
        ColumnSpec("tax_id", False, ("rut", "rut cliente", "rfc", "rfc cliente", "nit", "cuit",
                                     "ruc", "vat", "vat number", "tax number")),
        ColumnSpec("email", False, ("correo", "correo electronico", "e mail", "mail",
                                    "email address")),
        ColumnSpec("phone", False, ("telefono", "fono", "celular", "movil", "phone number",
                                    "mobile")),
        ColumnSpec("whatsapp", False, ("numero whatsapp", "wsp")),
        ColumnSpec("language", False, ("idioma", "lang")),
        ColumnSpec("country", False, ("pais",)),
        ColumnSpec("timezone", False, ("zona horaria", "time zone", "tz")),
        ColumnSpec("preferred_channel", False, ("canal", "canal preferido", "channel")),
        ColumnSpec("preferred_payment_method", False, (
            "medio de pago", "forma de pago", "metodo de pago", "medio de pago preferido",
            "payment method")),
        ColumnSpec("segment", False, ("segmento",)),
        ColumnSpec("credit_limit", False, ("limite de credito", "limite credito", "cupo",
                                           "linea de credito")),
        ColumnSpec("contact_hours", False, ("horario", "horario de contacto", "horario contacto")),
        ColumnSpec("collector", False, ("cobrador", "ejecutivo", "ejecutivo de cobranza")),
    ),
    "invoices": (
        ColumnSpec("number", True, _DOCUMENT_NUMBER + (
            "numero factura", "nro factura", "n factura", "no factura", "folio factura", "factura",
            "invoice", "invoice number", "invoice no")),
        ColumnSpec("customer_id", True, _CUSTOMER_REF),
        ColumnSpec("issue_date", True, _ISSUE_DATE + ("date", "invoice date")),
        ColumnSpec("due_date", False, ("fecha vencimiento", "fecha de vencimiento", "vencimiento",
                                      "fecha vcto", "vcto", "vence", "due")),
        ColumnSpec("currency", True, _CURRENCY),
        ColumnSpec("amount", True, _AMOUNT),
        ColumnSpec("terms", False, ("plazo", "condicion de pago", "condiciones",
                                    "condiciones de pago", "payment terms")),
        ColumnSpec("grace_days", False, ("dias de gracia", "grace", "grace period")),
        ColumnSpec("late_interest_annual_pct", False, (
            "interes", "tasa interes", "tasa de interes", "interes moratorio", "late interest")),
        ColumnSpec("discount_pct", False, ("descuento", "descuento pronto pago", "discount")),
        ColumnSpec("discount_days", False, ("dias descuento", "dias de descuento")),
    ),
    "payments": (
        # In a payments file a bare "id" is the payment's own id, never the customer's.
        ColumnSpec("id", True, ("id pago", "numero pago", "nro pago", "folio pago", "n pago",
                                "no pago", "comprobante", "n comprobante", "nro comprobante",
                                "numero comprobante", "numero de comprobante", "id transaccion",
                                "payment id", "payment")),
        ColumnSpec("customer_id", True, _CUSTOMER_REF),
        ColumnSpec("date", True, ("fecha pago", "fecha de pago", "fecha", "payment date")),
        ColumnSpec("currency", True, _CURRENCY),
        ColumnSpec("amount", True, _AMOUNT),
        ColumnSpec("invoice_numbers", False, ("facturas", "folios", "facturas pagadas",
                                              "invoices", "documentos")),
        ColumnSpec("reference", False, ("referencia", "glosa", "concepto", "descripcion")),
        ColumnSpec("method", False, ("medio de pago", "forma de pago", "metodo de pago",
                                     "payment method")),
    ),
    "credit-notes": (
        ColumnSpec("number", True, _DOCUMENT_NUMBER + (
            "numero nota", "numero nota de credito", "folio nota de credito", "nota de credito",
            "credit note", "credit note number")),
        ColumnSpec("customer_id", True, _CUSTOMER_REF),
        ColumnSpec("invoice_number", False, ("factura", "folio factura", "factura referencia",
                                             "folio referencia", "numero factura", "invoice")),
        ColumnSpec("date", True, _ISSUE_DATE + ("issue date",)),
        ColumnSpec("currency", True, _CURRENCY),
        ColumnSpec("amount", True, _AMOUNT),
    ),
    # Per-day values of indexation units and exchange rates: UF 2026-01-02 = 39.730,75 CLP.
    "rates": (
        ColumnSpec("code", True, ("codigo", "unidad", "indicador", "moneda", "unit")),
        ColumnSpec("date", True, ("fecha", "dia")),
        ColumnSpec("value", True, ("valor", "tipo de cambio", "rate")),
        ColumnSpec("quote", False, ("moneda cotizacion", "en", "quote currency")),
    ),
}


def accepted_headers(spec: ColumnSpec) -> tuple[str, ...]:
    """The canonical name followed by its aliases, as a user may write them."""
    return (spec.name, *spec.aliases)


@cache
def _spellings(spec: ColumnSpec) -> tuple[str, frozenset[str]]:
    """The normalised canonical name and the normalised aliases of `spec`."""
    return normalise_header(spec.name), frozenset(normalise_header(a) for a in spec.aliases)


def _claims(spec: ColumnSpec, normalised: str) -> int | None:
    """2 when the header is the canonical name, 1 when it is an alias, None otherwise."""
    canonical, aliases = _spellings(spec)
    if normalised == canonical:
        return 2
    return 1 if normalised in aliases else None


def _quote_all(headers: Sequence[str]) -> str:
    return ", ".join(f"'{h}'" for h in headers)


def resolve_columns(
    headers: Sequence[str], kind: str, mapping: Mapping[str, str] | None = None
) -> tuple[dict[str, int], list[HeaderProblem]]:
    """Which position of `headers` holds each canonical column of `kind`, or what is wrong."""
    specs = KINDS[kind]
    normalised = [normalise_header(h) for h in headers]
    found: dict[str, int] = {}
    problems = _apply_mapping(specs, headers, normalised, mapping or {}, found)
    reported = {p.column for p in problems}
    taken = set(found.values())
    for spec in specs:
        if spec.name in found or spec.name in reported:
            continue
        scored = [(score, i) for i, h in enumerate(normalised)
                  if i not in taken and (score := _claims(spec, h)) is not None]
        best = max((score for score, _i in scored), default=None)
        positions = [i for score, i in scored if score == best]
        if len(positions) == 1:
            found[spec.name] = positions[0]
        elif len(positions) > 1:
            reported.add(spec.name)
            problems.append(HeaderProblem(spec.name, _(
                "columns {headers} all look like {column}; keep one or choose it with"
                " --map {column}=HEADER",
                headers=_quote_all([headers[i] for i in positions]), column=spec.name)))
    problems.extend(_missing(specs, found, kind, skip=reported))
    return found, problems


def _apply_mapping(
    specs: tuple[ColumnSpec, ...], headers: Sequence[str], normalised: list[str],
    mapping: Mapping[str, str], found: dict[str, int],
) -> list[HeaderProblem]:
    """Place the user's --map choices in `found`; they win over every alias."""
    names = [spec.name for spec in specs]
    problems: list[HeaderProblem] = []
    for column, header in mapping.items():
        if column not in names:
            problems.append(HeaderProblem(column, _(
                "--map names an unknown column {column}; expected one of {columns}",
                column=column, columns=", ".join(names))))
            continue
        wanted = normalise_header(header)
        if wanted not in normalised:
            problems.append(HeaderProblem(column, _(
                "--map {column}={header}: the file has no column '{header}'; its columns are"
                " {headers}", column=column, header=header, headers=_quote_all(headers))))
            continue
        found[column] = normalised.index(wanted)
    return problems


def _missing(
    specs: tuple[ColumnSpec, ...], found: Mapping[str, int], kind: str, *, skip: set[str]
) -> list[HeaderProblem]:
    """One problem per required column that no header provides (`skip`: already reported)."""
    problems = []
    for spec in specs:
        if not spec.required or spec.name in found or spec.name in skip:
            continue
        if kind == "customers" and spec.name == "id" and "tax_id" in found:
            continue  # the tax id stands in for a missing customer code (see KINDS)
        problems.append(HeaderProblem(spec.name, _(
            "missing column {column}; accepted headers: {accepted}",
            column=spec.name, accepted=", ".join(accepted_headers(spec)))))
    return problems
