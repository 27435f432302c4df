"""R16 with the opt-out answer kept in Redis (core/opt_out_cache.py): the database is the
truth, the kept answer never outlives a change. Consent is changed through one server and
texts go through another (two gunicorn servers, two workers each, on the suite's PostgreSQL
and Redis), one after the other and racing; and a change made while its server could not
reach Redis is not read stale once Redis answers it again."""

from __future__ import annotations

import threading
import time
import uuid
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from core import opt_out_cache
from core.models import TextOptOut
from sms.simulate import text_form
from tests.clients import Phone
from tests.conftest import Twilio
from tests.tcpproxy import TcpProxy


def sms(server, sender: str, body: str) -> list[str]:
    form = text_form(sender, "+15550109000", body)
    sid = "SM" + uuid.uuid4().hex
    form.update(MessageSid=sid, SmsSid=sid, SmsMessageSid=sid)
    status, xml = server.post("/sms", form)
    assert status == 200, xml
    return [m.text or "" for m in ET.fromstring(xml).findall("Message")]


def opted_out_in_database(deps, number: str) -> bool:
    with deps.db() as session:
        return session.get(TextOptOut, number) is not None


def kept(deps, number: str) -> str | None:
    return deps.redis.get(opt_out_cache.PREFIX + number)


def test_consent_changed_through_one_server_holds_at_once_on_the_other_R16(two_servers, deps):
    a, b = two_servers
    # Dana (a line's contact number), then two numbers that are no line's.
    for number in ("+15557770001", "+15558880101", "+15558880102"):
        assert sms(b, number, "HELP")  # answered, and "not opted out" kept in Redis
        assert kept(deps, number) == opt_out_cache.SUBSCRIBED
        assert "won't get more texts" in sms(a, number, "STOP")[0]
        assert opted_out_in_database(deps, number)
        assert sms(b, number, "HELP") == []
        assert sms(b, number, "PLANS") == []
        assert sms(a, number, "HELP") == []
        assert "texts are back on" in sms(b, number, "START")[0]
        assert not opted_out_in_database(deps, number)
        assert sms(a, number, "HELP")
        assert sms(b, number, "HELP")


@pytest.mark.parametrize("word, after", [("STOP", "silent"), ("START", "answered")])
def test_no_text_that_arrives_after_a_consent_change_returned_is_answered_by_the_old_state_R16(
        two_servers, deps, word, after):
    """Texts race a consent change on both servers; every text sent after the change had
    returned is answered by the new state, none by a kept old one."""
    number = f"+1555888{uuid.uuid4().int % 10**4:04d}"
    if word == "START":
        assert sms(two_servers[0], number, "STOP")
    for server in two_servers:  # the state before, kept in Redis
        assert bool(sms(server, number, "HELP")) is (word == "STOP")
    sent_at: list[float] = []
    returned_at: list[float] = []
    seen: list[tuple[float, float, bool]] = []
    done = threading.Event()

    def texter(i: int) -> None:
        for _ in range(40):  # within SMS_RATE_LIMIT (1000 a minute a sender)
            if done.is_set():
                return
            started = time.monotonic()
            answered = bool(sms(two_servers[i % 2], number, "HELP"))
            seen.append((started, time.monotonic(), answered))

    threads = [threading.Thread(target=texter, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.15)
    sent_at.append(time.monotonic())
    assert sms(two_servers[0], number, word)  # the change, through one server
    returned_at.append(time.monotonic())
    time.sleep(0.3)
    done.set()
    for t in threads:
        t.join(30)
    before = [answered for started, finished, answered in seen if finished < sent_at[0]]
    later = [answered for started, finished, answered in seen if started > returned_at[0]]
    assert before and later, "the texts did not race the change"
    if after == "silent":
        assert all(before)
        assert not any(later), f"{sum(later)} of {len(later)} texts after STOP were answered"
    else:
        assert not any(before)
        assert all(later), f"{later.count(False)} of {len(later)} texts after START were not answered"
    assert opted_out_in_database(deps, number) is (word == "STOP")


def test_a_kept_answer_spares_the_database_and_a_change_is_read_from_it(app, deps, demo):
    """The first text of a number asks the database and keeps the answer; the next ones don't
    ask it; a change marks the number, which is then read from the database."""
    statements: list[str] = []
    event.listen(deps.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    phone = Phone(Twilio(app.test_client()), "+15559990001")
    assert phone.text("HELP")
    assert any("text_opt_outs" in s for s in statements)
    statements.clear()
    assert phone.text("HELP")
    assert statements == []  # HELP from a known-subscribed number: no SQL at all
    assert "won't get more texts" in phone.text("STOP")
    assert kept(deps, "+15559990001") == opt_out_cache.CHANGING
    statements.clear()
    assert phone.text("HELP") == ""
    assert any("text_opt_outs" in s for s in statements)


def test_an_opt_out_recorded_while_redis_was_unreachable_is_not_read_stale_when_it_answers_again(
        settings, make_app, app, deps, demo):
    """The server that takes the STOP can't reach Redis (the others can): the opt-out is
    recorded in the database (R16 needs nothing else) and its mark is made as soon as Redis
    answers that server again, before any text is answered from the old kept state."""
    if not settings.redis_url:
        pytest.skip("needs TEST_REDIS_URL: a real Redis to cut")
    url = make_url(settings.redis_url.replace("redis://", "postgresql://", 1))  # host, port, db
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 6379)
    try:
        cut_off = make_app(redis_url=f"redis://127.0.0.1:{proxy.port}/{url.database or 0}")
        number = "+15559990002"
        reader = Phone(Twilio(app.test_client()), number)
        assert reader.text("HELP")
        assert kept(deps, number) == opt_out_cache.SUBSCRIBED
        proxy.sever()
        assert "won't get more texts" in Phone(Twilio(cut_off.test_client()), number).text("STOP")
        assert opted_out_in_database(deps, number)
        proxy.restore()
        assert opt_out_cache._REPAIRS.wait(5), "the mark was not made once Redis answered"
        assert kept(deps, number) == opt_out_cache.CHANGING
        assert reader.text("HELP") == ""
    finally:
        proxy.close()


def test_with_redis_cut_an_opted_out_number_gets_silence_and_others_the_apology_R16(settings, make_app, deps, demo):
    """Redis unreachable: nothing can be answered properly, and an opted-out number (the
    database says so) is not even told that; anyone else hears that texts can't be handled."""
    if not settings.redis_url:
        pytest.skip("needs TEST_REDIS_URL: a real Redis to cut")
    url = make_url(settings.redis_url.replace("redis://", "postgresql://", 1))
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 6379)
    try:
        cut_off = make_app(redis_url=f"redis://127.0.0.1:{proxy.port}/{url.database or 0}")
        opted, other = Phone(Twilio(cut_off.test_client()), "+15559990003"), Phone(Twilio(cut_off.test_client()), "+15559990004")
        assert "won't get more texts" in opted.text("STOP")
        proxy.sever()
        assert opted.text("HELP") == ""
        assert opted.text("PLANS") == ""
        assert "AGENT for a person" in other.text("HELP")  # HELP needs no Redis (issue 23)
        assert "can't handle" in other.text("PLANS")
    finally:
        proxy.close()
