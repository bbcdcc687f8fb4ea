"""The class report: one static HTML page with inline SVG plots (no scripts from anywhere).

Score histogram, points earned per exercise, pass rate per test, and the most common
failure messages, and the known mistakes diagnosed per exercise with the students behind
each count (``mistake_counts.py``). It is for instructors (hidden tests' messages are shown), and
everything that comes from a submission is HTML-escaped.
"""

from __future__ import annotations

import collections
import datetime as dt
import html
import re
import statistics
from pathlib import Path

from autograder import i18n, sanitize
from autograder.config import AssignmentConfig
from autograder.gradebook import Entry
from autograder.i18n import N_, t as _

_W = 800  # plot width in px
_BAR = "#4c78a8"
_BAD = "#e45756"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def histogram_svg(values: list[float], max_score: float, bins: int = 10) -> str:
    """Scores in ``bins`` equal bins over [0, max_score] (the top bin includes max_score)."""
    counts = [0] * bins
    for v in values:
        i = min(bins - 1, max(0, int(v / max_score * bins))) if max_score > 0 else 0
        counts[i] += 1
    h, left, bottom, top = 240, 40, 30, 10
    plot_w, plot_h = _W - left - 10, h - bottom - top
    peak = max(counts) or 1
    bw = plot_w / bins
    label = _e(_("score histogram"))
    parts = [f'<svg class="plot" id="plot-histogram" role="img" aria-label="{label}" '
             f'width="{_W}" height="{h}" viewBox="0 0 {_W} {h}" xmlns="http://www.w3.org/2000/svg">']
    for i, c in enumerate(counts):
        bh = plot_h * c / peak
        x, y = left + i * bw, top + plot_h - bh
        lo, hi = max_score * i / bins, max_score * (i + 1) / bins
        tip = _e(_("{low}-{high}: {n} students").format(low=f"{lo:g}", high=f"{hi:g}", n=c))
        parts.append(f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" height="{bh:.1f}" fill="{_BAR}">'
                     f'<title>{tip}</title></rect>')
        if c:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{y - 2:.1f}" font-size="11" text-anchor="middle">{c}</text>')
        parts.append(f'<text x="{x:.1f}" y="{h - 12}" font-size="11">{lo:g}</text>')
    parts.append(f'<text x="{left + plot_w - 16:.1f}" y="{h - 12}" font-size="11">{max_score:g}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>')
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(plot_id: str, rows: list[tuple[str, float, str]], label: str) -> str:
    """Horizontal bars of fractions in [0, 1]: (name, fraction, tooltip)."""
    row_h, left, right = 20, 380, 60
    h = row_h * len(rows) + 10
    plot_w = _W - left - right
    parts = [f'<svg class="plot" id="{_e(plot_id)}" role="img" aria-label="{_e(label)}" width="{_W}" '
             f'height="{h}" viewBox="0 0 {_W} {h}" xmlns="http://www.w3.org/2000/svg">']
    for i, (name, frac, tip) in enumerate(rows):
        y = 5 + i * row_h
        colour = _BAR if frac >= 0.5 else _BAD
        parts.append(f'<text x="{left - 6}" y="{y + 14}" font-size="12" text-anchor="end">{_e(name)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 2}" width="{plot_w}" height="{row_h - 4}" fill="#eee"/>')
        parts.append(f'<rect x="{left}" y="{y + 2}" width="{plot_w * frac:.1f}" height="{row_h - 4}" '
                     f'fill="{colour}"><title>{_e(tip)}</title></rect>')
        parts.append(f'<text x="{left + plot_w + 6}" y="{y + 14}" font-size="12">{frac:.0%}</text>')
    parts.append("</svg>")
    return "".join(parts)


_NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")


def failure_key(message: str) -> str:
    """A failure message's first line, numbers blanked, so the same mistake groups together."""
    first = next((line.strip() for line in message.splitlines() if line.strip()), "failed")
    return _NUMBER.sub("#", first)[:200]


def hidden_failures_html(entries: list[Entry]) -> str:
    """Per student, each failed hidden test's full message and traceback (staff only)."""
    from autograder.feedback import staff_details

    parts = []
    for e in entries:
        for heading, text in staff_details(e.result):
            parts.append(f"<details><summary>{_e(e.student)}: {_e(heading)}</summary><pre>{_e(text)}</pre></details>")
    heading, none = _e(_("Hidden test failures (staff only)")), _e(_("none"))
    return f"<h2>{heading}</h2>" + ("".join(parts) or f"<p>{none}</p>")


