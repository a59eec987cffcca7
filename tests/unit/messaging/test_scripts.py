"""Call scripts: the right one for the call, in the customer's language, stating what MX requires."""

from __future__ import annotations

from datetime import date

import pytest

from cobranza.messaging.scripts import CallSituation, call_script, choose_situation
from cobranza.messaging.templates import TemplateError, load_default_templates
from tests.unit.messaging.contexts import HOW_TO_PAY, INVOICES, TOTALS, context

TEMPLATES = load_default_templates()


@pytest.mark.parametrize(("broken", "overdue", "threshold", "expected"), [
    (False, 100_000, 5_000_000, CallSituation.FIRST_CALL),
    (False, 5_000_000, 5_000_000, CallSituation.LARGE_AMOUNT),
    (True, 9_000_000, 5_000_000, CallSituation.BROKEN_PROMISE),  # the promise comes first
    (True, 100, 5_000_000, CallSituation.BROKEN_PROMISE),
    (False, 9_000_000, 0, CallSituation.FIRST_CALL),  # no threshold: nothing is large
])
def test_the_situation_picks_the_script(broken: bool, overdue: int, threshold: int,
                                        expected: CallSituation) -> None:
    assert choose_situation(broken_promise=broken, overdue_minor=overdue,
                            large_threshold_minor=threshold) is expected


@pytest.mark.parametrize("situation", list(CallSituation))
@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_script_identifies_caller_and_creditor_states_the_amount_and_listens(
        situation: CallSituation, lang: str) -> None:
    ctx = context(lang, promise_date=date(2026, 3, 20), broken_promise=True)
    script = call_script(situation, ctx, TEMPLATES)
    assert ctx.organisation_name in script and ctx.customer_name in script
    assert TOTALS[3] in script and HOW_TO_PAY[lang] in script
    for number, *_rest in INVOICES:
        assert number in script
    if lang == "es":
        for step in ("Saludo", "Mi nombre es", "El monto" if situation != "broken_promise"
                     else "El compromiso y el monto", "Escuche", "Ofrezca una alternativa",
                     "prórroga", "plan de pago", "Registre"):
            assert step in script
        assert "no mencione la deuda" in script or "No comente la deuda" in script
    else:
        for step in ("Greeting", "My name is", "Listen", "Offer an alternative", "extension",
                     "payment plan", "Record"):
            assert step in script
        assert "the debt" in script


def test_the_broken_promise_script_names_the_promised_date() -> None:
    ctx = context("es", promise_date=date(2026, 3, 20), broken_promise=True)
    script = call_script(CallSituation.BROKEN_PROMISE, ctx, TEMPLATES)
    assert "el 20 de marzo de 2026 acordamos un pago" in script
    undated = call_script(CallSituation.BROKEN_PROMISE, context("en"), TEMPLATES)
    assert "we had agreed a payment" in undated


def test_scripts_are_titled_in_the_customers_language() -> None:
    assert call_script(CallSituation.LARGE_AMOUNT, context("es"), TEMPLATES).startswith(
        "GUION DE LLAMADA: SALDO ELEVADO")
    assert call_script(CallSituation.FIRST_CALL, context("en"), TEMPLATES).startswith(
        "CALL SCRIPT: FIRST CONTACT")


def test_a_missing_script_template_is_a_template_error() -> None:
    with pytest.raises(TemplateError) as caught:
        call_script(CallSituation.FIRST_CALL, context("es"), {})
    assert caught.value.template == "call_first"
