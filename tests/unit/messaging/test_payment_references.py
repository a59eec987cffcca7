"""Every reminder, letter and call script tells the debtor which reference to quote."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cobranza.core.references import find_clabes, find_rf, is_rf
from cobranza.messaging.context import INVOICE_VARIABLES, TEMPLATE_VARIABLES
from cobranza.messaging.templates import (
    TemplateParts,
    check_template,
    load_default_templates,
    render,
)
from tests.unit.messaging.contexts import CLABE, PAYMENT_REFERENCE, REFERENCES, context

TEMPLATES = load_default_templates()
MESSAGES = ("reminder_before_due", "due_today", "first_overdue", "second_reminder")
LETTERS = ("letter_1", "letter_2", "letter_3_final")
SCRIPTS = ("call_first", "call_broken_promise", "call_large_amount")
WRITTEN = (*MESSAGES, *LETTERS)


def _electronic(printed: str) -> str:
    return printed.replace(" ", "")


def test_the_references_are_template_variables() -> None:
    assert {"payment_reference", "clabe"} <= TEMPLATE_VARIABLES
    assert "reference" in INVOICE_VARIABLES
    parts = TemplateParts(code="t", language="es", text="{{ invoices[0].reference }} "
                          "{{ payment_reference }} {{ clabe }}")
    assert check_template(parts) == []


@pytest.mark.parametrize("code", (*WRITTEN, *SCRIPTS))
@pytest.mark.parametrize("lang", ["es", "en"])
def test_one_invoice_text_and_html_carry_its_rf_reference(code: str, lang: str) -> None:
    out = render(TEMPLATES[code].parts_for(lang), context(lang, invoices=1, step=code))
    assert is_rf(REFERENCES[0])
    assert REFERENCES[0] in out.text
    assert find_rf(out.text) == [_electronic(REFERENCES[0])]
    if code in WRITTEN:
        assert REFERENCES[0] in out.html
    label = "Referencia de pago: " if lang == "es" else "Payment reference: "
    assert label + REFERENCES[0] in out.text


@pytest.mark.parametrize("code", WRITTEN)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_several_invoices_list_each_reference_and_the_customers_for_the_whole_balance(
        code: str, lang: str) -> None:
    out = render(TEMPLATES[code].parts_for(lang), context(lang, invoices=3, step=code))
    expected = [_electronic(r) for r in (*REFERENCES, PAYMENT_REFERENCE)]
    assert find_rf(out.text) == expected
    assert find_rf(out.html) == expected
    assert ("- Factura F-001041: " if lang == "es" else "- Invoice F-001041: ") \
        + REFERENCES[1] in out.text


@pytest.mark.parametrize("code", WRITTEN)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_mexican_customer_reads_the_clabe_to_transfer_to(code: str, lang: str) -> None:
    out = render(TEMPLATES[code].parts_for(lang), context(lang, invoices=3, clabe=CLABE))
    label = "CLABE para transferencias: " if lang == "es" else "CLABE for bank transfers: "
    assert label + CLABE in out.text
    assert find_clabes(out.text) == [CLABE] and find_clabes(out.html) == [CLABE]
    chilean = render(TEMPLATES[code].parts_for(lang), context(lang, invoices=3))
    assert "CLABE" not in chilean.text + chilean.html + chilean.sms


@pytest.mark.parametrize("code", MESSAGES)
@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("n", [1, 3])
def test_the_sms_names_the_clabe_else_a_reference_and_stays_short(code: str, lang: str,
                                                                   n: int) -> None:
    plain = render(TEMPLATES[code].parts_for(lang), context(lang, invoices=n)).sms
    assert find_rf(plain) == [_electronic(REFERENCES[0] if n == 1 else PAYMENT_REFERENCE)]
    mexican = render(TEMPLATES[code].parts_for(lang),
                     context(lang, invoices=n, clabe=CLABE)).sms
    assert f"CLABE {CLABE}." in mexican and find_rf(mexican) == []
    assert len(plain) <= 320 and len(mexican) <= 320


def test_a_context_without_references_prints_no_empty_reference_line() -> None:
    ctx = context("es", invoices=1, payment_reference="")
    ctx = replace(ctx, invoices=tuple(replace(i, reference="") for i in ctx.invoices))
    out = render(TEMPLATES["second_reminder"].parts_for("es"), ctx)
    assert "Referencia" not in out.text and "payment-references" not in out.html
    assert "Ref." not in out.sms
