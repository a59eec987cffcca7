"""The default strategy's texts: every template renders in Spanish and English for real data."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from cobranza.messaging.templates import check_template, load_default_templates, render
from tests.unit.messaging.contexts import HOW_TO_PAY, INVOICES, TOTALS, context

TEMPLATES = load_default_templates()
MESSAGES = ("reminder_before_due", "due_today", "first_overdue", "second_reminder")
LETTERS = ("letter_1", "letter_2", "letter_3_final")
SCRIPTS = ("call_first", "call_broken_promise", "call_large_amount")
# Words that only a Spanish text uses, and their English counterparts.
SPANISH = re.compile(r"\b(factura|facturas|saldo|pago|usted|su|le|para|que|gracias)\b")
ENGLISH = re.compile(r"\b(invoice|invoices|the|your|you|pay|payment|please|thank)\b")
CASES = [(code, lang, n) for code in (*MESSAGES, *LETTERS, *SCRIPTS) for lang in ("es", "en")
         for n in (1, 3)]


def test_the_defaults_hold_every_step_of_the_default_strategy_in_both_languages() -> None:
    assert set(TEMPLATES) == {*MESSAGES, *LETTERS, *SCRIPTS}
    for template in TEMPLATES.values():
        assert set(template.languages) == {"es", "en"}


def test_check_template_finds_no_problem_in_the_defaults() -> None:
    problems = [p for t in TEMPLATES.values() for parts in t.languages.values()
                for p in check_template(parts)]
    assert problems == []


@pytest.mark.parametrize(("code", "lang", "n"), CASES)
def test_every_text_names_each_invoice_the_total_and_how_to_pay(code: str, lang: str,
                                                                  n: int) -> None:
    ctx = context(lang, invoices=n, step=code)
    out = render(TEMPLATES[code].parts_for(lang), ctx)
    for number, *_rest in INVOICES[:n]:
        assert number in out.text
    assert TOTALS[n] in out.text and TOTALS[n] in out.subject + out.text
    assert HOW_TO_PAY[lang] in out.text
    assert out.subject and "\n" not in out.subject
    words = SPANISH if lang == "es" else ENGLISH
    assert len(set(words.findall(out.text.lower()))) >= 3
    if lang == "es":
        assert not re.search(r"\b(the|your|please|invoice)\b", out.text.lower())


@pytest.mark.parametrize(("code", "lang", "n"),
                         [c for c in CASES if c[0] in MESSAGES])
def test_messages_list_invoices_in_html_and_offer_the_opt_out(code: str, lang: str,
                                                              n: int) -> None:
    ctx = context(lang, invoices=n, step=code)
    out = render(TEMPLATES[code].parts_for(lang), ctx)
    for number, *_rest in INVOICES[:n]:
        assert f"<td>{number}</td>" in out.html
    assert TOTALS[n] in out.html and ctx.unsubscribe in out.html
    assert ctx.unsubscribe in out.text and ctx.unsubscribe in out.sms
    assert 0 < len(out.sms) <= 320 and "<" not in out.sms
    assert TOTALS[n] in out.sms


@pytest.mark.parametrize("code", MESSAGES)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_sms_about_many_invoices_counts_them_and_stays_short(code: str, lang: str) -> None:
    ctx = context(lang, invoices=1)
    many = tuple(replace(ctx.invoices[0], number=f"F-{100200 + n}") for n in range(12))
    sms = render(TEMPLATES[code].parts_for(lang), replace(ctx, invoices=many)).sms
    assert len(sms) <= 320 and "F-100200" not in sms
    assert ("12 facturas" if lang == "es" else "12 invoices") in sms


def test_without_an_opt_out_address_no_empty_opt_out_line_is_printed() -> None:
    ctx = context("es", invoices=1, unsubscribe="")
    out = render(TEMPLATES["second_reminder"].parts_for("es"), ctx)
    assert "darse de baja" not in out.text and "SMS:" not in out.sms


def test_first_overdue_asks_what_is_wrong_and_for_a_satisfaction_answer() -> None:
    es = render(TEMPLATES["first_overdue"].parts_for("es"), context("es", invoices=1)).text
    en = render(TEMPLATES["first_overdue"].parts_for("en"), context("en", invoices=1)).text
    assert "¿tuvo algún problema con el producto o el servicio" in es
    assert "del 1 (nada satisfecho) al 5 (muy satisfecho)" in es
    assert "was there any problem with the product or service" in en
    assert "from 1 (not at all satisfied) to 5 (very satisfied)" in en


def test_days_past_due_and_days_to_due_read_naturally() -> None:
    ahead = context("es", invoices=1, today=INVOICES[0][2].replace(day=1))
    out = render(TEMPLATES["reminder_before_due"].parts_for("es"), ahead).text
    assert "vence en 4 días" in out
    late = context("en", invoices=1, today=INVOICES[0][2].replace(day=6))
    assert "1 day past due" in render(TEMPLATES["due_today"].parts_for("en"), late).text


def test_the_final_notice_names_the_agency_and_a_date_and_is_no_threat() -> None:
    ctx = context("es", invoices=3)
    text = render(TEMPLATES["letter_3_final"].parts_for("es"), ctx).text
    assert "Recupera Cobranzas SpA" in text and "10 de abril de 2026" in text
    assert "siempre puede pagar directamente a Distribuidora Sur Ltda." in text
    unnamed = render(TEMPLATES["letter_3_final"].parts_for("en"),
                     context("en", agency_name="")).text
    assert "an external collection agency" in unnamed
    for word in ("embargo", "demanda", "judicial", "lawsuit", "seize", "court"):
        assert word not in text.lower() and word not in unnamed.lower()


def test_the_second_letter_mentions_interest_and_costs_only_as_the_terms_set_them() -> None:
    text = render(TEMPLATES["letter_2"].parts_for("es"), context("es")).text
    assert "cuando las condiciones de pago acordadas así lo establecen" in text
    assert "dentro de los límites que fija la ley" in text


def test_dates_are_written_in_the_debtors_language() -> None:
    es = render(TEMPLATES["due_today"].parts_for("es"), context("es")).text
    en = render(TEMPLATES["due_today"].parts_for("en"), context("en")).text
    assert "26 de marzo de 2026" in es and "5 mar 2026" in es
    assert "March 26, 2026" in en and "Mar 5, 2026" in en


def test_a_customer_in_another_language_gets_spanish_the_default() -> None:
    parts = TEMPLATES["due_today"].parts_for("pt_BR")
    assert parts.language == "es"
