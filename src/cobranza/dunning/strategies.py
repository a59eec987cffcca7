"""Use cases of collection strategies: import and export as YAML, seed the default, assign, load.

Storage: a strategy row, its steps (conditions, fixed fees and parameters as JSON text, the fee
percentage as a decimal string) and the organisation's own template texts. The `segments` column
holds a JSON list, or `{"segments": [...], "limits": {...}}` when the strategy sets contact
limits (the schema has no column of its own for them); read it through `load_limits`.

Templates: the defaults ship with cobranza (`messaging/default_templates.yaml`); an organisation
stores only the texts it changed, so an unchanged default keeps improving with upgrades, and
exporting then importing a strategy changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    case,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from cobranza.core.contact import Limits
from cobranza.core.strategy import Action, Anchor, Channel, Conditions, Step, Strategy, Tone
from cobranza.dunning.strategy_yaml import (
    LIMIT_KEYS,
    ParsedStrategy,
    StrategyError,
    dump_strategy,
    limits_document,
    parse_strategy,
    strategy_document,
)
from cobranza.i18n import _
from cobranza.messaging.templates import Template, TemplateParts, load_default_templates
from cobranza.models import Customer, MessageTemplate, Organisation, StrategyStep
from cobranza.models import Strategy as StrategyRow
from cobranza.timeline.log import Event, append

DEFAULT_STRATEGY_FILE = "default_strategy.yaml"
DEFAULT_CODE = "default"


class UnknownStrategy(LookupError):
    """No strategy of the organisation has this code."""


class UnknownCustomer(LookupError):
    """No customer of the organisation has this id."""


class UnknownTemplate(LookupError):
    """Neither the organisation nor the defaults have this template."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did (or, on a dry run, would do)."""

    code: str
    strategy_id: int | None  # None on a dry run of a new strategy
    created: bool
    steps: int
    templates_stored: int  # template texts that differ from the defaults, per language
    parsed: ParsedStrategy  # what the file holds


@dataclass(frozen=True, slots=True)
class StrategySummary:
    """One line of `strategy list`."""

    code: str
    name: str
    is_default: bool
    segments: tuple[str, ...]
    steps: int
    customers: int  # customers following it now (assigned, by segment or by default)


def known_template_codes(session: Session, *, org_id: int) -> set[str]:
    """Template codes a step may name: the defaults and the organisation's own."""
    stored = session.scalars(select(MessageTemplate.code).where(MessageTemplate.org_id == org_id)
                             .distinct())
    return set(load_default_templates()) | set(stored)


def check_strategy(session: Session, *, org: Organisation, text: str, source: str,
                   code: str | None = None) -> ParsedStrategy | list[StrategyError]:
    """Parse and check a strategy against the organisation's templates and other strategies."""
    parsed = parse_strategy(text, source=source, code=code,
                            known_templates=known_template_codes(session, org_id=org.id))
    if isinstance(parsed, list):
        return parsed
    errors = _segment_conflicts(session, org_id=org.id, parsed=parsed, source=source)
    return errors or parsed


def _segment_conflicts(session: Session, *, org_id: int, parsed: ParsedStrategy,
                       source: str) -> list[StrategyError]:
    # One strategy per segment, or a customer's strategy would depend on row order.
    taken: dict[str, str] = {}
    rows = session.execute(select(StrategyRow.code, StrategyRow.segments).where(
        StrategyRow.org_id == org_id, StrategyRow.code != parsed.strategy.code))
    for other, raw in rows:
        taken.update({_segment_key(s): other for s in _decode_segments(raw)[0]})
    errors = []
    for i, segment in enumerate(parsed.strategy.segments):
        if _segment_key(segment) in taken:
            path = ("segments", i)
            errors.append(StrategyError(source, parsed.lines.get(f"segments[{i}]", 1), path, _(
                "segment '{value}' already follows strategy '{other}'; remove it there first, "
                "a segment has one default strategy", value=segment,
                other=taken[_segment_key(segment)])))
    return errors


