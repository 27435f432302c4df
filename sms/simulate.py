"""``switchboard simulate sms``: a chat in the terminal, each line sent as Twilio sends a text."""

from __future__ import annotations

import logging
import sys
import uuid
import xml.etree.ElementTree as ET
from typing import Iterable, TextIO

import click
from flask.cli import with_appcontext

from web.simulator import Transport, transport_for


def text_form(sender: str, to: str, body: str) -> dict[str, str]:
    sid = "SM" + uuid.uuid4().hex
    return {"ToCountry": "US", "ToState": "", "SmsMessageSid": sid, "NumMedia": "0", "ToCity": "",
            "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received", "FromCity": "",
            "Body": body, "FromCountry": "US", "To": to, "ToZip": "", "NumSegments": "1",
            "MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": sender, "ApiVersion": "2010-04-01"}


def chat(transport: Transport, sender: str, to: str, lines: Iterable[str], out: TextIO,
         echo: bool = False) -> list[list[str]]:
    """Send each line; print and return the replies of each."""
    answers = []
    for line in lines:
        body = line.rstrip("\n")
        if not body.strip():
            continue
        if echo:
            out.write(f"> {body}\n")
        status, xml = transport.post("/sms", text_form(sender, to, body))
        if status != 200:
            out.write(f"! HTTP {status}: {xml.strip()[:200]}\n")
            answers.append([])
            continue
        replies = [m.text or "" for m in ET.fromstring(xml).findall("Message")]
        for reply in replies:
            out.write(f"< {reply}\n")
        if not replies:
            out.write("< (no reply)\n")
        answers.append(replies)
        out.flush()
    return answers


@click.command("sms", help="Text the bot from the terminal, as Twilio would deliver each message.")
@click.option("--from", "sender", required=True, help="The number the texts come from (E.164).")
@click.option("--to", default="+15550109000", show_default=True, help="The support number texted.")
@click.option("--url", default=None, help="A running server (e.g. http://127.0.0.1:5000); default: in-process.")
@click.option("--script", type=click.File("r"), default=None, help="A file of messages, one a line.")
@with_appcontext
def simulate_sms(sender: str, to: str, url: str | None, script) -> None:
    logging.getLogger().setLevel(logging.WARNING)  # the chat, not the server's log lines
    transport = transport_for(url)
    if script is not None:
        chat(transport, sender, to, script, sys.stdout, echo=True)
        return
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo(f"Texting {to} as {sender}. Type a message and press Enter; Ctrl-D to stop.")

    def lines():
        while True:
            try:
                yield input("> " if interactive else "")
            except EOFError:
                return

    chat(transport, sender, to, lines(), sys.stdout, echo=not interactive)
