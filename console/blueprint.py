"""The console's blueprint: its pages (console/views.py, console/insights.py) are routes on it,
each module importing it from here, so that no page module imports another."""

from __future__ import annotations

from flask import Blueprint

from console.auth import install
from console.cli import agents_group

bp = Blueprint("console", __name__, template_folder="templates", static_folder="static",
               static_url_path="/console/static", cli_group=None)
install(bp)
bp.cli.add_command(agents_group)  # `switchboard agents …`, registered with the blueprint
