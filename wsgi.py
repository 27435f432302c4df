"""The app factory: ``create_app(settings=None)``; ``app`` for gunicorn; ``cli`` for the
``switchboard`` command."""

from __future__ import annotations

from flask import Flask, Response, request
from flask.cli import AppGroup, FlaskGroup
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException

from core.redis_client import make_queue_redis, make_redis
from core.metrics import count_queries
from core.limits import PinAttempts
from core.db import Database, make_engine
from core.opt_out_cache import OptOutCache
from core.services import utcnow
from core.settings import PROJECT_ROOT, Settings
from web.deps import Deps
from web.observe import configure_logging
from web.request import EdgeRequest
from web.server import MAX_BODY, edge


class ConsoleSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, opened only where their cookie is sent (its path, the
    console's: console/auth.py): a webhook's request gets an empty session without the signing
    serializer built for it, and an empty session nobody touched writes nothing (issue 26: the
    webhooks paid for both on every request). Only the console uses the session."""

    def open_session(self, app: Flask, request):
        where = self.get_cookie_path(app).rstrip("/")
        if app.secret_key and where and request.path != where and not request.path.startswith(where + "/"):
            return self.session_class()  # as a request without the cookie is given
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        if not session and not session.modified and not session.accessed:
            return  # what Flask's own would do here: nothing (no cookie to set or delete, no Vary)
        super().save_session(app, session, response)


def create_app(settings: Settings | None = None, *, clock=None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.cli = _Commands(lambda: _register_commands(app), name=app.cli.name)  # imported when first looked up
    app.session_interface = ConsoleSessions()
    app.request_class = EdgeRequest  # a webhook's form parsed once, from the body the edge read
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY  # werkzeug's own check, behind the edge's
    # Bodies over MAX_BODY refused before Flask; X-Forwarded-* only through PROXY_HOPS.
    app.wsgi_app = edge(app.wsgi_app, settings)
    configure_logging()

    engine = make_engine(settings.database_url)
    count_queries(engine)
    client = make_redis(settings.redis_url)
    from sms.replies import receipt_text  # R17's words are the text channel's (a call's receipt is a text too)

    app.extensions["switchboard"] = Deps(
        settings=settings, engine=engine, db=Database(engine, opt_out_cache=OptOutCache(client)), redis=client,
        queue_redis=make_queue_redis(settings.redis_url),
        attempts=PinAttempts(client), clock=clock or utcnow, receipt_text=receipt_text,
    )
    from core.outbox import wake_after_commit

    wake_after_commit(app.extensions["switchboard"].db, app.extensions["switchboard"].queue_redis)  # texts go at once

    from sms.views import bp as sms_bp
    from ivr.views import agent_leg as agent_leg_bp, bp as ivr_bp
    from web.health import bp as health_bp
    from appstore.views import bp as appstore_bp
    from console import insights as _insights, views as _views  # noqa: F401  their pages, on the console's blueprint
    from console.blueprint import bp as console_bp
    from ivr.callbacks import bp as callbacks_bp
    from ivr.fallback import bp as voice_fallback_bp
    from ivr.status import bp as call_status_bp
    from sms.fallback import bp as sms_fallback_bp
    from sms.status import bp as sms_status_bp
    from web import observe

    observe.install(app)
    app.register_blueprint(sms_bp)
    app.register_blueprint(ivr_bp)
    app.register_blueprint(agent_leg_bp)  # the agent's side of a transfer: its own error answer
    app.register_blueprint(health_bp)
    app.register_blueprint(appstore_bp)  # Apple's signature, never Twilio's
    app.register_blueprint(callbacks_bp)  # the console's voice side: Twilio-signed
    # Issue 15, Twilio-signed: the fallback URLs (no database or Redis on their path) and the
    # status callbacks of calls and of the texts the bot sends.
    for twilio_bp in (voice_fallback_bp, sms_fallback_bp, call_status_bp, sms_status_bp):
        app.register_blueprint(twilio_bp)
    app.register_blueprint(console_bp)  # signed-in agents, never Twilio's signature
    app.register_blueprint(observe.bp)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        # Never an HTML page: a short plain answer (Twilio routes have their own handlers).
        return Response(f"{exc.code} {exc.name}\n", status=exc.code, mimetype="text/plain")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return Response("500 Internal Server Error\n", status=500, mimetype="text/plain")

    return app


def _register_commands(app: Flask) -> None:
    from web.cli import register as register_cli

    register_cli(app)
    # Each channel's own commands, registered from the channel (web/ imports no door).
    from ivr.simulate import simulate_call
    from sms.simulate import simulate_sms
    from web.cli import simulate

    simulate.add_command(simulate_sms)
    simulate.add_command(simulate_call)


class _Commands(AppGroup):
    """``app.cli`` whose own commands (web/cli.py's, the channels' simulators) are imported the
    first time a command is listed or looked up: the CLI always does, a web worker never
    (about 0.5 MB a worker: bench/README.md, "Memory a worker"). Blueprints' commands are
    added at registration, as Flask adds them."""

    def __init__(self, register, **kwargs) -> None:
        super().__init__(**kwargs)
        self._register = register

    def _registered(self) -> None:
        register, self._register = self._register, None
        if register is not None:
            register()

    def list_commands(self, ctx):
        self._registered()
        return super().list_commands(ctx)

    def get_command(self, ctx, cmd_name):
        self._registered()
        return super().get_command(ctx, cmd_name)


cli = FlaskGroup(create_app=create_app, help="Switchboard: the self-service support bot.")


def __getattr__(name: str):
    # ``app`` for gunicorn (wsgi:app), built on first use so that importing this module
    # (the console script does) doesn't open databases.
    if name == "app":
        globals()["app"] = value = create_app()
        return value
    raise AttributeError(name)
