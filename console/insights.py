"""The console's Insights page (issue 24) and the misunderstood turns kept to learn from (R26).

Supervisors see the whole line's figures (core.insights) for a range and filters, each as an
SVG chart with its numbers beside it and a CSV download; agents see their own queue figures
only. The misunderstood turns are supervisors' only, and every view is audited
(core.missed_turns). Routes live on the console's blueprint, so its sign-in, CSRF and headers
apply to each of them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from flask import Response, abort, flash, g, redirect, render_template, request, url_for

from console import insights_charts as charts
from console import insights_words as iw
from console.auth import supervisors_only
from console.blueprint import bp
from core import insights, missed_turns
from core.journeys import REGISTRY
from web.deps import deps

MAX_DAYS = 400  # a custom range: a year and a bit
JOURNEYS = tuple(name for name in REGISTRY if name not in insights.NOT_A_REQUEST)


@dataclass(frozen=True)
class Range:
    key: str
    start: dt.date  # first day, in the viewer's time zone
    end: dt.date  # last day, included
    since: dt.datetime
    until: dt.datetime

    def query(self) -> dict:
        q = {"range": self.key}
        if self.key == "custom":
            q |= {"from": self.start.isoformat(), "to": self.end.isoformat()}
        return q


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def chosen_range(args, now: dt.datetime, tz) -> Range:
    """today, 7d, 30d (each ending today), or custom from/to (inclusive), as the viewer's days."""
    today = now.astimezone(tz).date()
    key = args.get("range") if args.get("range") in iw.RANGES else "7d"
    start, end = {"today": today, "7d": today - dt.timedelta(days=6), "30d": today - dt.timedelta(days=29)}.get(
        key, today - dt.timedelta(days=6)), today
    if key == "custom":
        a, b = _date(args.get("from")), _date(args.get("to"))
        if a is None or b is None:
            key = "7d"
        else:
            start, end = min(a, b), max(a, b)
            start = max(start, end - dt.timedelta(days=MAX_DAYS))

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tz).astimezone(dt.timezone.utc)
    return Range(key, start, end, at(start), at(end + dt.timedelta(days=1)))


def _filters(args) -> dict:
    return {"door": args.get("door") if args.get("door") in insights.DOORS else None,
            "lang": args.get("lang") if args.get("lang") in insights.LANGUAGES else None,
            "journey": args.get("journey") if args.get("journey") in JOURNEYS else None}


def _figures():
    d = deps()
    now = d.clock()
    r = chosen_range(request.args, now, g.agent.tz)
    f = _filters(request.args)
    insights.roll_up(d.db, d.redis, now=now)
    fig = insights.figures(d.db, insights.Filters(r.since, r.until, **f), now=now)
    return r, f, fig


@bp.get("/console/insights")
def insights_page():
    d = deps()
    if not g.agent.supervisor:
        r = chosen_range(request.args, d.clock(), g.agent.tz)
        own = insights.own_figures(d.db, g.agent.id, since=r.since, until=r.until)
        return render_template("console/insights_own.html", r=r, own=own, iw=iw, charts=charts,
                               ranges=iw.RANGES, bars=_own_bars(own))
    r, f, fig = _figures()
    q = r.query() | {k: v for k, v in f.items() if v}
    return render_template("console/insights.html", r=r, f=f, q=q, fig=fig, iw=iw, charts=charts, ranges=iw.RANGES,
                           journeys=JOURNEYS, svg=_svgs(fig), tables={c: insights.table(fig, c) for c in insights.CHARTS},
                           new_missed=_new_missed())


def _new_missed() -> int:
    return missed_turns.count(deps().db, state="new")


@bp.get("/console/insights/<any(completion, gave_up, funnels, reasons, understanding, after_clarifying, timing, own):chart>.csv")
def insights_csv(chart: str):
    d = deps()
    if chart == "own":
        r = chosen_range(request.args, d.clock(), g.agent.tz)
        own = insights.own_figures(d.db, g.agent.id, since=r.since, until=r.until)
        header = ["claimed", "closed", "open_now", "to_claim_median_s", "to_claim_p90_s", "to_close_median_s",
                  "to_close_p90_s", *[f"wrap_up:{k}" for k in own.wrap_ups]]
        rows = [[own.claimed, own.closed, own.open_now, _s(own.to_claim.median_s), _s(own.to_claim.p90_s),
                 _s(own.to_close.median_s), _s(own.to_close.p90_s), *own.wrap_ups.values()]]
        return _csv(f"my-cases-{r.start}-{r.end}.csv", header, rows)
    if not g.agent.supervisor:
        abort(403)
    r, f, fig = _figures()
    header, rows = insights.table(fig, chart)
    return _csv(f"{chart}-{r.start}-{r.end}.csv", header, rows)


def _s(x):
    return "" if x is None else round(x)


