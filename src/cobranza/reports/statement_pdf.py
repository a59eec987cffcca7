"""A customer's statement (estado de cuenta) as a PDF, attached to reminders and printable.

It shows what `statement.build` computed, nothing more: each document, what settled it, its open
amount, days past due and accrued interest, the payments and credit notes, and a summary per
currency (never adding currencies together, shared/DOMAIN.md "Money").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from cobranza.core.aging import DEFAULT_EDGES, bucket_names
from cobranza.core.allocation import Credit, SourceKind
from cobranza.i18n import _
from cobranza.i18n import language as in_language  # `language` is a parameter here
from cobranza.messaging.letterhead import Letterhead, print_document, render_layout, to_pdf
from cobranza.reports.render import money
from cobranza.reports.statement import Statement, StatementLine


def _kind_label(kind: str) -> str:
    return {"invoice": _("Invoice"), "fee": _("Late fee"),
            "interest": _("Late interest")}.get(kind, kind)


def _source_label(kind: SourceKind) -> str:
    return {SourceKind.PAYMENT: _("Payment"), SourceKind.CREDIT_NOTE: _("Credit note"),
            SourceKind.DISCOUNT: _("Early-payment discount")}[kind]


def _labels() -> dict[str, str]:
    return {
        "tax_id": _("Tax id"), "document": _("Document"), "issued": _("Issued"), "due": _("Due"),
        "amount": _("Amount"), "settled_by": _("Settled by"), "open": _("Open"),
        "days_past_due": _("Days past due"), "accrued_interest": _("Accrued interest"),
        "credits": _("Payments and credit notes"), "date": _("Date"), "kind": _("Kind"),
        "reference": _("Reference"), "summary": _("Summary"), "total_open": _("Total open"),
        "unapplied": _("Unapplied"),
        "capped": _("* Interest limited to the legal maximum rate."),
        "interest_note": _("Accrued interest is computed up to the statement date and has not "
                           "been charged yet."),
    }


class _Formatter:
    """Dates and amounts in the reader's locale."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def day(self, value: date) -> str:
        return str(format_date(value, format="medium", locale=self.locale))

    def amount(self, minor: int, currency: str) -> str:
        return money(minor, currency, self.locale)


def _line(line: StatementLine, fmt: _Formatter) -> dict[str, Any]:
    cur = line.currency
    settled = [f"{fmt.day(a.date)} · {_source_label(a.source_kind)} {a.source_key} · "
               f"{fmt.amount(a.amount, cur)}" for a in line.allocations]
    interest = fmt.amount(line.accrued_interest, cur) if line.accrued_interest else ""
    return {
        "number": line.number, "kind": _kind_label(line.kind), "issued": fmt.day(line.issue_date),
        "due": fmt.day(line.due_date), "amount": fmt.amount(line.amount, cur),
        "settled": settled, "open": fmt.amount(line.open, cur),
        "days_past_due": str(line.days_past_due) if line.days_past_due > 0 else "—",
        "interest": interest + (" *" if line.interest_capped else ""),
    }


def _credit(credit: Credit, currency: str, fmt: _Formatter) -> dict[str, str]:
    return {"date": fmt.day(credit.date), "kind": _source_label(credit.kind), "key": credit.key,
            "amount": fmt.amount(credit.amount, currency)}


def _currencies(statement: Statement, fmt: _Formatter) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    names = [_("current") if name == "current" else name for name in bucket_names(DEFAULT_EDGES)]
    for cur, aging in sorted(statement.summary.items()):
        lines = [ln for ln in statement.lines if ln.currency == cur]
        credits = sorted((c for k, c in statement.credits if k == cur),
                         key=lambda c: (c.date, c.key))
        sections.append({
            "code": cur, "lines": [_line(ln, fmt) for ln in lines],
            "credits": [_credit(c, cur, fmt) for c in credits],
            "buckets": [(name, fmt.amount(v, cur)) for name, v in zip(names, aging.buckets,
                                                                       strict=True)],
            "total": fmt.amount(aging.total, cur), "unapplied": fmt.amount(aging.unapplied, cur),
            "interest": fmt.amount(aging.accrued_interest, cur),
            "capped": any(ln.interest_capped for ln in lines),
        })
    return sections


def statement_html(statement: Statement, *, letterhead: Letterhead, locale: str,
                   language: str) -> str:
    """The statement as one self-contained HTML document, in the reader's language and locale."""
    fmt = _Formatter(locale)
    with in_language(language):
        labels = _labels()
        labels["tax_id"] = letterhead.tax_id_label()
        labels["nothing_owed"] = _("Nothing is owed as of {date}.", date=fmt.day(statement.as_of))
        title = _("Statement of account")
        meta = [(_("Customer"), statement.name), (_("Customer id"), statement.customer_id)]
        if statement.tax_id:
            meta.append((labels["tax_id"], statement.tax_id))
        meta.append((_("As of"), str(format_date(statement.as_of, format="long", locale=locale))))
        footer = _("Statement of {name} ({id}) as of {date}", name=statement.name,
                   id=statement.customer_id, date=fmt.day(statement.as_of))
        footer = " · ".join(v for v in (footer, letterhead.email, letterhead.phone) if v)
        currencies = _currencies(statement, fmt)
    return render_layout("statement.html.j2", language=language, title=title, meta=meta,
                         labels=labels, letterhead=letterhead, logo=letterhead.logo_uri(),
                         footer=footer, currencies=currencies)


def statement_pdf(statement: Statement, *, letterhead: Letterhead, locale: str,
                  language: str) -> bytes:
    """The customer's statement as an A4 PDF (the e-mail attachment)."""
    return to_pdf(print_document(statement_html(statement, letterhead=letterhead, locale=locale,
                                                language=language)))
