"""JSON endpoints for the aging report and customer statements."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException

from cobranza.core.aging import InvalidBuckets, parse_edges
from cobranza.deps import OrgDep, SessionDep
from cobranza.reports import aging, statement

router = APIRouter(tags=["reports"])


@router.get("/reports/aging")
def aging_report(as_of: date, session: SessionDep, org: OrgDep,
                 buckets: str = "30,60,90,120") -> dict[str, Any]:
    """Aging as of the end of `as_of`, in the same JSON shape as `cobranza report aging`."""
    try:
        edges = parse_edges(buckets)
    except InvalidBuckets:
        raise HTTPException(422, [{"loc": ["query", "buckets"], "msg":
                                   "expected increasing days, e.g. 30,60,90",
                                   "type": "value_error"}]) from None
    return aging.to_json(aging.compute(session, org_id=org.id, as_of=as_of, edges=edges,
                                       cap_scaled=org.max_interest_scaled))


@router.get("/customers/{customer_id}/statement", tags=["customers"])
def customer_statement(customer_id: str, as_of: date, session: SessionDep,
                       org: OrgDep) -> dict[str, Any]:
    """A customer's statement: documents, allocations, open amounts, interest."""
    try:
        result = statement.build(session, org=org, customer_code=customer_id, as_of=as_of)
    except statement.UnknownCustomer:
        raise HTTPException(404, "unknown customer") from None
    return statement.to_json(result)
