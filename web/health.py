"""Liveness and readiness, and the favicon browsers ask every page of the site for."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from web.deps import deps

bp = Blueprint("health", __name__)
FAVICON = (Path(__file__).resolve().parent / "static" / "favicon.ico").read_bytes()  # 229 bytes, read once


@bp.get("/favicon.ico")
def favicon():
    return Response(FAVICON, mimetype="image/vnd.microsoft.icon", headers={"Cache-Control": "public, max-age=86400"})


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    d = deps()
    checks = {}
    try:
        with d.engine.connect() as conn:
            conn.execute(text("select 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        d.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503
