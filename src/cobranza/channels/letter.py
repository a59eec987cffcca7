"""Collection letters as PDF (WeasyPrint), one per debtor, and print batches of many.

A letter is the rendered template's HTML body set in the organisation's letterhead, with the
invoice table, a signature block and the jurisdiction's legal text in every page's footer.
WeasyPrint prints it; a print batch joins the letters' PDFs with pypdf, since WeasyPrint writes
PDF but cannot read it back.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from babel.dates import format_date
from markupsafe import Markup
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from cobranza.i18n import _, language
from cobranza.messaging.context import InvoiceLine, MessageContext
from cobranza.messaging.letterhead import (
    Letterhead,
    locale_of,
    place_and_date,
    print_document,
    render_layout,
    to_pdf,
)
from cobranza.messaging.templates import RenderedMessage


class BatchError(ValueError):
    """A print batch cannot be made: no letters, or one that is not a readable PDF."""


def legal_text_for(country: str, language_code: str) -> str:
    """The footer every printed letter carries in this jurisdiction, in the debtor's language."""
    with language(language_code):
        code = country.upper()
        if code == "CL":  # Ley 19.496 art. 37 (shared/DOMAIN.md, contact rules)
            return _(
                "Extrajudicial collection under article 37 of Chile's consumer protection law "
                "(Ley 19.496). Collection contacts take place only Monday to Saturday between "
                "08:00 and 20:00, never on public holidays. Extrajudicial collection costs may "
                "be charged only after 20 days overdue and within the legal caps. You may "
                "always pay the creditor directly.")
        if code == "MX":  # Condusef's rules for collection (REDECO)
            return _(
                "Collection under the rules of Mexico's Condusef for collection agencies "
                "(REDECO): this notice states who is collecting, on behalf of which creditor, "
                "and the amount owed. Collection contacts take place only between 07:00 and "
                "22:00, and the debt is never discussed with third parties.")
        return _("This letter concerns the balance stated in it. If you have already paid, "
                 "please disregard it; if you disagree with any amount, please contact us.")


def _labels(letterhead: Letterhead) -> dict[str, str]:
    return {
        "tax_id": letterhead.tax_id_label(), "customer_id": _("Customer id"),
        "subject": _("Subject"), "invoices": _("Invoice details"), "invoice": _("Invoice"),
        "issued": _("Issued"), "due": _("Due"), "amount": _("Amount"), "open": _("Open"),
        "days_past_due": _("Days past due"), "total": _("Total"),
        "closing": _("Yours faithfully,"), "department": _("Collections department"),
    }


def _invoice_row(line: InvoiceLine, locale: str) -> dict[str, str]:
    return {
        "number": line.number,
        "issue_date": str(format_date(line.issue_date, format="medium", locale=locale)),
        "due_date": str(format_date(line.due_date, format="medium", locale=locale)),
        "amount": line.amount, "open_amount": line.open_amount,
        "days_past_due": str(line.days_past_due) if line.days_past_due > 0 else "—",
    }


def letter_html(*, rendered: RenderedMessage, ctx: MessageContext, letterhead: Letterhead,
                legal_text: str) -> str:
    """The letter as one self-contained HTML document (the source a print batch lays out)."""
    locale = locale_of(ctx.language)
    with language(ctx.language):
        labels = _labels(letterhead)
    # The body was rendered by the sandboxed, autoescaping template engine: it is safe HTML.
    return render_layout(
        "letter.html.j2", language=locale, labels=labels, letterhead=letterhead,
        logo=letterhead.logo_uri(), legal_text=legal_text,
        place_date=place_and_date(letterhead, ctx.today, ctx.language),
        customer_name=ctx.customer_name, customer_id=ctx.customer_id,
        subject=rendered.subject, body=Markup(rendered.html),
        invoices=[_invoice_row(line, locale) for line in ctx.invoices],
        total_open=ctx.total_open)


def render_letter_pdf(*, rendered: RenderedMessage, ctx: MessageContext, letterhead: Letterhead,
                      legal_text: str) -> bytes:
    """One debtor's letter as an A4 PDF."""
    return to_pdf(print_document(letter_html(rendered=rendered, ctx=ctx, letterhead=letterhead,
                                             legal_text=legal_text)))


def merge_pdfs(pdfs: Sequence[bytes]) -> bytes:
    """One print-batch PDF holding every letter's pages, in the order given.

    The batch joins the very PDFs that were filed as sent (pypdf copies their pages), so what is
    printed is what was recorded, even if the templates changed since.
    """
    if not pdfs:
        raise BatchError(_("a print batch needs at least one letter"))
    writer = PdfWriter()
    for number, pdf in enumerate(pdfs, start=1):
        try:
            writer.append(PdfReader(io.BytesIO(pdf)))
        except PdfReadError as exc:
            raise BatchError(_("letter {n} of the print batch is not a readable PDF: {error}",
                               n=number, error=str(exc))) from exc
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
