"""Identify and read e-invoice files: one XML file, or every file of a folder."""

from __future__ import annotations

from pathlib import Path

from cobranza.einvoices.cfdi import CFDI, CFDI33, read_cfdi
from cobranza.einvoices.dte import ENVELOPES, SII, read_sii
from cobranza.einvoices.fields import namespace
from cobranza.einvoices.model import At, Parsed
from cobranza.i18n import _
from cobranza.importers.tabular import RowError
from cobranza.statements.safexml import XmlError, local_name, parse_xml

# The header of the SII's Registro de Compras y Ventas CSV export (compras and ventas alike).
_RCV_HEADER = "Nro;Tipo Doc;"
# The SAT's CFDI de retenciones e información de pagos, versions 1.0 and 2.0 (Anexo 20).
_RETENCIONES = frozenset({"http://www.sat.gob.mx/esquemas/retencionpago/1",
                          "http://www.sat.gob.mx/esquemas/retencionpago/2"})


def is_einvoice_path(path: Path) -> bool:
    """True for a folder, an XML file or an SII RCV export: what `import invoices` reads here."""
    if path.is_dir():
        return True
    if path.suffix.lower() == ".xml":
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(256)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or _is_rcv(head)


def _is_rcv(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").decode("latin-1").startswith(_RCV_HEADER)


def read_path(path: Path, *, display_name: str | None = None) -> Parsed:
    """Every document and payment of `path` (a file, or a folder read recursively)."""
    shown = display_name or str(path)
    if not path.is_dir():
        return read_file(path, shown).settle()
    out = Parsed()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        name = str(Path(shown) / file.relative_to(path))
        if file.name.startswith(".") or not is_einvoice_path(file):
            out.warnings.append(_("{file}: skipped, not an XML file", file=name))
            continue
        out.extend(read_file(file, name))
    out.settle()
    if not any((out.documents, out.payments, out.errors)):
        out.errors.append(At(shown, 0).error("", _(
            "the folder holds no CFDI or DTE XML file; expected .xml files")))
    return out


def read_file(path: Path, shown: str) -> Parsed:
    """The documents of one file, or the located reason it is refused."""
    out = Parsed()
    try:
        data = path.read_bytes()
    except OSError as exc:
        out.errors.append(At(shown, 0).error("", _("cannot open the file: {reason}",
                                                   reason=exc.strerror or str(exc))))
        return out
    if _is_rcv(data[:256]):
        # The RCV is the SII's register of a month's documents: compras are purchases, and a
        # ventas row lacks what collection needs (what a credit note corrects, due dates), which
        # the DTE XML files themselves carry.
        out.errors.append(At(shown, 1).error("", _(
            "this is an SII RCV export (registro de compras y ventas), a register of documents, "
            "not the documents; import the DTE XML files instead")))
        return out
    try:
        # The project's one hardened XML entry point: no entities, DTDs or network.
        root = parse_xml(data, file=shown)
    except XmlError as exc:
        out.errors.append(RowError(exc.file, exc.line, "", exc.message))
        return out
    ns, name = namespace(root), local_name(root)
    if ns == CFDI and name == "Comprobante":
        return read_cfdi(root, shown)
    if ns in _RETENCIONES and name == "Retenciones":
        # A sound SAT document found beside the invoices of a download, stating taxes withheld
        # on a payment: skipped beside documents to collect, the reason it is refused alone.
        out.not_receivable.append(At(shown, int(root.sourceline or 1)).error("Retenciones", _(
            "a CFDI de retenciones e información de pagos states taxes withheld on a payment; "
            "it is not a receivable")))
        return out
    if ns == CFDI33 and name == "Comprobante":
        # CFDI 3.2 and 3.3 share a namespace; 3.2 writes its version in lower case.
        version = (root.get("Version") or root.get("version") or "3.x").strip()
        if version == "3.3":
            return read_cfdi(root, shown)
        out.errors.append(At(shown, int(root.sourceline or 1)).error("Version", _(
            "CFDI {version} is not supported; expected CFDI 4.0 or 3.3", version=version)))
        return out
    if ns in (SII, None) and name in ("DTE", "Documento", "Exportaciones", "AEC") + ENVELOPES \
            or ns == SII:
        return read_sii(root, shown)
    out.errors.append(At(shown, int(root.sourceline or 1)).error(name, _(
        "this XML is not a CFDI or a DTE (its root is {root}); expected a CFDI 4.0 or 3.3 "
        "Comprobante or an SII DTE", root=name)))
    return out
