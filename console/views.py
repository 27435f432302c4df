"""The console's pages. Each view reads the form, makes one call into core (core.cases,
core.agents) and renders a page or redirects back with a message; errors from core come as
reason codes and are put into words here (console.words)."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Response, abort, flash, g, redirect, render_template, request, session, url_for
from console import words
from console.auth import CSRFError, safe_next, supervisors_only
from console.blueprint import bp
from core import agents, call_events, cases, delivery, phone
from core.agents import AgentError
from core.cases import CaseError
from web.deps import deps

log = logging.getLogger("switchboard.console")



# Formatting for the templates -------------------------------------------------------------
@bp.app_template_filter("local")
def _local(value: dt.datetime | None, fmt: str = "%b %d, %H:%M") -> str:
    if value is None:
        return ""
    tz = g.agent.tz if getattr(g, "agent", None) else agents.zone("UTC")
    return value.astimezone(tz).strftime(fmt)


@bp.app_template_filter("waited")
def _waited(delta: dt.timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} days"


# Who made an audited change, in words: what did it (the command line, a job, the bot, an agent,
# the customer) and where, never "system (Console)" for a command-line import.
ACTORS = {"line": "the customer", "admin": "the account's admin", "agent": "agent", "app_store": "the App Store"}
SYSTEM = {"cli": "the command line", "job": "a scheduled job", "voice": "the bot, on a call", "sms": "the bot, by text",
          "console": "the console", "app_store": "the App Store feed"}


@bp.app_template_filter("actor")
def _actor(event: dict) -> str:
    actor, channel, who = event["actor"], event["channel"], event.get("actor_id")
    if actor == "system":
        return SYSTEM.get(channel, channel)
    name = ACTORS.get(actor, actor) + (f" {who}" if who else "")
    return f"{name} ({words.CHANNELS.get(channel, channel).lower()})"


@bp.app_template_filter("phone")
def _phone(number: str | None) -> str:
    return phone.display(number) if number and phone.is_e164(number) else (number or "unknown")


@bp.context_processor
def _globals():
    return {"w": words, "agent": getattr(g, "agent", None), "brand": deps().settings.brand_name}


@bp.errorhandler(CSRFError)
def _csrf(exc):
    return render_template("console/error.html", title="The form expired",
                           message="This form expired or didn't come from the console, so nothing was "
                                   "changed. Go back, reload the page and try again."), 400


@bp.errorhandler(403)
def _forbidden(exc):
    return render_template("console/error.html", title="Supervisors only",
                           message="Only supervisors manage agents. Ask a supervisor for help."), 403


@bp.errorhandler(404)
def _not_found(exc):
    return render_template("console/error.html", title="Not found", message="There is no such page or case."), 404


def _now() -> dt.datetime:
    return deps().clock()


def _back(case_id: int):
    return redirect(url_for("console.case_page", case_id=case_id), code=303)


# Signing in and out ---------------------------------------------------------------------------
@bp.get("/console/login")
def login():
    if session.get("sid") and agents.current(deps().db, session.get("sid"), _now()).agent:
        return redirect(url_for("console.queue_page"), code=303)
    why = request.args.get("why")
    return render_template("console/login.html", message=words.SIGN_IN.get(why or ""),
                           next=safe_next(request.args.get("next")), email="")


@bp.post("/console/login")
def login_post():
    d = deps()
    email = (request.form.get("email") or "").strip()[:200]
    typed = email.lower()
    known = agents.known_browser(request.cookies.get(KNOWN_COOKIE), typed, d.settings.secret_key)
    result = agents.sign_in(d.db, agents.SignInThrottle(d.redis), email=email,
                            password=request.form.get("password") or "",
                            address=(request.remote_addr or "unknown")[:64], now=_now(), known=known)
    if not result.ok:
        status = {"limited": 429, "unavailable": 503}.get(result.reason, 401)
        return render_template("console/login.html", error=words.SIGN_IN[result.reason], email=email,
                               next=safe_next(request.form.get("next"))), status
    session.clear()  # a fresh session (and CSRF secret) for the signed-in agent
    session["sid"] = result.token
    resp = redirect(safe_next(request.form.get("next")) or url_for("console.queue_page"), code=303)
    if known is None:  # this browser is now a known one for this agent's next sign-ins
        resp.set_cookie(KNOWN_COOKIE, agents.remember(typed, d.settings.secret_key),
                        max_age=int(agents.KNOWN_BROWSER_FOR.total_seconds()), path="/console/login",
                        secure=True, httponly=True, samesite="Strict")
    return resp


KNOWN_COOKIE = "sb_known"


@bp.post("/console/logout")
def logout():
    agents.sign_out(deps().db, session.get("sid"), _now())
    session.clear()
    return redirect(url_for("console.login", why="signed_out"), code=303)


# The queue --------------------------------------------------------------------------------------
def _filters() -> dict:
    args = request.args
    view = args.get("view") if args.get("view") in cases.VIEWS else "open"
    kind = args.get("kind") if args.get("kind") in cases.KINDS else None
    lang = args.get("lang") if args.get("lang") in cases.LANGUAGES else None
    return {"view": view, "kind": kind, "lang": lang, "mine": args.get("mine") == "1"}


def _rows(f: dict):
    return cases.queue(deps().db, view=f["view"], kind=f["kind"], language=f["lang"],
                       mine=g.agent.id if f["mine"] else None)


@bp.get("/console")
def queue_page():
    f = _filters()
    return render_template("console/queue.html", rows=_rows(f), f=f, now=_now(),
                           counts=cases.counts(deps().db))


@bp.get("/console/queue/rows")
def queue_rows():
    """The queue's rows alone, for the page's polling (the page works without it)."""
    f = _filters()
    counts = cases.counts(deps().db)
    now = _now()
    html = render_template("console/_rows.html", rows=_rows(f), f=f, now=now)
    return Response(html, mimetype="text/html", headers={"X-Queue-New": str(counts["new"]),
                                                         "X-Queue-Updated": _local(now, "%H:%M:%S")})


# A case -----------------------------------------------------------------------------------------
@bp.get("/console/cases/<int:case_id>")
def case_page(case_id: int):
    d = deps()
    detail = cases.case(d.db, case_id)
    if detail is None:
        abort(404)
    # What became of the texts the bot sent them (their numbers: caller ID, the call back number,
    # the case's line), and how the call ended (issue 15). Never a text's words: one may hold a code.
    numbers = [detail.row.caller, detail.row.callback_number, (detail.line or {}).get("number")]
    texts = delivery.texts_to(d.db, [n for n in numbers if n], limit=10)
    ended = call_events.for_case(d.db, case_id)
    row = detail.row
    customer = row.callback_number or (row.caller if row.caller and phone.is_e164(row.caller) else None)
    # Actions only where they can work: a hand-off needs the caller still on a call put through
    # (a voicemail, a missed transfer or a call-back request ends the call; so does hanging up).
    offer = {"number": customer, "handoff": row.channel == "voice" and row.kind == "call" and ended is None}
    return render_template("console/case.html", c=detail, row=row, now=_now(),
                           can_call=bool(d.settings.twilio_account_sid), sent=_sent(texts, detail),
                           ended=ended, offer=offer)


def _sent(texts, detail) -> list[dict]:
    """The texts the bot sent them, each with what it was: the outbox's (a receipt of a call, a
    one-time code — never its words —, an agent's instruction) and the receipts that were the
    bot's reply to their text (R17), newest first."""
    from core import outbox

    events = detail.line_events + detail.case_events

    def what(t) -> str:
        # Never a text's words (one may hold a code): what it was, from the audit.
        if t.body == outbox.REDACTED:
            return "a one-time code"
        changes = [_change(e) for e in reversed(events) if t.request_id and e["request_id"] == t.request_id
                   and e["outcome"] == "applied" and e["action"] in cases.CHANGES]
        if changes:
            return "receipt: " + ", ".join(dict.fromkeys(changes))
        told = [e for e in events if e["action"] == "text_instruction" and e["at"] == t.created_at]
        if told:
            key = told[0]["details"].get("instruction")
            return "instructions: " + words.INSTRUCTIONS.get(key, {}).get("label", str(key).replace("_", " "))
        return "a receipt" if t.request_id else "a text from the bot"

    rows = [{"at": t.created_at, "to": t.to_number, "what": what(t),
             "state": words.DELIVERY.get(t.state, t.state.replace("_", " "))
             + (f": {words.TWILIO_ERRORS.get(t.error_code, 'Twilio error')} ({t.error_code})" if t.error_code else ""),
             "warn": t.went_wrong} for t in texts]
    rows += [{"at": r["at"], "to": None,
              "what": "receipt: " + _change(r), "state": "the reply to their text", "warn": False}
             for r in detail.replied_receipts]
    return sorted(rows, key=lambda r: r["at"], reverse=True)


