"""JSON endpoint for importing a bank statement file."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from cobranza.deps import OrgDep, SessionDep
from cobranza.i18n import _
from cobranza.statements.model import StatementError
from cobranza.statements.service import MAX_BYTES, StatementImport, import_statement

router = APIRouter(prefix="/statements", tags=["statements"])


class StatementOut(BaseModel):
    """One statement of the uploaded file and what importing it did."""

    account: str
    currency: str | None
    period_start: str | None
    period_end: str | None
    statement_ref: str | None
    lines_new: int
    lines_known: int
    already_imported: bool
    not_booked: int  # entries the bank reported but had not booked: not imported
    zero: int  # movements of no amount: no money moved, not imported


class StatementImportOut(BaseModel):
    """The file's format and its statements."""

    file: str
    format: str | None
    statements: list[StatementOut]
    lines_new: int
    lines_known: int


_FORM_SLACK = 64 * 1024  # a form's boundaries and part headers around the file


async def _body(request: Request, *, file: str | None) -> tuple[bytes, str]:
    """The uploaded bytes and the file's name, refused past the size limit before all of them
    are read. The file is the request body, or the `file` field of a form (multipart)."""
    name = file or "upload"
    form = request.headers.get("content-type", "").startswith("multipart/form-data")
    if int(request.headers.get("content-length") or 0) > MAX_BYTES + (_FORM_SLACK if form else 0):
        raise _too_large(name)
    if form:
        return await _form_file(request, file=file)
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > MAX_BYTES:
            raise _too_large(name)
    return bytes(data), name


async def _form_file(request: Request, *, file: str | None) -> tuple[bytes, str]:
    """The `file` field of a browser's form upload (spooled to disk while parsed)."""
    async with request.form(max_files=1, max_fields=20) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise _refused([StatementError(file or "upload", 0, "file", _(
                "the form has no file in a field named 'file'"))], 422)
        name = file or upload.filename or "upload"
        if upload.size is not None and upload.size > MAX_BYTES:
            raise _too_large(name)
        data = await upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise _too_large(name)
        return data, name


def _too_large(file: str) -> HTTPException:
    return _refused([StatementError(file, 0, "", _(
        "the file is larger than {limit} MB; bank statements are far smaller",
        limit=MAX_BYTES // (1024 * 1024)))], 413)


@router.post("")
async def upload_statement(
    request: Request, session: SessionDep, org: OrgDep,
    format: Annotated[str, Query(description="auto, camt, mt940, ofx, bai2, xlsx, csv or cep")]
    = "auto",
    account: Annotated[str | None, Query(description="the account, when the file names none")]
    = None,
    filename: Annotated[str | None, Query(description="name shown in errors")] = None,
    currency: Annotated[str | None, Query(
        description="CSV: the account's currency when the file has no currency column "
                    "(default: the one a header names, else the organisation's)")] = None,
    map_: Annotated[list[str] | None, Query(
        alias="map", description="CSV: FIELD=HEADER (FIELD=N, the Nth column, in a file "
                                  "without a header row), repeatable or comma-separated")] = None,
) -> StatementImportOut:
    """Import a bank statement sent as the request body, or as the `file` field of a form;
    any error imports nothing (422)."""
    mapping = _mapping(map_ or [], file=filename or "upload")
    data, name = await _body(request, file=filename)
    # The import is synchronous database work: keep it off the event loop.
    outcome = await run_in_threadpool(
        import_statement, session, org_id=org.id, data=data, file=name, now=datetime.now(UTC),
        format=format, account=account, mapping=mapping, currency=currency,
        default_currency=org.base_currency)
    if not outcome.ok:
        raise _refused(outcome.errors, 422)
    return _out(outcome)


def _mapping(pairs: list[str], *, file: str) -> dict[str, str]:
    """`map` as the command line's --map reads it: FIELD=HEADER, repeated or comma-separated."""
    mapping: dict[str, str] = {}
    for item in (item for pair in pairs for item in pair.split(",")):
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise _refused([StatementError(file, 0, "map", _(
                "'{value}' is not FIELD=HEADER", value=item))], 422)
        mapping[field.strip()] = header.strip()
    return mapping


def _refused(errors: list[StatementError], code: int) -> HTTPException:
    # Raising rolls the request's unit of work back: nothing of the file is written.
    return HTTPException(code, detail=[
        {"file": e.file, "line": e.line, "field": e.field, "message": e.message}
        for e in errors])


def _out(outcome: StatementImport) -> StatementImportOut:
    return StatementImportOut(
        file=outcome.file, format=outcome.format, lines_new=outcome.lines_new,
        lines_known=outcome.lines_known,
        statements=[StatementOut(
            account=s.account, currency=s.currency, statement_ref=s.statement_ref,
            period_start=s.period_start.isoformat() if s.period_start else None,
            period_end=s.period_end.isoformat() if s.period_end else None,
            lines_new=s.lines_new, lines_known=s.lines_known,
            already_imported=s.already_imported, not_booked=s.not_booked,
            zero=s.zero)
            for s in outcome.statements])
