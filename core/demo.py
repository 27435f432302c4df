"""The demo data set (``switchboard seed-demo``): every rule has a line to try it on.

Dates are relative to today so the demo stays meaningful. PINs are printed by the CLI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def demo_document(today: dt.date) -> dict[str, Any]:
    def d(days: int) -> str:
        return (today + dt.timedelta(days=days)).isoformat()

    def plan(product, kind="feature", channel="portal", days=19, period="monthly", renew=True):
        return {"product": product, "kind": kind, "period": period, "channel": channel,
                "term_end": d(days), "auto_renew": renew}

    def line(login, number, pin, contacts, plans, status="active", reason=None, credits="5.00", blocked=()):
        return {"login_id": login, "number": number, "pin": pin, "contacts": contacts,
                "status": status, "status_reason": reason, "usage_credits": credits,
                "plans": plans, "blocked": list(blocked)}

    return {
        "available_numbers": ["+15550100900", "+15550100901", "+12125550190", "+13105550191"],
        "accounts": [
            # Portal number plan, both add-ons (R4: Cancel Line asks for them first).
            {"name": "Dana Reyes", "admin": "dana", "lines": [
                line("dana", "+15550100001", "1234", ["+15557770001"], [
                    plan("Unlimited Monthly", "number"),
                    plan("Text Archive"),
                    plan("Call Recording"),
                ], credits="12.50", blocked=["+15559990000"]),
            ]},
            # Everything bought in the App Store (R6), with an App Store add-on blocking R4.
            {"name": "Alex Kim", "admin": "alexk", "lines": [
                line("alexk", "+15550100002", "2468", ["+15557770002"], [
                    plan("Unlimited Annual", "number", "app_store", 200, "annual"),
                    plan("Call Recording", channel="app_store", days=7),
                ]),
            ]},
            # A plain portal line: the shortest Cancel Line.
            {"name": "Sam Ortiz", "admin": "sam", "lines": [
                line("sam", "+15550100003", "1357", ["+15557770003"], [
                    plan("Basic Monthly", "number", days=10),
                ]),
            ]},
            # A business: the admin acts on every line (R7); users only on their own.
            {"name": "Acme Plumbing", "admin": "jdoe", "lines": [
                line("jdoe", "+15550100010", "482913", ["+15557770010"], [
                    plan("Business Annual", "number", period="annual", days=120),
                    plan("Text Archive", period="annual", days=120),
                ]),
                line("maria", "+15550100011", "1111", ["+15557770011"], [
                    plan("Business Monthly", "number", days=12),
                    plan("Voicemail Transcription", days=12),
                ]),
                line("lee", "+15550100012", "2222", ["+15557770012"], [
                    plan("Business Monthly", "number", days=12),
                ]),
            ]},
            # Suspended for an unpaid renewal: reactivation allowed (R12).
            {"name": "Pat Lowe", "admin": "pat", "lines": [
                line("pat", "+15550100004", "9999", ["+15557770004"], [
                    plan("Unlimited Monthly", "number", days=2, renew=False),
                ], status="suspended", reason="unpaid", credits="0.00"),
            ]},
            # Its user cancelled it (R3): works to term end, never reactivated (R12).
            {"name": "Chris Wu", "admin": "chrisw", "lines": [
                line("chrisw", "+15550100005", "8642", ["+15557770005"], [
                    plan("Unlimited Monthly", "number", days=6, renew=False),
                ], status="cancel_pending", reason="user"),
            ]},
        ],
    }
