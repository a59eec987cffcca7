"""The organisation's letterhead, and the printing that letters and statements share.

Letters and statements are HTML laid out by Jinja2 layouts in `letter_templates/` and printed by
WeasyPrint on A4. Printing reaches nothing outside the process: the logo is read here and
embedded as a data: URI, and the URL fetcher refuses every other scheme, so an `<img>` or a
stylesheet in a template's HTML (`http://...`, `file:///etc/...`) loads nothing.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined
from weasyprint import CSS, HTML, Document  # type: ignore[import-untyped, unused-ignore]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped, unused-ignore]

from cobranza.i18n import DEFAULT_LANGUAGE, _, normalise_language

if TYPE_CHECKING:
    from cobranza.models import Organisation

log = logging.getLogger(__name__)

LAYOUTS = "letter_templates"
STYLESHEET = "letter.css"
_TAX_ID_NAMES = {"CL": "RUT", "MX": "RFC", "ES": "NIF", "AR": "CUIT", "CO": "NIT", "PE": "RUC"}


@dataclass(frozen=True, slots=True)
class Letterhead:
    """Who the letter is from, as printed at the top of the first page."""

    name: str
    tax_id: str
    address: str
    phone: str
    email: str
    logo_path: str | None = None  # PNG, JPEG or SVG on the local disk
    city: str = ""  # the place on the date line: "Santiago, 26 de marzo de 2026"
    country: str = ""  # ISO code; names the tax id as the country does (RUT, RFC)

    @classmethod
    def from_organisation(cls, org: Organisation) -> Letterhead:
        """The letterhead of an organisation as stored (no logo or city is stored yet)."""
        return cls(name=org.name, tax_id=org.tax_id or "", address=org.address or "",
                   phone=org.phone or "", email=org.email or "", country=org.country)

    def tax_id_label(self) -> str:
        """What the tax id is called where the organisation is: RUT in Chile, RFC in Mexico."""
        return _TAX_ID_NAMES.get(self.country.upper()) or _("Tax id")

    def logo_uri(self) -> str | None:
        """The logo as a data: URI, or None when there is none or it cannot be read."""
        if not self.logo_path:
            return None
        path = Path(self.logo_path)
        mime = mimetypes.guess_type(path.name)[0]
        if mime is None or not mime.startswith("image/"):
            log.warning("letterhead logo %s is not an image; printing without it", path)
            return None
        try:
            content = path.read_bytes()
        except OSError as exc:
            log.warning("letterhead logo %s cannot be read (%s); printing without it", path, exc)
            return None
        return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def place_and_date(letterhead: Letterhead, day: date, language: str) -> str:
    """The date line, e.g. "Santiago, 26 de marzo de 2026" or "March 26, 2026"."""
    when = str(format_date(day, format="long", locale=locale_of(language)))
    return f"{letterhead.city}, {when}" if letterhead.city else when


def locale_of(language: str) -> str:
    """A Babel locale for a language code, Spanish when it is not one we support."""
    return normalise_language(language) or DEFAULT_LANGUAGE


@cache
def _layouts() -> Environment:
    return Environment(loader=PackageLoader("cobranza.messaging", LAYOUTS), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_layout(name: str, **values: Any) -> str:
    """Fill one of the printed layouts (`letter.html.j2`, `statement.html.j2`)."""
    return _layouts().get_template(name).render(**values)


def _fetcher() -> URLFetcher:
    # Only data: URIs (the embedded logo): nothing on the disk or the network is read.
    return URLFetcher(allowed_protocols={"data"})


@cache
def _stylesheet() -> CSS:
    css = (files("cobranza.messaging") / LAYOUTS / STYLESHEET).read_text(encoding="utf-8")
    return CSS(string=css, url_fetcher=_fetcher())


def print_document(html: str) -> Document:
    """Lay `html` out on A4 pages with the letter stylesheet."""
    return HTML(string=html, url_fetcher=_fetcher()).render(stylesheets=[_stylesheet()])


def to_pdf(document: Document) -> bytes:
    """The PDF bytes of a laid-out document."""
    pdf: bytes = document.write_pdf()
    return pdf
