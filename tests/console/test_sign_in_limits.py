"""Issue 23, item 5 (R22): sign-in limits lock out attackers, not agents. Failures only are
counted, in sliding windows: per client address, per email with a back-off, and a browser an
agent signed in on before on its own; so one address's failures (everyone behind one proxy)
never stop a known agent's correct sign-in, and successes never use the limit up."""

from __future__ import annotations

from tests.console.conftest import AGENT, PASSWORD, Console


def test_thirty_failures_from_one_address_dont_stop_a_known_agents_sign_in(app, agent, clock):
    known = Console(app.test_client())
    assert known.sign_in(AGENT).status_code == 303  # this browser is now known for the agent
    known.post("/console/logout")
    attacker = Console(app.test_client())  # the same address (everyone behind one proxy)
    for i in range(30):
        assert attacker.sign_in(f"guess{i}@example.com", "wrong password!").status_code == 401
    for _ in range(10):  # and against the agent's own email
        assert attacker.sign_in(AGENT, "wrong password!").status_code in (401, 429)
    assert attacker.sign_in("someone.new@example.com", PASSWORD).status_code == 429  # the address is spent
    clock.advance(seconds=30)
    assert known.sign_in(AGENT).status_code == 303  # the agent's own browser still signs in
    assert known.get("/console").status_code == 200


def test_successful_sign_ins_never_use_up_the_address(app, agent, make_agent):
    for i in range(40):
        c = Console(app.test_client())  # forty sign-ins, fresh browsers, one address
        assert c.sign_in(AGENT).status_code == 303, i
    assert Console(app.test_client()).sign_in(AGENT).status_code == 303


def test_the_window_slides_ten_checks_never_fit_across_a_boundary(app, agent, clock):
    clock.now = clock.now.replace(minute=14, second=58)  # just before a fixed window's edge
    c = Console(app.test_client())
    for _ in range(5):
        assert c.sign_in(AGENT, "wrong password!").status_code == 401
    clock.advance(seconds=4)  # across the old boundary
    assert c.sign_in(AGENT, "wrong password!").status_code == 429
    assert c.sign_in(AGENT).status_code == 429  # the email backs off, right password or not


def test_the_email_backs_off_and_then_lets_the_agent_in(app, agent, clock):
    c = Console(app.test_client())
    for _ in range(5):
        assert c.sign_in(AGENT, "wrong password!").status_code == 401
    assert c.sign_in(AGENT).status_code == 429
    clock.advance(seconds=61)  # the first back-off: a minute after the latest failure
    assert c.sign_in(AGENT).status_code == 303
