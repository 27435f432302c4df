"""The console's edge: its cookie, CSRF on every form, the signed-in agent, security headers.

- The session cookie (``sb_console``) is Secure, HttpOnly, SameSite=Lax and sent only to
  /console: it carries the session token (core.agents keeps its hash) and Flask-WTF's CSRF
  secret. Webhooks never see it, and the console never sees Twilio's signature check.
- Every POST carries a CSRF token (Flask-WTF's ``generate_csrf`` / ``validate_csrf``), checked
  before anything else runs; a missing or wrong one gets 400 (``CSRFError``) and changes nothing.
  Flask-WTF (with WTForms and Babel) is imported at the first token made or checked, not with
  the console's routes: a web worker that answers only webhooks never loads it (about 1.2 MB:
  bench/README.md, "Memory a worker").
- Every page but the sign-in form needs a live session (core.agents.current); without one a
  page redirects to sign-in (saying why: expired, signed out), the queue's polling gets 401.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, g, redirect, request, session, url_for
from werkzeug.exceptions import BadRequest

from core import agents
from web.deps import deps

COOKIE = "sb_console"
PUBLIC = ("console.login", "console.login_post", "console.static")
# Pages the browser asks for by itself (the queue's polling): answered 401, not redirected.
POLLED = ("console.queue_rows",)


class CSRFError(BadRequest):
    """A console POST refused before anything ran: no or a wrong CSRF token, or another site's
    Origin (Flask-WTF's own ``CSRFError`` comes only from its ``CSRFProtect``, which the console
    doesn't use: the check is ``install``'s)."""

    description = "CSRF validation failed."


def csrf_token() -> str:
    """The form's CSRF token (templates' ``csrf_token()``): Flask-WTF's ``generate_csrf``."""
    from flask_wtf.csrf import generate_csrf

    return generate_csrf()


def _check_csrf(token: str | None) -> None:
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise CSRFError(str(exc)) from None


def configure(state) -> None:
    """On registration: the app's secret and the console's cookie and CSRF settings."""
    app = state.app
    app.secret_key = deps_settings(app).secret_key
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE, SESSION_COOKIE_PATH="/console", SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        # The session's own limits (core.agents) end it; a form stays valid as long as it does.
        WTF_CSRF_TIME_LIMIT=int(agents.SESSION_MAX.total_seconds()), WTF_CSRF_SSL_STRICT=False,
    )
    app.jinja_env.globals["csrf_token"] = csrf_token


def deps_settings(app):
    return app.extensions["switchboard"].settings


def install(bp: Blueprint) -> None:
    bp.record_once(configure)

    @bp.before_request
    def _check():
        g.agent = None
        if request.endpoint == "console.static":
            return None
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin and origin not in own_origins():
                raise CSRFError("The request came from another site.")
            _check_csrf(request.form.get("csrf_token"))
        if request.endpoint in PUBLIC:
            return None
        d = deps()
        check = agents.current(d.db, session.get("sid"), d.clock())
        if check.agent is None:
            # Why, kept for the next page when the polling is the first to find out.
            why = check.reason if check.reason in ("expired", "ended") else session.pop("why", None)
            session.pop("sid", None)
            if request.endpoint in POLLED:
                if why:
                    session["why"] = why
                return ("signed out\n", 401, {"Content-Type": "text/plain; charset=utf-8"})
            nxt = request.full_path if request.method == "GET" else request.referrer
            return redirect(url_for("console.login", why=why, next=safe_next(nxt)), code=303)
        g.agent = check.agent
        return None

    @bp.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; media-src 'self'; "
                                    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.endpoint != "console.static":
            response.headers["Cache-Control"] = "no-store"
        return response


def own_origins() -> set[str]:
    """This site's origin as the browser names it: the request's own, or PUBLIC_BASE_URL's
    (behind a proxy that isn't counted in PROXY_HOPS)."""
    found = {request.host_url.rstrip("/")}
    base = deps().settings.public_base_url
    if base:
        parts = urlsplit(base)
        found.add(f"{parts.scheme}://{parts.netloc}")
    return found


def safe_next(target: str | None) -> str | None:
    """Only a console path of this site (never another host: no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console") or "\\" in target:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith("/console/login") else path


def supervisors_only(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not g.agent.supervisor:
            abort(403)
        return view(*args, **kwargs)
    return wrapped