def known_mistakes_html(entries: list[Entry], cfg: AssignmentConfig) -> str:
    """Per exercise, each known mistake the counted submissions were diagnosed with, most
    common first: its misconception in the report's language, how many students, and who."""
    from autograder.mistake_counts import count

    lang = i18n.current()
    heading = _e(_("Known mistakes"))
    intro = _e(_("Failed tests whose values match a known mistake (a mutant of the course), per exercise, "
                 "most common first. A student counts once per mistake."))
    parts = [f'<h2 id="mistakes-h">{heading}</h2><p>{intro}</p>']
    by_exercise = count(((e.student, e.result) for e in entries), cfg.exercises)
    head = "".join(f"<th>{_e(h)}</th>" for h in (_("students"), _("mistake"), _("misconception"), _("who")))
    for ex, rows in by_exercise.items():
        body = "".join(
            f'<tr data-mistake="{_e(r.mistake)}" data-count="{r.count}"><td class=n>{r.count}</td>'
            f"<td><code>{_e(r.mistake)}</code></td><td>{_e(r.text(lang))}</td>"
            f'<td class="who">{_e(", ".join(r.students))}</td></tr>' for r in rows)
        parts.append(f'<h3>{_e(ex)}</h3><table class="mistakes" data-exercise="{_e(ex)}"><tr>{head}</tr>{body}</table>')
    if not by_exercise:
        none = _e(_("No failed test matched a known mistake."))
        parts.append(f'<p id="no-mistakes">{none}</p>')
    return "".join(parts)


