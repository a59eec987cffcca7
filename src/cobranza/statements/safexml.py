"""The one hardened XML reader every XML file cobranza reads goes through (bank, CEP, e-invoices).

Files come from users and banks' portals, so they are untrusted: no entity is ever expanded, no
DTD or external resource is loaded, nothing is fetched from the network, and libxml2's limits on
very deep or huge documents stay on (`huge_tree` off). A document that declares entities is
refused outright: no bank statement, CEP or tax document needs them, and every XML bomb and XXE
attack does (billion laughs, quadratic blow-up, external entities).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from cobranza.i18n import _


@dataclass(frozen=True)
class XmlError(Exception):
    """An XML file that cannot be read safely: file, line (0 when not known), what is wrong."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers keep state (error log) and are not thread-safe.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True, collect_ids=False)


def parse_xml(data: bytes, *, file: str) -> etree._Element:
    """Parse untrusted XML bytes into an lxml root element; raise `XmlError` on anything unsafe."""
    # Refused before parsing: an entity declaration is what every XML bomb needs, and a DOCTYPE
    # is how external resources are reached; looked for in every encoding XML may come in.
    entity = _line_of(data, "<!ENTITY")
    if entity is not None:
        raise XmlError(file, entity, _(
            "the XML declares entities (<!ENTITY>); refused as a possible XML bomb or external "
            "entity attack"))
    doctype = _line_of(data, "<!DOCTYPE")
    if doctype is not None:
        raise XmlError(file, doctype, _(
            "the XML has a DOCTYPE; refused as a possible external entity attack"))
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise XmlError(file, line, _("not well-formed XML (truncated or damaged?): {detail}",
                                     detail=_syntax_detail(exc))) from None
    except ValueError as exc:  # e.g. a str with an encoding declaration; bytes are expected
        raise XmlError(file, 0, _("not readable XML: {detail}", detail=str(exc))) from None
    if root is None:
        raise XmlError(file, 0, _("the file is empty"))
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.system_url:
        # A DOCTYPE that declares nothing dangerous is still a way to reach external resources.
        raise XmlError(file, 1, _("the XML has a DOCTYPE; refused as a possible external entity "
                                  "attack"))
    return root


def local_name(element: etree._Element) -> str:
    """The element's tag without its namespace (camt has one per version, or none)."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


def _line_of(data: bytes, needle: str) -> int | None:
    """The line where `needle` first appears, in any encoding XML may use; None if nowhere."""
    for encoding in _ENCODINGS:
        index = data.find(needle.encode(encoding))
        if index >= 0:
            return data.count("\n".encode(encoding), 0, index) + 1
    return None


def _syntax_detail(exc: etree.XMLSyntaxError) -> str:
    # libxml2's message ends with "(line N, column M)", which the located error already says.
    text = str(exc.msg or exc)
    return text.split(", line ")[0].rstrip()
