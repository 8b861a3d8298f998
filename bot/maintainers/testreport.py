"""What `faqbot test` shows: the summary, the mistakes, JSON, and an HTML page.

Everything here is computed from the generic `Evaluation.outcomes` list (kind, expected
entry or None, decision), so that a new kind of question in bot/maintainers/evaluation.py
shows up in the per-entry table, the histogram and the mistakes without changes here.

- `gates()`: the rates and the minimum each must reach (knowledge/thresholds.yaml for the
  development set; a sealed set's own `minimum:`, or none).
- `entry_rows()`: per entry, its phrasings (and misses), the questions that expect it and
  how they fared (right, suggested, wrong, unanswered), and how often it was given to a
  question that expected something else.
- `mistakes()`: every question not handled right, each once (with how many times it
  occurs), in the FAQ's entry order.
- `histogram()`: the best score of each question, in bins, split into questions whose
  best guess is the expected entry ("right"), another entry ("wrong"), and questions that
  expect no answer ("unanswerable"); the answer and suggest thresholds cut through it.

A sealed set (see bot/maintainers/evaluation.py) shows only aggregate figures: rates, counts and the
score histogram; never a question, a mistake, a confused pair or a per-entry row.
"""

from __future__ import annotations

import html
import json
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.knowledge.base import KnowledgeBase
from bot.maintainers.evaluation import Evaluation, Outcome, QuestionSet
from bot.understanding.matching import Matcher

__all__ = [
    "SERIES",
    "EntryRow",
    "Gate",
    "Mistake",
    "confused_pairs",
    "entry_rows",
    "gates",
    "histogram",
    "html_page",
    "json_report",
    "mistakes",
    "text_report",
]

BIN_WIDTH = 5
"""Score points per histogram bar (scores run from 0 to 100)."""
SERIES = ("right", "wrong", "unanswerable")
_SERIES_LABELS = {
    "right": "right entry ranked first",
    "wrong": "another entry ranked first",
    "unanswerable": "unanswerable questions",
}
_COLOURS = {"right": "#2e7d32", "wrong": "#c62828", "unanswerable": "#6d6d6d"}


@dataclass(frozen=True)
class Gate:
    """One rate of the summary and the minimum it must reach (None: not gated)."""

    name: str
    label: str
    part: int
    whole: int
    minimum: float | None

    @property
    def rate(self) -> float:
        """part / whole (1.0 for an empty set)."""
        return self.part / self.whole if self.whole else 1.0

    @property
    def ok(self) -> bool:
        """Reaches its minimum (always, when not gated)."""
        return self.minimum is None or self.rate >= self.minimum


def gates(kb: KnowledgeBase, result: Evaluation, questions: QuestionSet | None) -> list[Gate]:
    """The summary's rates: the FAQ's phrasings, then the question set's two rates."""
    limits = kb.thresholds
    rows = [
        Gate(
            "phrasings",
            "FAQ phrasings answered with their own entry",
            result.phrasings_ok,
            result.phrasings,
            limits.phrasings,
        )
    ]
    if questions is None:
        return rows
    if questions.sealed:
        # An estimate: only its own `minimum:` gates it; the second gate is on every
        # message that must get no article answer (unanswerable ones and small talk).
        own = questions.minimum
        answerable = own[0] if own is not None else None
        others = own[1] if own is not None else None
        talk_ok = result.smalltalk - len(result.smalltalk_answered)
        return [
            *rows,
            Gate(
                "answerable",
                "answerable questions answered correctly",
                result.answered_right,
                result.answerable,
                answerable,
            ),
            Gate(
                "unanswerable",
                "other messages (unanswerable, small talk) without an article answer",
                result.declined + talk_ok,
                result.unanswerable + result.smalltalk,
                others,
            ),
        ]
    answerable, unanswerable = limits.answerable, limits.unanswerable
    rows += [
        Gate(
            "answerable",
            "answerable questions answered correctly",
            result.answered_right,
            result.answerable,
            answerable,
        ),
        Gate(
            "unanswerable",
            "unanswerable questions declined",
            result.declined,
            result.unanswerable,
            unanswerable,
        ),
    ]
    return rows


