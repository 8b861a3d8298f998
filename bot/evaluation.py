"""Measure the matcher: the FAQ's own phrasings and a set of realistic questions.

Used by `faqbot test` and by the test suite (tests/test_devset.py), so that both
report the same numbers. A question set is YAML:

    answerable:
      - q: c quand la derniere visite de poutine en coree
        expect: derniere-visite
    unanswerable:
      - Quel traité a été signé pendant la visite ?

"Correct" means status `answer` with the expected entry; an unanswerable question is
"declined" when its status is not `answer` (a suggestion is not a confident answer).

A set may start with `sealed: true` (tests/holdout.yaml does): it is an estimate, never
tuned on, so `faqbot test` shows only its aggregate figures, and gates it only with its
own `minimum: {answerable: 0.9, unanswerable: 0.93}` when it has one (never with
knowledge/thresholds.yaml, which gates the development set).

Every question run is kept as an `Outcome` (its kind, the entry it expects or None, the
decision), so that reports (bot/testreport.py) are computed from one generic list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge import KnowledgeBase, Thresholds
from bot.matching import Decision, Matcher, Status
from bot.yamlsource import Node, Report, parse_file

__all__ = ["Evaluation", "Outcome", "QuestionSet", "evaluate", "load_question_set"]

_SET_KEYS = ("sealed", "minimum", "answerable", "unanswerable")
_MINIMUM_KEYS = ("answerable", "unanswerable")


@dataclass(frozen=True)
class QuestionSet:
    """Realistic questions with the entry each should reach, and unanswerable ones."""

    answerable: tuple[tuple[str, str], ...]
    unanswerable: tuple[str, ...]
    sealed: bool = False
    """Only aggregate figures may be shown (never a question, never a confusion)."""
    minimum: Thresholds | None = None
    """The set's own gates (`minimum:`), replacing thresholds.yaml's; None: none."""


def _questions(node: Node | None, report: Report, kb: KnowledgeBase) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if node is None or not isinstance(node.value, list):
        return out
    for item in node.value:
        fields = item.value if isinstance(item.value, dict) else {}
        q, expect = fields.get("q"), fields.get("expect")
        if q is None or expect is None or not isinstance(q.value, str):
            report.error(item.file, item.line, "each answerable item needs `q:` and `expect:`")
            continue
        if str(expect.value) not in kb.by_id:
            report.error(expect.file, expect.line, f'unknown entry id "{expect.value}"')
            continue
        out.append((q.value, str(expect.value)))
    return out


def load_question_set(path: Path, kb: KnowledgeBase) -> QuestionSet:
    """Load a question set; raise ValueError listing its problems with their lines."""
    report = Report()
    root = parse_file(path, report)
    fields = root.value if root is not None and isinstance(root.value, dict) else {}
    if root is not None and not fields:
        report.error(root.file, root.line, "expected `answerable:` and `unanswerable:` lists")
    if root is not None and fields:
        for key, line in root.key_lines.items():
            if key not in _SET_KEYS:
                report.error(
                    root.file, line, f'unknown key "{key}"; allowed keys: {", ".join(_SET_KEYS)}'
                )
    sealed = _sealed(fields.get("sealed"), report)
    minimum = _minimum(fields.get("minimum"), report)
    answerable = _questions(fields.get("answerable"), report, kb)
    unanswerable: list[str] = []
    node = fields.get("unanswerable")
    for item in node.value if node is not None and isinstance(node.value, list) else []:
        if isinstance(item.value, str):
            unanswerable.append(item.value)
        else:
            report.error(item.file, item.line, "each unanswerable item must be a question (text)")
    if report.errors:
        raise ValueError("\n".join(str(p) for p in report.errors))
    return QuestionSet(tuple(answerable), tuple(unanswerable), sealed, minimum)


def _sealed(node: Node | None, report: Report) -> bool:
    if node is None:
        return False
    if not isinstance(node.value, bool):
        report.error(node.file, node.line, "sealed must be true or false")
        return False
    return node.value


def _minimum(node: Node | None, report: Report) -> Thresholds | None:
    if node is None:
        return None
    if not isinstance(node.value, dict):
        report.error(node.file, node.line, "minimum must map answerable and unanswerable to rates")
        return None
    values: dict[str, float] = {}
    for key, value in node.items():
        rate = value.value
        if key not in _MINIMUM_KEYS:
            report.error(
                node.file,
                node.key_lines[key],
                f'unknown key "{key}" in minimum (answerable, unanswerable)',
            )
        elif isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
            report.error(value.file, value.line, f"{key} must be a rate between 0 and 1, like 0.9")
        else:
            values[key] = float(rate)
    return Thresholds(
        answerable=values.get("answerable", 0.0), unanswerable=values.get("unanswerable", 0.0)
    )


@dataclass(frozen=True)
class Outcome:
    """One question run through the matcher, for reports.

    `kind` says where it comes from ("phrasing", "answerable", "unanswerable"; other
    kinds may be added); `expected` is the entry it should get, or None when it should
    get no answer.
    """

    kind: str
    expected: str | None
    decision: Decision

    @property
    def question(self) -> str:
        """The question as asked."""
        return self.decision.question

    @property
    def got(self) -> str | None:
        """The entry answered with, or the best guess when not answered."""
        return self.decision.entry.id if self.decision.entry is not None else None

    @property
    def answered(self) -> bool:
        """Whether the bot answered (status answer)."""
        return self.decision.status is Status.ANSWER and self.decision.entry is not None

    @property
    def right(self) -> bool:
        """Answered with the expected entry, or not answered when none was expected."""
        if self.expected is None:
            return not self.answered
        return self.answered and self.got == self.expected

    @property
    def verdict(self) -> str:
        """right, suggested, wrong (answered with another entry) or unanswered; for a
        question that expects no answer: right (declined) or wrong (answered)."""
        if self.right:
            return "right"
        if self.expected is None or self.answered:
            return "wrong"
        return "suggested" if self.decision.status is Status.SUGGEST else "unanswered"


@dataclass
class Evaluation:
    """Results, with every mistake kept for the report."""

    phrasings: int = 0
    phrasings_ok: int = 0
    phrasing_misses: list[tuple[str, Decision]] = field(default_factory=list)
    answerable: int = 0
    answered_right: int = 0
    confusions: list[tuple[str, Decision]] = field(default_factory=list)
    """(expected id, decision) for answerable questions not answered right."""
    unanswerable: int = 0
    declined: int = 0
    false_answers: list[Decision] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    """Every question run, in order (phrasings first), for reports."""

    @staticmethod
    def _rate(part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def phrasing_rate(self) -> float:
        """Share of the FAQ's phrasings answered with their own entry."""
        return self._rate(self.phrasings_ok, self.phrasings)

    @property
    def answerable_rate(self) -> float:
        """Share of answerable questions answered with the expected entry."""
        return self._rate(self.answered_right, self.answerable)

    @property
    def decline_rate(self) -> float:
        """Share of unanswerable questions not answered confidently."""
        return self._rate(self.declined, self.unanswerable)


