"""Strategies as YAML (or JSON, its subset): parse with every problem located, and dump.

Pure: no database, no clock. `parse_strategy` returns the strategy or the list of every problem,
each with file, line, field path and what was expected, so a typo never passes silently and a
whole file is fixed in one pass. `dump_strategy` writes the same format back:
`parse_strategy(dump_strategy(...))` gives the same strategy, limits and templates.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from urllib.parse import urlparse

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from cobranza.core.contact import Limits
from cobranza.core.money import fits_currency, is_currency
from cobranza.core.strategy import (
    FIXED_CHANNEL,
    MESSAGE_CHANNELS,
    Action,
    Anchor,
    Channel,
    Conditions,
    Step,
    Strategy,
    Tone,
)
from cobranza.dunning.yaml_reader import Path, Reader, StrategyError, path_text, unknown_key
from cobranza.i18n import SUPPORTED, _
from cobranza.messaging.templates import PARTS, Template, TemplateParts, check_template

__all__ = ["Limits", "ParsedStrategy", "StrategyError", "dump_strategy", "limits_document",
           "parse_strategy", "strategy_document"]

MAX_COMMISSION_PCT = Decimal(50)  # DOMAIN.md, default strategy: agency commission up to 50%


# The YAML's keys and the fields of the contact rules' Limits they fill.
LIMIT_KEYS = {"written_per_7_days": "written_per_7_days",  # letters, e-mail, SMS, messaging
              "calls_per_7_days": "voice_per_7_days",  # calls and visits
              "min_days_between_written": "written_min_days_apart"}
NO_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class ParsedStrategy:
    """A strategy file's content: the strategy, its limits and the templates it brings."""

    strategy: Strategy
    limits: Limits = NO_LIMITS
    templates: Mapping[str, Template] = field(default_factory=dict)
    # Line of each field path, for checks that need the database (segments taken elsewhere).
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)


_TOP_KEYS = ("code", "name", "default", "segments", "limits", "steps", "templates")
_COMMON_STEP_KEYS = ("code", "offset", "anchor", "action", "requires_previous", "when")
_CONTACT_KEYS = ("channel", "tone", "template")
_ACTION_KEYS: dict[Action, tuple[str, ...]] = {
    Action.MESSAGE: _CONTACT_KEYS, Action.LETTER: _CONTACT_KEYS, Action.CALL: _CONTACT_KEYS,
    Action.VISIT: _CONTACT_KEYS, Action.FEE: ("fee",), Action.INTEREST: (),
    Action.AGENCY: ("params",), Action.CREDIT_BLOCK: (), Action.WEBHOOK: ("params",),
}
_REQUIRED_KEYS: dict[Action, tuple[str, ...]] = {
    Action.MESSAGE: ("tone", "template"), Action.LETTER: ("tone", "template"),
    Action.CALL: ("tone",), Action.VISIT: ("tone",), Action.FEE: ("fee",),
    Action.AGENCY: ("params",), Action.WEBHOOK: ("params",),
}
_ALL_STEP_KEYS = (*_COMMON_STEP_KEYS, *_CONTACT_KEYS, "fee", "params")
_PARAMS = {Action.AGENCY: ("agency", "commission_pct"), Action.WEBHOOK: ("url",)}
_REQUIRED_PARAMS = {Action.AGENCY: ("agency", "commission_pct"), Action.WEBHOOK: ("url",)}


