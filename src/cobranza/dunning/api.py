"""JSON endpoints of collection strategies: list, read (JSON or YAML) and replace.

A PUT takes the YAML format, or the same shape as JSON (JSON is YAML's subset, so both go
through one parser and get the same located errors, lines included, as a 422).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from cobranza.deps import OrgDep, SessionDep
from cobranza.dunning import strategies
from cobranza.dunning.schemas import StrategyDoc, StrategyErrorOut, StrategySummaryOut
from cobranza.dunning.strategy_yaml import StrategyError, strategy_document
from cobranza.i18n import _

router = APIRouter(prefix="/strategies", tags=["strategies"])

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
BODY = "body"  # the "file" named in the errors of a request body


async def raw_body(request: Request) -> tuple[str, bytes]:
    """The request's media type and its raw bytes (the parser needs the text, for lines)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media, await request.body()


@router.get("")
def list_strategies(session: SessionDep, org: OrgDep) -> list[StrategySummaryOut]:
    """Every strategy, with its step count and how many customers follow it now."""
    return [StrategySummaryOut(code=s.code, name=s.name, default=s.is_default,
                               segments=list(s.segments), steps=s.steps, customers=s.customers)
            for s in strategies.list_strategies(session, org_id=org.id)]


@router.get("/{code}", response_model_exclude_none=True)
def get_strategy(code: str, session: SessionDep, org: OrgDep) -> StrategyDoc:
    """One strategy in the YAML's shape, with the texts of the templates its steps use."""
    try:
        return StrategyDoc.model_validate(strategies.strategy_json(session, org=org, code=code))
    except strategies.UnknownStrategy:
        raise HTTPException(404, "unknown strategy") from None


@router.get("/{code}/yaml", response_class=Response,
            responses={200: {"content": {"application/yaml": {}}}})
def get_strategy_yaml(code: str, session: SessionDep, org: OrgDep) -> Response:
    """One strategy as YAML, exactly as `cobranza strategy export` prints it."""
    try:
        text = strategies.export_strategy(session, org=org, code=code)
    except strategies.UnknownStrategy:
        raise HTTPException(404, "unknown strategy") from None
    return Response(text, media_type="application/yaml; charset=utf-8")


@router.put("/{code}", response_model_exclude_none=True, openapi_extra={"requestBody": {
    "required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/StrategyDoc"}},
        "application/yaml": {"schema": {"type": "string"}}}}},
    responses={422: {"model": list[StrategyErrorOut]}})
def put_strategy(code: str, body: Annotated[tuple[str, bytes], Depends(raw_body)],
                 session: SessionDep, org: OrgDep, dry_run: bool = False) -> StrategyDoc:
    """Create or replace a strategy; any problem rejects all of it (422, every error located)."""
    media, raw = body
    if media not in (*YAML_TYPES, "application/json"):
        raise HTTPException(415, "send application/json or application/yaml")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(422, [_error(StrategyError(BODY, 1, (), _(
            "the body is not UTF-8 text")))]) from None
    result = strategies.import_strategy(session, org=org, text=text, source=BODY, code=code,
                                        now=datetime.now(UTC), dry_run=dry_run)
    if isinstance(result, list):
        raise HTTPException(422, [_error(e) for e in result])
    if dry_run:  # what would be stored: the body's strategy and templates
        parsed = result.parsed
        return StrategyDoc.model_validate(
            strategy_document(parsed.strategy, parsed.templates, parsed.limits))
    return StrategyDoc.model_validate(strategies.strategy_json(session, org=org, code=code))


def _error(error: StrategyError) -> dict[str, Any]:
    return StrategyErrorOut(loc=[BODY, *error.path], line=error.line, field=error.field,
                            msg=error.message).model_dump()
