"""A local stand-in of the Twilio REST API (Messages), served on 127.0.0.1 for the worker's
tests. It records what it accepted and can be told to fail the next requests."""

from __future__ import annotations

import threading
import time
import uuid

from flask import Flask, jsonify, request
from werkzeug.serving import make_server


class TwilioApiStandIn:
    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.fail_next = 0
        self.requests = 0
        self.hold_next = 0.0  # accept the next message, then keep the sender waiting this long
        app = Flask("twilio-api-stand-in")

        @app.post("/2010-04-01/Accounts/<sid>/Messages.json")
        def create(sid):
            self.requests += 1
            if self.fail_next:
                self.fail_next -= 1
                return jsonify(code=20500, message="Internal Server Error", status=500), 500
            msg = {"sid": "SM" + uuid.uuid4().hex, "account_sid": sid, "to": request.form["To"],
                   "from": request.form.get("From"), "body": request.form["Body"], "status": "queued",
                   "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01"}
            self.messages.append(msg)
            if self.hold_next:
                hold, self.hold_next = self.hold_next, 0.0
                time.sleep(hold)
            return jsonify(msg), 201

        @app.get("/2010-04-01/Accounts/<sid>/Messages.json")
        def listing(sid):
            to = request.args.get("To")
            found = [m for m in self.messages if to is None or m["to"] == to]
            return jsonify(messages=found, next_page_uri=None, previous_page_uri=None, page=0,
                           page_size=50, first_page_uri="", uri="", start=0, end=len(found))

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "TwilioApiStandIn":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
