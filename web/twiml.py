"""TwiML written as text, without ElementTree: the same bytes twilio's ``to_xml()`` builds.

twilio's ``TwiML.to_xml`` turns every node into an ElementTree element and serialises the
tree; that is most of a reply's cost. ``to_xml`` here walks the same nodes and writes their
XML directly: attributes sorted by name, booleans as ``true`` / ``false``, a dict value as
JSON, text and attribute values escaped as ElementTree escapes them, an element with neither
text nor children closed as `` />``. ``messages`` is the SMS reply's template: a
``<Response>`` of ``<Message>``s, with no node built at all.
tests/test_twiml_templates.py compares both with twilio's own output for every prompt key in
every language."""

from __future__ import annotations

import json

from twilio.twiml import TwiML

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
_EMPTY_MESSAGES = DECLARATION + "<Response />"


def escape_text(text: str) -> str:
    """As ElementTree escapes text (a scan for each character, no copy when none is there)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attribute(value: str) -> str:
    """As ElementTree escapes an attribute's value."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "\n" in value:
        value = value.replace("\n", "&#10;")
    if "\t" in value:
        value = value.replace("\t", "&#09;")
    return value


def messages(texts) -> str:
    """``<Response><Message>…</Message>…</Response>``, as MessagingResponse.message() builds it."""
    body = "".join(f"<Message>{escape_text(t)}</Message>" if t else "<Message />" for t in texts)
    return DECLARATION + f"<Response>{body}</Response>" if body else _EMPTY_MESSAGES


def to_xml(node: TwiML) -> str:
    out: list[str] = [DECLARATION]
    _write(node, out)
    return "".join(out)


def _write(node: TwiML, out: list[str]) -> None:
    attrs = node.attrs
    if attrs:
        parts = []
        for name in sorted(attrs):
            value = attrs[name]
            value = str(value).lower() if isinstance(value, bool) else str(value)
            parts.append(f' {name}="{escape_attribute(value)}"')
        head = f"<{node.name}{''.join(parts)}"
    else:
        head = f"<{node.name}"
    text = None
    if node.value:
        if isinstance(node.value, dict):
            node.value = json.dumps(node.value)
        text = node.value
    children: list[tuple[TwiML, str | None]] = []
    for verb in node.verbs:
        if isinstance(verb, str):
            if children:
                children[-1] = (children[-1][0], verb)
            else:
                text = verb
        else:
            children.append((verb, None))
    if not text and not children:
        out.append(head + " />")
        return
    out.append(head + ">")
    if text:
        out.append(escape_text(text))
    for child, tail in children:
        _write(child, out)
        if tail:
            out.append(escape_text(tail))
    out.append(f"</{node.name}>")
