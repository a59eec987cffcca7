"""Templates are checked against the context's variables, and fail loudly with located messages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cobranza.i18n import language
from cobranza.messaging.templates import (
    TemplateError,
    TemplateParts,
    check_template,
    parse_templates,
    render,
)
from tests.unit.messaging.contexts import context


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages for the strategy's author in English, unless a test says otherwise."""
    with language("en"):
        yield


def parts(**sources: str) -> TemplateParts:
    return TemplateParts(code="reminder_x", language="es", **sources)


def test_an_unknown_variable_is_named_with_its_place_and_what_was_expected() -> None:
    found = check_template(parts(text="Estimado(a):\n{{ custmer_name }}"))
    assert len(found) == 1
    assert found[0].startswith(
        "template 'reminder_x' (es, text), line 2: unknown variable 'custmer_name'; "
        "expected one of: ")
    assert "customer_name" in found[0] and "total_open" in found[0]


def test_an_unknown_invoice_field_is_caught_in_loops_indexes_and_filters() -> None:
    source = ("{% for i in invoices %}\n{{ i.number }} {{ i.amout }}\n{% endfor %}\n"
              "{{ invoices[0].numero }}\n{{ invoices|map(attribute='saldo')|join(', ') }}\n"
              "{% for f in invoices|sort(attribute='due_date') %}{{ f.dpd }}{% endfor %}")
    found = check_template(parts(html=source))
    assert [m.split(": unknown invoice field ")[1].split(";")[0] for m in found] == [
        "'amout'", "'numero'", "'saldo'", "'dpd'"]
    assert found[0].startswith("template 'reminder_x' (es, html), line 2: ")
    assert "expected one of: amount, currency, days_past_due" in found[0]


def test_a_syntax_error_is_reported_with_its_line() -> None:
    found = check_template(parts(subject="Hola", sms="Hola\n{% if total_open %}sin cierre"))
    assert len(found) == 1
    assert found[0].startswith("template 'reminder_x' (es, sms), line 2: ")
    assert "endif" in found[0]


def test_loop_variables_and_set_variables_are_not_unknown() -> None:
    source = ("{% set n = invoices|length %}{{ n }}{% for i in invoices %}{{ loop.index }} "
              "{{ i.open_amount }}{% endfor %}{{ today|date }} {{ today|add_days(15)|date }}")
    assert check_template(parts(text=source)) == []


def test_python_helpers_are_not_available_to_templates() -> None:
    found = check_template(parts(text="{{ range(3) }}{{ lipsum() }}"))
    assert [m.split("unknown variable ")[1].split(";")[0] for m in found] == [
        "'lipsum'", "'range'"]


def test_messages_are_in_the_readers_language() -> None:
    with language("es"):
        found = check_template(parts(text="{{ custmer_name }}"))
    assert found[0].startswith("plantilla 'reminder_x' (es, text), línea 1: variable "
                               "desconocida 'custmer_name'; se esperaba una de: ")


def test_rendering_a_missing_field_is_a_template_error_naming_it() -> None:
    with pytest.raises(TemplateError) as caught:
        render(parts(text="Hola {{ custmer_name }}"), context("es"))
    assert caught.value.field == "custmer_name"
    assert (caught.value.template, caught.value.language, caught.value.part) == (
        "reminder_x", "es", "text")
    assert "custmer_name" in str(caught.value) and "reminder_x" in str(caught.value)


def test_rendering_a_missing_invoice_field_names_it() -> None:
    with pytest.raises(TemplateError) as caught:
        render(parts(html="{% for i in invoices %}{{ i.amout }}{% endfor %}"), context("es"))
    assert caught.value.field == "amout" and caught.value.part == "html"


def test_a_field_missing_on_a_value_is_named_too() -> None:
    with pytest.raises(TemplateError) as caught:
        render(parts(text="{{ today.semana }}"), context("es"))
    assert caught.value.field == "semana"


def test_the_sandbox_refuses_python_internals() -> None:
    with pytest.raises(TemplateError) as caught:
        render(parts(text="{{ customer_name.__class__.__mro__[1].__subclasses__() }}"),
               context("es"))
    assert caught.value.part == "text"


def test_html_is_escaped_and_text_is_not() -> None:
    ctx = context("es", customer_name="Pérez & Hijos <Ltda>")
    out = render(parts(text="{{ customer_name }}", html="<p>{{ customer_name }}</p>"), ctx)
    assert out.text == "Pérez & Hijos <Ltda>"
    assert out.html == "<p>Pérez &amp; Hijos &lt;Ltda&gt;</p>"


def test_subject_and_sms_are_single_lines() -> None:
    out = render(parts(subject="Aviso\n  de pago ", sms="Hola\n{{ total_open }}\n"), context())
    assert (out.subject, out.sms) == ("Aviso de pago", "Hola $3.975.000")


def test_a_missing_promise_date_prints_nothing_rather_than_failing() -> None:
    assert render(parts(text="[{{ promise_date|date }}]"), context()).text == "[]"


YAML = """\
saludo:
  es:
    subject: Hola
    text: "{{ customer_name }}"
  en:
    subject: Hello
    text: "{{ customer_name }}"
"""


def test_templates_load_from_yaml_per_language() -> None:
    templates, errors = parse_templates(YAML, source="strategy.yaml")
    assert errors == []
    assert templates["saludo"].parts_for("en").subject == "Hello"
    assert templates["saludo"].parts_for("es_CL").language == "es"


def test_yaml_mistakes_are_named_with_the_file_and_template() -> None:
    bad = YAML.replace("subject: Hello", "asunto: Hello")
    _templates, errors = parse_templates(bad, source="strategy.yaml")
    assert errors == ["strategy.yaml: template 'saludo' (en): unknown part 'asunto'; expected "
                      "one of subject, text, html, sms"]
    _templates, errors = parse_templates(YAML.replace("  en:", "  pt:"), source="s.yaml")
    assert errors == ["s.yaml: template 'saludo': unknown language 'pt'; expected one of es, en"]
    _templates, errors = parse_templates("saludo:\n  es: [\n", source="s.yaml")
    assert len(errors) == 1 and errors[0].startswith("s.yaml, line ")
    _templates, errors = parse_templates(YAML.replace("{{ customer_name }}", "{{ nombre }}"),
                                         source="s.yaml")
    assert len(errors) == 2 and errors[0].startswith(
        "s.yaml: template 'saludo' (es, text), line 1: unknown variable 'nombre'")
