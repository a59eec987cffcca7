"""The strategy YAML format: DOMAIN.md's default as data, round trips, and located errors."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib.resources import files

import pytest

from cobranza.core.contact import Limits
from cobranza.core.strategy import Action, Anchor, Channel, Conditions, Step, Strategy, Tone
from cobranza.dunning.strategy_yaml import (
    ParsedStrategy,
    StrategyError,
    dump_strategy,
    parse_strategy,
    strategy_document,
)
from cobranza.i18n import language
from cobranza.messaging.templates import Template, TemplateParts, load_default_templates

DEFAULTS = load_default_templates()


def default_text() -> str:
    return (files("cobranza.dunning") / "default_strategy.yaml").read_text(encoding="utf-8")


def parsed(text: str, code: str | None = None) -> ParsedStrategy:
    result = parse_strategy(text, source="s.yaml", known_templates=DEFAULTS, code=code)
    assert isinstance(result, ParsedStrategy), "\n".join(map(str, result))
    return result


def errors(text: str) -> list[StrategyError]:
    with language("en"):
        result = parse_strategy(text, source="s.yaml", known_templates=DEFAULTS)
    assert isinstance(result, list), "expected errors"
    return result


def test_the_default_strategy_is_domain_md_table() -> None:
    strategy = parsed(default_text()).strategy
    # DOMAIN.md, "Default collection strategy": offset, action, tone, template, in this order.
    assert [(s.code, s.offset_days, s.action, s.tone, s.template) for s in strategy.steps] == [
        ("before_due", -7, Action.MESSAGE, Tone.FRIENDLY, "reminder_before_due"),
        ("due_today", 0, Action.MESSAGE, Tone.FRIENDLY, "due_today"),
        ("first_overdue", 3, Action.MESSAGE, Tone.FRIENDLY, "first_overdue"),
        ("second_reminder", 10, Action.MESSAGE, Tone.FIRM, "second_reminder"),
        ("call", 15, Action.CALL, Tone.FIRM, "call_first"),
        ("letter_1", 21, Action.LETTER, Tone.FORMAL, "letter_1"),
        ("letter_2", 30, Action.LETTER, Tone.FORMAL, "letter_2"),
        ("late_fee", 30, Action.FEE, None, None),
        ("letter_3", 45, Action.LETTER, Tone.FINAL, "letter_3_final"),
        ("agency", 90, Action.AGENCY, None, None),
    ]
    assert strategy.code == "default" and strategy.is_default and strategy.segments == ()
    assert all(s.anchor is Anchor.DUE for s in strategy.steps)
    # Messages go by the customer's preferred channel.
    assert all(s.channel is None for s in strategy.steps)
    fee, agency = strategy.steps[7], strategy.steps[9]
    assert fee.fee_pct == Decimal(5) and fee.fee_fixed == ()
    assert not any(s.requires_previous for s in strategy.steps)  # DOMAIN's table, as it is
    assert agency.params == (("agency", "Agencia externa"), ("commission_pct", "30"))


def test_the_default_strategy_names_only_shipped_templates() -> None:
    assert isinstance(parse_strategy(default_text(), source="d.yaml"), list)
    assert isinstance(parse_strategy(default_text(), source="d.yaml",
                                     known_templates=set(DEFAULTS)), ParsedStrategy)


RICH = Strategy(
    code="retail-2026", name="Minoristas: más firme", is_default=False,
    segments=("retail", "Pyme"),
    steps=(
        Step("sms_before", Action.MESSAGE, -3, channel=Channel.SMS, tone=Tone.FRIENDLY,
             template="mine", conditions=Conditions(countries=("CL",))),
        Step("month_end", Action.MESSAGE, 0, anchor=Anchor.MONTH_END, tone=Tone.FIRM,
             template="due_today"),
        Step("visit", Action.VISIT, 5, anchor=Anchor.PREVIOUS, tone=Tone.FORMAL,
             requires_previous=True,
             conditions=Conditions(segments=("retail",),
                                   min_overdue=(("CLP", Decimal("50000")),
                                                ("MXN", Decimal("1500.50"))))),
        Step("fee", Action.FEE, 25, fee_fixed=(("CLP", Decimal("5000")),),
             fee_pct=Decimal("2.5")),
        Step("interest", Action.INTEREST, 30),
        Step("block", Action.CREDIT_BLOCK, 31),
        Step("hook", Action.WEBHOOK, 32, params=(("url", "https://erp.example.com/hook"),)),
        Step("agency", Action.AGENCY, 120, params=(("agency", "Cobros S.A."),
                                                   ("commission_pct", "12.5"))),
    ))
RICH_TEMPLATES = {"mine": Template("mine", {
    "es": TemplateParts("mine", "es", subject="Hola {{ customer_name }}",
                        text="Estimado {{ customer_name }}:\n\nSu saldo es {{ total_open }}.\n",
                        sms="Vence: {{ earliest_due_date|date }}"),
    "en": TemplateParts("mine", "en", text="yes"),
})}
RICH_LIMITS = Limits(written_per_7_days=1, written_min_days_apart=3, voice_per_7_days=1)


def test_dump_then_parse_gives_back_the_same_strategy_limits_and_templates() -> None:
    text = dump_strategy(RICH, RICH_TEMPLATES, RICH_LIMITS)
    again = parsed(text)
    assert again == ParsedStrategy(RICH, RICH_LIMITS, RICH_TEMPLATES)
    assert dump_strategy(again.strategy, again.templates, again.limits) == text
    assert "written_per_7_days: 1" in text and "calls_per_7_days: 1" in text


def test_the_default_strategy_and_its_templates_round_trip() -> None:
    first = parsed(default_text())
    text = dump_strategy(first.strategy, DEFAULTS, first.limits)
    assert parse_strategy(text, source="x") == ParsedStrategy(first.strategy, first.limits,
                                                              DEFAULTS)


def test_json_in_the_same_shape_reads_like_the_yaml() -> None:
    document = strategy_document(RICH, RICH_TEMPLATES, RICH_LIMITS)
    assert parsed(json.dumps(document)) == ParsedStrategy(RICH, RICH_LIMITS, RICH_TEMPLATES)
    assert parsed(json.dumps(document, separators=(",", ":"))).strategy == RICH


BASE = """\
code: test
name: Test
limits:
  written_per_7_days: 2
