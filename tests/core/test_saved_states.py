"""Typed proposals and per-journey state (issue 20): a proposal is a journey's dataclass, so a
misspelt field fails where it is built; a conversation saved by the previous version (its
proposal a dict, the journeys' fields at the top of the state) still goes on after a deploy,
and one whose proposal can no longer be read says so and changes nothing."""

from __future__ import annotations

import dataclasses
import json

import pytest

from core.journeys import KINDS, REGISTRY, Proposal
from core.journeys.cancel_line import Leaving
from core.journeys.cancel_plan import StopPlan
from core.state import State
from tests.helpers import line, plan

DANA, SAM = "+15557770001", "+15557770003"
KEY = "sb:conv:sms:"


def verified(phone, number, pin):
    p = phone(number)
    assert "PIN" in p.text("PLANS")
    assert p.text(pin).startswith("PIN OK.")
    return p


def as_previous_version(deps, number: str) -> dict:
    """Rewrite the saved state as the previous version kept it: the journeys' own fields at the
    top, no ``journey_data`` (proposals were already dicts of the same keys)."""
    data = json.loads(deps.redis.get(KEY + number))
    for values in data.pop("journey_data").values():
        data.update(values)
    deps.redis.set(KEY + number, json.dumps(data), keepttl=True)
    return data


# Rules ---------------------------------------------------------------------------------------
def test_a_misspelt_field_fails_where_the_proposal_is_built():
    with pytest.raises(TypeError):
        StopPlan(plan_id=1, prodcut="Text Archive", kind="addon", term_end=None, number="+15550100001")
    with pytest.raises(dataclasses.FrozenInstanceError):
        StopPlan(plan_id=1, product="Text Archive", kind="addon", term_end=None, number="+1").product = "x"


def test_every_changing_journey_declares_a_proposal_of_its_own_action():
    for name, journey in REGISTRY.items():
        if journey.changes:
            assert journey.proposal is not None and issubclass(journey.proposal, Proposal), name
            assert journey.proposal.action == name
        if journey.data is not None:
            assert journey.data.journey == name


def test_a_proposal_shows_no_id_and_reads_back_equal():
    p = StopPlan(plan_id=7, product="Text Archive", kind="addon", term_end="2026-12-15", number="+15550100001")
    asked = p.asked(dt_now(), "c0ffee")
    assert "plan_id" not in asked.shown() and "id" not in asked.shown() and "asked_at" not in asked.shown()
    assert asked.shown()["product"] == "Text Archive"
    s = State(pending=asked, queue=[asked, "cancel_line"])
    Leaving.of(s).offers_made = 1
    again = State.from_json(s.to_json(), KINDS)
    assert again == s and again.pending == asked and again.queue == [asked, "cancel_line"]


def test_a_state_of_the_previous_version_lifts_the_journeys_fields_into_their_own():
    raw = json.dumps({"step": "reason", "journey": "cancel_line", "offers_made": 1, "reason_asked": True,
                      "offer": "reactivate", "plans_page": 3, "queue": [{"action": "cancel_line"}]})
    s = State.from_json(raw, KINDS)
    assert (Leaving.of(s).offers_made, Leaving.of(s).reason_asked, Leaving.of(s).offer) == (1, True, "reactivate")
    assert s.journey_data["plans"].plans_page == 3 and s.queue == ["cancel_line"]


def dt_now():
    import datetime as dt

    return dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.timezone.utc)


# Through the stack ---------------------------------------------------------------------------
def test_a_proposal_saved_by_the_previous_version_is_confirmed_after_the_deploy_R10(phone, deps, demo):
    p = verified(phone, DANA, "1234")
    assert "Cancel Text Archive" in p.text("stop plan TEXT ARCHIVE")
    old = as_previous_version(deps, DANA)
    assert old["pending"]["action"] == "cancel_plan" and "plan_id" in old["pending"]
    assert p.text("YES").startswith("Done: Text Archive won't renew.")
    assert plan(deps, "dana", "Text Archive").auto_renew is False


def test_a_cancellation_queued_by_the_previous_version_goes_on_with_its_add_ons_then_the_line_R4(phone, deps, demo):
    p = verified(phone, DANA, "1234")
    assert "Cancel Text Archive" in p.text("CANCEL LINE")
    old = as_previous_version(deps, DANA)
    assert old["queue"][-1] == {"action": "cancel_line"} and old["reason_asked"] is False
    assert "Cancel Call Recording" in p.text("YES")
    reply = p.text("YES")
    assert "Done: Call Recording won't renew" in reply and "Cancel line (555) 010-0001?" in reply
    assert "is cancelled" in p.text("YES")
    assert line(deps, "dana").status == "cancel_pending"


def test_a_proposal_that_can_no_longer_be_read_changes_nothing_and_says_so(phone, deps, demo):
    p = verified(phone, DANA, "1234")
    assert "Cancel Text Archive" in p.text("stop plan TEXT ARCHIVE")
    data = json.loads(deps.redis.get(KEY + DANA))
    del data["pending"]["plan_id"]  # a field this version needs, missing
    deps.redis.set(KEY + DANA, json.dumps(data), keepttl=True)
    assert p.text("YES").startswith("Nothing is waiting for a yes.")
    assert plan(deps, "dana", "Text Archive").auto_renew is True
