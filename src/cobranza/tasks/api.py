"""JSON endpoints of the collectors' work queue: list tasks, log how a call or visit went."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter

from cobranza.accounts.api import ActorDep, located
from cobranza.accounts.schemas import OutcomeIn, TaskOut, parse_amount, parse_date, parse_moment
from cobranza.deps import OrgDep, SessionDep
from cobranza.tasks import service

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("")
def list_tasks(session: SessionDep, org: OrgDep, collector: str | None = None,
               status: Literal["open", "done", "all"] = "open") -> list[TaskOut]:
    """Call and visit tasks by scheduled time; `status` is open, done or all."""
    tasks = service.list_tasks(session, org=org, collector=collector, status=status)
    return [TaskOut(**t.to_json()) for t in tasks]


@router.post("/{task_id}/outcome")
def log_outcome(task_id: int, body: OutcomeIn, session: SessionDep, org: OrgDep,
                actor: ActorDep) -> TaskOut:
    """Log how a task went; a promise, a dispute, a bad number or a call back follow from it."""
    now = datetime.now(UTC)
    with located(task="task_id"):
        zone = service.task_zone(session, org=org, task_id=task_id)
        task = service.log_outcome(
            session, org=org, now=now, actor=actor, task_id=task_id,
            outcome=(body.outcome or "").strip(),
            promise_date=None if body.promise_date is None
            else parse_date(body.promise_date, "promise_date"),
            amount=None if body.amount is None else parse_amount(body.amount, "amount"),
            reason=body.reason, note=body.note,
            at=None if body.at is None else parse_moment(body.at, "at", zone))
        view = service.task_view(session, org=org, task_id=task.id)
    return TaskOut(**view.to_json())