def evaluate(matcher: Matcher, questions: QuestionSet | None = None) -> Evaluation:
    """Run every phrasing of the FAQ, and the question set if given, through the matcher."""
    result = Evaluation()
    for entry in matcher.kb.entries:
        for phrasing in entry.phrasings:
            decision = matcher.match(phrasing)
            result.outcomes.append(Outcome("phrasing", entry.id, decision))
            result.phrasings += 1
            if (
                decision.status is Status.ANSWER
                and decision.entry is not None
                and decision.entry.id == entry.id
            ):
                result.phrasings_ok += 1
            else:
                result.phrasing_misses.append((entry.id, decision))
    if questions is None:
        return result
    for question, expected in questions.answerable:
        decision = matcher.match(question)
        result.outcomes.append(Outcome("answerable", expected, decision))
        result.answerable += 1
        if (
            decision.status is Status.ANSWER
            and decision.entry is not None
            and decision.entry.id == expected
        ):
            result.answered_right += 1
        else:
            result.confusions.append((expected, decision))
    for question in questions.unanswerable:
        decision = matcher.match(question)
        result.outcomes.append(Outcome("unanswerable", None, decision))
        result.unanswerable += 1
        if decision.status is Status.ANSWER:
            result.false_answers.append(decision)
        else:
            result.declined += 1
    return result