def import_strategy(session: Session, *, org: Organisation, text: str, source: str,
                    now: datetime, dry_run: bool = False,
                    code: str | None = None) -> ImportResult | list[StrategyError]:
    """Create or replace a strategy (steps and templates) from YAML: all of it, or nothing.

    Importing a default strategy makes it the organisation's only default.
    """
    checked = check_strategy(session, org=org, text=text, source=source, code=code)
    if isinstance(checked, list):
        return checked
    strategy = checked.strategy
    existing = session.scalars(select(StrategyRow).where(
        StrategyRow.org_id == org.id, StrategyRow.code == strategy.code)).first()
    if dry_run:
        return ImportResult(strategy.code, existing.id if existing else None, existing is None,
                            len(strategy.steps), _changed_templates(checked.templates), checked)
    # Importing what is stored already writes nothing (an export, imported back, is a no-op).
    created = existing is None
    if existing is None or _stored_form(session, existing) != (strategy, checked.limits):
        existing = _save_strategy(session, org_id=org.id, row=existing, parsed=checked, now=now)
    stored = _store_templates(session, org_id=org.id, templates=checked.templates, now=now)
    return ImportResult(strategy.code, existing.id, created, len(strategy.steps), stored,
                        checked)


def _save_strategy(session: Session, *, org_id: int, row: StrategyRow | None,
                   parsed: ParsedStrategy, now: datetime) -> StrategyRow:
    strategy = parsed.strategy
    row = row or StrategyRow(org_id=org_id, code=strategy.code, created_at=now)
    row.name, row.is_default, row.updated_at = strategy.name, strategy.is_default, now
    row.segments = _encode_segments(strategy.segments, parsed.limits)
    session.add(row)
    session.flush()
    if strategy.is_default:
        session.execute(update(StrategyRow).where(
            StrategyRow.org_id == org_id, StrategyRow.id != row.id).values(is_default=False))
    session.execute(delete(StrategyStep).where(StrategyStep.strategy_id == row.id))
    session.execute(insert(StrategyStep), [_step_row(org_id, row.id, i, step)
                                           for i, step in enumerate(strategy.steps)])
    return row


def _stored_form(session: Session, row: StrategyRow) -> tuple[Strategy, Limits]:
    steps = session.scalars(select(StrategyStep).where(StrategyStep.strategy_id == row.id)
                            .order_by(StrategyStep.position))
    segments, limits = _decode_segments(row.segments)
    return Strategy(code=row.code, name=row.name, steps=tuple(map(_step_from_row, steps)),
                    segments=segments, is_default=row.is_default), limits


def _step_row(org_id: int, strategy_id: int, position: int, step: Step) -> dict[str, Any]:
    when = step.conditions
    conditions = {k: v for k, v in (
        ("segments", list(when.segments)), ("countries", list(when.countries)),
        ("min_overdue", {c: str(a) for c, a in when.min_overdue})) if v}
    return {
        "org_id": org_id, "strategy_id": strategy_id, "position": position, "code": step.code,
        "anchor": step.anchor.value, "offset_days": step.offset_days, "action": step.action.value,
        "channel": step.channel.value if step.channel else None,
        "tone": step.tone.value if step.tone else None, "template": step.template,
        "requires_previous": step.requires_previous,
        "conditions": json.dumps(conditions, ensure_ascii=False) if conditions else None,
        "fee_fixed": json.dumps({c: str(a) for c, a in step.fee_fixed}) if step.fee_fixed
        else None,
        "fee_pct": str(step.fee_pct) if step.fee_pct else None,
        "params": json.dumps(dict(step.params), ensure_ascii=False) if step.params else None,
    }


def _step_from_row(row: StrategyStep) -> Step:
    when = json.loads(row.conditions) if row.conditions else {}
    return Step(
        code=row.code, action=Action(row.action), offset_days=row.offset_days,
        anchor=Anchor(row.anchor), channel=Channel(row.channel) if row.channel else None,
        tone=Tone(row.tone) if row.tone else None, template=row.template,
        requires_previous=row.requires_previous,
        conditions=Conditions(
            segments=tuple(when.get("segments", ())), countries=tuple(when.get("countries", ())),
            min_overdue=tuple((c, Decimal(a)) for c, a in when.get("min_overdue", {}).items())),
        fee_fixed=tuple((c, Decimal(a)) for c, a in json.loads(row.fee_fixed or "{}").items()),
        fee_pct=Decimal(row.fee_pct or 0),
        params=tuple(json.loads(row.params or "{}").items()))


def _encode_segments(segments: tuple[str, ...], limits: Limits) -> str | None:
    document = limits_document(limits)
    if document:
        return json.dumps({"segments": list(segments), "limits": document}, ensure_ascii=False)
    return json.dumps(list(segments), ensure_ascii=False) if segments else None


def _decode_segments(raw: str | None) -> tuple[tuple[str, ...], Limits]:
    value = json.loads(raw) if raw else []
    if isinstance(value, list):
        return tuple(value), Limits()
    limits = {LIMIT_KEYS[k]: int(v) for k, v in value.get("limits", {}).items()}
    return tuple(value.get("segments", ())), Limits(**limits)


