"""Self-service steps texted to a line's own number when its verified customer asks for them
(issue 12: the voice door's offer to text Apple's cancellation steps after reading them).

The text goes through the outbox like every text the bot starts (sent by the worker, claimed
once), only ever to the line's own number, never to a number that opted out (R16: checked
here, and again by the outbox when sending), and once per request: the same request asking
again (a repeated keypress, Twilio retrying the webhook) queues nothing more and is told so.
Two such requests at once are serialised on the line's row.

Failure behaviour: database errors propagate as the services' ``NotApplied``/``OutcomeUnknown``;
the door says the steps could not be texted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.models import Line, OutboundText, TextOptOut
from core.services import Request, audit, transaction


@dataclass(frozen=True)
class Texted:
    outcome: str  # queued, already, opted_out, no_line
    number: str | None = None  # the line's own number (where it went, or would have)


def text_line(db: sessionmaker[Session], *, line_id: int, instruction: str, body: str, now: dt.datetime,
              req: Request, from_number: str | None = None) -> Texted:
    """Queue ``body`` (public words only: steps, never account details) to the line's own
    number, audited as ``text_instruction`` with the ``instruction``'s name."""
    with transaction(db) as session:
        line = session.execute(select(Line).where(Line.id == line_id).with_for_update()).scalar_one_or_none()
        if line is None or line.status == "released":
            return Texted("no_line")
        number = line.number
        if session.get(TextOptOut, number) is not None:
            audit(session, req, action="text_instruction", outcome="refused", now=now, actor="system",
                  line_id=line.id, target=number, instruction=instruction, reason="opted_out")
            return Texted("opted_out", number)
        if req.request_id and session.execute(
                select(OutboundText.id).where(OutboundText.request_id == req.request_id,
                                              OutboundText.to_number == number, OutboundText.body == body).limit(1)
        ).first() is not None:
            return Texted("already", number)
        session.add(OutboundText(created_at=now, to_number=number, from_number=from_number, body=body,
                                 request_id=req.request_id))
        audit(session, req, action="text_instruction", outcome="queued", now=now, actor="system", line_id=line.id,
              target=number, instruction=instruction)
        return Texted("queued", number)
