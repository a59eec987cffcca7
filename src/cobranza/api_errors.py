"""The API's answers to a request it cannot take, in the request's language.

Every refusal has the shape FastAPI gives a request that fails validation,
`{"detail": [{"loc", "msg", "type"}]}`, so a client reads one shape whichever check refused:
- a request that fails validation (a missing field, text where a number goes, a number out of
  range, a body that is not JSON) is 422 with pydantic's error types, their messages said in
  the request's language (`_said`);
- a value the database cannot hold (a number past 64 bits, a NUL character in a text, which
  PostgreSQL refuses and SQLite does not) is 422 too, never a 500: the request is wrong, not
  the server. The request's transaction is rolled back by its session's dependency first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

from cobranza.i18n import _


def install(app: FastAPI) -> None:
    """Answer validation errors and unstorable values as 422s in the request's language."""
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, _unstorable)  # type: ignore[arg-type]


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse(status_code=422, content=jsonable_encoder(
        {"detail": [_detail(error) for error in exc.errors()]}))


async def _unstorable(request: Request, exc: DataError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": [{
        "loc": ["body"], "type": "value_error",
        "msg": _("a value of the request cannot be stored: a number too large, or a text "
                 "with a character no text may hold (NUL)")}]})


def _detail(error: Mapping[str, Any]) -> dict[str, Any]:
    loc: Sequence[str | int] = error.get("loc", ())
    return {"loc": list(loc), "msg": _said(error), "type": error.get("type", "value_error")}


def _said(error: Mapping[str, Any]) -> str:
    """pydantic's message for the common error types in the request's language; any other
    in pydantic's English."""
    kind = error.get("type", "")
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    shown = value if isinstance(value, str | int | float) else ""
    if kind == "missing":
        return _("missing value; this is required")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("'{value}' is not a whole number", value=shown)
    if kind == "string_type":
        return _("expected text; amounts are written as decimal strings, such as \"1500.50\"")
    if kind in ("bool_parsing", "bool_type"):
        return _("'{value}' is not true or false", value=shown)
    if kind == "greater_than_equal":
        return _("expected a number of at least {limit}", limit=ctx.get("ge"))
    if kind == "less_than_equal":
        return _("expected a number of at most {limit}", limit=ctx.get("le"))
    if kind == "json_invalid":
        return _("the body is not valid JSON")
    if kind in ("list_type", "tuple_type"):
        return _("expected a list")
    if kind in ("model_attributes_type", "dict_type"):
        return _("expected an object")
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return _("'{value}' is not a date; expected YYYY-MM-DD", value=shown)
    if kind == "enum":
        return _("'{value}' is not one of {expected}", value=shown,
                 expected=ctx.get("expected", ""))
    return str(error.get("msg", kind))
