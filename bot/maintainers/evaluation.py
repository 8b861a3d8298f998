"""Measure the bot's understanding: the FAQ's own phrasings and sets of realistic messages.

Used by `faqbot test` and by the test suite (tests/test_devset.py), so that both report
the same numbers. Every message goes through the whole pipeline (bot/understanding/pipeline.py:
small talk, follow-ups, matching with the second opinion), as users' messages do. A
question set is YAML; every list is optional:

    sealed: true            # an estimate, not a gate: only aggregate figures are shown
    answerable:
      - q: c quand la derniere visite de poutine en coree
        expect: derniere-visite
        also: [date-visite]  # another entry that answers it as well (optional)
      - q: une question que l'article traite mais qu'aucune entrée ne couvre
        expect: null
        gap: true            # counted apart (a missing entry), never as answerable
    unanswerable:
      - Quel traité a été signé pendant la visite ?
      - {q: quelle heure est-il, kind: off-topic}
    smalltalk:              # must get small talk, never an answer about the article
      - {q: merci !, kind: thanks}
    followups:              # `q` read right after the bot answered `after`
      - {after: Pourquoi Poutine va en Corée du Nord ?, q: et pourquoi il en a besoin ?,
         expect: besoin-obus}
    followups_unanswerable: # the same, but the article does not answer `q`
      - {after: ..., q: ...}
    mixed:                  # small talk, then a real question: must not be small talk
      - {q: merci ! et pourquoi Poutine va en Corée ?}
    long:                   # long or two-question messages, like answerable
      - {q: ..., expect: ..., also: [...]}

"Correct" means an answer with the expected entry (or one of `also`) and no answer
with any other entry. A message that must not be answered is "declined" when no
answer about the article's content comes back (suggestions and small talk are fine).

`sealed: true` marks an estimate, never tuned on: `faqbot test` shows only its aggregate
figures and does not gate it with knowledge/thresholds.yaml; `minimum: {answerable:
0.9, unanswerable: 0.93}` gives it its own gates.

Every message run is also kept as an `Outcome` (its kind, the entries that would be
right or none, the decisions), so that reports (bot/maintainers/testreport.py) are computed from
one generic list, whatever kinds of messages a set holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.source import Node, Report, parse_file
from bot.understanding.matching import Decision, Status
from bot.understanding.pipeline import ABOUT_THE_BOT, Context, Understander

__all__ = ["Evaluation", "Expected", "Outcome", "QuestionSet", "evaluate", "load_question_set"]

_MINIMUM_KEYS = ("answerable", "unanswerable")
DECLINES = "declines"
"""The tag of FAQ entries whose answer says the article does not give what is asked
(knowledge/faq/90-a-propos.yaml's `auteur-titre`: "I know neither the title nor the
author"). Decision (session 6): such an answer to a question the article does not
answer ("qui a écrit l'article ?") is no answer about the article's content, which is
what issue 10 counts, so it counts as declined; to a question that expects it, it is
right as any answer."""
# ABOUT_THE_BOT (bot/understanding/pipeline.py) is the tag of FAQ entries about the bot
# itself (knowledge/faq/90-a-propos.yaml's `bot-presentation`). Decision: small talk
# that gets such an answer ("t'es qui ?", "tu sers à quoi ?" answered with the bot's
# presentation) got no answer about the article's content, which is what issue 10
# counts; it is not counted as recognised small talk either (`smalltalk_recognised`),
# only as not answered about the article.


@dataclass(frozen=True)
class Expected:
    """A message and the entries whose answer is right for it."""

    question: str
    entries: tuple[str, ...]
    """The expected entry first, then the `also` ones."""
    after: str | None = None
    """For a follow-up: the question the bot answered just before."""
    kind: str = ""
    """The style or kind the writer gave it (sms, english, thanks…), for the breakdown."""

    @property
    def expect(self) -> str:
        """The expected entry."""
        return self.entries[0]


@dataclass(frozen=True)
class QuestionSet:
    """Realistic messages with what the bot should do with each."""

    answerable: tuple[tuple[str, str], ...]
    """(question, expected entry) pairs; `expected` has the full details."""
    unanswerable: tuple[str, ...]
    expected: tuple[Expected, ...] = ()
    """Answerable messages with every right entry (answerable, long, follow-ups)."""
    declined: tuple[Expected, ...] = ()
    """Messages that must not be answered: unanswerable and unanswerable follow-ups."""
    smalltalk: tuple[Expected, ...] = ()
    mixed: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    sealed: bool = False
    minimum: tuple[float, float] | None = None
    """A sealed set's own gates (answerable, declined), from `minimum:` in the file."""


def _text(node: Node | None) -> str | None:
    return node.value if node is not None and isinstance(node.value, str) else None


def _items(fields: dict[str, Node], key: str) -> list[Node]:
    node = fields.get(key)
    return list(node.value) if node is not None and isinstance(node.value, list) else []


def _entries(item: Node, fields: dict[str, Node], report: Report, kb: KnowledgeBase) -> list[str]:
    """The expected entry and the `also` ones, each checked against the FAQ."""
    nodes = [fields["expect"]] if "expect" in fields and fields["expect"].value is not None else []
    also = fields.get("also")
    nodes += list(also.value) if also is not None and isinstance(also.value, list) else []
    for node in nodes:
        if str(node.value) not in kb.by_id:
            report.error(node.file, node.line, f'unknown entry id "{node.value}"')
    return list(dict.fromkeys(str(node.value) for node in nodes))


def _expected_items(
    fields: dict[str, Node], report: Report, kb: KnowledgeBase
) -> tuple[list[Expected], list[str]]:
    """The answerable, long and follow-up messages; and the gaps (counted apart)."""
    expected: list[Expected] = []
    gaps: list[str] = []
    for key in ("answerable", "long", "followups"):
        for item in _items(fields, key):
            data = item.value if isinstance(item.value, dict) else {}
            question = _text(data.get("q")) if data else _text(item)
            after = _text(data.get("after"))
            if question is None or (key == "followups" and after is None):
                needs = "`after:`, `q:`" if key == "followups" else "`q:`"
                report.error(item.file, item.line, f"each {key} item needs {needs} and `expect:`")
                continue
            if data.get("gap") is not None and data["gap"].value is True:
                gaps.append(question)
                continue
            entries = _entries(item, data, report, kb)
            if not entries:
                if key != "long":  # a long message nobody could label is not counted
                    report.error(item.file, item.line, f"{key} item without `expect:`")
                continue
            style = _text(data.get("style")) or _text(data.get("kind")) or key
            expected.append(Expected(question, tuple(entries), after, style))
    return expected, gaps


def _other_items(fields: dict[str, Node], keys: tuple[str, ...], report: Report) -> list[Expected]:
    """Messages with no expected entry (unanswerable, small talk, mixed): q, kind, after."""
    out: list[Expected] = []
    for key in keys:
        for item in _items(fields, key):
            data = item.value if isinstance(item.value, dict) else {}
            question = _text(data.get("q")) if data else _text(item)
            if question is None:
                report.error(item.file, item.line, f"each {key} item must be a question (text)")
                continue
            kind = _text(data.get("kind")) or key
            out.append(Expected(question, (), _text(data.get("after")), kind))
    return out


def _minimum(node: Node | None, report: Report) -> tuple[float, float] | None:
    """`minimum: {answerable: 0.9, unanswerable: 0.93}`, checked."""
    if node is None:
        return None
    if not isinstance(node.value, dict):
        report.error(node.file, node.line, "minimum must map answerable and unanswerable to rates")
        return None
    low: dict[str, float] = {}
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
            low[key] = float(rate)
    return (low.get("answerable", 0.0), low.get("unanswerable", 0.0))


def load_question_set(path: Path, kb: KnowledgeBase) -> QuestionSet:
    """Load a question set; raise ValueError listing its problems with their lines."""
    report = Report()
    root = parse_file(path, report)
    fields: dict[str, Node] = {}
    if root is not None and isinstance(root.value, dict):
        fields = root.value
    elif root is not None:
        report.error(root.file, root.line, "expected `answerable:` and `unanswerable:` lists")
    expected, gaps = _expected_items(fields, report, kb)
    declined = _other_items(fields, ("unanswerable", "followups_unanswerable"), report)
    smalltalk = _other_items(fields, ("smalltalk",), report)
    mixed = [e.question for e in _other_items(fields, ("mixed",), report)]
    sealed = fields.get("sealed")
    if sealed is not None and not isinstance(sealed.value, bool):
        report.error(sealed.file, sealed.line, "sealed must be true or false")
    gates = _minimum(fields.get("minimum"), report)
    if report.errors:
        raise ValueError("\n".join(str(p) for p in report.errors))
    return QuestionSet(
        answerable=tuple((e.question, e.expect) for e in expected),
        unanswerable=tuple(e.question for e in declined),
        expected=tuple(expected),
        declined=tuple(declined),
        smalltalk=tuple(smalltalk),
        mixed=tuple(mixed),
        gaps=tuple(gaps),
        sealed=sealed is not None and sealed.value is True,
        minimum=gates,
    )


@dataclass(frozen=True)
class Outcome:
    """One message run through the pipeline, for reports.

    `kind` says where it comes from ("phrasing", "answerable", "unanswerable",
    "smalltalk", "gap"…; a new kind needs nothing more); `accepted` lists the entries
    whose answer is right (the expected one first), empty when no article answer is
    right; `answers` are the entries the message was answered with (two for a message
    with two questions).
    """

    kind: str
    accepted: tuple[str, ...]
    decision: Decision
    """The message's first decision."""
    answers: tuple[str, ...] = ()

    @property
    def expected(self) -> str | None:
        """The expected entry, or None when no article answer is right."""
        return self.accepted[0] if self.accepted else None

    @property
    def question(self) -> str:
        """The message as sent."""
        return self.decision.question

    @property
    def got(self) -> str | None:
        """The entry answered with, or the best guess when not answered."""
        return self.decision.entry.id if self.decision.entry is not None else None

    @property
    def answered(self) -> bool:
        """Whether any article answer came back."""
        return bool(self.answers)

    @property
    def right(self) -> bool:
        """Answered only with right entries, or not answered when none is right."""
        if not self.accepted:
            return not self.answers
        return bool(self.answers) and all(a in self.accepted for a in self.answers)

    @property
    def verdict(self) -> str:
        """right, suggested, wrong (answered with another entry) or unanswered; for a
        message that must get no answer: right (declined) or wrong (answered)."""
        if self.right:
            return "right"
        if not self.accepted or self.answers:
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
    answered_wrong: int = 0
    """Answerable messages answered with a wrong entry (the worst mistake)."""
    confusions: list[tuple[str, Decision]] = field(default_factory=list)
    """(expected id, decision) for answerable messages not answered right."""
    unanswerable: int = 0
    declined: int = 0
    false_answers: list[Decision] = field(default_factory=list)
    smalltalk: int = 0
    smalltalk_recognised: int = 0
    smalltalk_answered: list[Decision] = field(default_factory=list)
    """Small talk that got an answer about the article."""
    mixed: int = 0
    mixed_ok: int = 0
    """Mixed messages (small talk then a question) not taken for small talk."""
    gaps: int = 0
    gaps_answered: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)
    """Per style or kind: [right or declined, total]."""
    outcomes: list[Outcome] = field(default_factory=list)
    """Every message run, in order (phrasings first), for reports (maintainers/testreport.py)."""

    @staticmethod
    def _rate(part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def phrasing_rate(self) -> float:
        """Share of the FAQ's phrasings answered with their own entry."""
        return self._rate(self.phrasings_ok, self.phrasings)

    @property
    def answerable_rate(self) -> float:
        """Share of answerable messages answered with a right entry."""
        return self._rate(self.answered_right, self.answerable)

    @property
    def wrong_rate(self) -> float:
        """Share of answerable messages answered with a wrong entry."""
        return self._rate(self.answered_wrong, self.answerable)

    @property
    def decline_rate(self) -> float:
        """Share of unanswerable messages not answered confidently."""
        return self._rate(self.declined, self.unanswerable)

    @property
    def smalltalk_rate(self) -> float:
        """Share of small talk recognised as small talk."""
        return self._rate(self.smalltalk_recognised, self.smalltalk)

    @property
    def others_rate(self) -> float:
        """Share of the messages that must not get an article answer (unanswerable and
        small talk) that got none: the issue's "95% of the others"."""
        part = self.declined + self.smalltalk - len(self.smalltalk_answered)
        return self._rate(part, self.unanswerable + self.smalltalk)

    def _count(self, kind: str, ok: bool) -> None:
        tally = self.by_kind.setdefault(kind, [0, 0])
        tally[0] += ok
        tally[1] += 1


def _answered(decisions: Sequence[Decision]) -> list[str]:
    return [d.entry.id for d in decisions if d.status is Status.ANSWER and d.entry is not None]


def _about_the_article(decision: Decision) -> bool:
    """Whether a decision answers about the article's content: an answer, except with an
    entry about the bot itself (`ABOUT_THE_BOT`) or one that declines (`DECLINES`)."""
    entry = decision.entry
    return (
        decision.status is Status.ANSWER
        and entry is not None
        and not {ABOUT_THE_BOT, DECLINES} & set(entry.tags)
    )


def _context(understander: Understander, after: str | None) -> Context | None:
    """The context a follow-up is read in: the answer the bot gave to `after`, if any."""
    if after is None:
        return None
    for decision in understander.understand(after):
        if decision.status is Status.ANSWER and decision.entry is not None:
            return Context(decision.entry.id, after, 0.0)
    return None


def _run_expected(understander: Understander, items: Sequence[Expected], out: Evaluation) -> None:
    for item in items:
        context = _context(understander, item.after)
        decisions = understander.understand(item.question, context=context, now=1.0)
        answered = _answered(decisions)
        right = bool(answered) and all(a in item.entries for a in answered)
        out.outcomes.append(Outcome("answerable", item.entries, decisions[0], tuple(answered)))
        out.answerable += 1
        out.answered_right += right
        out.answered_wrong += any(a not in item.entries for a in answered)
        out._count(item.kind, right)
        if not right:
            out.confusions.append((item.expect, decisions[0]))


def _run_declined(understander: Understander, items: Sequence[Expected], out: Evaluation) -> None:
    for item in items:
        context = _context(understander, item.after)
        decisions = understander.understand(item.question, context=context, now=1.0)
        about = tuple(d.entry.id for d in decisions if d.entry and _about_the_article(d))
        out.outcomes.append(Outcome("unanswerable", (), decisions[0], about))
        out.unanswerable += 1
        wrong = next((d for d in decisions if _about_the_article(d)), None)
        out._count(item.kind, wrong is None)
        if wrong is not None:
            out.false_answers.append(wrong)
        else:
            out.declined += 1


def _run_smalltalk(understander: Understander, questions: QuestionSet, out: Evaluation) -> None:
    for item in questions.smalltalk:
        decisions = understander.understand(item.question)
        answers = [d for d in decisions if d.status is Status.ANSWER and d.entry is not None]
        about_bot = [d for d in answers if d.entry is not None and ABOUT_THE_BOT in d.entry.tags]
        about_article = tuple(d.entry.id for d in answers if d.entry and d not in about_bot)
        out.outcomes.append(Outcome("smalltalk", (), decisions[0], about_article))
        out.smalltalk += 1
        talk = decisions[0].status is Status.SMALLTALK
        out.smalltalk_recognised += talk
        out._count(f"smalltalk:{item.kind}", talk or bool(about_bot))
        answer = next((d for d in answers if d not in about_bot), None)
        if answer is not None:
            out.smalltalk_answered.append(answer)
    for question in questions.mixed:
        out.mixed += 1
        out.mixed_ok += understander.understand(question)[0].status is not Status.SMALLTALK


def evaluate(
    understander: Understander, questions: QuestionSet | None = None, *, phrasings: bool = True
) -> Evaluation:
    """Run every phrasing of the FAQ (unless `phrasings` is False), and the question set
    if given, through the pipeline."""
    result = Evaluation()
    for entry in understander.kb.entries if phrasings else ():
        for phrasing in entry.phrasings:
            decisions = understander.understand(phrasing)
            answers = tuple(_answered(decisions)[:1])
            result.outcomes.append(Outcome("phrasing", (entry.id,), decisions[0], answers))
            result.phrasings += 1
            if _answered(decisions)[:1] == [entry.id]:
                result.phrasings_ok += 1
            else:
                result.phrasing_misses.append((entry.id, decisions[0]))
    if questions is None:
        return result
    _run_expected(understander, questions.expected, result)
    _run_declined(understander, questions.declined, result)
    _run_smalltalk(understander, questions, result)
    for question in questions.gaps:
        decisions = understander.understand(question)
        result.outcomes.append(Outcome("gap", (), decisions[0], tuple(_answered(decisions))))
        result.gaps += 1
        result.gaps_answered += bool(_answered(decisions))
    return result
