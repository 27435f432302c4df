"""How to cancel an App Store plan (R6; R24: "how do I turn off auto renewal on my iPhone?"):
Apple's steps at once, by text with Apple's page, by voice short enough to follow (R19)."""

from __future__ import annotations

from core import policy
from core.journeys._facts import answer

JOURNEY = answer("appstore", "appstore_steps", values={"url": policy.APPLE_SUBSCRIPTIONS_URL})
