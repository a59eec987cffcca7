"""Parse untrusted XML safely: no DTD, no entities, no network, no huge trees.

TODO: switch to cobranza.statements.safexml when it lands (the bank-statement readers' hardened
parser), so every XML file the product reads goes through one place.
"""

from __future__ import annotations

from lxml import etree
from lxml.etree import _Element as Element

from cobranza.i18n import _
from cobranza.importers.tabular import RowError

__all__ = ["Element", "local", "namespace", "parse"]

# Entities are never expanded, no DTD is loaded, nothing is fetched, and libxml2's limits on
# text size and depth stay on (huge_tree=False): XXE and entity bombs get nowhere.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, remove_blank_text=False)
# A CFDI or DTE never has a DOCTYPE; one is how entity attacks start (defusedxml's rule).
_DOCTYPES = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
_PROLOG = 4096  # a DOCTYPE comes before the root element, hence near the start


def parse(data: bytes, file: str) -> tuple[Element | None, RowError | None]:
    """The root element of `data`, or a located error saying why the file cannot be read."""
    head = data[:_PROLOG].upper()
    if any(mark in head for mark in _DOCTYPES):
        return None, _doctype(file, data)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        if "amplification" in str(exc) or "entity" in str(exc).lower():
            return None, _doctype(file, data)
        return None, RowError(file, line, "", _(
            "the file is not well-formed XML ({reason}); expected a complete CFDI or DTE "
            "(was it cut short?)", reason=exc.msg))
    if root.getroottree().docinfo.internalDTD is not None:
        return None, _doctype(file, data)
    return root, None


def _doctype(file: str, data: bytes) -> RowError:
    found = data[:_PROLOG].upper().find(b"<!DOCTYPE")
    line = data[:found].count(b"\n") + 1 if found >= 0 else 1
    return RowError(file, line, "DOCTYPE", _(
        "the file declares a DOCTYPE (entities or a DTD), which CFDI and DTE files never do; "
        "refused for safety"))


def local(element: Element) -> str:
    """The element's name without its namespace."""
    return str(etree.QName(element).localname)


def namespace(element: Element) -> str | None:
    """The element's namespace URI, or None."""
    ns = etree.QName(element).namespace
    return None if ns is None else str(ns)
