"""`datastack check --html FILE`: one self-contained page for the on-call engineer.

Verdict first, then failures with their fixes, then every check grouped by service and kind, a latency
histogram per probe with its budget drawn on it (inline SVG), and the environment's declared design.
No script, no external resource: the page opens anywhere, offline. Every piece of text goes through
`html.escape`, so nothing from a check message or a spec ever becomes markup.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path
from typing import Any

from .design import Design
from .results import CheckResult, SuiteResult

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#1d2330;padding:0 1em}
h1{margin-bottom:.2em}h2{border-bottom:1px solid #d8dce4;padding-bottom:.2em;margin-top:1.8em}
.verdict{padding:.8em 1em;border-radius:6px;font-size:1.2em;font-weight:600}
.pass{background:#e3f5e8;color:#145a2c}.fail{background:#fde7e7;color:#8a1212}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #d8dce4;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f5f9}.passed{color:#145a2c}.failed,.error{color:#8a1212;font-weight:600}.skipped{color:#8a6d12}
code{background:#f3f5f9;padding:0 .2em;border-radius:3px;word-break:break-word}
details{margin:.4em 0}summary{cursor:pointer;font-weight:600}
.probes{display:flex;flex-wrap:wrap;gap:1em}.probe{border:1px solid #d8dce4;border-radius:6px;padding:.5em}
"""


def write_html(result: SuiteResult, design: Design | None, path: Path) -> None:
    path.write_text(render_html(result, design), encoding="utf-8")


def render_html(result: SuiteResult, design: Design | None) -> str:
    e = html.escape
    failed = [c for c in result.checks if c.outcome in ("failed", "error")]
    title = f"Check report: {result.environment}{' (read-only)' if result.read_only else ''}"
    verdict = "PASS" if result.ok else "FAIL"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="verdict {"pass" if result.ok else "fail"}" id="verdict">{verdict}: {result.count("passed")} passed, '
        f'{len(failed)} failed, {result.count("skipped")} skipped in {result.duration_s:.1f} s</p>',
    ]
    if failed:
        parts += ['<h2 id="failures">What failed, and the fix</h2>', "<table><tr><th>check</th><th>why</th><th>fix</th></tr>"]
        parts += [f"<tr><td><code>{e(c.name)}</code><br>{e(c.service)} · {e(c.category)}</td><td>{e(c.why)}</td>"
                  f"<td>{f'<code>{e(c.fix)}</code>' if c.fix else 'see the message'}</td></tr>" for c in failed]
        parts.append("</table>")
    parts += ['<h2 id="checks">Every check</h2>', _grouped(result.checks)]
    if result.latency():
        parts += ['<h2 id="latency">Latency</h2>', '<div class="probes">']
        parts += [_probe(p) for p in result.latency()]
        parts.append("</div>")
    if design is not None:
        parts += ['<h2 id="design">Design of the environment</h2>', _design(design)]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _grouped(checks: list[CheckResult]) -> str:
    e = html.escape
    groups: dict[str, dict[str, list[CheckResult]]] = defaultdict(lambda: defaultdict(list))
    for c in checks:
        groups[c.service][c.category].append(c)
    out = []
    for service, kinds in groups.items():
        bad = sum(1 for cs in kinds.values() for c in cs if c.outcome in ("failed", "error"))
        out.append(f"<details{' open' if bad else ''}><summary>{e(service)} — {sum(map(len, kinds.values()))} checks"
                   f"{f', {bad} failed' if bad else ''}</summary>")
        for kind, cs in kinds.items():
            out.append(f"<h3>{e(service)} · {e(kind)}</h3><table><tr><th>check</th><th>outcome</th><th>message</th></tr>")
            out += [f'<tr><td><code>{e(c.name)}</code></td><td class="{e(c.outcome)}">{e(c.outcome)}</td>'
                    f"<td>{e(c.message)}</td></tr>" for c in cs]
            out.append("</table>")
        out.append("</details>")
    return "\n".join(out)


def _probe(p: dict[str, Any]) -> str:
    """A bar per histogram bucket (log-spaced bounds) and a red line where the budget falls."""
    e = html.escape
    buckets = [(b, n) for b, n in p.get("histogram") or []]
    width, height, pad = 360, 120, 20
    svg = [f'<svg width="{width}" height="{height + 2 * pad}" role="img" aria-label="{e(p["probe"])} latency histogram">']
    if buckets:
        top = max(n for _, n in buckets) or 1
        bar = (width - 2 * pad) / len(buckets)
        for i, (bound, count) in enumerate(buckets):
            h = height * count / top
            label = "∞" if bound is None else f"{bound:g}"
            svg.append(f'<rect x="{pad + i * bar:.1f}" y="{pad + height - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                       f'fill="#5b7bd5"><title>≤ {e(label)} ms: {count}</title></rect>')
            if i % 2 == 0:
                svg.append(f'<text x="{pad + i * bar:.1f}" y="{height + 2 * pad - 4}" font-size="9">{e(label)}</text>')
        x = pad + _budget_position(buckets, p["budget_ms"]) * bar
        svg.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{pad / 2}" y2="{pad + height}" stroke="#c22" stroke-width="2"/>')
        svg.append(f'<text x="{x + 3:.1f}" y="{pad}" font-size="10" fill="#c22">budget {p["budget_ms"]:g} ms</text>')
    svg.append("</svg>")
    verdict = "passed" if p["outcome"] == "passed" else "failed"
    return (f'<div class="probe"><strong>{e(p["probe"])}</strong> <span class="{verdict}">{e(p["outcome"])}</span><br>'
            f'p50 {p["p50"]:.3f} · p95 {p["p95"]:.3f} · p99 {p["p99"]:.3f} · max {p["max"]:.3f} ms '
            f'({p.get("samples", "?")} samples; budget {e(p["percentile"])} &lt; {p["budget_ms"]:g} ms)<br>{"".join(svg)}</div>')


def _budget_position(buckets: list[tuple[float | None, int]], budget: float) -> float:
    """Where the budget falls along the bucket axis, interpolated inside its bucket."""
    lower = 0.0
    for i, (bound, _) in enumerate(buckets):
        if bound is None or budget <= bound:
            return i + (1.0 if bound is None else (budget - lower) / (bound - lower))
        lower = bound
    return float(len(buckets))


def _design(design: Design) -> str:
    e = html.escape
    out = []
    for db in design.databases:
        out.append(f"<h3>{e(db.title)}</h3><table><tr><th>collection</th><th>kind</th><th>indexes</th></tr>")
        out += [f"<tr><td><code>{e(c.name)}</code></td><td>{e(c.kind)}</td><td>{'<br>'.join(e(i) for i in c.indexes)}</td></tr>"
                for c in db.collections]
        out.append("</table>")
        if db.queries:
            out.append("<p>Critical queries: " + ", ".join(f"<code>{e(q)}</code>" for q in db.queries) + "</p>")
        if db.references:
            out.append("<p>References: " + ", ".join(f"<code>{e(r)}</code>" for r in db.references) + "</p>")
    if design.users:
        out.append("<h3>Users</h3><table><tr><th>store</th><th>user</th><th>access</th></tr>")
        out += [f"<tr><td>{e(store)}</td><td><code>{e(user)}</code></td><td>{e(access)}</td></tr>" for store, user, access in design.users]
        out.append("</table>")
    return "\n".join(out)
