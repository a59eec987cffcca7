"""When a queued contact may go out now: the run's contact rules, checked again at send time.

The worker asks before each send, since a retry or a deferral can push a message past the hours
the run placed it in, and other contacts may have been made since.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.core.contact import History, Limits, NeverAllowed, schedule
from cobranza.core.strategy import Channel
from cobranza.dunning import repository as repo
from cobranza.dunning.planner import debtor_for
from cobranza.dunning.strategies import load_limits
from cobranza.models import CollectionAction, Organisation

AllowedAt = Callable[..., tuple[datetime, str | None]]


def allowed_at(session: Session, *, action_id: int, now: datetime) -> tuple[datetime, str | None]:
    """The earliest moment at or after `now` the contact rules allow this action, and the rule."""
    action = session.get(CollectionAction, action_id)
    if action is None:
        raise LookupError(action_id)
    org = session.get(Organisation, action.org_id)
    assert org is not None
    customer = repo.customers(session, org_id=org.id, ids={action.customer_id})[
        action.customer_id]
    limits = load_limits(session, org_id=org.id).get(action.strategy_id or -1, Limits())
    debtor = debtor_for(customer, org=org, limits=limits,
                        overrides=repo.calendar_overrides(org.calendar_overrides))
    history = History()
    since = now - timedelta(days=8)
    for row_id, channel, sent_at, scheduled_at in session.execute(
            select(CollectionAction.id, CollectionAction.channel,
                   CollectionAction.sent_at, CollectionAction.scheduled_at)
            .where(CollectionAction.customer_id == action.customer_id,
                   CollectionAction.status.in_(("sending", "sent", "delivered")),
                   CollectionAction.scheduled_at >= since)):
        if row_id != action_id:
            when = sent_at or scheduled_at
            history.add(Channel(channel), when.astimezone(debtor.timezone).date())
    for _cid, when in repo.conversations(session, org_id=org.id, since=since):
        if _cid == action.customer_id:
            history.conversations.append(when.astimezone(debtor.timezone).date())
    try:
        return schedule(now, channel=Channel(action.channel), debtor=debtor, history=history)
    except NeverAllowed:
        return now + timedelta(days=365), "never_allowed"