def _change(event: dict) -> str:
    """A change in words, with the plan it was about ("cancel plan Text Archive")."""
    about = event.get("about") or cases.target_detail(event.get("target"))
    return words.ACTIONS.get(event["action"], event["action"].replace("_", " ")) + (f" {about}" if about else "")


@bp.get("/console/cases/<int:case_id>/recording")
def recording(case_id: int):
    """The voicemail, fetched here with the account's credentials (the browser has none)."""
    from core.twilio_voice import VoiceFailed

    url = cases.recording_url(deps().db, case_id)
    voice = _voice()
    if not url:
        abort(404)
    if voice is None:
        return Response(words.ERRORS["no_credentials"] + "\n", status=503, mimetype="text/plain")
    try:
        kind, audio = voice.recording(url)
    except VoiceFailed as exc:
        log.warning("could not fetch the recording of case %s: %s", case_id, exc)
        return Response("The recording couldn't be fetched from Twilio.\n", status=502, mimetype="text/plain")
    return Response(audio, mimetype=kind, headers={"Cache-Control": "private, no-store",
                                                   "Content-Disposition": f'inline; filename="case-{case_id}"'})


def _voice():
    s = deps().settings
    if not s.twilio_account_sid:
        return None
    from core.twilio_voice import TwilioVoice

    return TwilioVoice(s.twilio_account_sid, s.twilio_auth_token, api_base=s.twilio_api_base)


