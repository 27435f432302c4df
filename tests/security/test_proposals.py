"""Issue 23, item 2 (R10, R11, R13): a proposal is bound to what was shown. Two phones on one
line (the line's own and a contact number) each ask CHANGE NUMBER: each is offered a number
reserved for it, never the same one; the first YES changes the number, the second says the
number was already changed and changes nothing; no number ever leaves both the pool and
every line. Over two gunicorn servers sharing PostgreSQL and Redis."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from core.models import AvailableNumber, Line
from tests.faults.test_floods import sms
from tests.helpers import line

LINE_PHONE, MOBILE = "+15550100001", "+15557770001"  # dana's line, and her mobile (a contact number)
OFFER = re.compile(r"→|to \(?(\d{3})\)? ?(\d{3})-(\d{4})")


def _numbers(deps) -> tuple[set[str], set[str]]:
    with deps.db() as s:
        return (set(s.execute(select(AvailableNumber.number)).scalars()),
                set(s.execute(select(Line.number)).scalars()))


def _offered(text: str) -> str:
    found = re.findall(r"\(\d{3}\) \d{3}-\d{4}", text)
    assert len(found) >= 2, text
    return found[-1]


def test_two_phones_on_one_line_yes_applies_only_what_each_was_shown_R10(two_servers, deps, demo):
    a, b = two_servers
    pool_before, lines_before = _numbers(deps)
    sms(a, LINE_PHONE, "CHANGE NUMBER")
    shown_a = sms(a, LINE_PHONE, "1234")
    sms(b, MOBILE, "CHANGE NUMBER")
    shown_b = sms(b, MOBILE, "1234")
    assert _offered(shown_a) and _offered(shown_b)
    done = sms(a, LINE_PHONE, "YES")
    assert done.startswith("Done"), done
    after_a = line(deps, "dana").number
    second = sms(b, MOBILE, "YES")
    assert "already changed" in second and "Nothing else changed" in second, second
    assert line(deps, "dana").number == after_a  # B's offer was never applied
    pool, lines = _numbers(deps)
    # Every number is still in the pool or on a line, but the line's old one, released by A's YES.
    assert (pool_before | lines_before) - (pool | lines) == {"+15550100001"}
    assert len(pool) == len(pool_before) - 1


def test_a_number_offered_to_one_line_is_reserved_from_the_others_until_the_offer_lapses(two_servers, deps, demo,
                                                                                        monkeypatch):
    a, b = two_servers
    sms(a, LINE_PHONE, "CHANGE NUMBER")
    dana = _offered(sms(a, LINE_PHONE, "1234"))
    sms(b, "+15557770003", "CHANGE NUMBER")  # sam, another line, same area code
    sam = _offered(sms(b, "+15557770003", "1357"))
    assert dana != sam
    from core.journeys import change_number

    deps.redis.delete(change_number.HELD + "+1" + re.sub(r"\D", "", dana))  # dana's offer lapsed
    sms(b, "+15557770004", "CHANGE NUMBER")  # pat's line: not active, refused; then sam asks again
    sms(b, "+15557770003", "CHANGE NUMBER")
    again = _offered(sms(b, "+15557770003", "1357"))
    assert again in (dana, sam)


def test_concurrent_yes_from_both_phones_changes_the_number_once(two_servers, deps, demo):
    a, b = two_servers
    pool_before, lines_before = _numbers(deps)
    sms(a, LINE_PHONE, "CHANGE NUMBER")
    sms(a, LINE_PHONE, "1234")
    sms(b, MOBILE, "CHANGE NUMBER")
    sms(b, MOBILE, "1234")
    jobs = [(two_servers[i % 2], LINE_PHONE if i % 2 == 0 else MOBILE) for i in range(12)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda j: sms(j[0], j[1], "YES", "SM" + uuid.uuid4().hex), jobs))
    assert sum(x.startswith("Done") for x in answers) == 1, answers
    pool, lines = _numbers(deps)
    assert (pool_before | lines_before) - (pool | lines) == {"+15550100001"}
