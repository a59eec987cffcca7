"""JSON shapes of strategies: the same as the YAML format (`cobranza strategy export`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConditionsDoc(_Strict):
    """Who a step applies to; amounts are decimal strings per currency."""

    segments: list[str] | None = None
    countries: list[str] | None = None
    min_overdue: dict[str, str] | None = None


class FeeDoc(_Strict):
    """A fee: fixed amounts per currency plus a percentage of the overdue principal."""

    fixed: dict[str, str] | None = None
    pct: str | None = None


class StepDoc(_Strict):
    """One step, as in the YAML."""

    code: str
    offset: int
    anchor: str
    action: str
    channel: str | None = None
    tone: str | None = None
    template: str | None = None
    requires_previous: bool | None = None
    when: ConditionsDoc | None = None
    fee: FeeDoc | None = None
    params: dict[str, str] | None = None


class LimitsDoc(_Strict):
    """A strategy's own contact limits, stricter than the law's."""

    written_per_7_days: int | None = None
    calls_per_7_days: int | None = None
    min_days_between_written: int | None = None


class TemplatePartsDoc(_Strict):
    """One template in one language (Jinja2 sources)."""

    subject: str | None = None
    text: str | None = None
    html: str | None = None
    sms: str | None = None


class StrategyDoc(_Strict):
    """A strategy with its limits and the texts of the templates its steps use."""

    code: str
    name: str
    default: bool
    segments: list[str] | None = None
    limits: LimitsDoc | None = None
    steps: list[StepDoc]
    templates: dict[str, dict[str, TemplatePartsDoc]] | None = None


class StrategySummaryOut(BaseModel):
    """A strategy in the list."""

    code: str
    name: str
    default: bool
    segments: list[str]
    steps: int
    customers: int


class StrategyErrorOut(BaseModel):
    """One problem of a strategy sent to the API, located like the CLI's."""

    loc: list[str | int]
    line: int
    field: str
    msg: str
    type: str = "value_error"
