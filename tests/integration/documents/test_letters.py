"""Collection letters as a debtor receives them: a real A4 PDF, and one print batch of many."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from cobranza.channels.letter import (
    BatchError,
    legal_text_for,
    letter_html,
    merge_pdfs,
    render_letter_pdf,
)
from cobranza.messaging.context import MessageContext
from cobranza.messaging.letterhead import Letterhead
from cobranza.messaging.templates import RenderedMessage, load_default_templates, render
from tests.integration.documents.pdf import flat, images, page_text, pages, text
from tests.unit.messaging.contexts import INVOICES, TOTALS, context

TEMPLATES = load_default_templates()
LETTERHEAD = Letterhead(name="Distribuidora Sur Ltda.", tax_id="76.123.456-0",
                        address="Av. Providencia 1234, of. 501, Providencia, Santiago",
                        phone="+56 2 2345 6789", email="cobranza@sur.cl", city="Santiago",
                        country="CL")


def letter(code: str, ctx: MessageContext, *, country: str = "CL",
           letterhead: Letterhead = LETTERHEAD) -> bytes:
    rendered = render(TEMPLATES[code].parts_for(ctx.language), ctx)
    return render_letter_pdf(rendered=rendered, ctx=ctx, letterhead=letterhead,
                             legal_text=legal_text_for(country, ctx.language))


def test_a_chilean_letter_carries_letterhead_invoices_signature_and_the_law() -> None:
    pdf = letter("letter_1", context("es", invoices=3))
    assert pdf.startswith(b"%PDF")
    assert pages(pdf) == 1
    found = text(pdf)
    for expected in ("Distribuidora Sur Ltda.", "RUT: 76.123.456-0", "cobranza@sur.cl",
                     "Santiago, 26 de marzo de 2026", "Comercial Andes SpA",
                     "Código de cliente: C-0107", "Ref.: Saldo vencido pendiente de pago",
                     "De nuestra consideración:", "Detalle de facturas",
                     f"Total {TOTALS[3]}", "Sin otro particular, le saluda atentamente,",
                     "Departamento de Cobranzas"):
        assert expected in found
    for number, *_rest in INVOICES:
        assert number in found
    assert flat(legal_text_for("CL", "es")) in found
    assert "artículo 37 de la Ley N° 19.496" in found and "08:00 y las 20:00" in found


def test_a_mexican_letter_in_english_states_condusef_rules() -> None:
    pdf = letter("letter_3_final", context("en", invoices=1), country="MX",
                 letterhead=Letterhead(name="Tres Servicios SA de CV", tax_id="TSE680524P73",
                                       address="Av. Reforma 222, CDMX", phone="+52 55 1234 5678",
                                       email="cobranza@tres.mx", country="MX"))
    found = text(pdf)
    assert "Tres Servicios SA de CV" in found and "RFC: TSE680524P73" in found
    assert INVOICES[0][0] in found and "Final notice" in found
    assert flat(legal_text_for("MX", "en")) in found
    assert "Condusef" in found and "on behalf of which creditor" in found


def test_the_legal_text_follows_the_jurisdiction_and_language() -> None:
    assert "20 días de atraso" in legal_text_for("cl", "es")
    assert "after 20 days overdue" in legal_text_for("CL", "en")
    assert "07:00 y las 22:00" in legal_text_for("MX", "es_MX")
    neutral = legal_text_for("US", "en")
    assert "Ley" not in neutral and "disregard" in neutral


def test_a_long_letter_runs_onto_more_pages_with_the_law_on_each() -> None:
    first = context("es", invoices=1).invoices[0]
    lines = tuple(replace(first, number=f"F-{2000 + i}") for i in range(60))
    pdf = letter("letter_2", replace(context("es", invoices=1), invoices=lines))
    assert pages(pdf) >= 2
    for page in range(pages(pdf)):
        assert "Ley N° 19.496" in page_text(pdf, page)
    assert "F-2000" in text(pdf) and "F-2059" in text(pdf)


def test_the_print_batch_holds_every_letter_in_order() -> None:
    first = letter("letter_1", context("es", invoices=1))
    second = letter("letter_3_final", context("en", invoices=3))
    batch = merge_pdfs([first, second, first])
    assert batch.startswith(b"%PDF")
    assert pages(batch) == pages(first) + pages(second) + pages(first) == 3
    assert "Ref.: Saldo vencido" in page_text(batch, 0)
    assert "Final notice" in page_text(batch, 1)


def test_a_batch_without_letters_or_with_a_broken_file_is_refused() -> None:
    with pytest.raises(BatchError):
        merge_pdfs([])
    with pytest.raises(BatchError, match="2"):
        merge_pdfs([letter("letter_1", context("es", invoices=1)), b"not a pdf"])


def test_the_logo_is_printed_from_the_letterhead(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (240, 90), "#1f3b5c").save(logo)
    with_logo = replace(LETTERHEAD, logo_path=str(logo))
    assert images(letter("letter_1", context("es"), letterhead=with_logo)) == 1
    missing = replace(LETTERHEAD, logo_path=str(tmp_path / "no.png"))
    assert images(letter("letter_1", context("es"), letterhead=missing)) == 0


@pytest.fixture
def listener() -> Iterator[list[str]]:
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hits.append(f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield hits
    finally:
        server.shutdown()
        server.server_close()


def test_printing_reaches_no_file_and_no_network(listener: list[str], tmp_path: Path) -> None:
    base = listener.pop()
    secret = tmp_path / "secret.png"
    Image.new("RGB", (10, 10), "red").save(secret)
    body = (f'<p>Hola</p><img src="{base}/pixel.png"><img src="file://{secret}">'
            f'<link rel="stylesheet" href="{base}/style.css">'
            f'<p style="background: url({base}/bg.png)">x</p>')
    ctx = context("es", invoices=1)
    rendered = RenderedMessage(subject="Aviso", text="", html=body, sms="")
    pdf = render_letter_pdf(rendered=rendered, ctx=ctx, letterhead=LETTERHEAD,
                            legal_text=legal_text_for("CL", "es"))
    assert listener == [] and images(pdf) == 0


def test_the_letter_html_is_a_complete_document_in_the_debtors_language() -> None:
    ctx = context("en", invoices=1)
    rendered = render(TEMPLATES["letter_1"].parts_for("en"), ctx)
    html = letter_html(rendered=rendered, ctx=ctx, letterhead=LETTERHEAD,
                       legal_text=legal_text_for("CL", "en"))
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert "Yours faithfully," in html and "Customer id" in html
