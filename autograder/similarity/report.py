"""The similarity report: one static HTML page (no script, nothing loaded from anywhere).

Clusters, the pairs ranked with a score per exercise and for the whole submission, and the
closest pairs side by side with the shared code marked (copydetect's ``highlight_overlap``,
which escapes the code). Every name and every line of code is escaped. The page says what
it is: evidence for a person to judge, not a finding. English or Korean (the run's language).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import numpy as np
from copydetect.utils import highlight_overlap

from autograder import i18n, sanitize
from autograder.i18n import t as _
from autograder.similarity.pairs import Pair
from autograder.similarity.run import SimilarityResult
from autograder.similarity.sources import OTHER

SHOWN = 50  # pairs shown side by side; the table lists them all down to LISTED_MIN
LISTED_MIN = 0.2  # pairs below this whole score are left out of the table (the CSV has all)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def exercise_label(exercise: str) -> str:
    return _("other code") if exercise == OTHER else exercise


def build_html(result: SimilarityResult, shown: int = SHOWN) -> str:
    listed = [p for p in result.pairs if p.score >= LISTED_MIN]
    names = [s.student for s in result.students]
    archived = sum(1 for s in result.students if s.archive)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    L = {k: _e(v) for k, v in {
        "title": _("Similarity: {title}").format(title=result.title),
        "evidence": _("This report is evidence for a person to judge, not a finding of misconduct. Similar code "
                      "has innocent causes too: a worked example from class, a study group allowed by the course, "
                      "one obvious way to write a short function. Read each pair side by side before acting."),
        "method": _("Compared {n} submissions ({archived} from earlier terms) with copydetect's winnowing "
                    "fingerprints: renamed identifiers, comments and layout do not hide shared code. The released "
                    "notebook's code (stubs, given code, demo and check cells) is left out as starter code; code "
                    "found in {limit} or more submissions is discounted as common. A score is the share of one "
                    "side's code found in the other (the larger of the two). Generated {when}.").format(
            n=len(names), archived=archived, limit=result.common_limit, when=now),
        "clusters": _("Clusters"),
        "clusters_note": _("Students joined by pairs scoring {threshold} or more, directly or through others.").format(
            threshold=_pct(result.cluster_threshold)),
        "no_clusters": _("No pair scores {threshold} or more.").format(threshold=_pct(result.cluster_threshold)),
        "pairs": _("Pairs"), "rank": _("rank"), "students": _("students"), "score": _("whole"),
        "best": _("highest pair"), "members": _("members"), "cluster": _("cluster"),
        "pairs_note": _("{n} pairs share code; {listed} score {low} or more and are listed, best first. "
                        "The CSV has every pair.").format(n=len(result.pairs), listed=len(listed), low=_pct(LISTED_MIN)),
        "side_by_side": _("Side by side"), "view": _("view"),
        "unreadable": _("Not compared (the grader could not read them either)"),
    }.items()}
    header = "".join(f"<th>{_e(exercise_label(ex))}</th>" for ex in result.exercises)
    rows = "".join(_pair_row(k, p, names, result.exercises, k <= shown) for k, p in enumerate(listed, 1))
    cluster_rows = "".join(
        f'<tr><td class=n>{k}</td><td>{", ".join(_e(names[i]) for i in c.members)}</td>'
        f'<td class=n>{_pct(c.best)}</td></tr>' for k, c in enumerate(result.clusters, 1))
    clusters = (f'<table id="clusters"><tr><th>{L["cluster"]}</th><th>{L["members"]}</th><th>{L["best"]}</th></tr>'
                f'{cluster_rows}</table>') if result.clusters else f'<p>{L["no_clusters"]}</p>'
    sides = "".join(_side_by_side(k, p, result) for k, p in enumerate(listed[:shown], 1))
    unreadable = "".join(f"<li><b>{_e(s)}</b>: {_e(why)}</li>" for s, why in sorted(result.unreadable.items()))
    return f"""<!doctype html>
<html lang="{_e(i18n.current())}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{L["title"]}</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; color: #222; padding: 0 1em; }}
 table {{ border-collapse: collapse; }} td, th {{ padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: left; }}
 td.n {{ text-align: right; }} .evidence {{ background: #fff6d6; border-left: 4px solid #e0b000; padding: .6em 1em; }}
 .pair {{ border-top: 2px solid #4c78a8; margin-top: 2em; }}
 .sides {{ display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }}
 .sides pre {{ background: #f6f8fa; padding: .5em; overflow-x: auto; font-size: 85%; margin: 0; white-space: pre; }}
 #pairs td, #pairs th {{ font-size: 90%; }} #pairs td:nth-child(2) {{ white-space: nowrap; }}
 .scroll {{ overflow-x: auto; }}
 mark {{ background: #ffd27a; }} .who {{ font-weight: bold; margin: .3em 0; }}
</style></head>
<body>
<h1>{L["title"]} <small>({_e(result.assignment)})</small></h1>
<p class="evidence" id="evidence">{L["evidence"]}</p>
<p>{L["method"]}</p>
<h2>{L["clusters"]}</h2>
<p>{L["clusters_note"]}</p>
{clusters}
<h2>{L["pairs"]}</h2>
<p>{L["pairs_note"]}</p>
<div class="scroll"><table id="pairs"><tr><th>{L["rank"]}</th><th>{L["students"]}</th><th>{L["score"]}</th>{header}<th></th></tr>{rows}</table></div>
<h2>{L["side_by_side"]}</h2>
{sides}
{f'<h2>{L["unreadable"]}</h2><ul id="unreadable">{unreadable}</ul>' if unreadable else ''}
</body></html>
"""


def _pair_row(k: int, p: Pair, names: list[str], exercises: tuple[str, ...], linked: bool) -> str:
    cells = "".join(f'<td class=n>{_pct(p.exercises[ex].score) if ex in p.exercises else ""}</td>' for ex in exercises)
    link = f'<a href="#pair-{k}">{_e(_("view"))}</a>' if linked else ""
    return (f'<tr><td class=n>{k}</td><td>{_e(names[p.a])} &harr; {_e(names[p.b])}</td>'
            f'<td class=n><b>{_pct(p.score)}</b></td>{cells}<td>{link}</td></tr>')


def _side_by_side(k: int, p: Pair, result: SimilarityResult) -> str:
    a, b = result.students[p.a], result.students[p.b]
    parts = [f'<section class="pair" id="pair-{k}"><h3>#{k} {_e(a.student)} &harr; {_e(b.student)}: '
             f'{_pct(p.score)}</h3>']
    for ex in result.exercises:
        m = p.exercises.get(ex)
        if m is None:
            continue
        parts.append(f"<h4>{_e(exercise_label(ex))}: {_pct(m.score)}</h4><div class=sides>"
                     f"{_side(a.student, a.pieces[ex], m.slices_a, m.score_a)}"
                     f"{_side(b.student, b.pieces[ex], m.slices_b, m.score_b)}</div>")
    parts.append("</section>")
    return "".join(parts)


def _side(student: str, code: str, slices: np.ndarray, share: float) -> str:
    marked, _share = highlight_overlap(code, np.asarray(slices, dtype=int), "<mark>", "</mark>", escape_html=True)
    found = _("{share} of this code is in the other").format(share=_pct(share))
    return f'<div><div class=who>{_e(student)} <small>({_e(found)})</small></div><pre>{marked}</pre></div>'


def write_report(result: SimilarityResult, path: Path, shown: int = SHOWN) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(sanitize.utf8(build_html(result, shown)))
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half report behind
        raise
    tmp.replace(path)