def _segment_key(segment: str) -> str:
    # lower(), as SQL does (SQLite folds ASCII letters only: segments are codes like "pyme").
    return segment.strip().lower()


def limits_for(strategy: StrategyRow) -> Limits:
    """A stored strategy's own contact limits (empty when it sets none)."""
    return _decode_segments(strategy.segments)[1]


def load_limits(session: Session, *, org_id: int) -> dict[int, Limits]:
    """Contact limits per strategy id, in one query."""
    rows = session.execute(select(StrategyRow.id, StrategyRow.segments)
                           .where(StrategyRow.org_id == org_id))
    return {sid: _decode_segments(raw)[1] for sid, raw in rows}


def load_strategies(session: Session, *, org_id: int) -> dict[int, Strategy]:
    """Every strategy of the organisation by id, with its ordered steps, in two queries."""
    rows = session.scalars(select(StrategyRow).where(StrategyRow.org_id == org_id)).all()
    steps: dict[int, list[Step]] = {row.id: [] for row in rows}
    for step in session.scalars(select(StrategyStep).where(StrategyStep.org_id == org_id)
                                .order_by(StrategyStep.strategy_id, StrategyStep.position)):
        steps[step.strategy_id].append(_step_from_row(step))
    return {row.id: Strategy(code=row.code, name=row.name, steps=tuple(steps[row.id]),
                             segments=_decode_segments(row.segments)[0],
                             is_default=row.is_default)
            for row in rows}


def strategy_of_customer(session: Session, *, org_id: int) -> ColumnElement[int]:
    """A SQL expression over `customers` giving each customer's strategy id (NULL if none).

    The customer's own strategy, else the one whose segments list the customer's segment
    (case-insensitive), else the default: the run selects or joins on it in the same pass.
    """
    rows = session.execute(select(StrategyRow.id, StrategyRow.is_default, StrategyRow.segments)
                           .where(StrategyRow.org_id == org_id)
                           .order_by(StrategyRow.id)).all()
    by_segment = {_segment_key(s): sid for sid, _d, raw in rows
                  for s in _decode_segments(raw)[0]}
    default = next((sid for sid, is_default, _s in rows if is_default), None)
    segment: ColumnElement[Any] = (
        case(by_segment, value=func.lower(func.trim(Customer.segment)))
        if by_segment else type_coerce(None, Integer))
    return func.coalesce(Customer.strategy_id, segment, type_coerce(default, Integer))


def assignments(session: Session, *, org_id: int) -> dict[int, int]:
    """Customer id -> strategy id for every customer that has one, in one pass over customers."""
    expression = strategy_of_customer(session, org_id=org_id)
    rows = session.execute(select(Customer.id, expression).where(Customer.org_id == org_id))
    return {cid: sid for cid, sid in rows if sid is not None}


def list_strategies(session: Session, *, org_id: int) -> list[StrategySummary]:
    """Every strategy with its step count and how many customers follow it now."""
    followers = Counter(assignments(session, org_id=org_id).values())
    return [StrategySummary(s.code, s.name, s.is_default, s.segments, len(s.steps),
                            followers[sid])
            for sid, s in sorted(load_strategies(session, org_id=org_id).items(),
                                 key=lambda item: (not item[1].is_default, item[1].code))]


@dataclass(frozen=True, slots=True)
class StoredStrategy:
    """A strategy as stored, with its limits and the texts of the templates its steps use."""

    id: int
    strategy: Strategy
    limits: Limits
    templates: dict[str, Template]


def get_strategy(session: Session, *, org_id: int, code: str) -> StoredStrategy:
    """One strategy by code; UnknownStrategy if there is none."""
    row = session.scalars(select(StrategyRow).where(StrategyRow.org_id == org_id,
                                                    StrategyRow.code == code)).first()
    if row is None:
        raise UnknownStrategy(code)
    strategy, limits = _stored_form(session, row)
    codes = list(dict.fromkeys(s.template for s in strategy.steps if s.template))
    every = load_templates(session, org_id=org_id, codes=codes)
    return StoredStrategy(row.id, strategy, limits, {c: every[c] for c in codes if c in every})


def export_strategy(session: Session, *, org: Organisation, code: str) -> str:
    """The strategy as YAML, with the texts of every template its steps use."""
    stored = get_strategy(session, org_id=org.id, code=code)
    return dump_strategy(stored.strategy, stored.templates, stored.limits)


def strategy_json(session: Session, *, org: Organisation, code: str) -> dict[str, Any]:
    """The strategy in the YAML's shape, for the JSON API."""
    stored = get_strategy(session, org_id=org.id, code=code)
    return strategy_document(stored.strategy, stored.templates, stored.limits)


