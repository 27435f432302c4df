"""Makes the README's screenshots of the support console: ``.venv/bin/python docs/screenshots.py``.

A throwaway SQLite database with the demo data, cases made through the real webhooks (calls
walked by the call simulator, texts signed as Twilio signs them), served on 127.0.0.1 and
photographed by Chromium at 1280 px: docs/console-queue.png and docs/console-case.png.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from core import agents, db as dbmod  # noqa: E402
from core.demo import demo_document  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.account_data import import_document  # noqa: E402
from ivr.simulate import CallSimulator, scripted  # noqa: E402
from web.simulator import Transport  # noqa: E402

TOKEN = "screenshot-token"
NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.timezone.utc)
PASSWORD = "screenshots only"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


def main() -> None:
    from playwright.sync_api import sync_playwright

    from wsgi import create_app

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'shots.db'}"
    dbmod.upgrade(url)
    settings = Settings(database_url=url, twilio_auth_token=TOKEN, support_number="+15550109999",
                        twilio_account_sid="AC" + "0" * 32, brand_name="Second Line")
    clock = Clock()
    app = create_app(settings, clock=clock)
    d = app.extensions["switchboard"]
    import_document(d.db, demo_document(NOW.date()), pin_secret=settings.pin_secret)
    me = agents.add_agent(d.db, email="riley@example.com", name="Riley Park", role="supervisor", password=PASSWORD,
                          now=NOW, time_zone="America/New_York", phone_number="+15550107777")
    other = agents.add_agent(d.db, email="jo@example.com", name="Jo Chen", role="agent", password=PASSWORD, now=NOW)
    transport = Transport(TOKEN, app=app)

    def call(caller: str, answers: list[str], path: str = "/voice", extra=None) -> None:
        CallSimulator(transport, caller, "+15550109000", scripted(answers)).run(path, extra)

    def text(sender: str, body: str, n: int) -> None:
        transport.post("/sms", {"From": sender, "To": "+15550109000", "Body": body, "MessageSid": f"SM{n:032d}",
                                "AccountSid": "AC" + "0" * 32})

    def later(minutes: int) -> None:
        clock.now += dt.timedelta(minutes=minutes)

    from core import cases

    call("+15557770003", ["0", "answer"])  # 1: put through, then closed
    cases.close(d.db, agent=other, case_id=1, wrap_up="handed_to_bot", now=clock())
    later(7)
    text("+15557770011", "AGENT", 1)  # 2: a text, claimed by Jo
    cases.claim(d.db, agent=other, case_id=2, now=clock())
    later(5)
    call("+15557770005", ["0", "no-answer", "-"])  # 3: missed
    later(4)
    call("+15557770002", ["0", "busy", "-"])  # 4: then * for a call back
    call("+15557770002", ["1"], path="/voice/voicemail?esc=4", extra={"Digits": "*"})
    later(6)
    call("+15557770001", ["1", "1", "1234#", "0", "busy", "record"])  # 5: a voicemail, transcribed
    transport.post("/voice/transcription?esc=5", {
        "CallSid": "CA1", "AccountSid": "AC" + "0" * 32, "TranscriptionStatus": "completed",
        "TranscriptionText": "Hi, it's Dana. I'd like to stop the Call Recording add-on before it renews "
                             "on the 3rd. Please call me back this afternoon. Thanks."})
    later(3)
    text("+15557770004", "PERSON", 2)  # 6: a text, new
    later(2)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
        page.goto(base + "/console/login")
        page.get_by_label("Email").fill("riley@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("tr[data-case='6']")
        page.screenshot(path=str(ROOT / "docs" / "console-queue.png"), full_page=True)
        page.goto(base + "/console/cases/5")
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.screenshot(path=str(ROOT / "docs" / "console-case.png"), full_page=False)
        browser.close()
    server.shutdown()
    d.close()
    print("wrote docs/console-queue.png and docs/console-case.png")


if __name__ == "__main__":
    main()