def _act(case_id: int, action, done: str | None = None):
    """Run one case action; its refusal becomes a message on the case page."""
    try:
        action()
    except CaseError as exc:
        flash(words.ERRORS.get(exc.reason, exc.reason), "error")
    else:
        if done:
            flash(done, "ok")
    return _back(case_id)


@bp.post("/console/cases/<int:case_id>/claim")
def claim(case_id: int):
    take_over = request.form.get("take_over") == "1"
    return _act(case_id, lambda: cases.claim(deps().db, agent=g.agent, case_id=case_id, now=_now(),
                                             take_over=take_over), "You claimed this case.")


@bp.post("/console/cases/<int:case_id>/release")
def release(case_id: int):
    return _act(case_id, lambda: cases.release(deps().db, agent=g.agent, case_id=case_id, now=_now()),
                "The case is back in the queue.")


@bp.post("/console/cases/<int:case_id>/notes")
def note(case_id: int):
    body = request.form.get("body") or ""
    return _act(case_id, lambda: cases.add_note(deps().db, agent=g.agent, case_id=case_id, body=body, now=_now()),
                "Note added.")


@bp.post("/console/cases/<int:case_id>/close")
def close(case_id: int):
    wrap_up = request.form.get("wrap_up") or ""
    try:
        cases.close(deps().db, agent=g.agent, case_id=case_id, wrap_up=wrap_up, now=_now(),
                    note=request.form.get("note"))
    except CaseError as exc:
        flash(words.ERRORS.get(exc.reason, exc.reason), "error")
        return _back(case_id)
    flash(f"Case {case_id} closed: {words.WRAP_UPS[wrap_up]}.", "ok")
    return redirect(url_for("console.queue_page"), code=303)


@bp.post("/console/cases/<int:case_id>/text")
def text(case_id: int):
    d = deps()
    key = request.form.get("instruction") or ""
    lang = request.form.get("lang") if request.form.get("lang") in cases.LANGUAGES else cases.DEFAULT_LANGUAGE
    if key not in words.INSTRUCTIONS:
        flash(words.ERRORS["bad_instruction"], "error")
        return _back(case_id)
    body = words.instruction_text(key, lang, d.settings.brand_name)

    def send():
        target = cases.call_target(d.db, case_id)
        to = cases.text_customer(d.db, agent=g.agent, case_id=case_id, instruction=key, body=body, now=_now(),
                                 from_number=target.support_line, countries=d.settings.callback_countries)
        _kick()
        flash(f"Texted “{words.INSTRUCTIONS[key]['label']}” to {_phone(to)}.", "ok")
    return _act(case_id, send)


@bp.post("/console/cases/<int:case_id>/code")
def send_code(case_id: int):
    d = deps()
    lang = request.form.get("lang") if request.form.get("lang") in cases.LANGUAGES else cases.DEFAULT_LANGUAGE

    def send():
        target = cases.call_target(d.db, case_id)
        issued = cases.send_code(d.db, agent=g.agent, case_id=case_id, line_key=request.form.get("line") or None,
                                 secret=d.settings.pin_secret, now=_now(),
                                 text=words.code_text(lang, d.settings.brand_name), from_number=target.support_line)
        _kick()
        flash(f"A one-time code is on its way to the line's own number, {_phone(issued.to_number)}. "
              "It works once, for 10 minutes. You never see it.", "ok")
    return _act(case_id, send)