def ensure_default_strategy(session: Session, *, org: Organisation, now: datetime) -> bool:
    """Seed DOMAIN.md's default strategy unless the organisation has a default already.

    Idempotent; returns whether it created the strategy. A user's own default, or the seeded
    one they unmarked, is left alone.
    """
    exists = session.scalars(select(StrategyRow.id).where(
        StrategyRow.org_id == org.id,
        (StrategyRow.is_default.is_(True)) | (StrategyRow.code == DEFAULT_CODE)).limit(1)).first()
    if exists is not None:
        return False
    text = (files("cobranza.dunning") / DEFAULT_STRATEGY_FILE).read_text(encoding="utf-8")
    result = import_strategy(session, org=org, text=text, source=DEFAULT_STRATEGY_FILE, now=now)
    if isinstance(result, list):  # a packaging mistake: the tests parse the shipped file
        raise RuntimeError("\n".join(map(str, result)))
    return True


def assign_strategy(session: Session, *, org: Organisation, customer_code: str,
                    strategy_code: str | None, now: datetime, actor: str) -> None:
    """Make a customer follow a strategy (None: back to its segment's, else the default)."""
    customer = session.scalars(select(Customer).where(Customer.org_id == org.id,
                                                      Customer.code == customer_code)).first()
    if customer is None:
        raise UnknownCustomer(customer_code)
    strategy_id = None
    if strategy_code is not None:
        strategy_id = session.scalars(select(StrategyRow.id).where(
            StrategyRow.org_id == org.id, StrategyRow.code == strategy_code)).first()
        if strategy_id is None:
            raise UnknownStrategy(strategy_code)
    if customer.strategy_id == strategy_id:
        return
    customer.strategy_id, customer.updated_at = strategy_id, now
    append(session, org_id=org.id, events=[Event(customer.id, now, "strategy_assigned", actor,
                                                 {"strategy": strategy_code})])


def _default_parts(code: str, language: str) -> TemplateParts | None:
    default = load_default_templates().get(code)
    return default.languages.get(language) if default else None


def _changed_templates(templates: Mapping[str, Template]) -> int:
    return sum(parts != _default_parts(code, lang)
               for code, template in templates.items()
               for lang, parts in template.languages.items())


def _store_templates(session: Session, *, org_id: int, templates: Mapping[str, Template],
                     now: datetime) -> int:
    """Keep the texts that differ from the defaults; a text equal to its default drops the copy."""
    stored = 0
    for code, template in templates.items():
        rows = {row.language: row for row in session.scalars(select(MessageTemplate).where(
            MessageTemplate.org_id == org_id, MessageTemplate.code == code))}
        for lang, parts in template.languages.items():
            row = rows.get(lang)
            if parts == _default_parts(code, lang):
                if row is not None:
                    session.delete(row)
                continue
            stored += 1
            texts = (parts.subject, parts.text, parts.html, parts.sms)
            if row is not None and (row.subject, row.text, row.html, row.sms) == texts:
                continue
            row = row or MessageTemplate(org_id=org_id, code=code, language=lang)
            row.subject, row.text, row.html, row.sms = texts
            row.updated_at = now
            session.add(row)
    session.flush()
    return stored


def load_templates(session: Session, *, org_id: int,
                   codes: list[str] | None = None) -> dict[str, Template]:
    """The templates in force: the defaults, with the organisation's own texts over them.

    One query (for `codes`, or every template); the run renders from this mapping.
    """
    merged = {code: dict(t.languages) for code, t in load_default_templates().items()
              if codes is None or code in codes}
    stmt = select(MessageTemplate).where(MessageTemplate.org_id == org_id)
    if codes is not None:
        stmt = stmt.where(MessageTemplate.code.in_(codes))
    for row in session.scalars(stmt):
        merged.setdefault(row.code, {})[row.language] = TemplateParts(
            code=row.code, language=row.language, subject=row.subject, text=row.text,
            html=row.html, sms=row.sms)
    return {code: Template(code, MappingProxyType(langs)) for code, langs in merged.items()}


def templates_for(session: Session, *, org_id: int, code: str, language: str) -> TemplateParts:
    """A template's parts in `language`: the organisation's text, else the default.

    Falls back to Spanish, then any language the template has; UnknownTemplate if it has none.
    """
    template = load_templates(session, org_id=org_id, codes=[code]).get(code)
    if template is None or not template.languages:
        raise UnknownTemplate(code)
    return template.parts_for(language)
