"""Reading a text: consent words exactly, commands tolerantly (R16)."""

from __future__ import annotations

import pytest

from sms.keywords import parse


@pytest.mark.parametrize("body, kind, action, arg", [
    ("STOP", "opt_out", None, None),
    ("  stop!! ", "opt_out", None, None),
    ("Stop All", "opt_out", None, None),
    ("CANCEL", "opt_out", None, None),  # a bare CANCEL never cancels anything
    ("No Más", "opt_out", None, None),
    ("ＳＴＯＰ", "opt_out", None, None),  # full-width letters (NFKC)
    ("START", "opt_in", None, None),
    ("unstop", "opt_in", None, None),
    ("HELP", "help", None, None),
    ("info", "help", None, None),
    ("STOP PLAN", "command", "cancel_plan", None),
    ("stop plan call recording", "command", "cancel_plan", "call recording"),
    ("STOP PLAN “Text Archive”", "command", "cancel_plan", "text archive"),
    ("CANCEL LINE", "command", "cancel_line", None),
    ("cancel line 0012", "command", "cancel_line", "0012"),
    ("CANSEL LINE", "command", "cancel_line", None),  # one-letter typo: a confirmation follows
    ("cancle line", "command", "cancel_line", None),  # transposition
    ("PLANS", "command", "plans", None),
    ("status", "command", "plans", None),
    ("REFUND", "command", "refund", None),
    ("Reactivate", "command", "reactivate", None),
    ("change number", "command", "change_number", None),
    ("BLOCK +1 (555) 999-0000", "command", "block", "+1 555 999 0000"),
    ("unblock 5559990000", "command", "unblock", "5559990000"),
    ("agent", "command", "agent", None),
    ("1234", "text", None, None),
    ("👍", "text", None, None),
    ('Liked "Reply YES to confirm"', "text", None, None),
    ("", "empty", None, None),
    ("\x00\x07\u200b", "empty", None, None),
])
def test_parse(body, kind, action, arg):
    parsed = parse(body)
    assert (parsed.kind, parsed.action, parsed.arg) == (kind, action, arg)


def test_a_typo_never_makes_an_opt_out_word():
    assert parse("STOPP").kind == "text"
    assert parse("CANCL").kind == "text"


def test_more_and_a_page_number_ask_for_a_page_of_plans_R19():
    """MORE is the next page of PLANS; PLANS 2 a given page. MORE is matched exactly: never
    as a typo ("core", "mode") nor with other words ("More Minutes" may name a plan)."""
    read = {body: (p.kind, p.action, p.arg) for body in ("MORE", "more!", " More ", "more plans",
                                                         "PLANS 2", "plan 3", "PLANS more")
            for p in [parse(body)]}
    assert read == {"MORE": ("command", "plans", "more"), "more!": ("command", "plans", "more"),
                    " More ": ("command", "plans", "more"), "more plans": ("command", "plans", "more"),
                    "PLANS 2": ("command", "plans", "2"), "plan 3": ("command", "plans", "3"),
                    "PLANS more": ("command", "plans", "more")}
    for reply in ("core", "mode", "mores", "More Minutes", "no more"):
        assert parse(reply).kind == "text", reply


@pytest.mark.parametrize("answer, confirms", [
    ("YES", True), ("yes", True), ("Y", True), ("confirm", True), ("SI", True), ("Sí", True),
    (" Yes! ", True), ("1", False),
    ("no", False), ("yes please don't", False), ("👍", False), ('Liked "Reply YES to confirm"', False),
    ("", False), ("not yes", False), ("yess", False),
])
def test_only_an_explicit_yes_is_a_yes_R18(answer, confirms):
    from core.turns import Turn
    from vocabulary.interpret import interpret

    got = interpret(Turn("sms", "en", "confirm", text=answer, read=parse(answer)))
    assert (got.intent.kind == "yes") is confirms