@dataclass(frozen=True)
class EntryRow:
    """How one entry fared."""

    id: str
    question: str
    draft: bool
    phrasings: int
    phrasing_misses: int
    questions: int
    """Questions of the set (any kind but phrasings) that expect this entry."""
    right: int
    suggested: int
    wrong: int
    """Answered with another entry."""
    unanswered: int
    given_wrongly: int
    """Questions that expected another entry, or none, answered with this one."""


def entry_rows(kb: KnowledgeBase, outcomes: Iterable[Outcome]) -> list[EntryRow]:
    """One row per entry, in the FAQ's order."""
    counts: dict[str, Counter[str]] = {e.id: Counter() for e in kb.entries}
    for outcome in outcomes:
        if outcome.expected in counts:
            tally = counts[outcome.expected]
            if outcome.kind == "phrasing":
                tally["phrasings"] += 1
                tally["phrasing_misses"] += not outcome.right
            else:
                tally["questions"] += 1
                tally[outcome.verdict] += 1
        if outcome.answered and not outcome.right and outcome.got in counts:
            counts[outcome.got]["given_wrongly"] += 1
    return [
        EntryRow(
            id=e.id,
            question=e.question,
            draft=e.draft,
            phrasings=counts[e.id]["phrasings"],
            phrasing_misses=counts[e.id]["phrasing_misses"],
            questions=counts[e.id]["questions"],
            right=counts[e.id]["right"],
            suggested=counts[e.id]["suggested"],
            wrong=counts[e.id]["wrong"],
            unanswered=counts[e.id]["unanswered"],
            given_wrongly=counts[e.id]["given_wrongly"],
        )
        for e in kb.entries
    ]


@dataclass(frozen=True)
class Mistake:
    """A question not handled right, and how many times the set holds it."""

    outcome: Outcome
    count: int


def mistakes(kb: KnowledgeBase, outcomes: Iterable[Outcome]) -> list[Mistake]:
    """Every wrong outcome once, grouped by expected entry (FAQ order), then the
    questions that expected no answer; in the order met within a group."""
    seen: Counter[tuple[str, str | None, str]] = Counter()
    first: dict[tuple[str, str | None, str], Outcome] = {}
    for outcome in outcomes:
        if outcome.right:
            continue
        key = (outcome.kind, outcome.expected, outcome.question)
        seen[key] += 1
        first.setdefault(key, outcome)
    order = {e.id: i for i, e in enumerate(kb.entries)}
    keys = sorted(
        first,
        key=lambda k: (k[1] is None, order.get(k[1] or "", len(order)), k[0] != "phrasing"),
    )
    return [Mistake(first[k], seen[k]) for k in keys]


def confused_pairs(outcomes: Iterable[Outcome]) -> list[tuple[str | None, str, int, int]]:
    """(expected or None, entry ranked first instead, times, of which answered), most first."""
    ranked: Counter[tuple[str | None, str]] = Counter()
    answered: Counter[tuple[str | None, str]] = Counter()
    for outcome in outcomes:
        if outcome.right or outcome.got is None or outcome.got == outcome.expected:
            continue
        if outcome.expected is None and not outcome.answered:
            continue
        pair = (outcome.expected, outcome.got)
        ranked[pair] += 1
        answered[pair] += outcome.answered
    return sorted(
        ((e, g, n, answered[(e, g)]) for (e, g), n in ranked.items()),
        key=lambda p: (-p[2], -p[3], p[0] or "", p[1]),
    )


def _series(outcome: Outcome) -> str:
    if outcome.expected is None:
        return "unanswerable"
    return "right" if outcome.got == outcome.expected else "wrong"


