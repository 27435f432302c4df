"""``switchboard twilio connect --number E164`` / ``switchboard twilio check``: a Twilio number's
webhooks, through the REST API's IncomingPhoneNumbers resource; and ``switchboard calls
report``: how calls ended (core.call_events).

``connect`` points the number's voice and SMS webhooks, their fallback URLs and the call status
callback at PUBLIC_BASE_URL (all POST), clears a TwiML App that would take its calls or texts
away from them, and prints each change (old → new). It refuses without credentials or an
https PUBLIC_BASE_URL. ``check`` changes nothing: it says whether the credentials are the
account's (its auth token is also what every webhook's signature is checked with), whether
the number's settings are ours and https, and whether a request Twilio signs for each of the
number's URLs would pass this app's own signature check; it exits 1 on any disagreement.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import AppGroup

from core import call_events, phone
from web.deps import deps

SAMPLE = {"AccountSid": "AC" + "0" * 32, "CallSid": "CA" + "0" * 32, "From": "+15550100000",
          "To": "+15550100001", "CallStatus": "ringing", "Direction": "inbound"}


def _rest():
    """The REST side (the twilio library's client), imported when a command runs: a web
    worker that only registers these commands does not load it (issue 16: memory)."""
    from core import twilio_rest

    return twilio_rest


def register(app) -> None:
    app.cli.add_command(twilio_group)
    app.cli.add_command(calls_group)


@click.group("twilio", cls=AppGroup, help="Connect a Twilio number to this deployment, or check that it is.")
def twilio_group() -> None:
    pass


def _shown(value: str | None) -> str:
    return value if value else "(unset)"


def _needs(*, connecting: bool):
    """The settings a REST call needs; refuses (connect) or reports (check) what is missing."""
    s = deps().settings
    missing = []
    if not s.twilio_account_sid:
        missing.append("TWILIO_ACCOUNT_SID is not set (the account whose number this is)")
    if s.uses_dev_token:
        missing.append("TWILIO_AUTH_TOKEN is not set (the development token is not an account's)")
    if not s.public_base_url:
        missing.append("PUBLIC_BASE_URL is not set (the https address Twilio calls)")
    elif urlsplit(s.public_base_url).scheme != "https":
        missing.append(f"PUBLIC_BASE_URL must be https:// for a real number, not {s.public_base_url}")
    if missing and connecting:
        raise click.ClickException("nothing changed: " + "; ".join(missing))
    return s, missing


def _client(s):
    return _rest().rest_client(s.twilio_account_sid, s.twilio_auth_token, s.twilio_api_base)


@twilio_group.command("connect", help="Point a number's webhooks, fallback URLs and call status callback at "
                      "PUBLIC_BASE_URL, and print what changed.")
@click.option("--number", "number", required=True, help="The account's number, E.164 (+15550100000).")
def connect_cmd(number: str) -> None:
    number = number.strip()
    if not phone.is_e164(number):
        raise click.BadParameter(f"{number!r} is not an E.164 number such as +15550100000", param_hint="--number")
    s, _ = _needs(connecting=True)
    client = _client(s)
    try:
        found = _rest().read_number(client, number, s.public_base_url)
        if found.trunk_sid:
            raise click.ClickException(
                f"nothing changed: {number} is on an Elastic SIP trunk ({found.trunk_sid}), which takes its calls "
                "before any webhook; remove it from the trunk first")
        changed = _rest().connect_number(client, found)
    except LookupError:
        raise click.ClickException(
            f"nothing changed: the account {s.twilio_account_sid} has no number {number}") from None
    except _rest().TwilioRefused as exc:
        raise click.ClickException(f"nothing changed: {exc}") from None
    click.echo(f"{number} ({found.sid}):")
    for setting in changed:
        click.echo(f"  {setting.name}: {_shown(setting.current)} -> {_shown(setting.wanted)}")
    kept = [x for x in found.settings if x.agrees and x.wanted]
    if kept:
        click.echo("  already right: " + ", ".join(x.name for x in kept))
    click.echo(f"connected: {len(changed)} settings changed" if changed else "already connected: nothing changed")
    if s.twilio_messaging_service_sid:
        _service_lines(client, s, found.sid, echo=True)


def _service_lines(client, s, number_sid: str, echo: bool = False) -> list[tuple[bool, str]]:
    """What the Messaging Service (TWILIO_MESSAGING_SERVICE_SID) means for this number."""
    sid = s.twilio_messaging_service_sid
    try:
        svc = _rest().messaging_service(client, sid, number_sid)
    except _rest().TwilioRefused as exc:
        found = [(False, str(exc))]
    else:
        found = [(svc.uses_number_webhooks or not svc.has_number,
                  f"Messaging Service {sid}: " + ("incoming texts go to the number's SmsUrl"
                                                  if svc.uses_number_webhooks else
                                                  f"incoming texts go to the service's own webhook "
                                                  f"({_shown(svc.inbound_request_url)}), not the number's: set its "
                                                  "Integration to \"Defer to sender's webhook\"")),
                 (svc.has_number, f"Messaging Service {sid}: the number is "
                  + ("in its sender pool" if svc.has_number else
                     "not in its sender pool, so texts the bot sends come from another number"))]
    if echo:
        for ok, text in found:
            click.echo(("  " if ok else "  warning: ") + text)
    return found


def _signature_passes(url: str) -> bool:
    """Would a request Twilio signs for ``url`` pass this app's own check (web.twilio)?"""
    from twilio.request_validator import RequestValidator

    from web.twilio import check_signature

    settings = deps().settings
    parts = urlsplit(url)
    # The path the app sees: behind a proxy that strips PUBLIC_BASE_URL's own path, the rest.
    base = settings.public_base_url or ""
    path = urlsplit(url[len(base):]).path if base and url.startswith(base + "/") else parts.path
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, SAMPLE)
    with current_app.test_request_context(path or "/", method="POST", data=SAMPLE,
                                          base_url=f"{parts.scheme}://{parts.netloc}",
                                          query_string=parts.query,
                                          headers={"X-Twilio-Signature": signature}):
        return check_signature() is None


