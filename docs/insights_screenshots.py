"""Makes the README's screenshots of the Insights page: ``.venv/bin/python docs/insights_screenshots.py``.

A throwaway SQLite database with the demo data and its generated week (core/demo_week.py),
served on 127.0.0.1 and photographed by Chromium at 1280 px: docs/console-insights.png,
docs/console-insights-funnels.png and docs/console-missed-turns.png.
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
from core.account_data import import_document  # noqa: E402
from core.demo import demo_document  # noqa: E402
from core.demo_week import seed_week  # noqa: E402
from core.settings import Settings  # noqa: E402

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.timezone.utc)
PASSWORD = "screenshots only"


def main() -> None:
    from playwright.sync_api import sync_playwright

    from wsgi import create_app

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'shots.db'}"
    dbmod.upgrade(url)
    settings = Settings(database_url=url, twilio_auth_token="screenshot-token", brand_name="Second Line")
    app = create_app(settings, clock=lambda: NOW)
    d = app.extensions["switchboard"]
    import_document(d.db, demo_document(NOW.date()), pin_secret=settings.pin_secret)
    seed_week(d.db, d.redis, now=NOW, secret=settings.pin_secret)
    agents.add_agent(d.db, email="riley@example.com", name="Riley Park", role="supervisor", password=PASSWORD,
                     now=NOW, time_zone="America/New_York")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    shots = ROOT / "docs"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 1100}, device_scale_factor=1)
        page.goto(base + "/console/login")
        page.get_by_label("Email").fill("riley@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(base + "/console/insights?range=7d")
        page.screenshot(path=str(shots / "console-insights.png"), full_page=False)
        page.locator("#chart-funnels").screenshot(path=str(shots / "console-insights-funnels.png"))
        page.goto(base + "/console/insights/missed")
        page.set_viewport_size({"width": 1280, "height": 720})
        page.screenshot(path=str(shots / "console-missed-turns.png"), full_page=False)
        browser.close()
    server.shutdown()
    d.close()
    print("wrote docs/console-insights.png, docs/console-insights-funnels.png and docs/console-missed-turns.png")


if __name__ == "__main__":
    main()
