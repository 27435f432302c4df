"""A local stand-in of the Twilio REST API (Messages; Calls and Recordings for the console;
the account, its IncomingPhoneNumbers and a Messaging Service for ``switchboard twilio``),
served on 127.0.0.1 for the worker's and the console's tests. It records what it accepted and
can be told to fail the next requests, or to refuse the next texts with one of Twilio's error
codes. With ``auth_token`` set, the account, number and Messaging Service endpoints check the
credentials as Twilio does (HTTP basic: the account SID and its auth token; 401, 20003)."""

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
        self.refuse_next: list[tuple[int, int, str]] = []  # texts refused: (HTTP status, Twilio code, message)
        self.auth_token: str | None = None
        self.account_status = "active"
        self.numbers: dict[str, dict] = {}  # IncomingPhoneNumbers by sid
        self.number_updates: list[dict] = []  # the form of each POST to a number
        self.services: dict[str, dict] = {}  # Messaging Services by sid, with "phone_numbers": [PN sids]
        app = Flask("twilio-api-stand-in")

        def refused():
            """Twilio's answer to wrong credentials, or None when they are right (or unchecked)."""
            if self.auth_token is None:
                return None
            auth = request.authorization
            if auth is None or auth.password != self.auth_token:
                return jsonify(code=20003, message="Authenticate", more_info="https://www.twilio.com/docs/errors/20003",
                               status=401), 401
            return None

        @app.get("/2010-04-01/Accounts/<sid>.json")
        def account(sid):
            return refused() or jsonify(sid=sid, status=self.account_status, friendly_name="stand-in",
                                        type="Full", auth_token="(never shown)", uri=f"/2010-04-01/Accounts/{sid}.json")

        @app.get("/2010-04-01/Accounts/<sid>/IncomingPhoneNumbers.json")
        def list_numbers(sid):
            wanted = request.args.get("PhoneNumber")
            found = [n for n in self.numbers.values() if wanted is None or wanted in n["phone_number"]]
            return refused() or jsonify(incoming_phone_numbers=found, next_page_uri=None, previous_page_uri=None,
                                        page=0, page_size=50, first_page_uri="", uri="", start=0, end=len(found))

        @app.post("/2010-04-01/Accounts/<sid>/IncomingPhoneNumbers/<pn>.json")
        def update_number(sid, pn):
            no = refused()
            if no:
                return no
            if pn not in self.numbers:
                return jsonify(code=20404, message="not found", status=404), 404
            form = request.form.to_dict()
            self.number_updates.append(form)
            number = self.numbers[pn]
            for key, value in form.items():
                field = _snake(key)
                if field in number:
                    number[field] = value or None
            return jsonify(number), 200

        @app.get("/messaging/v1/Services/<sid>")
        def service(sid):
            found = self.services.get(sid)
            if found is None:
                return refused() or (jsonify(code=20404, message="not found", status=404), 404)
            return refused() or jsonify({k: v for k, v in found.items() if k != "phone_numbers"})

        @app.get("/messaging/v1/Services/<sid>/PhoneNumbers")
        def service_numbers(sid):
            pool = [{"sid": pn, "service_sid": sid, "phone_number": self.numbers.get(pn, {}).get("phone_number")}
                    for pn in self.services.get(sid, {}).get("phone_numbers", [])]
            return refused() or jsonify(phone_numbers=pool, meta={"key": "phone_numbers", "next_page_url": None,
                                                                  "previous_page_url": None, "page": 0,
                                                                  "page_size": 50})

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
            if self.refuse_next:
                status, code, message = self.refuse_next.pop(0)
                return jsonify(code=code, message=message, status=status), status
            msg = {"sid": "SM" + uuid.uuid4().hex, "account_sid": sid, "to": request.form["To"],
                   "from": request.form.get("From"), "body": request.form["Body"], "status": "queued",
                   "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
                   "messaging_service_sid": request.form.get("MessagingServiceSid"),
                   "status_callback": request.form.get("StatusCallback")}
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

    def add_number(self, phone_number: str, **fields) -> dict:
        """A number of the account, with Twilio's fields (all unset unless given)."""
        sid = "PN" + uuid.uuid4().hex
        number = {"sid": sid, "account_sid": "AC" + "1" * 32, "phone_number": phone_number,
                  "friendly_name": phone_number, "api_version": "2010-04-01",
                  **dict.fromkeys(NUMBER_FIELDS), "voice_receive_mode": "voice",
                  "capabilities": {"voice": True, "sms": True, "mms": True}, **fields}
        self.numbers[sid] = number
        return number

    def reset(self) -> None:
        self.messages.clear()
        self.refuse_next.clear()
        self.numbers.clear()
        self.number_updates.clear()
        self.services.clear()
        self.auth_token = None
        self.account_status = "active"
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


NUMBER_FIELDS = ("voice_url", "voice_method", "voice_fallback_url", "voice_fallback_method", "status_callback",
                 "status_callback_method", "sms_url", "sms_method", "sms_fallback_url", "sms_fallback_method",
                 "voice_application_sid", "sms_application_sid", "trunk_sid")


def _snake(name: str) -> str:
    """Twilio's form names as its JSON's: VoiceFallbackUrl -> voice_fallback_url."""
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("_")


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