def build_html(entries: list[Entry], cfg: AssignmentConfig, show_hidden: bool = False) -> str:
    graded = [e for e in entries if e.result.status == "graded"]
    finals = [e.score.final for e in graded]  # scoring.score, computed when the entries were read
    max_score = cfg.total_points
    # Per test: how many passed; per exercise: points earned / available, over graded students.
    tests: dict[str, list] = {}
    exercises: dict[str, list[float]] = {ex: [0.0, 0.0] for ex in cfg.exercises}
    failures: collections.Counter = collections.Counter()
    failure_tests: dict[str, set] = collections.defaultdict(set)
    for e in graded:
        for t in e.result.tests:
            acc = tests.setdefault(t.name, [0, 0, t.visibility])
            acc[0] += t.passed
            acc[1] += 1
            if not t.passed:
                key = failure_key(t.message)
                failures[key] += 1
                failure_tests[key].add(t.name)
        for ex, (s, m) in e.result.per_exercise().items():
            acc = exercises.setdefault(ex, [0.0, 0.0])
            acc[0] += s
            acc[1] += m
    ex_rows = [(ex, s / m if m else 0.0, _("{earned} of {available} points earned").format(
        earned=f"{s:g}", available=f"{m:g}")) for ex, (s, m) in exercises.items()]
    hidden = _(" (hidden)")
    test_rows = sorted(((f"{name}{hidden if vis == 'hidden' else ''}", p / n if n else 0.0,
                         _("{passed} of {n} passed").format(passed=p, n=n)) for name, (p, n, vis) in tests.items()),
                       key=lambda r: (r[1], r[0]))
    stats = []
    if finals:
        stats = [(_("students graded"), f"{len(graded)}"), (_("mean"), f"{statistics.mean(finals):.1f}"),
                 (_("median"), f"{statistics.median(finals):g}"),
                 (_("min / max"), f"{min(finals):g} / {max(finals):g}")]
    # Not gradable: the grader could not load what was sent. A student with no submission (or
    # one still queued) is not that: they are counted, and listed, apart.
    ungradable_entries = [e for e in entries if e.result.status == "ungradable"]
    missing = [e for e in entries if e.result.status == "missing"]
    waiting = [e for e in entries if e.result.status not in ("graded", "ungradable", "missing")]
    stats += [(_("not gradable"), str(len(ungradable_entries)))]
    if missing:
        stats.append((_("no submission"), str(len(missing))))
    if waiting:
        stats.append((_("not graded yet"), str(len(waiting))))
    stats.append((_("late"), str(sum(1 for e in entries if e.score.late_days))))
    fail_rows = "".join(
        f"<tr><td class=n>{n}</td><td><code>{_e(msg)}</code></td><td>{_e(', '.join(sorted(failure_tests[msg])))}</td></tr>"
        for msg, n in failures.most_common(15))
    ungradable = "".join(f"<li>{_e(e.student)}: {_e(e.result.error or _('no reason recorded'))}</li>"
                         for e in ungradable_entries)
    nobody = _e(", ".join(e.student for e in missing))
    student_rows = "".join(
        f"<tr><td>{_e(e.student)}</td><td>{_e(status_label(e.result.status))}</td><td class=n>{e.score.raw:g}</td>"
        f"<td class=n>{e.score.late_days or ''}</td><td class=n>{e.score.penalty:g}</td>"
        f"<td class=n><b>{e.score.final:g}</b></td></tr>"
        for e in entries)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    # Every label a TA reads, in the run's language; escaped like everything else put in the page.
    L = {k: _e(v) for k, v in {
        "title": _("Class report: {title}").format(title=cfg.title),
        "generated": _("Generated {when}. Scores are out of {points}, after late penalties.").format(
            when=now, points=f"{max_score:g}"),
        "distribution": _("Score distribution"), "per_exercise": _("Points earned per exercise"),
        "per_test": _("Pass rate per test"), "common": _("Most common failure messages"),
        "count": _("count"), "first_line": _("message (first line)"), "tests": _("tests"),
        "not_gradable": _("Not gradable"), "no_submission": _("No submission"), "students": _("Students"), "student": _("student"),
        "status": _("status"), "raw": _("raw"), "days_late": _("days late"), "penalty": _("penalty"),
        "final": _("final")}.items()}
    per_exercise_label, per_test_label = _("points earned per exercise"), _("pass rate per test")  # bars_svg escapes
    return f"""<!doctype html>
<html lang="{_e(i18n.current())}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{L["title"]}</title>
<style>
 body {{ font-family: system-ui, "Noto Sans KR", sans-serif; margin: 2em auto; padding: 0 .5em; max-width: 60em;
        color: #222; overflow-wrap: break-word; }}
 :lang(ko) {{ word-break: keep-all; }}
 h1 {{ overflow-wrap: anywhere; }}
 table {{ border-collapse: collapse; max-width: 100%; }}
 td, th {{ padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: left; }}
 code, li, #missing, #students td:first-child, #failures td, table.mistakes td {{ overflow-wrap: anywhere; }}
 svg.plot {{ max-width: 100%; height: auto; }}
 @media (max-width: 40em) {{ body {{ margin: 1em auto; }} table {{ font-size: 88%; }} td, th {{ padding: 2px 3px; }} }}
 td.n {{ text-align: right; }} .stats td:first-child {{ color: #666; }} code {{ font-size: 90%; }}
 svg text {{ font-family: system-ui, sans-serif; fill: #222; }}
</style></head>
<body>
<h1>{_e(cfg.title)} <small>({_e(cfg.id)})</small></h1>
<p>{L["generated"]}</p>
<table class="stats">{''.join(f'<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>' for k, v in stats)}</table>
<h2>{L["distribution"]}</h2>
{histogram_svg(finals, max_score)}
<h2>{L["per_exercise"]}</h2>
{bars_svg("plot-exercises", ex_rows, per_exercise_label)}
<h2>{L["per_test"]}</h2>
{bars_svg("plot-tests", test_rows, per_test_label)}
<h2>{L["common"]}</h2>
<table id="failures"><tr><th>{L["count"]}</th><th>{L["first_line"]}</th><th>{L["tests"]}</th></tr>{fail_rows}</table>
{known_mistakes_html(entries, cfg)}
{f'<h2>{L["not_gradable"]}</h2><ul>{ungradable}</ul>' if ungradable else ''}
{f'<h2>{L["no_submission"]}</h2><p id="missing">{nobody}</p>' if missing else ''}
<h2>{L["students"]}</h2>
<table id="students"><tr><th>{L["student"]}</th><th>{L["status"]}</th><th>{L["raw"]}</th><th>{L["days_late"]}</th><th>{L["penalty"]}</th><th>{L["final"]}</th></tr>{student_rows}</table>
{hidden_failures_html(entries) if show_hidden else ''}
<script>
// Records the laid-out size of every plot, so a headless browser check can tell the page rendered.
addEventListener("load", () => {{
  document.body.dataset.plots = [...document.querySelectorAll("svg.plot")].map(s => {{
    const r = s.getBoundingClientRect(); return `${{s.id}}:${{Math.round(r.width)}}x${{Math.round(r.height)}}:${{s.querySelectorAll("rect").length}}`;
  }}).join(" ");
}});
</script>
</body></html>
"""


STATUS_LABELS = {"graded": N_("graded"), "ungradable": N_("ungradable"), "missing": N_("missing"),
                 "queued": N_("queued"), "grading": N_("grading"), "not_graded": N_("not graded")}


def status_label(status: str) -> str:
    """A result's status word for a person to read (the stored word is data and stays English)."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def write_report(entries: list[Entry], cfg: AssignmentConfig, path: Path, show_hidden: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(sanitize.utf8(build_html(entries, cfg, show_hidden)))  # never raises on what slipped past clean()
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half report behind
        raise
    tmp.replace(path)