def _csv(name: str, header: list, rows: list) -> Response:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for row in rows:
        # A leading = + - @ is a formula in a spreadsheet: never from our codes, but said so.
        w.writerow([("'" + v) if isinstance(v, str) and v[:1] in "=+-@" else ("" if v is None else v) for v in row])
    return Response(buf.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


B, S = charts.Bar, charts.Segment


def _completion(fig: insights.Figures) -> str:
    return charts.hbars(
        [B(iw.JOURNEYS.get(c.journey, c.journey), (S(100 * (c.completion or 0), "done by the bot"),),
           f"{charts.pct(c.completion)} of {c.conversations}")
         for c in fig.completion], title=iw.CHARTS["completion"], scale=100)


def _containment(fig: insights.Figures) -> str:
    return charts.hbars(
        [B(iw.JOURNEYS.get(c.journey, c.journey), (S(100 * (c.containment or 0), "no contact again in 24 h"),),
           f"{charts.pct(c.containment)} of {c.done_closed}") for c in fig.completion if c.done_closed],
        title="True containment", scale=100)


def _gave_up(fig: insights.Figures) -> str:
    return charts.hbars(
        [B(iw.step(step), (S(d.get("voice", 0), "calls hung up"), S(d.get("sms", 0), "texts gone silent")),
           f"{d.get('voice', 0)} calls · {d.get('sms', 0)} texts") for step, d in fig.gave_up.items()],
        title=iw.CHARTS["gave_up"], legend=["calls hung up", "texts gone silent"])


def _funnels(fig: insights.Figures) -> dict[str, str]:
    return {j: charts.hbars(
        [B(iw.STAGES[s], (S(n, "conversations"),), f"{n} ({charts.pct(n / d['asked'] if d['asked'] else None)})")
         for s, n in d.items()], title=f"{iw.JOURNEYS.get(j, j)}: funnel", scale=d["asked"] or 1)
        for j, d in fig.funnels.items()}


def _reasons(fig: insights.Figures) -> str:
    endings = list(dict.fromkeys(e for d in fig.reasons.values() for e in sorted(d)))
    return charts.hbars(
        [B(iw.reason(r), tuple(S(d[e], iw.ENDINGS.get(e, e)) for e in endings if e in d), f"{sum(d.values())}")
         for r, d in fig.reasons.items()], title=iw.CHARTS["reasons"], legend=[iw.ENDINGS.get(e, e) for e in endings])


def _understanding(fig: insights.Figures) -> str:
    return charts.hbars(
        [B(f"{iw.CHANNEL_DOORS.get(u.door, u.door)} · {iw.words.LANGUAGES.get(u.lang, u.lang)}",
           (S(u.not_understood_per_100 or 0, "not understood"), S(u.clarified_per_100 or 0, "clarifying question")),
           f"{_per100(u.not_understood_per_100)} · {_per100(u.clarified_per_100)} of {u.turns} turns")
         for u in fig.understanding], title=iw.CHARTS["understanding"],
        legend=["not understood", "clarifying question"])


def _after_clarifying(fig: insights.Figures) -> str:
    return charts.hbars(
        [B(iw.JOURNEYS.get(j, j), (S(n, "chosen"),), str(n)) for j, n in fig.after_clarifying.items()],
        title=iw.CHARTS["after_clarifying"])


def _timing(fig: insights.Figures) -> str:
    return charts.hbars(
        [B(iw.TIMING[t.what], (S(t.median_s or 0, "median"), S(max(0, (t.p90_s or 0) - (t.median_s or 0)), "to p90")),
           f"{charts.seconds(t.median_s)} · p90 {charts.seconds(t.p90_s)} (n={t.n})") for t in fig.timing],
        title=iw.CHARTS["timing"], legend=["median", "to p90"])


# The page's charts, by the name its template shows them under.
CHARTS = {"completion": _completion, "containment": _containment, "gave_up": _gave_up, "funnels": _funnels,
          "reasons": _reasons, "understanding": _understanding, "after_clarifying": _after_clarifying,
          "timing": _timing}


def _svgs(fig: insights.Figures) -> dict:
    return {name: chart(fig) for name, chart in CHARTS.items()}


def _per100(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def _own_bars(own: insights.OwnFigures):
    return charts.hbars([B(iw.ENDINGS.get(k, k), (S(n, "cases"),), str(n)) for k, n in own.wrap_ups.items()],
                        title="How you closed your cases")


# Misunderstood turns (R26) ------------------------------------------------------------------------
def _labels() -> list[str]:
    from vocabulary.understand import load_phrases

    return sorted({label for _, label, _ in load_phrases()} - {"none"})


@bp.get("/console/insights/missed")
@supervisors_only
def missed_page():
    d = deps()
    state = request.args.get("state") if request.args.get("state") in iw.MISSED_STATES else "new"
    f = _filters(request.args)
    rows, counts = missed_turns.queue(d.db, viewer_id=g.agent.id, now=d.clock(), state=state, lang=f["lang"],
                                      door=f["door"])
    labels = _labels()
    return render_template("console/insights_missed.html", rows=rows, counts=counts, state=state, f=f, iw=iw,
                           labels=[(lb, iw.label_name(lb)) for lb in labels] + [("none", iw.label_name("none"))],
                           days=d.settings.missed_turns_days)


@bp.post("/console/insights/missed/<int:turn_id>/<any(label, dismiss):change>")
@supervisors_only
def missed_change(turn_id: int, change: str):
    d = deps()
    try:
        if change == "label":
            done = missed_turns.label(d.db, turn_id, label=(request.form.get("label") or "").strip(),
                                      labels=_labels(), by_id=g.agent.id, now=d.clock())
            flash(f"Labelled: {iw.label_name(done.label)}.", "ok")
        else:
            missed_turns.dismiss(d.db, turn_id, by_id=g.agent.id, now=d.clock())
            flash("Dismissed.", "ok")
    except missed_turns.MissedTurnError as exc:
        if exc.reason == "no_such_turn":
            abort(404)
        flash("Choose what it meant from the list.", "error")
    back = request.form.get("state") if request.form.get("state") in iw.MISSED_STATES else "new"
    return redirect(url_for("console.missed_page", state=back), code=303)
