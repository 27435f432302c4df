"""A local stand-in of the Twilio REST API (Messages; Calls and Recordings for the console),
served on 127.0.0.1 for the worker's and the console's tests. It records what it accepted and
can be told to fail the next requests."""

from __future__ import annotations

import io
import math
import struct
import threading
import time
import uuid
import wave

from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server


class TwilioApiStandIn:
    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.fail_next = 0
        self.requests = 0
        self.hold_next = 0.0  # accept the next message, then keep the sender waiting this long
        self.calls: list[dict] = []  # calls placed (POST Calls.json)
        self.updates: list[dict] = []  # live calls moved (POST Calls/<sid>.json)
        self.fetched: list[dict] = []  # recordings fetched, with the credentials used
        app = Flask("twilio-api-stand-in")

        @app.post("/2010-04-01/Accounts/<sid>/Calls.json")
        def place_call(sid):
            self.requests += 1
            if self.fail_next:
                self.fail_next -= 1
                return jsonify(code=21210, message="'From' is not a valid phone number", status=400), 400
            call = {"sid": "CA" + uuid.uuid4().hex, "account_sid": sid, "to": request.form["To"],
                    "from": request.form["From"], "url": request.form.get("Url"), "status": "queued",
                    "direction": "outbound-api", "api_version": "2010-04-01"}
            self.calls.append(call)
            return jsonify(call), 201

        @app.post("/2010-04-01/Accounts/<sid>/Calls/<call_sid>.json")
        def update_call(sid, call_sid):
            self.requests += 1
            if self.fail_next:
                self.fail_next -= 1
                return jsonify(code=21220, message="Call is not in-progress", status=400), 400
            update = {"sid": call_sid, "account_sid": sid, "url": request.form.get("Url"),
                      "method": request.form.get("Method"), "status": "in-progress", "api_version": "2010-04-01"}
            self.updates.append(update)
            return jsonify(update), 200

        @app.get("/<path:path>")
        def recording(path):
            # A recording's media (any Recordings/RE… address, .mp3 or .wav): one second of a tone.
            name = path.rsplit("/", 1)[-1]
            if "recordings/re" not in path.lower() or not name.upper().startswith("RE"):
                return jsonify(code=20404, message="not found", status=404), 404
            auth = request.authorization
            self.fetched.append({"path": "/" + path, "user": auth.username if auth else None,
                                 "password": auth.password if auth else None})
            if auth is None:
                return jsonify(code=20003, message="Authenticate", status=401), 401
            return Response(tone_wav(), mimetype="audio/wav")

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

    def reset(self) -> None:
        self.messages.clear()
        self.calls.clear()
        self.updates.clear()
        self.fetched.clear()
        self.fail_next = 0
        self.requests = 0
        self.hold_next = 0.0

    def __enter__(self) -> "TwilioApiStandIn":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def tone_wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    """A short 440 Hz tone as a WAV file: something a browser can really play."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                               for i in range(int(seconds * rate))))
    return buf.getvalue()
