"""The second opinion: the classifier trained on the FAQ, and how its opinion settles
the matcher's decision (`combine`, with the knobs of `Combination`).

No Telegram here; the pipeline (bot/understanding/pipeline.py) calls `combine` for every
question it decides.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.knowledge.base import KnowledgeBase
from bot.understanding.classifier import OUT_OF_SCOPE, Opinion, SecondOpinion
from bot.understanding.matching import Candidate, Decision, Matcher, Status

__all__ = ["Combination", "answered_with", "combine", "train_second_opinion", "training_set"]


BOTH_AGREE = "both agree"
"""The verdict of an answer both opinions give on their own (the matcher above its
threshold, the classifier's own pick); the variants below a threshold say so after it."""
HELD_BACK = "held back: second opinion"
"""The start of the verdict of an answer the classifier held back (its pick follows)."""


@dataclass(frozen=True)
class Combination:
    """The knobs of `combine`, chosen on the development sets.

    Session 5 chose them by a grid (answer threshold 55/58/62, these knobs) on the union
    of the development sets and on the trimmed FAQ; session 6 added `hold_unseen`,
    session 9 `hold_one_word`, session 16 `hold_leaning_out`. On today's FAQ and the
    seventy-six tunable sets (session 19), `bench/bench_knobs.py` prints: 16,633/17,308
    right, 128 wrong, 5,583/5,769 declined, trimmed FAQ 76.5%; session 4's knobs 16,446
    right, 242 wrong, 5,501 declined, 76.1%. In
    session 8, moving each knob alone one step either way changed no total by more than
    ten. A held-back answer is still offered as a suggestion, one tap away, so a wrong
    answer costs more than a missed one.
    """

    hold_below: float = 0.05
    """An answer is held back when the classifier gives its entry less than this and
    prefers another one."""
    hold_when_sure: float = 0.8
    """…when the classifier gives its own pick at least this (with few phrasings per
    entry its opinions are flat, and its doubts say little)."""
    switch_confidence: float = 0.9
    """The classifier's pick, when it gives it at least this and the matcher has it among
    its suggestions (second or third), is answered (off: above 1), when the question has
    two words at least. On the tunable sets: 150 more right answers, five wrong answers
    fewer and three declined messages fewer (`bench/bench_knobs.py`, "no pick among
    suggestions"; session 19; session 18: 130 more right, five wrong fewer)."""
    hold_unseen: float = 0.02
    """An answer is held back when the classifier gives its entry at most this (it sees
    nothing of that entry in the question)…"""
    hold_unseen_when: float = 0.5
    """…and its own pick at least this…"""
    hold_unseen_phrasings: int = 12
    """…and the entry has this many phrasings or more: the classifier has seen enough of
    it to say that nothing of it is in the question (with the question and five
    variants, as `bench/bench_trimmed.py` keeps, it has not). `bench/bench_knobs.py`,
    "no hold of unseen entries": 10 wrong answers and 9 answers to unanswerable messages
    fewer, one right answer fewer (session 19; session 18: 8, 9 and one)."""
    hold_one_word: float = 0.03
    """An answer is held back when the phrasing it matched shares one content word only
    with a question of three or more, and the classifier gives its entry less than this
    ("Qu'est-ce que la Corée du Nord représente pour Poutine ?" matched "7000
    conteneurs, ça représente combien d'obus ?" through "représente" alone). On the
    seventy-six tunable sets (session 19): five wrong answers fewer, eight more
    unanswerable messages declined, two more right answers (session 18: five, six and
    two; session 9, at 0.1: two right answers fewer as well)."""
    hold_out_of_scope: float = 0.8
    """An answer is held back when the classifier says "out of scope" this surely…"""
    hold_leaning_out: float = 0.4
    """…or at least this surely, when it gives the answer's entry under
    `hold_leaning_out_given` ("quel temps fait-il à Moscou" reads "temps russie", which
    matches "depuis combien de temps la Corée du Nord ravitaille-t-elle la Russie ?"; the
    classifier says 57% out of scope, 3% that entry), if the entry has
    `hold_unseen_phrasings` or more (with five variants per entry, the classifier leans to
    "out of scope" everywhere: without that condition the trimmed FAQ fell from 75% to
    71%). On the seventy-six tunable sets (session 19): five more unanswerable messages
    declined, three wrong answers fewer (session 18: two, two and one more right
    answer)."""
    hold_leaning_out_given: float = 0.1
    agree_floor: float = 40.0
    """A hesitation becomes an answer when both pick the same entry and the matcher's
    score reaches this…"""
    agree_confidence: float = 0.8
    """…and the classifier gives that entry at least this."""
    agree_long_words: int = 20
    """In a message of this many words or more, the words the FAQ does not know are
    mostly chatter ("Ayant connu l'époque où…, je reste frappé par le contraste…"): when
    the matcher finds nothing good enough but both opinions pick the same entry, it is
    offered ("Vouliez-vous dire… ?") rather than "the article does not say"…"""
    agree_long_floor: float = 30.0
    """…when the matcher's score reaches this…"""
    agree_long_confidence: float = 0.5
    """…and the classifier gives that entry at least this. Answering instead (session
    13, tunable sets): 19 more right answers, but 1 more wrong and 4 more answers to
    messages the article does not answer ("combien d'obus la Russie tire par jour…"),
    with no score, confidence or length that tells them apart."""


def combine(decision: Decision, opinion: Opinion | None, knobs: Combination) -> Decision:
    """The matcher's decision, corrected by the classifier's opinion (see the module doc)."""
    if opinion is None or decision.status is Status.SMALLTALK:
        return decision
    decision = replace(decision, opinion=opinion)
    entry = decision.entry
    if decision.status is Status.ANSWER and entry is not None:
        if opinion.label == OUT_OF_SCOPE and (
            opinion.confidence >= knobs.hold_out_of_scope
            or (
                opinion.confidence >= knobs.hold_leaning_out
                and opinion.confidence_of(entry.id) < knobs.hold_leaning_out_given
                and len(entry.phrasings) >= knobs.hold_unseen_phrasings
            )
        ):
            return replace(decision, status=Status.SUGGEST, verdict="held back: out of scope")
        given = opinion.confidence_of(entry.id)
        if entry.id != opinion.label and (
            (given < knobs.hold_below and opinion.confidence >= knobs.hold_when_sure)
            or (
                given <= knobs.hold_unseen
                and opinion.confidence >= knobs.hold_unseen_when
                and len(entry.phrasings) >= knobs.hold_unseen_phrasings
            )
        ):
            decision = replace(
                decision,
                status=Status.SUGGEST,
                verdict=f"{HELD_BACK} {opinion.label}",
            )
        else:
            agree = BOTH_AGREE if opinion.label == entry.id else "matcher"
            return replace(decision, verdict=agree)
    picked = _picked_among_suggestions(decision, opinion, knobs)
    if picked is not None:
        return picked
    top = decision.suggestions[0] if decision.suggestions else None
    if (
        top is not None
        and decision.near_miss is None
        and not decision.analysis.unknown  # words the FAQ does not know: a near miss
        and top.entry.id == opinion.label
        and top.score >= knobs.agree_floor
        and opinion.confidence >= knobs.agree_confidence
    ):
        return answered_with(decision, top, f"{BOTH_AGREE} (below the matcher's own threshold)")
    return decision


def answered_with(decision: Decision, candidate: Candidate, verdict: str) -> Decision:
    """A decision turned into the answer of one candidate, saying why."""
    return replace(
        decision,
        status=Status.ANSWER,
        entry=candidate.entry,
        score=candidate.score,
        matched=candidate.phrasing,
        verdict=verdict,
    )


def _picked_among_suggestions(
    decision: Decision, opinion: Opinion, knobs: Combination
) -> Decision | None:
    """The classifier's own pick, when it is very sure of it and the matcher has it among
    its suggestions (not first) at `agree_floor` or more: an answer; None otherwise."""
    if (
        knobs.switch_confidence > 1
        or opinion.confidence < knobs.switch_confidence
        or decision.near_miss is not None
        or decision.analysis.unknown
        or len(decision.analysis.tokens) < 2  # "obus" alone: too little to pick for the user
    ):
        return None
    for candidate in decision.suggestions[1:]:
        if candidate.entry.id == opinion.label and candidate.score >= knobs.agree_floor:
            return answered_with(
                decision, candidate, f"{BOTH_AGREE} (the matcher's second or third choice)"
            )
    return None


def training_set(
    kb: KnowledgeBase, matcher: Matcher
) -> tuple[list[str], list[tuple[str, ...]], list[str]]:
    """The classifier's examples: every phrasing (its entry id) and out-of-scope question."""
    texts: list[str] = []
    tokens: list[tuple[str, ...]] = []
    labels: list[str] = []
    for entry in kb.entries:
        for phrasing in entry.phrasings:
            texts.append(phrasing)
            tokens.append(matcher.normalizer.analyse(phrasing).tokens)
            labels.append(entry.id)
    for question in kb.out_of_scope:
        texts.append(question)
        tokens.append(matcher.normalizer.analyse(question).tokens)
        labels.append(OUT_OF_SCOPE)
    return texts, tokens, labels


def train_second_opinion(kb: KnowledgeBase, matcher: Matcher) -> SecondOpinion:
    """The classifier trained on this FAQ (about half a second for 1,700 phrasings)."""
    return SecondOpinion(*training_set(kb, matcher))
