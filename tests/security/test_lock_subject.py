"""Issue 23, item 3 (R8, R9): the lock counts a normalised subject. Five wrong PINs for a
number lock it under every spelling of that number (E.164 of what was typed, by the
``phonenumbers`` library) whether it is a customer's line or made up, and by caller ID alike,
so the sixth try reads the same for both and tells nobody which numbers are customers."""

from __future__ import annotations

SPELLINGS = ("5550200015", "15550200015", "1 (555) 020-0015")


def _five_wrong_by_text(phone, number: str) -> None:
    for i in range(5):
        p = phone(f"+1555000{number[-2:]}{i:02d}")  # five phones (one sender's texts are rate-limited)
        p.text("PLANS")
        p.text(number)
        p.text(f"{8100 + i}")


def _sixth_by_text(phone, number: str, i: int) -> str:
    p = phone(f"+1555001{number[-2:]}{i:02d}")
    p.text("PLANS")
    p.text(number)
    return p.text("8199")


def test_a_made_up_number_locks_under_every_spelling_like_a_real_line_by_text_R8_R9(phone, demo):
    # A real line (sam's) and a number no customer has, locked the same way.
    real, made_up = "5550100003", "5550200015"
    _five_wrong_by_text(phone, real)
    _five_wrong_by_text(phone, made_up)
    for i, (r, m) in enumerate(zip(("15550100003", "+1 555 010 0003", "(555) 010-0003"),
                                   ("15550200015", "+1 555 020 0015", "(555) 020-0015"))):
        said_real, said_made_up = _sixth_by_text(phone, r, i), _sixth_by_text(phone, m, 10 + i)
        assert "locked" in said_real, said_real
        assert said_real.replace("0003", "") == said_made_up.replace("0015", ""), (said_real, said_made_up)


def test_a_made_up_caller_id_and_the_same_number_typed_lock_alike_by_voice_R8_R9(call, demo):
    def five_wrong_from(caller: str) -> None:
        for i in range(5):
            call(caller, ["1", "1", f"{8100 + i}#", "hangup", "hangup"])

    def sixth_typed(number: str, i: int) -> str:
        return call(f"+1555002{number[-2:]}{i:02d}", ["1", "1", f"{number}#", "8199#", "hangup", "hangup"]).said()

    five_wrong_from("+15557770003")  # sam's own phone: a real line by caller ID
    five_wrong_from("+15550200016")  # a number that is no customer's
    real, made_up = sixth_typed("5550100003", 1), sixth_typed("5550200016", 2)
    assert "locked" in real, real
    assert real.replace("0100003", "") == made_up.replace("0200016", ""), (real, made_up)
