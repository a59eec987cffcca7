"""Request plumbing of the JSON API: one unit of work per request and bearer-key auth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cobranza.db import unit_of_work
from cobranza.i18n import _
from cobranza.models import Organisation
from cobranza.organisations.service import current, organisation_for_key

bearer = HTTPBearer(auto_error=False, description="An API key from `cobranza apikey create`.")


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed after a successful response, else rolled back."""
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_org(session: SessionDep, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Organisation:
    """The organisation of the bearer key; every query is scoped to it."""
    org_id = organisation_for_key(session, token=credentials.credentials) if credentials else None
    if org_id is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, _("invalid or missing API key"),
                            headers={"WWW-Authenticate": "Bearer"})
    return current(session, org_id=org_id)


OrgDep = Annotated[Organisation, Depends(get_org)]