def parse_strategy(text: str, *, source: str, known_templates: Collection[str] = (),
                   code: str | None = None) -> ParsedStrategy | list[StrategyError]:
    """The strategy in `text`, or every problem found, located in `source`.

    A step's template must be defined in the file, or be one of `known_templates` (the default
    templates and the organisation's). `code`, when given (the API's address), must match the
    file's code, or stands for it when the file has none.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        return [StrategyError(source, line, (), _("not valid YAML: {problem}",
                                                  problem=str(exc.problem or exc)))]
    reader = Reader(source)
    if root is None:
        return [StrategyError(source, 1, (), _("the file is empty; expected a strategy with "
                                               "code, name and steps"))]
    parsed = _strategy(reader, root, code)
    if reader.errors or parsed is None:
        return sorted(reader.errors, key=lambda e: e.line)
    strategy, limits, templates = parsed
    _check_templates_known(reader, strategy, templates, known_templates)
    if reader.errors:
        return sorted(reader.errors, key=lambda e: e.line)
    return ParsedStrategy(strategy, limits, MappingProxyType(templates),
                          MappingProxyType(dict(reader.lines)))


def _strategy(reader: Reader, root: Node, code: str | None
              ) -> tuple[Strategy, Limits, dict[str, Template]] | None:
    top = reader.mapping(root, (), allowed=_TOP_KEYS,
                         required=("name", "steps") if code else ("code", "name", "steps"))
    if top is None:
        return None
    own_code = reader.code(top["code"], ("code",)) if "code" in top else code
    if code is not None and own_code is not None and own_code != code:
        reader.error(top["code"], ("code",), _(
            "'{value}' does not match the strategy in the address ('{code}')", value=own_code,
            code=code))
    name = reader.text(top["name"], ("name",)) if "name" in top else None
    default = reader.boolean(top["default"], ("default",)) if "default" in top else False
    segments = reader.texts(top["segments"], ("segments",)) if "segments" in top else ()
    limits = _limits(reader, top["limits"]) if "limits" in top else NO_LIMITS
    templates = _templates(reader, top["templates"]) if "templates" in top else {}
    steps = _steps(reader, top["steps"]) if "steps" in top else None
    if None in (own_code, name, default, segments, limits, steps, templates):
        return None
    assert own_code is not None and name is not None and steps is not None
    assert templates is not None
    return (Strategy(code=own_code, name=name, steps=steps, segments=segments or (),
                     is_default=bool(default)), limits or NO_LIMITS, templates)


def _limits(reader: Reader, node: Node) -> Limits | None:
    found = reader.mapping(node, ("limits",), allowed=LIMIT_KEYS)
    if found is None:
        return None
    values: dict[str, int | None] = {}
    for key, value in found.items():
        # A cap of zero per week would silently stop the strategy's own steps: at least one.
        minimum = 0 if key == "min_days_between_written" else 1
        values[LIMIT_KEYS[key]] = reader.integer(value, ("limits", key), minimum=minimum)
    if None in values.values():
        return None
    return Limits(**values)


def _steps(reader: Reader, node: Node) -> tuple[Step, ...] | None:
    items = reader.sequence(node, ("steps",))
    if items is None:
        return None
    if not items:
        reader.error(node, ("steps",), _("a strategy needs at least one step"))
        return None
    steps = [_step(reader, item, ("steps", i), first=i == 0) for i, item in enumerate(items)]
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        found = _value_node(item, "code")
        code = str(found.value) if isinstance(found, ScalarNode) else None
        if code is not None and code in seen:
            reader.error(item, ("steps", i, "code"), _(
                "step code '{value}' is already used by steps[{first}]; expected each step code "
                "once", value=code, first=seen[code]))
        elif code is not None:
            seen[code] = i
    if None in steps or len(seen) < len(items):
        return None
    return tuple(s for s in steps if s is not None)


def _value_node(node: Node, key: str) -> Node | None:
    """The node under `key` of a mapping node, read ahead of the checks (nothing recorded)."""
    if not isinstance(node, MappingNode):
        return None
    found: Node | None = next((v for k, v in node.value if getattr(k, "value", None) == key),
                              None)
    return found


def _action_of(reader: Reader, node: Node, path: Path) -> Action | None:
    found = _value_node(node, "action")
    return None if found is None else reader.choice(found, (*path, "action"), Action, _(
        "unknown action '{value}'; expected one of {expected}"))


def _step(reader: Reader, node: Node, path: Path, *, first: bool) -> Step | None:
    errors_before = len(reader.errors)
    action = _action_of(reader, node, path)
    allowed = (*_COMMON_STEP_KEYS, *_ACTION_KEYS[action]) if action else _ALL_STEP_KEYS

    def explain(key: str) -> str:
        """Why `key` is refused: a typo, or a key of another action."""
        if key not in _ALL_STEP_KEYS or action is None:
            return unknown_key(key, allowed)
        return _("'{key}' does not apply to a {action} step; expected one of {expected}",
                 key=key, action=action.value, expected=", ".join(allowed))

    found = reader.mapping(node, path, allowed=allowed, explain=explain,
                           required=("code", "offset", "action",
                                     *(_REQUIRED_KEYS.get(action, ()) if action else ())))
    if found is None:
        return None
    code = reader.code(found["code"], (*path, "code")) if "code" in found else None
    anchor = (reader.choice(found["anchor"], (*path, "anchor"), Anchor, _(
        "unknown anchor '{value}'; expected one of {expected}")) if "anchor" in found
        else Anchor.DUE)
    offset = _offset(reader, found, path, anchor, first=first)
    requires = (reader.boolean(found["requires_previous"], (*path, "requires_previous"))
                if "requires_previous" in found else False)
    if requires and first:
        reader.error(found["requires_previous"], (*path, "requires_previous"),
                     _("the first step has no previous step to wait for"))
    contact = _contact(reader, found, path, action)
    conditions = _conditions(reader, found["when"], (*path, "when")) if "when" in found \
        else Conditions()
    fee = _fee(reader, found["fee"], (*path, "fee")) if "fee" in found else ((), Decimal(0))
    params = _params(reader, found["params"], (*path, "params"), action) if "params" in found \
        else ()
    if len(reader.errors) > errors_before or None in (action, code, offset, requires, contact,
                                                      conditions, fee, params):
        return None
    assert action is not None and code is not None and offset is not None and contact is not None
    assert anchor is not None and fee is not None and params is not None
    channel, tone, template = contact
    return Step(code=code, action=action, offset_days=offset, anchor=anchor, channel=channel,
                tone=tone, template=template, requires_previous=bool(requires),
                conditions=conditions or Conditions(), fee_fixed=fee[0], fee_pct=fee[1],
                params=params)


def _offset(reader: Reader, found: dict[str, Node], path: Path, anchor: Anchor | None, *,
            first: bool) -> int | None:
    if anchor is Anchor.PREVIOUS and first:
        reader.error(found["anchor"], (*path, "anchor"), _(
            "the first step has no previous step to count from; expected due or month_end"))
    if "offset" not in found:
        return None
    # Counting back from a step already done would place this one in the past.
    minimum = 0 if anchor is Anchor.PREVIOUS else None
    return reader.integer(found["offset"], (*path, "offset"), minimum=minimum)


def _contact(reader: Reader, found: dict[str, Node], path: Path, action: Action | None
             ) -> tuple[Channel | None, Tone | None, str | None] | None:
    channel = tone = template = None
    if "channel" in found:
        channel = reader.choice(found["channel"], (*path, "channel"), Channel, _(
            "unknown channel '{value}'; expected one of {expected}"))
        if channel is None:
            return None
        if action is None:
            pass  # the unknown action is reported; which channels fit it is unknowable
        elif action is Action.MESSAGE and channel not in MESSAGE_CHANNELS:
            reader.error(found["channel"], (*path, "channel"), _(
                "channel '{value}' does not fit a message; expected email, sms or whatsapp, or "
                "no channel for the customer's preferred one", value=channel.value))
        elif action is not Action.MESSAGE and channel is not FIXED_CHANNEL[action]:
            reader.error(found["channel"], (*path, "channel"), _(
                "channel '{value}' does not fit a {action} step; expected {expected} or no "
                "channel", value=channel.value, action=action.value,
                expected=FIXED_CHANNEL[action].value))
    if "tone" in found:
        tone = reader.choice(found["tone"], (*path, "tone"), Tone, _(
            "unknown tone '{value}'; expected one of {expected}"))
        if tone is None:
            return None
    if "template" in found:
        template = reader.code(found["template"], (*path, "template"))
        if template is None:
            return None
    return channel, tone, template


def _conditions(reader: Reader, node: Node, path: Path) -> Conditions | None:
    found = reader.mapping(node, path, allowed=("segments", "countries", "min_overdue"))
    if found is None:
        return None
    segments = reader.texts(found["segments"], (*path, "segments")) if "segments" in found \
        else ()
    countries = _countries(reader, found["countries"], (*path, "countries")) \
        if "countries" in found else ()
    minimum = _amounts(reader, found["min_overdue"], (*path, "min_overdue")) \
        if "min_overdue" in found else ()
    if segments is None or countries is None or minimum is None:
        return None
    return Conditions(segments=segments, countries=countries, min_overdue=minimum)


def _countries(reader: Reader, node: Node, path: Path) -> tuple[str, ...] | None:
    items = reader.sequence(node, path)
    if items is None:
        return None
    countries: list[str] = []
    for i, item in enumerate(items):
        value = reader.text(item, (*path, i))
        if value is not None and (len(value) != 2 or not value.isalpha()):
            reader.error(item, (*path, i), _(
                "'{value}' is not a country code; expected two letters such as CL or MX",
                value=value))
        elif value is not None:
            countries.append(value.upper())
    return tuple(countries) if len(countries) == len(items) else None


def _amounts(reader: Reader, node: Node, path: Path) -> tuple[tuple[str, Decimal], ...] | None:
    found = reader.mapping(node, path, allowed=None)
    if found is None:
        return None
    amounts: list[tuple[str, Decimal]] = []
    for key, value in found.items():
        currency = key.upper()
        amount = reader.decimal(value, (*path, key))
        if not is_currency(currency):
            reader.error(value, (*path, key), _(
                "unknown currency '{value}'; expected an ISO 4217 code such as CLP, MXN or USD",
                value=key))
        elif amount is not None and (amount <= 0 or not fits_currency(amount, currency)):
            reader.error(value, (*path, key), _(
                "'{value}' is not a positive amount in {currency}", value=amount,
                currency=currency))
        else:
            if amount is not None:
                amounts.append((currency, amount))
    return tuple(amounts) if len(amounts) == len(found) else None


def _fee(reader: Reader, node: Node, path: Path
         ) -> tuple[tuple[tuple[str, Decimal], ...], Decimal] | None:
    found = reader.mapping(node, path, allowed=("fixed", "pct"))
    if found is None:
        return None
    fixed = _amounts(reader, found["fixed"], (*path, "fixed")) if "fixed" in found else ()
    pct = _percentage(reader, found["pct"], (*path, "pct"), Decimal(100)) if "pct" in found \
        else Decimal(0)
    if fixed is None or pct is None:
        return None
    if not fixed and not pct:
        reader.error(node, path, _("a fee step needs a fixed amount (fixed) or a percentage "
                                   "(pct) above zero"))
        return None
    return fixed, pct


def _percentage(reader: Reader, node: Node, path: Path, maximum: Decimal) -> Decimal | None:
    value = reader.decimal(node, path)
    if value is not None and not Decimal(0) <= value <= maximum:
        reader.error(node, path, _("'{value}' is not a percentage between 0 and {maximum}",
                                   value=value, maximum=maximum))
        return None
    return value


def _params(reader: Reader, node: Node, path: Path, action: Action | None
            ) -> tuple[tuple[str, str], ...] | None:
    allowed = _PARAMS.get(action, ()) if action else ("agency", "commission_pct", "url")
    found = reader.mapping(node, path, allowed=allowed,
                           required=_REQUIRED_PARAMS.get(action, ()) if action else ())
    if found is None:
        return None
    params: list[tuple[str, str]] = []
    for key, value in found.items():
        if key == "commission_pct":
            # DOMAIN.md, default strategy: an agency's commission is at most 50%.
            pct = _percentage(reader, value, (*path, key), MAX_COMMISSION_PCT)
            if pct is not None and pct <= 0:
                reader.error(value, (*path, key), _(
                    "the commission must be more than 0 and at most 50 (%)"))
            params.append((key, str(pct)) if pct is not None else (key, ""))
            continue
        text = reader.text(value, (*path, key), max_length=2000)
        if key == "url" and text is not None and not _is_web_address(text):
            reader.error(value, (*path, key), _(
                "'{value}' is not a web address; expected one starting with https://",
                value=text))
        params.append((key, text or ""))
    return tuple(params)


def _is_web_address(text: str) -> bool:
    parsed = urlparse(text)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _templates(reader: Reader, node: Node) -> dict[str, Template] | None:
    found = reader.mapping(node, ("templates",), allowed=None)
    if found is None:
        return None
    templates: dict[str, Template] = {}
    for code, body in found.items():
        path: Path = ("templates", code)
        if reader.code(_key_node(node, code), path) is None:
            continue
        languages = reader.mapping(body, path, allowed=SUPPORTED)
        if languages == {}:
            reader.error(body, path, _("a template needs its texts in at least one language; "
                                       "expected {expected}", expected=", ".join(SUPPORTED)))
        if not languages:
            continue
        parts = {lang: _parts(reader, code, lang, value, (*path, lang))
                 for lang, value in languages.items()}
        templates[code] = Template(code, MappingProxyType(
            {lang: p for lang, p in parts.items() if p is not None}))
    return templates


def _key_node(mapping: Node, key: str) -> Node:
    found: Node = next(k for k, _v in mapping.value if getattr(k, "value", None) == key)
    return found  # the mapping was read already: the key is there


def _parts(reader: Reader, code: str, language: str, node: Node, path: Path
           ) -> TemplateParts | None:
    found = reader.mapping(node, path, allowed=PARTS)
    if found is None:
        return None
    sources: dict[str, str] = {}
    for part, value in found.items():
        if getattr(value, "tag", "") == "tag:yaml.org,2002:null":
            sources[part] = ""
            continue
        scalar = reader.scalar(value, (*path, part))
        if scalar is None:
            return None
        sources[part] = str(scalar.value)
        single = TemplateParts(code=code, language=language, **{part: sources[part]})
        for problem in check_template(single):
            reader.error(value, (*path, part), problem)
    return TemplateParts(code=code, language=language, **sources)


def _check_templates_known(reader: Reader, strategy: Strategy, templates: Mapping[str, Template],
                           known: Collection[str]) -> None:
    available = set(templates) | set(known)
    for i, step in enumerate(strategy.steps):
        if step.template is not None and step.template not in available:
            path: Path = ("steps", i, "template")
            reader.errors.append(StrategyError(
                reader.source, reader.lines.get(path_text(path), 1), path,
                _("unknown template '{value}'; expected one defined under templates, or one of "
                  "{expected}", value=step.template,
                  expected=", ".join(sorted(available)) or "-")))


def strategy_document(strategy: Strategy, templates: Mapping[str, Template] | None = None,
                      limits: Limits = NO_LIMITS) -> dict[str, Any]:
    """The YAML/JSON shape of a strategy (amounts and percentages as decimal strings)."""
    doc: dict[str, Any] = {"code": strategy.code, "name": strategy.name,
                           "default": strategy.is_default}
    if strategy.segments:
        doc["segments"] = list(strategy.segments)
    if limits_document(limits):
        doc["limits"] = limits_document(limits)
    doc["steps"] = [_step_document(step) for step in strategy.steps]
    if templates:
        doc["templates"] = {
            code: {lang: {part: src for part, src in parts.sources() if src}
                   for lang, parts in sorted(template.languages.items())}
            for code, template in templates.items()}
    return doc


def limits_document(limits: Limits) -> dict[str, int]:
    """The limits that are set, under their YAML keys."""
    return {key: value for key, name in LIMIT_KEYS.items()
            if (value := getattr(limits, name)) is not None}


def _step_document(step: Step) -> dict[str, Any]:
    doc: dict[str, Any] = {"code": step.code, "offset": step.offset_days,
                           "anchor": step.anchor.value, "action": step.action.value}
    for key, value in (("channel", step.channel), ("tone", step.tone),
                       ("template", step.template)):
        if value is not None:
            doc[key] = str(value)
    if step.requires_previous:
        doc["requires_previous"] = True
    when = step.conditions
    if when.segments or when.countries or when.min_overdue:
        doc["when"] = {k: v for k, v in (
            ("segments", list(when.segments)), ("countries", list(when.countries)),
            ("min_overdue", {c: str(a) for c, a in when.min_overdue})) if v}
    if step.fee_fixed or step.fee_pct:
        doc["fee"] = {k: v for k, v in (("fixed", {c: str(a) for c, a in step.fee_fixed}),
                                        ("pct", str(step.fee_pct) if step.fee_pct else None))
                      if v}
    if step.params:
        doc["params"] = dict(step.params)
    return doc


class _Dumper(yaml.SafeDumper):
    """Multi-line texts (templates) as literal blocks, readable and editable."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_strategy(strategy: Strategy, templates: Mapping[str, Template] | None = None,
                  limits: Limits = NO_LIMITS) -> str:
    """The strategy as YAML that `parse_strategy` reads back to the same values."""
    text: str = yaml.dump(strategy_document(strategy, templates, limits), Dumper=_Dumper,
                          sort_keys=False, allow_unicode=True, width=100)
    return text
