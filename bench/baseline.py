"""The baseline: bare Flask answering every POST with a fixed TwiML string."""

from flask import Flask, Response

app = Flask(__name__)
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hello</Message></Response>'


@app.post("/", defaults={"path": ""})
@app.post("/<path:path>")
def answer(path):
    return Response(TWIML, mimetype="text/xml")