@bp.post("/console/cases/<int:case_id>/call")
def call_back(case_id: int):
    """Ring the agent's phone; when they answer, the whisper, then the customer (ivr.callbacks)."""
    from core.twilio_voice import VoiceFailed

    d = deps()
    voice = _voice()

    def place():
        if voice is None:
            raise CaseError("no_credentials")
        if not g.agent.phone:
            raise CaseError("no_phone")
        target = cases.call_target(d.db, case_id, d.settings.callback_countries)
        if not target.customer:
            raise CaseError("no_number")
        if target.refused:  # toll fraud: premium-rate, shared-cost, international, short numbers
            raise CaseError(f"refused_{target.refused}")
        if not target.support_line:
            raise CaseError("no_support_line")
        cases.check_may_act(d.db, agent=g.agent, case_id=case_id)
        url = _public_url("callbacks.console_call", esc=case_id)
        try:
            sid = voice.call(to=g.agent.phone, from_=target.support_line, url=url)
        except VoiceFailed as exc:
            cases.record_action(d.db, agent=g.agent, case_id=case_id, action="callback_call", outcome="failed",
                                now=_now(), error=str(exc)[:200])
            flash(f"The call couldn't be placed: {exc}", "error")
            return
        cases.record_action(d.db, agent=g.agent, case_id=case_id, action="callback_call", outcome="placed",
                            now=_now(), request_id=sid, to=target.customer)
        flash(f"Calling your phone {_phone(g.agent.phone)}; answer it and you'll hear the whisper, then "
              f"the customer at {_phone(target.customer)}.", "ok")
    return _act(case_id, place)


@bp.post("/console/cases/<int:case_id>/handoff")
def handoff(case_id: int):
    """R7: move the customer's live call to the bot's self-service (/voice/handoff)."""
    from core.twilio_voice import VoiceFailed

    d = deps()
    voice = _voice()

    def move():
        if voice is None:
            raise CaseError("no_credentials")
        target = cases.call_target(d.db, case_id)
        if not target.call_sid:
            raise CaseError("no_live_call")
        cases.check_may_act(d.db, agent=g.agent, case_id=case_id)
        url = _public_url("ivr.handoff", line=target.line_login)
        try:
            voice.redirect(target.call_sid, url)
        except VoiceFailed as exc:
            cases.record_action(d.db, agent=g.agent, case_id=case_id, action="handoff", outcome="failed",
                                now=_now(), error=str(exc)[:200])
            flash(f"The caller couldn't be handed over (has the call ended?): {exc}", "error")
            return
        cases.record_action(d.db, agent=g.agent, case_id=case_id, action="handoff", outcome="applied",
                            now=_now(), request_id=target.call_sid)
        flash("The caller is with the bot now: it asks for their PIN, and they cancel or change the line "
              "themselves.", "ok")
    return _act(case_id, move)


def _public_url(endpoint: str, **values) -> str:
    """An absolute URL for Twilio to call: PUBLIC_BASE_URL's, else this request's own."""
    path = url_for(endpoint, **{k: v for k, v in values.items() if v is not None})
    base = deps().settings.public_base_url or request.host_url.rstrip("/")
    return base + path


def _kick() -> None:
    from core import outbox

    outbox.kick(deps().queue_redis)


# Agents (supervisors) and one's own settings ----------------------------------------------------
@bp.get("/console/agents")
@supervisors_only
def agents_page():
    return render_template("console/agents.html", agents=agents.list_agents(deps().db), form={},
                           events=agents.console_events(deps().db))


@bp.post("/console/agents")
@supervisors_only
def agents_add():
    f = request.form
    form = {k: (f.get(k) or "").strip() for k in ("email", "name", "role", "phone")}
    try:
        added = agents.add_agent(deps().db, email=form["email"], name=form["name"], role=form["role"] or "agent",
                                 password=f.get("password") or "", phone_number=form["phone"] or None,
                                 time_zone=f.get("time_zone") or g.agent.time_zone, now=_now(), by=g.agent)
    except AgentError as exc:
        return render_template("console/agents.html", agents=agents.list_agents(deps().db), form=form,
                               events=agents.console_events(deps().db),
                               error=words.ERRORS.get(exc.reason, exc.reason)), 400
    flash(f"Added {added.name} ({added.email}) as {added.role}. Give them their password in person.", "ok")
    return redirect(url_for("console.agents_page"), code=303)


@bp.post("/console/agents/<int:agent_id>/<any(disable, enable):change>")
@supervisors_only
def agents_change(agent_id: int, change: str):
    target = agents.get_agent(deps().db, agent_id)
    if target is None:
        abort(404)
    try:
        agents.set_active(deps().db, email=target.email, active=change == "enable", now=_now(), by=g.agent)
    except AgentError as exc:
        flash(words.ERRORS.get(exc.reason, exc.reason), "error")
    else:
        flash(f"{target.name} is {'enabled' if change == 'enable' else 'disabled and signed out'}.", "ok")
    return redirect(url_for("console.agents_page"), code=303)


@bp.get("/console/me")
def me():
    return render_template("console/me.html", zones=agents.time_zones())


@bp.post("/console/me")
def me_post():
    try:
        agents.set_profile(deps().db, agent=g.agent, phone_number=(request.form.get("phone") or "").strip() or None,
                           time_zone=request.form.get("time_zone") or "UTC", now=_now())
    except AgentError as exc:
        flash(words.ERRORS.get(exc.reason, exc.reason), "error")
    else:
        flash("Saved.", "ok")
    return redirect(url_for("console.me"), code=303)

