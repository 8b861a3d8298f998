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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge import KnowledgeBase
from bot.matching import Decision, Matcher, Status
from bot.yamlsource import Node, Report, parse_file

__all__ = ["Evaluation", "QuestionSet", "evaluate", "load_question_set"]


@dataclass(frozen=True)
class QuestionSet:
    """Realistic questions with the entry each should reach, and unanswerable ones."""

    answerable: tuple[tuple[str, str], ...]
    unanswerable: tuple[str, ...]


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
    return QuestionSet(tuple(answerable), tuple(unanswerable))


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
        result.unanswerable += 1
        if decision.status is Status.ANSWER:
            result.false_answers.append(decision)
        else:
            result.declined += 1
    return result