steps:
  - code: first
    offset: -7
    action: message
    tone: friendly
    template: reminder_before_due
  - code: second
    offset: 10
    action: message
    channel: email
    tone: firm
    template: own
  - code: fee
    offset: 30
    action: fee
    fee: {pct: "5"}
  - code: agency
    offset: 90
    action: agency
    params: {agency: Externa, commission_pct: "30"}
templates:
  own:
    es:
      subject: Aviso para {{ customer_name }}
      text: Saldo {{ total_open }}
"""


def test_the_base_of_the_invalid_cases_is_valid() -> None:
    assert [s.code for s in parsed(BASE).strategy.steps] == ["first", "second", "fee", "agency"]


# (what to replace in BASE, with what, expected line, field, part of the message)
INVALID = [
    ("action: message\n    tone: friendly", "action: mesage\n    tone: friendly", 8,
     "steps[0].action", "unknown action 'mesage'"),
    ("channel: email", "channel: fax", 14, "steps[1].channel", "unknown channel 'fax'"),
    ("channel: email", "channel: letter", 14, "steps[1].channel",
     "channel 'letter' does not fit a message"),
    ("tone: firm", "tone: angry", 15, "steps[1].tone", "unknown tone 'angry'"),
    ("offset: -7\n", "offset: -7\n    anchor: payday\n", 8, "steps[0].anchor",
     "unknown anchor 'payday'"),
    ("template: own", "template: owm", 16, "steps[1].template", "unknown template 'owm'"),
    ("{{ total_open }}", "{{ total_owed }}", 29, "templates.own.es.text",
     "unknown variable 'total_owed'"),
    ("{{ customer_name }}", "{% if customer_name %}", 28, "templates.own.es.subject",
     "line 1"),
    ("written_per_7_days: 2", "written_per_7_days: -1", 4, "limits.written_per_7_days",
     "'-1' is not a whole number of at least 1"),
    ("code: second", "code: first", 11, "steps[1].code", "already used by steps[0]"),
    ('fee: {pct: "5"}', "template: x", 17, "steps[2].fee", "missing"),
    ('fee: {pct: "5"}', 'fee: {pct: "0"}', 20, "steps[2].fee",
     "needs a fixed amount (fixed) or a percentage (pct)"),
    ('commission_pct: "30"', 'commission_pct: "60"', 24, "steps[3].params.commission_pct",
     "'60' is not a percentage between 0 and 50"),
    ('fee: {pct: "5"}', 'fee: {fixed: {XYZ: "5000"}}', 20, "steps[2].fee.fixed.XYZ",
     "unknown currency 'XYZ'"),
    ('fee: {pct: "5"}', 'fee: {fixed: {CLP: "5000.5"}}', 20, "steps[2].fee.fixed.CLP",
     "not a positive amount in CLP"),
    ("offset: 10", "offset: 1.5", 12, "steps[1].offset", "'1.5' is not a whole number"),
    ("offset: 10", 'offset: "10"', 12, "steps[1].offset", "'10' is not a whole number"),
    ("    tone: firm\n", "    tone: firm\n    when: {min_overdue: {ABC: 1}}\n", 16,
     "steps[1].when.min_overdue.ABC", "unknown currency 'ABC'"),
    ("    tone: firm\n", "    tone: firm\n    when: {segment: [retail]}\n", 16,
     "steps[1].when.segment", "did you mean 'segments'?"),
    ("template: own", "tempate: own", 16, "steps[1].tempate", "did you mean 'template'?"),
    ("steps:", "stepz:", 5, "stepz", "did you mean 'steps'?"),
    ("name: Test", "name: Test\nname: Again", 3, "name", "appears more than once"),
    ("written_per_7_days: 2", "writen_per_7_days: 2", 4, "limits.writen_per_7_days",
     "did you mean 'written_per_7_days'?"),
    ('fee: {pct: "5"}', 'fee: {pct: "5"}\n    tone: firm', 21, "steps[2].tone",
     "'tone' does not apply to a fee step"),
    ("    offset: -7\n", "    offset: -7\n    requires_previous: true\n", 8,
     "steps[0].requires_previous", "no previous step to wait for"),
    ("    offset: 90\n", "    offset: -5\n    anchor: previous\n", 22, "steps[3].offset",
     "not a whole number of at least 0"),
    ("action: agency\n    params: {agency: Externa, commission_pct: \"30\"}",
     "action: webhook\n    params: {url: ftp://x}", 24, "steps[3].params.url",
     "not a web address"),
    ("  own:\n    es:", "  own:\n    fr:", 27, "templates.own.fr", "unknown key 'fr'"),
    ("  own:\n    es:\n      subject: Aviso para {{ customer_name }}\n"
     "      text: Saldo {{ total_open }}\n", "  own: {}\n", 26, "templates.own",
     "at least one language"),
    ("name: Test", "name: [Test", 3, "-", "not valid YAML"),
]


@pytest.mark.parametrize(("old", "new", "line", "field", "message"), INVALID,
                         ids=[case[3] + ":" + case[4][:20] for case in INVALID])
def test_each_mistake_is_reported_with_file_line_field_and_what_was_expected(
        old: str, new: str, line: int, field: str, message: str) -> None:
    assert old in BASE
    found = errors(BASE.replace(old, new, 1))
    assert [(e.line, e.field) for e in found if message in e.message] == [(line, field)], \
        "\n".join(map(str, found))
    located = [str(e) for e in found]
    assert any(text.startswith(f"s.yaml:{line}: {field}: ") for text in located)


def test_every_mistake_of_a_file_is_reported_in_one_pass() -> None:
    text = (BASE.replace("action: message\n    tone: friendly", "action: sms\n    tone: nice")
            .replace("offset: 10", "offset: ten").replace("written_per_7_days: 2",
                                                         "calls_per_7_days: 0"))
    found = errors(text)
    assert [(e.line, e.field) for e in found] == [
        (4, "limits.calls_per_7_days"), (8, "steps[0].action"), (9, "steps[0].tone"),
        (12, "steps[1].offset")]


def test_an_empty_file_or_a_list_is_not_a_strategy() -> None:
    assert "empty" in errors("")[0].message
    assert errors("- a\n- b\n")[0].field == "-"
    assert errors("code: x\nname: y\nsteps: []\n")[0].field == "steps"


def test_required_keys_are_named() -> None:
    found = errors("code: x\nsteps:\n  - code: a\n    action: message\n")
    assert {e.field for e in found} == {"name", "steps[0].offset", "steps[0].tone",
                                        "steps[0].template"}


def test_an_address_code_must_match_the_files() -> None:
    assert parsed(BASE.replace("code: test\n", ""), code="test").strategy.code == "test"
    result = parse_strategy(BASE, source="body", known_templates=DEFAULTS, code="other")
    assert isinstance(result, list) and result[0].field == "code"


def test_errors_speak_the_users_language() -> None:
    with language("es"):
        found = parse_strategy(BASE.replace("tone: firm", "tone: angry"), source="s.yaml",
                               known_templates=DEFAULTS)
    assert isinstance(found, list) and found[0].message.startswith("tono desconocido 'angry'")