def histogram(outcomes: Sequence[Outcome]) -> dict[str, list[int]]:
    """Counts per score bin (BIN_WIDTH wide, from 0) for each of SERIES.

    The questions of the set are used; without a set, the FAQ's own phrasings.
    """
    chosen = [o for o in outcomes if o.kind != "phrasing"] or list(outcomes)
    bins = 100 // BIN_WIDTH
    counts = {name: [0] * bins for name in SERIES}
    for outcome in chosen:
        index = min(bins - 1, max(0, int(outcome.decision.score // BIN_WIDTH)))
        counts[_series(outcome)][index] += 1
    return counts


# --- text ------------------------------------------------------------------------------


class _Style:
    """ANSI colours, or nothing (when the output is not a terminal)."""

    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text

    def green(self, text: str) -> str:
        return self._wrap("32", text)

    def red(self, text: str) -> str:
        return self._wrap("31", text)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)


def _describe(outcome: Outcome) -> str:
    decision = outcome.decision
    withheld = (
        f", withheld by out-of-scope {decision.near_miss.question!r}" if decision.near_miss else ""
    )
    return f"{decision.status} {outcome.got or '-'} ({decision.score:g}){withheld}"


_MISTAKE_NAMES = {
    "phrasing": "phrasing miss",
    "unanswerable": "false answer",
    "smalltalk": "small talk answered",
    "gap": "gap answered",
}


def _figures(result: Evaluation) -> list[str]:
    """Aggregate figures beyond the gates (wrong answers, small talk, gaps, per kind)."""
    lines = []
    if result.answerable:
        lines.append(
            f"     wrong answers: {result.wrong_rate:.1%} ({result.answered_wrong}/"
            f"{result.answerable} answerable messages)"
        )
    if result.smalltalk:
        lines.append(
            f"     small talk recognised: {result.smalltalk_rate:.1%} "
            f"({result.smalltalk_recognised}/{result.smalltalk}); answered about the "
            f"article: {len(result.smalltalk_answered)}"
        )
    if result.mixed:
        lines.append(
            f"     small talk then a question, read as a question: {result.mixed_ok}/{result.mixed}"
        )
    if result.gaps:
        lines.append(
            f"     questions no entry covers: {result.gaps} ({result.gaps_answered} answered)"
        )
    kinds = sorted(result.by_kind.items())
    if len(kinds) > 2:
        listed = ", ".join(f"{kind} {ok}/{total}" for kind, (ok, total) in kinds)
        lines += textwrap.wrap(
            f"by kind (right or declined / total): {listed}",
            width=96,
            initial_indent="     ",
            subsequent_indent="       ",
        )
    return lines


def text_report(
    kb: KnowledgeBase,
    result: Evaluation,
    questions: QuestionSet | None,
    *,
    colour: bool = False,
) -> list[str]:
    """The lines `faqbot test` prints: summary first, then the mistakes by entry."""
    style = _Style(colour)
    lines = []
    for gate in gates(kb, result, questions):
        if gate.minimum is None:
            mark, limit = "    ", "not gated"
        else:
            mark = style.green("ok  ") if gate.ok else style.red("FAIL")
            limit = f"minimum {gate.minimum:.0%}"
        lines.append(f"{mark} {gate.label}: {gate.rate:.1%} ({gate.part}/{gate.whole}; {limit})")
    sealed = questions is not None and questions.sealed
    lines += _figures(result)
    if kb.drafts:
        listed = ", ".join(f"{e.id} ({len(e.variants)})" for e in kb.drafts)
        lines.append(f"drafts (fewer than 5 variants): {listed}")
    if sealed:
        lines.append("(a sealed question set: only its figures are shown)")
        return lines
    found = mistakes(kb, result.outcomes)
    if not found:
        return lines
    verdicts = Counter(m.outcome.verdict for m in found if m.outcome.kind == "answerable")
    if verdicts:
        lines.append(
            "answerable questions not answered right: "
            + ", ".join(f"{verdicts[v]} {v}" for v in ("suggested", "wrong", "unanswered"))
        )
    lines.append("")
    lines.append(
        style.bold(f"Mistakes by entry ({len(found)}, each once; '×N': N times in the set):")
    )
    current: object = ""
    for mistake in found:
        outcome = mistake.outcome
        if outcome.expected != current:
            current = outcome.expected
            entry = kb.by_id.get(outcome.expected or "")
            title = (
                f"[{entry.id}] {entry.question}"
                if entry
                else "questions the article does not answer"
            )
            lines.append(style.bold(title))
        times = f" ×{mistake.count}" if mistake.count > 1 else ""
        name = _MISTAKE_NAMES.get(outcome.kind, "confusion")
        expected = f"[{outcome.expected}] " if outcome.expected else ""
        lines.append(
            f"  {name}: {expected}{outcome.question!r}{times} "
            f"{style.dim('->')} {_describe(outcome)}"
        )
    return lines


# --- JSON ------------------------------------------------------------------------------


def json_report(
    kb: KnowledgeBase,
    result: Evaluation,
    questions: QuestionSet | None,
    matcher: Matcher,
    *,
    question_set: str | None,
) -> str:
    """The whole report as one JSON document (a sealed set: aggregate figures only)."""
    rows = gates(kb, result, questions)
    sealed = questions is not None and questions.sealed
    data: dict[str, object] = {
        "knowledge": str(kb.path),
        "question_set": question_set,
        "sealed": sealed,
        "passed": all(g.ok for g in rows),
        "rates": [
            {
                "name": g.name,
                "label": g.label,
                "rate": round(g.rate, 4),
                "count": g.part,
                "total": g.whole,
                "minimum": g.minimum,
                "ok": g.ok,
            }
            for g in rows
        ],
        "drafts": [e.id for e in kb.drafts],
        "thresholds": {
            "answer": matcher.answer_threshold,
            "margin": matcher.margin,
            "suggest": matcher.suggest_threshold,
        },
        "histogram": {"bin_width": BIN_WIDTH, **histogram(result.outcomes)},
    }
    if not sealed:
        data["entries"] = [row.__dict__ for row in entry_rows(kb, result.outcomes)]
        data["mistakes"] = [
            {
                "kind": m.outcome.kind,
                "expected": m.outcome.expected,
                "question": m.outcome.question,
                "count": m.count,
                "status": str(m.outcome.decision.status),
                "entry": m.outcome.got,
                "score": m.outcome.decision.score,
                "withheld_by": m.outcome.decision.near_miss.question
                if m.outcome.decision.near_miss
                else None,
            }
            for m in mistakes(kb, result.outcomes)
        ]
        data["confused_pairs"] = [
            {"expected": e, "ranked_first": g, "count": n, "answered": a}
            for e, g, n, a in confused_pairs(result.outcomes)
        ]
    return json.dumps(data, ensure_ascii=False, indent=2)


# --- HTML ------------------------------------------------------------------------------

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left;
         vertical-align: top; }
th { background: #f4f4f4; position: sticky; top: 0; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.bad td { background: #fff3f3; }
.ok { color: #2e7d32; font-weight: bold; } .fail { color: #c62828; font-weight: bold; }
.muted { color: #777; } .q { max-width: 480px; }
svg text { font: 12px system-ui, sans-serif; fill: #333; }
.legend span { display: inline-block; margin-right: 1.5em; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
            vertical-align: -1px; }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _svg_histogram(counts: dict[str, list[int]], answer: float, suggest: float) -> str:
    """One panel per series (each with its own scale, so that a handful of wrong answers
    is as visible as hundreds of right ones), sharing the score axis; the two thresholds
    are dashed vertical lines across all panels."""
    width, left, right, top, panel_h, gap, bottom = 1000, 60, 20, 34, 120, 26, 42
    plot_w = width - left - right
    height = top + len(SERIES) * (panel_h + gap) - gap + bottom
    bins = len(counts[SERIES[0]])
    step = plot_w / bins
    parts = [
        f'<svg id="histogram" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="score histogram">'
    ]
    for row, name in enumerate(SERIES):
        y0 = top + row * (panel_h + gap)
        base = y0 + panel_h
        peak = max(1, *counts[name])
        parts.append(
            f'<g class="series" data-series="{name}">'
            f'<text x="{left}" y="{y0 - 6}" style="font-weight:bold;fill:{_COLOURS[name]}">'
            f"{_SERIES_LABELS[name]} ({sum(counts[name])})</text>"
        )
        for tick in sorted({0, peak // 2, peak}):
            y = base - panel_h * tick / peak
            parts.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                'stroke="#eee"/>'
                f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:.0f}</text>'
            )
        for index, n in enumerate(counts[name]):
            if not n:
                continue
            h = max(1.0, panel_h * n / peak)
            parts.append(
                f'<rect class="bar {name}" data-bin="{index * BIN_WIDTH}" data-count="{n}" '
                f'x="{left + index * step + 1:.1f}" y="{base - h:.1f}" width="{step - 2:.1f}" '
                f'height="{h:.1f}" fill="{_COLOURS[name]}"><title>{_SERIES_LABELS[name]}, '
                f"score {index * BIN_WIDTH}-{(index + 1) * BIN_WIDTH}: {n}</title></rect>"
            )
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{base}" y2="{base}" stroke="#333"/></g>'
        )
    axis = top + len(SERIES) * (panel_h + gap) - gap
    for index in range(0, bins + 1, 2):
        parts.append(
            f'<text x="{left + index * step:.1f}" y="{axis + 16}" text-anchor="middle">'
            f"{index * BIN_WIDTH}</text>"
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">'
        "best score of the question (number of questions per bar of "
        f"{BIN_WIDTH} points)</text>"
    )
    for name, value, colour, label_y in (
        ("suggest", suggest, "#ef6c00", 12),
        ("answer", answer, "#1565c0", 12),
    ):
        x = left + plot_w * value / 100
        anchor = "end" if name == "suggest" else "start"
        dx = -4 if name == "suggest" else 4
        parts.append(
            f'<line class="threshold" id="threshold-{name}" data-value="{value:g}" '
            f'x1="{x:.1f}" x2="{x:.1f}" y1="{label_y + 4}" y2="{axis}" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{x + dx:.1f}" y="{label_y}" text-anchor="{anchor}" '
            f'style="fill:{colour}">{name} threshold {value:g}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def html_page(
    kb: KnowledgeBase,
    result: Evaluation,
    questions: QuestionSet | None,
    matcher: Matcher,
    *,
    question_set: str | None,
) -> str:
    """One self-contained page (no script, no external file): summary, histogram, table
    per entry and confused pairs (the last two left out for a sealed set)."""
    rows = gates(kb, result, questions)
    sealed = questions is not None and questions.sealed
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>faqbot test report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>faqbot test report</h1>",
        f'<p class="muted">FAQ: {_e(kb.path)} ({len(kb.entries)} entries, '
        f"{sum(len(e.phrasings) for e in kb.entries)} phrasings); question set: "
        f"{_e(question_set or 'none')}{' (sealed: figures only)' if sealed else ''}</p>",
        '<table id="summary"><tr><th></th><th>rate</th><th class="n">count</th>'
        "<th>minimum</th></tr>",
    ]
    for gate in rows:
        verdict = (
            '<span class="muted">not gated</span>'
            if gate.minimum is None
            else ('<span class="ok">ok</span>' if gate.ok else '<span class="fail">FAIL</span>')
        )
        minimum = "-" if gate.minimum is None else f"{gate.minimum:.0%}"
        out.append(
            f"<tr><td>{verdict} {_e(gate.label)}</td><td>{gate.rate:.1%}</td>"
            f'<td class="n">{gate.part}/{gate.whole}</td><td>{minimum}</td></tr>'
        )
    out.append("</table>")
    counts = histogram(result.outcomes)
    source = "the question set" if questions is not None else "the FAQ's own phrasings"
    out += [
        "<h2>Scores</h2>",
        f"<p>The best score of every question of {source}, in three panels: the "
        "questions whose right entry was ranked first, those where another entry was, and "
        "the questions the article does not answer. The bot answers only at or above the "
        f"answer threshold ({matcher.answer_threshold:g}), and only when the other checks "
        f"agree (a lead of {matcher.margin:g} over the runner-up, enough shared words, no "
        "out-of-scope near miss, the classifier's second opinion); from the suggest threshold "
        f"({matcher.suggest_threshold:g}) it offers choices; below, it says it does not "
        "know. So everything left of the answer line is never answered: green bars there "
        "are lost answers, red and grey bars right of it are the risk of a wrong answer.</p>",
        _svg_histogram(counts, matcher.answer_threshold, matcher.suggest_threshold),
    ]
    if sealed:
        out.append("<p>A sealed question set: no question, entry or confusion is shown.</p>")
        out.append("</body></html>")
        return "\n".join(out)
    out += [
        "<h2>Entries</h2>",
        '<table id="entries"><tr><th>entry</th><th class="q">question</th>'
        '<th class="n">phrasings</th><th class="n">phrasing misses</th>'
        '<th class="n">dev questions</th><th class="n">right</th>'
        '<th class="n">suggested</th><th class="n">wrong</th><th class="n">no answer</th>'
        '<th class="n">given wrongly</th></tr>',
    ]
    for row in entry_rows(kb, result.outcomes):
        bad = row.phrasing_misses or row.wrong or row.given_wrongly
        draft = ' <span class="muted">(draft)</span>' if row.draft else ""
        out.append(
            f'<tr class="entry{" bad" if bad else ""}" data-entry="{_e(row.id)}">'
            f"<td>{_e(row.id)}{draft}</td><td class='q'>{_e(row.question)}</td>"
            + "".join(
                f'<td class="n">{v}</td>'
                for v in (
                    row.phrasings,
                    row.phrasing_misses,
                    row.questions,
                    row.right,
                    row.suggested,
                    row.wrong,
                    row.unanswered,
                    row.given_wrongly,
                )
            )
            + "</tr>"
        )
    out.append("</table>")
    pairs = confused_pairs(result.outcomes)
    out += [
        "<h2>Confused pairs</h2>",
        "<p>The entry a question expected, and the one ranked first instead (answered: "
        "how many of them got that entry's answer).</p>",
        '<table id="pairs"><tr><th>expected</th><th>ranked first</th><th class="n">times</th>'
        '<th class="n">answered</th></tr>',
    ]
    out += [
        f"<tr><td>{_e(e or '(no answer expected)')}</td><td>{_e(g)}</td>"
        f'<td class="n">{n}</td><td class="n">{a}</td></tr>'
        for e, g, n, a in pairs
    ]
    out.append("</table>")
    found = mistakes(kb, result.outcomes)
    out += [
        "<h2>Mistakes</h2>",
        '<table id="mistakes"><tr><th>kind</th><th>expected</th><th class="q">question</th>'
        '<th class="n">×</th><th>got</th></tr>',
    ]
    out += [
        f"<tr><td>{_e(m.outcome.kind)}</td><td>{_e(m.outcome.expected or '-')}</td>"
        f"<td class='q'>{_e(m.outcome.question)}</td><td class='n'>{m.count}</td>"
        f"<td>{_e(_describe(m.outcome))}</td></tr>"
        for m in found
    ]
    out.append("</table></body></html>")
    return "\n".join(out)
