"""The app factory: ``create_app(settings=None)``; ``app`` for gunicorn; ``cli`` for the
``switchboard`` command."""

from __future__ import annotations

from flask import Flask, Response, request
from flask.cli import FlaskGroup
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from core.kv import make_queue_redis, make_redis
from core.metrics import count_queries
from core.limits import PinAttempts
from core.db import make_engine, make_sessionmaker
from core.services import utcnow
from core.settings import PROJECT_ROOT, Settings
from web.deps import Deps
from web.observe import configure_logging

MAX_BODY = 64 * 1024  # Twilio's bodies are a few KB; anything larger is not Twilio.


def create_app(settings: Settings | None = None, *, clock=None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1)
    configure_logging()

    engine = make_engine(settings.database_url)
    count_queries(engine)
    client = make_redis(settings.redis_url)
    app.extensions["switchboard"] = Deps(
        settings=settings, engine=engine, db=make_sessionmaker(engine), redis=client,
        queue_redis=make_queue_redis(settings.redis_url),
        attempts=PinAttempts(client), clock=clock or utcnow,
    )

    from sms.views import bp as sms_bp
    from ivr.views import bp as ivr_bp
    from web.health import bp as health_bp
    from web.cli import register as register_cli
    from web import observe

    observe.install(app)
    app.register_blueprint(sms_bp)
    app.register_blueprint(ivr_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(observe.bp)
    register_cli(app)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        # Never an HTML page: a short plain answer (Twilio routes have their own handlers).
        return Response(f"{exc.code} {exc.name}\n", status=exc.code, mimetype="text/plain")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return Response("500 Internal Server Error\n", status=500, mimetype="text/plain")

    return app


cli = FlaskGroup(create_app=create_app, help="Switchboard: the self-service support bot.")


def __getattr__(name: str):
    # ``app`` for gunicorn (wsgi:app), built on first use so that importing this module
    # (the console script does) doesn't open databases.
    if name == "app":
        globals()["app"] = value = create_app()
        return value
    raise AttributeError(name)