@twilio_group.command("check", help="Change nothing; say whether the number's settings, the auth token and "
                      "PUBLIC_BASE_URL agree. Exits 1 when they don't.")
@click.option("--number", "number", default=None, help="The number (default: TWILIO_FROM_NUMBER, else every "
              "number of the account whose webhooks point at PUBLIC_BASE_URL).")
def check_cmd(number: str | None) -> None:
    s, missing = _needs(connecting=False)
    results: list[tuple[bool, str]] = [(False, m) for m in missing]
    if s.twilio_account_sid and not s.uses_dev_token:
        results += _check_account(s, number)
    for ok, text in results:
        click.echo(("ok       " if ok else "DIFFERS  ") + text)
    bad = sum(1 for ok, _ in results if not ok)
    if bad:
        raise click.ClickException(f"{bad} of {len(results)} checks disagree")
    click.echo(f"all {len(results)} checks agree")


def _check_account(s, number: str | None) -> list[tuple[bool, str]]:
    client = _client(s)
    try:
        status = _rest().account_status(client, s.twilio_account_sid)
    except _rest().TwilioRefused as exc:
        return [(False, f"credentials: {exc}; every webhook's signature is checked with this token, so Twilio's "
                        "requests would be refused (403)")]
    out = [(status == "active", f"credentials: TWILIO_AUTH_TOKEN is the auth token of {s.twilio_account_sid} "
                                f"(account {status})")]
    base = s.public_base_url or "https://(PUBLIC_BASE_URL unset)"
    try:
        numbers = _numbers_to_check(client, s, number, base)
    except _rest().TwilioRefused as exc:
        return out + [(False, str(exc))]
    if not numbers:
        return out + [(False, "no number of the account points at " + base + ": give --number, or run "
                              "switchboard twilio connect --number E164")]
    for found in numbers:
        out += _check_number(s, found)
        if s.twilio_messaging_service_sid:
            out += _service_lines(client, s, found.sid)
    return out


def _numbers_to_check(client, s, number: str | None, base: str):
    wanted = number or s.twilio_from_number
    if wanted:
        try:
            return [_rest().read_number(client, wanted.strip(), base)]
        except LookupError:
            raise _rest().TwilioRefused(f"the account {s.twilio_account_sid} has no number {wanted}") from None
    try:
        every = client.incoming_phone_numbers.list(limit=1000)
    except Exception as exc:  # noqa: BLE001
        raise _rest().TwilioRefused(f"could not list the account's numbers: {exc}") from exc
    ours = [n.phone_number for n in every
            if any((getattr(n, field, None) or "").startswith(base) for field, _, _ in _rest().WEBHOOKS)]
    return [_rest().read_number(client, n, base) for n in ours]


def _check_number(s, found) -> list[tuple[bool, str]]:
    out = []
    for setting in found.settings:
        label = f"{found.phone_number} {setting.name}"
        if setting.agrees:
            out.append((True, f"{label} = {_shown(setting.current)}"))
        else:
            out.append((False, f"{label} is {_shown(setting.current)}, not {_shown(setting.wanted)}"))
    for field, name, _path in _rest().WEBHOOKS:
        url = next((x.current for x in found.settings if x.field == field), None)
        if not url:
            continue
        https = urlsplit(url).scheme == "https"
        passes = _signature_passes(url)
        out.append((https and passes, f"{found.phone_number} {name}: " + (
            "https, and a request Twilio signs for it passes this app's signature check" if https and passes else
            ("not https; " if not https else "") + (
                "a request Twilio signs for it passes the signature check" if passes else
                f"a request Twilio signs for it would be refused (403): signatures are checked against "
                f"{s.public_base_url or 'the request URL'}"))))
    if found.trunk_sid:
        out.append((False, f"{found.phone_number} is on an Elastic SIP trunk ({found.trunk_sid}): its calls never "
                           "reach VoiceUrl"))
    return out


# switchboard calls report -------------------------------------------------------------------------
@click.group("calls", cls=AppGroup, help="How calls ended (the number's call status callback).")
def calls_group() -> None:
    pass


LABELS = {"completed": "completed in the bot", "transferred": "transferred to a person", "voicemail": "voicemail",
          "callback": "asked for a call back", "abandoned": "abandoned", "not_answered": "not answered"}


@calls_group.command("report", help="Self-service completion, transfers and abandonment by step.")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 3660),
              help="The last this many days.")
def report_cmd(days: int) -> None:
    d = deps()
    since = d.clock() - dt.timedelta(days=days)
    r = call_events.report(d.db, since=since)
    click.echo(f"calls ended since {since:%Y-%m-%d %H:%M} UTC: {r.calls} ({r.answered} answered)")
    for outcome, label in LABELS.items():
        n = r.outcomes.get(outcome, 0)
        share = r.share(outcome) if outcome != "not_answered" else None
        click.echo(f"  {label:<24} {n:>6}" + (f"  {share:6.1%}" if share is not None else ""))
        if outcome == "abandoned" and r.abandoned_at:
            steps = sorted(r.abandoned_at.items(), key=lambda kv: (-kv[1], kv[0]))
            click.echo("    at: " + ", ".join(f"{step} {n}" for step, n in steps))
    if r.average_s is not None:
        minutes, seconds = divmod(int(round(r.average_s)), 60)
        click.echo(f"  average answered call: {minutes} min {seconds:02d} s")
