"""Regression gate for the matcher on realistic questions (knowledge/devset.yaml).

The gate uses the same thresholds as `faqbot test` (knowledge/thresholds.yaml), and
every confusion is printed (`pytest -rA -k devset` shows them), so a maintainer sees
what a change broke. tests/holdout.yaml was written independently and never used for
tuning: it is gated more loosely, as an estimate of how the bot does on new questions.
It is `sealed: true`: its confusions are never printed, here or by `faqbot test`, so that
it stays unseen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.maintainers.evaluation import Evaluation, QuestionSet, evaluate, load_question_set
from bot.understanding.matching import Matcher
from bot.understanding.pipeline import Understander

HERE = Path(__file__).resolve().parent
KNOWLEDGE = HERE.parent / "knowledge"
HOLDOUT_MINIMUM = (0.79, 0.9)
"""Answered correctly / other messages without an article answer, on the sealed holdout.
A regression gate a few points under today's figures (89.5% / 94.5%), not the target
(90% / 95%, not met yet: see the README)."""
HOLDOUT2_MINIMUM = (0.81, 0.95, 0.05)
"""Answered right, others not answered about the article, at most wrong, on the second
sealed holdout (today 92.2% / 96.4% / 2.3%; targets 90% / 95% / 1%)."""
HOLDOUT3_MINIMUM = (0.82, 0.92, 0.04)
"""The same on the third sealed holdout (session 6; today 89.5% / 96.5% / 1.7%; targets
90% / 95% / 1%)."""
HOLDOUT4_MINIMUM = (0.82, 0.94, 0.04)
"""The same on the fourth sealed holdout (session 7; today 90.7% / 97.0% / 2.4%; targets
90% / 95% / 1%)."""
HOLDOUT5_MINIMUM = (0.82, 0.94, 0.04)
"""The same on the fifth sealed holdout (session 8; 85.4% / 97.5% / 2.0% when first read,
87.3% / 97.5% / 1.5% at the end of session 8, 88.6% / 97.5% / 1.5% at the end of session
9, 88.9% / 97.5% / 1.7% at the end of session 10, 90.0% / 97.5% / 1.7% at the end of
session 11, 90.2% / 97.5% / 2.2% at the end of session 12, 91.0% / 97.5% / 2.0% at the end
of session 13; targets 90% / 95% / 1%)."""
HOLDOUT6_MINIMUM = (0.82, 0.93, 0.04)
"""The same on the sixth sealed holdout (session 9; 86.7% / 96.5% / 2.2% when first read,
87.2% / 96.5% / 3.0% at the end of session 9, 87.6% / 97.0% / 3.0% at the end of session
10, 88.5% / 97.0% / 3.5% at the end of session 11, 88.5% / 97.0% / 3.3% at the end of
session 12, 89.1% / 97.0% / 2.8% at the end of session 13; targets 90% / 95% / 1%)."""
HOLDOUT7_MINIMUM = (0.83, 0.93, 0.04)
"""The same on the seventh sealed holdout (session 10; 88.3% / 95.5% / 1.7% when first
read, at the start of session 10; 88.9% / 96.5% / 1.5% at its end; 89.6% / 96.5% / 2.0%
at the end of session 11; 90.7% / 97.5% / 1.7% at the end of session 12; 91.3% / 97.5% /
1.5% at the end of session 13; targets 90% / 95% / 1%)."""
HOLDOUT8_MINIMUM = (0.83, 0.93, 0.05)
"""The same on the eighth sealed holdout (session 11; 87.4% / 96.0% / 3.1% when first
read, at the start of session 11; 88.7% / 96.0% / 3.1% at its end; 87.6% / 96.0% / 2.8%
at the end of session 12; 89.1% / 96.5% / 2.8% at the end of session 13; targets 90% / 95%
/ 1%)."""
HOLDOUT9_MINIMUM = (0.83, 0.94, 0.05)
"""The same on the ninth sealed holdout (session 12; 87.0% / 98.0% / 3.7% when first
read, at the start of session 12; 88.5% / 97.5% / 3.0% at its end; 89.1% / 97.5% / 3.0%
at the end of session 13; targets 90% / 95% / 1%)."""
HOLDOUT10_MINIMUM = (0.85, 0.91, 0.03)
"""The same on the tenth sealed holdout (session 13; 90.0% / 94.6% / 0.7% when first
read, at the start of session 13; 90.7% / 94.6% / 1.1% at its end; targets 90% / 95% /
1%)."""
HOLDOUT11_MINIMUM = (0.81, 0.91, 0.05)
"""The same on the eleventh sealed holdout (written at the end of session 13, after its
changes, and read once then: 85.7% / 95.0% / 2.8%; the commit that started session 13
gave 84.3% / 95.0% / 2.8%; targets 90% / 95% / 1%)."""
HOLDOUT12_MINIMUM = (0.83, 0.93, 0.045)
"""The same on the twelfth sealed holdout (written at the start of session 14, read then:
87.8% / 97.5% / 2.4%; 88.3% / 97.5% / 2.2% at its end; targets 90% / 95% / 1%)."""
HOLDOUT13_MINIMUM = (0.85, 0.93, 0.035)
"""The same on the thirteenth (written in the second half of session 14, read once at its
end: 89.6% / 97.0% / 1.3%; the commit that started session 14 gives 87.8% / 97.5% /
1.3%; targets 90% / 95% / 1%)."""
HOLDOUT14_MINIMUM = (0.87, 0.93, 0.035)
"""The same on the fourteenth (written at the start of session 15, read then, at the
commit that started it: 89.1% / 97.0% / 2.6%; 91.7% / 97.0% / 2.0% at its end; targets
90% / 95% / 1%)."""
HOLDOUT15_MINIMUM = (0.88, 0.93, 0.035)
"""The same on the fifteenth (written in the first half of session 15, read once at its
end: 93.0% / 97.0% / 2.0%; the commit that started session 15 gives 90.7% / 97.0% /
2.6%; targets 90% / 95% / 1%)."""
HOLDOUT16_MINIMUM = (0.88, 0.94, 0.025)
"""The same on the sixteenth (written at the start of session 16, read then, at the
commit that started it: 89.6% / 97.0% / 1.7%; 91.3% / 97.0% / 1.5% at its end; targets
90% / 95% / 1%)."""
HOLDOUT17_MINIMUM = (0.92, 0.93, 0.025)
"""The same on the seventeenth (written in the first half of session 16, read once at its
end: 94.6% / 95.5% / 1.5%; the commit that started session 16 gives 92.4% / 95.5% /
2.2%; targets 90% / 95% / 1%)."""
HOLDOUT18_MINIMUM = (0.92, 0.95, 0.025)
"""The same on the eighteenth (written at the start of session 17, read then, at the
commit that started it: 94.6% / 97.5% / 1.7%; 95.0% / 97.0% / 1.5% at its end; targets
90% / 95% / 1%)."""
HOLDOUT19_MINIMUM = (0.9, 0.95, 0.015)
"""The same on the nineteenth (written in the first hour of session 17, read at its end:
92.2% / 97.0% / 0.4%; the commit that started session 17 gives 92.0% / 97.0% / 0.4%;
targets 90% / 95% / 1%)."""
HOLDOUT20_MINIMUM = (0.92, 0.94, 0.015)
"""The same on the twentieth (written in the second half of session 17, read once at its
end: 94.3% / 96.0% / 0.4%; the commit that started session 17 gives 93.7% / 96.0% /
0.7%; targets 90% / 95% / 1%)."""
HOLDOUT21_MINIMUM = (0.91, 0.94, 0.02)
"""The same on the twenty-first (written at the start of session 18, read once at its end:
93.3% / 96.5% / 1.3%; the commit that started session 18 gives 92.8% / 96.0% / 1.5%;
targets 90% / 95% / 1%)."""
HOLDOUT22_MINIMUM = (0.93, 0.96, 0.015)
"""The same on the twenty-second (written during session 18's first changes, read once
at its end: 95.9% / 98.0% / 0.7%; the commit that started session 18 gives 95.6% / 98.0% /
0.4%; targets 90% / 95% / 1%)."""
HOLDOUT23_MINIMUM = (0.91, 0.93, 0.03)
"""The same on the twenty-third (written during session 18's first data round, read once
at its end: 93.3% / 95.5% / 2.2%; the commit that started session 18 gives 92.6% / 94.6% /
2.2%; targets 90% / 95% / 1%)."""
HOLDOUT24_MINIMUM = (0.92, 0.93, 0.025)
"""The same on the twenty-fourth (written at the start of session 19, read once at its
end: 95.0% / 96.0% / 1.5%; the commit that started session 19 gives 95.0% / 95.5% /
1.5%; targets 90% / 95% / 1%)."""
HOLDOUT25_MINIMUM = (0.91, 0.94, 0.03)
"""The same on the twenty-fifth (written during session 19's first changes, read once at
its end: 93.3% / 97.0% / 2.0%; the commit that started session 19 gives 92.8% / 96.5% /
2.2%; targets 90% / 95% / 1%)."""
NATURAL_MINIMUM = (0.8, 0.86, 0.04)
"""Answered right, declined, at most wrong on tests/devset-natural.yaml (today 95.5% /
98.2% / 0.8%)."""
FOLLOWUPS_MINIMUM = (0.76, 0.6, 0.04)
"""The same on tests/devset-followups.yaml (today 93.4% / 75.0% / 0%; 21 of its 28
unanswerable follow-ups declined; the gate was 64% in session 8)."""
HOLDOUT_MAX_WRONG = 0.05
"""Share of the holdout's answerable messages answered with a wrong entry (today 1.7%)."""


def run(kb: KnowledgeBase, path: Path, *, sealed: bool = False) -> tuple[QuestionSet, Evaluation]:
    """Evaluate a question set; print its confusions unless it is `sealed` (the holdout's
    are never shown, so that nobody tunes the FAQ on them)."""
    questions = load_question_set(path, kb)
    sealed = sealed or questions.sealed
    result = evaluate(Understander.build(kb, Matcher(kb)), questions)
    for expected, decision in [] if sealed else result.confusions:
        got = decision.entry.id if decision.entry else "-"
        print(
            f"confusion [{expected}] {decision.question!r} -> "
            f"{decision.status} {got} {decision.score}"
        )
    for decision in [] if sealed else result.false_answers:
        print(
            f"false answer {decision.question!r} -> {decision.entry.id if decision.entry else '-'}"
        )
    print(
        f"{path.name}: answered right {result.answerable_rate:.1%}, "
        f"declined {result.decline_rate:.1%}, phrasings {result.phrasing_rate:.1%}"
    )
    return questions, result


def test_devset_is_big_and_covers_every_entry(kb: KnowledgeBase) -> None:
    questions = load_question_set(KNOWLEDGE / "devset.yaml", kb)
    assert len(questions.answerable) >= 200
    assert len(questions.unanswerable) >= 60
    assert {expected for _, expected in questions.answerable} == set(kb.by_id)


def test_devset_accuracy_gate(kb: KnowledgeBase) -> None:
    _, result = run(kb, KNOWLEDGE / "devset.yaml")
    assert result.answerable_rate >= kb.thresholds.answerable
    assert result.decline_rate >= kb.thresholds.unanswerable


def test_holdout_accuracy_gate(kb: KnowledgeBase) -> None:
    questions, result = run(kb, HERE / "holdout.yaml", sealed=True)
    assert questions.sealed  # `faqbot test` shows only its figures too
    assert result.answerable_rate >= HOLDOUT_MINIMUM[0]
    assert result.others_rate >= HOLDOUT_MINIMUM[1]
    assert result.wrong_rate <= HOLDOUT_MAX_WRONG


LATER_HOLDOUTS = {
    "holdout2.yaml": HOLDOUT2_MINIMUM,
    "holdout3.yaml": HOLDOUT3_MINIMUM,
    "holdout4.yaml": HOLDOUT4_MINIMUM,
    "holdout5.yaml": HOLDOUT5_MINIMUM,
    "holdout6.yaml": HOLDOUT6_MINIMUM,
    "holdout7.yaml": HOLDOUT7_MINIMUM,
    "holdout8.yaml": HOLDOUT8_MINIMUM,
    "holdout9.yaml": HOLDOUT9_MINIMUM,
    "holdout10.yaml": HOLDOUT10_MINIMUM,
    "holdout11.yaml": HOLDOUT11_MINIMUM,
    "holdout12.yaml": HOLDOUT12_MINIMUM,
    "holdout13.yaml": HOLDOUT13_MINIMUM,
    "holdout14.yaml": HOLDOUT14_MINIMUM,
    "holdout15.yaml": HOLDOUT15_MINIMUM,
    "holdout16.yaml": HOLDOUT16_MINIMUM,
    "holdout17.yaml": HOLDOUT17_MINIMUM,
    "holdout18.yaml": HOLDOUT18_MINIMUM,
    "holdout19.yaml": HOLDOUT19_MINIMUM,
    "holdout20.yaml": HOLDOUT20_MINIMUM,
    "holdout21.yaml": HOLDOUT21_MINIMUM,
    "holdout22.yaml": HOLDOUT22_MINIMUM,
    "holdout23.yaml": HOLDOUT23_MINIMUM,
    "holdout24.yaml": HOLDOUT24_MINIMUM,
    "holdout25.yaml": HOLDOUT25_MINIMUM,
}
"""The sealed holdouts written in sessions 5 to 19 (each by two helpers, from the
article alone, who had not seen the FAQ), with their minimums."""


@pytest.mark.parametrize("name", sorted(LATER_HOLDOUTS))
def test_later_holdout_gates(kb: KnowledgeBase, name: str) -> None:
    """tests/holdout2.yaml to holdout25.yaml: regression gates under today's
    figures (answered right, others without an article answer, at most wrong)."""
    right, others, wrong = LATER_HOLDOUTS[name]
    questions, result = run(kb, HERE / name, sealed=True)
    assert questions.sealed
    assert result.answerable_rate >= right
    assert result.others_rate >= others
    assert result.wrong_rate <= wrong


def test_sms_devset_gate(kb: KnowledgeBase) -> None:
    """tests/devset-sms.yaml (SMS and oral French, tuned on): today 98.0% / 98.3%."""
    _, result = run(kb, HERE / "devset-sms.yaml")
    assert result.answerable_rate >= 0.9
    assert result.decline_rate >= 0.95


def test_natural_devset_gate(kb: KnowledgeBase) -> None:
    """tests/devset-natural.yaml (written from the article alone in session 5, then tuned
    on: plain, indirect, long, SMS questions and near misses): a regression gate a few
    points under today's figures."""
    _, result = run(kb, HERE / "devset-natural.yaml")
    assert result.answerable_rate >= NATURAL_MINIMUM[0]
    assert result.decline_rate >= NATURAL_MINIMUM[1]
    assert result.wrong_rate <= NATURAL_MINIMUM[2]


def test_followups_devset_gate(kb: KnowledgeBase) -> None:
    """tests/devset-followups.yaml (follow-ups written from the article alone, tuned on)."""
    _, result = run(kb, HERE / "devset-followups.yaml")
    assert result.answerable_rate >= FOLLOWUPS_MINIMUM[0]
    assert result.decline_rate >= FOLLOWUPS_MINIMUM[1]
    assert result.wrong_rate <= FOLLOWUPS_MINIMUM[2]


def test_long_devset_gate(kb: KnowledgeBase) -> None:
    """tests/devset-long.yaml (50 long messages written from the article alone at the end
    of session 5, tuned on): today 92% right, no wrong answer."""
    _, result = run(kb, HERE / "devset-long.yaml")
    assert result.answerable_rate >= 0.84
    assert result.wrong_rate <= 0.02


SESSION6_MINIMUMS = {
    "devset-phone.yaml": (0.86, 0.93, 0.02),
    "devset-conversation2.yaml": (0.71, 0.8, 0.15),
    "devset-plain.yaml": (0.83, 0.85, 0.04),
    "devset-conversation3.yaml": (0.6, 0.78, 0.09),
}
"""Answered right, others declined, at most wrong, on the dev sets written in session 6
from the article alone (then tuned on): a few points under the figures at the end of
session 6 (README, "Measured accuracy")."""


@pytest.mark.parametrize("name", sorted(SESSION6_MINIMUMS))
def test_session6_devset_gates(kb: KnowledgeBase, name: str) -> None:
    """tests/devset-phone.yaml, devset-conversation2.yaml, devset-plain.yaml and
    devset-conversation3.yaml: regression gates."""
    right, declined, wrong = SESSION6_MINIMUMS[name]
    _, result = run(kb, HERE / name)
    assert result.answerable_rate >= right
    assert result.others_rate >= declined
    assert result.wrong_rate <= wrong


LATER_MINIMUMS = {
    "devset-everyday.yaml": (0.88, 0.94, 0.03),
    "devset-conversation4.yaml": (0.81, 0.88, 0.06),
    "devset-everyday2.yaml": (0.84, 0.88, 0.05),
    "devset-conversation5.yaml": (0.82, 0.88, 0.05),
    "devset-conversation6.yaml": (0.8, 0.88, 0.06),
    "devset-general.yaml": (0.88, 0.92, 0.03),
    "devset-nearby.yaml": (0.88, 0.92, 0.03),
    "devset-mixed.yaml": (0.82, 0.93, 0.04),
    "devset-mixed2.yaml": (0.79, 0.93, 0.06),
    "devset-mixed3.yaml": (0.86, 0.87, 0.04),
    "devset-long2.yaml": (0.85, 0.89, 0.05),
    "devset-plain2.yaml": (0.7, 0.93, 0.03),
    "devset-followups2.yaml": (0.93, 0.88, 0.03),
    "devset-long3.yaml": (0.78, 0.82, 0.07),
    "devset-general2.yaml": (0.9, 0.92, 0.03),
    "devset-general3.yaml": (0.9, 0.93, 0.03),
    "devset-general4.yaml": (0.92, 0.93, 0.03),
    "devset-general5.yaml": (0.91, 0.92, 0.03),
    "devset-general6.yaml": (0.91, 0.92, 0.03),
    "devset-general7.yaml": (0.88, 0.93, 0.035),
    "devset-general8.yaml": (0.92, 0.94, 0.02),
    "devset-general9.yaml": (0.93, 0.95, 0.015),
    "devset-general10.yaml": (0.91, 0.92, 0.025),
    "devset-general11.yaml": (0.92, 0.94, 0.035),
    "devset-general12.yaml": (0.92, 0.92, 0.02),
    "devset-general13.yaml": (0.92, 0.92, 0.015),
    "devset-general14.yaml": (0.91, 0.96, 0.02),
    "devset-general15.yaml": (0.91, 0.94, 0.025),
    "devset-general16.yaml": (0.94, 0.95, 0.02),
    "devset-general17.yaml": (0.95, 0.92, 0.015),
    "devset-general18.yaml": (0.94, 0.96, 0.02),
    "devset-general19.yaml": (0.94, 0.94, 0.03),
    "devset-general20.yaml": (0.9, 0.95, 0.03),
    "devset-general21.yaml": (0.94, 0.94, 0.015),
    "devset-general22.yaml": (0.93, 0.91, 0.015),
    "devset-general23.yaml": (0.95, 0.93, 0.015),
    "devset-general24.yaml": (0.92, 0.95, 0.025),
    "devset-general25.yaml": (0.89, 0.94, 0.025),
    "devset-general26.yaml": (0.92, 0.95, 0.015),
    "devset-general27.yaml": (0.91, 0.96, 0.02),
    "devset-general28.yaml": (0.95, 0.97, 0.01),
    "devset-general29.yaml": (0.91, 0.95, 0.015),
    "devset-general30.yaml": (0.93, 0.96, 0.03),
    "devset-general31.yaml": (0.93, 0.94, 0.015),
    "devset-general32.yaml": (0.92, 0.94, 0.025),
    "devset-general33.yaml": (0.94, 0.96, 0.01),
    "devset-general34.yaml": (0.93, 0.98, 0.01),
    "devset-general35.yaml": (0.93, 0.95, 0.015),
    "devset-general36.yaml": (0.94, 0.95, 0.025),
    "devset-general37.yaml": (0.92, 0.97, 0.025),
    "devset-general38.yaml": (0.92, 0.95, 0.025),
    "devset-general39.yaml": (0.93, 0.97, 0.01),
    "devset-general40.yaml": (0.96, 0.94, 0.01),
    "devset-general41.yaml": (0.91, 0.97, 0.035),
    "devset-general42.yaml": (0.91, 0.93, 0.03),
    "devset-general43.yaml": (0.91, 0.96, 0.02),
    "devset-general44.yaml": (0.93, 0.95, 0.02),
    "devset-general45.yaml": (0.91, 0.96, 0.03),
    "devset-general46.yaml": (0.93, 0.95, 0.025),
    "devset-general47.yaml": (0.94, 0.97, 0.02),
    "devset-general48.yaml": (0.92, 0.96, 0.02),
    "devset-general49.yaml": (0.91, 0.96, 0.015),
    "devset-general50.yaml": (0.93, 0.95, 0.015),
    "devset-general51.yaml": (0.92, 0.94, 0.02),
    "devset-general52.yaml": (0.91, 0.97, 0.015),
    "devset-general53.yaml": (0.93, 0.97, 0.025),
}
"""The same for the dev sets written in sessions 7 to 19. Session 7's (everyday questions
in every style; follow-ups and long messages): at the end of session 7, 92.5% / 98.5% /
1.5% and 85.8% / 93.3% / 3.5% (83.2% and 78.8% right when first read, before any
tuning). Session 8's (SMS, oral French and everyday words; conversation, long messages
and follow-ups): 82.7% / 91.7% / 3.6% and 80.4% / 90.0% / 4.0% when first read, 88.8% /
93.3% / 2.8% and 86.0% / 93.3% / 2.8% at the end of session 8. Session 9's (follow-ups
leaning on pronouns, doubts, long messages): 77.2% / 91.7% / 6.4% when first read,
85.2% / 94.7% / 3.6% at the end of session 9; the holdouts' mix of styles: 88.2% / 95.1%
/ 1.7% when first read (after most of session 9's changes), 93.4% / 96.0% / 0.9% at the
end of session 9 (its misses were tuned on). Session 10's (near misses close to the
article, follow-ups, very short questions, the notes' details): 88.7% / 94.1% / 2.6%
when first read, at the start of session 10; 92.6% / 96.0% / 1.3% at its end (its misses
were tuned on). Session 11's (conversations leaning on the previous answer, long
messages, SMS, plain questions worded far from the article): 80.8% / 97.6% / 3.3% when
first read, at the start of session 11; 87.5% / 100% / 2.1% at its end (its misses were
tuned on). Session 12's (writer D9, same mix as session 11's): 81.7% / 96.3% / 4.6% when
first read, at the start of session 12; 86.2% / 97.6% / 3.3% at its end (its misses were
tuned on). Session 13's (writer D10: long messages, a third with two questions, many
follow-ups, plain questions worded far from the article): 77.7% right and 4.1% wrong when
first read, at the start of session 13; 78.2% / 90.2% / 4.1% after the FAQ's named
follow-ups, the session's first change; 91.4% / 91.3% / 1.4% at its end (its misses were
tuned on, the named follow-ups above all). Session 14's (writer D11: long messages of
every sort, half of them with a preamble or an opinion, a fifth with two questions; plain
questions worded far; long follow-ups, near misses and small talk): 79.4% / 88.5% / 4.4%
when first read, at the start of session 14; 90.6% / 93.8% / 3.9% at its end (its
misses were tuned on). Session 14's second (writer D12: plain
questions worded far from the article on purpose, periphrases and synonyms of every
fact, far-worded typos, yes/no questions and near misses): 52.5% / 91.5% / 4.0% when
first read, after the session's first changes; 75.5% / 96.7% / 1.5% at the end (tuned
on: synonyms above all). Session 14's third (writer D13: 110
follow-ups of every sort and 30 the article does not answer, with a few standalone
questions, near misses and small talk): 87.3% / 80.0% / 3.3% when first read, after
most of the session's changes; 97.3% / 91.4% / 1.3% at the end (tuned on: named
follow-ups above all). Session 14's fourth (writer D14: 80 long messages as people
write them on their phone, long follow-ups, long near misses, rants and small talk):
84.0% / 90.0% / 4.0% when first read, at the end of the session. Session 15's six
(the holdouts' mix of styles in new voices). Writers D15 and D16, at its start beside the
fourteenth holdout: 88.7% / 96.0% / 3.9% and 85.7% / 98.0% / 1.7% when first read, at
the commit that started session 15; 95.2% / 95.0% / 1.3% and 95.2% / 98.0% / 0.9% at its
end (tuned on: two rounds of FAQ data). Writers D17 and D18, after the session's first
changes and data round: 93.9% / 98.0% / 1.7% and 92.1% / 96.0% / 1.3% when first read
(the session's first commit gives 94.3% / 0.9% wrong and 88.2% / 3.1% wrong); 97.0% /
98.0% / 0.9% and 96.1% / 97.0% / 0.9% at its end (tuned on by the second round).
Writers D19 and D20, after the second data round: 93.0% / 96.0% / 0.4% and 91.3% /
97.0% / 2.2% when first read (the session's first commit gives 92.6% / 0.4% wrong and
89.6% / 2.6% wrong); 96.1% / 96.0% / 0.4% and 93.0% / 97.0% / 1.7% at its end (tuned on
by a third, short round). Session 16's first two (writers D21 and D22, at its start beside
the sixteenth holdout): 91.3% / 95.1% / 2.2% and 93.0% / 98.8% / 0% when first read, at
the commit that started session 16. Writers D23 and D24, written at its start too and
read after its first change: 90.0% / 95.1% / 1.7% and 90.9% / 96.3% / 3.5% (the same at
the session's first commit). Writers D25 and D26, written after the session's first data
round and read after the second: 93.9% / 95.1% / 1.3% and 91.3% / 93.8% / 1.3% (the
session's first commit gives 93.5% / 0.9% wrong and 90.9% / 1.7% wrong). Writers D27 and
D28, written after the third data round and read then: 92.2% / 100% / 0.9% and 89.6% /
97.5% / 2.2% (the session's first commit gives 90.4% / 1.3% wrong and 89.1% / 2.6%
wrong). All eight were tuned on by four rounds of FAQ data; at the end of session 16
(D21 to D28): 95.7% / 97.5% / 0.9%, 97.0% / 98.8% / 0%, 94.8% / 95.1% / 1.3%, 96.1% /
97.5% / 2.2%, 95.7% / 95.1% / 0.9%, 96.5% / 95.1% / 0%, 95.2% / 100% / 0.9%, 95.2% /
97.5% / 1.3%. Session 17's first two (writers D29 and D30, at its start beside the
eighteenth holdout): 93.9% / 97.0% / 2.6% and 93.9% / 94.1% / 0.4% when first read, at
the commit that started session 17. Writers D31 and D32, written at its start and read
after its first data round: 92.2% / 99.0% / 0.9% and 93.5% / 97.0% / 3.0% (the same at
the session's first commit). Writers D33 and D34, written during its second data round
and read after it: 91.3% / 98.0% / 2.6% and 95.2% / 97.0% / 0.4% (the session's first
commit gives the same right and wrong answers, and 98.0% others on the second). Writers
D35 and D36, written during its third data round and read after it: 92.2% / 92.1% /
0.4% and 96.5% / 96.0% / 1.3% (the session's first commit gives 90.9% / 0.9% wrong on
the first, the same on the second). These eight were tuned on by five rounds of FAQ
data and nine reading rules; at the end of session 17 (D29 to D36): 97.4% / 98.0% /
0.4%, 98.7% / 95.0% / 0%, 97.0% / 99.0% / 0.9%, 97.8% / 97.0% / 1.7%, 93.9% / 98.0% /
1.7%, 97.0% / 97.0% / 0.4%, 96.5% / 94.1% / 0%, 98.7% / 96.0% / 0%. Writers D37 and D38,
written during its fifth data round and read after it, near the end of the session:
94.8% / 98.0% / 1.3% and 91.3% / 97.0% / 1.3% (the session's first commit gives 93.9%
/ 1.3% wrong and 90.0% / 1.7% wrong: the session's changes were worth 2 and 3 right
answers of 230 on them); 95.2% / 98.0% / 0.9% and 92.6% / 97.0% / 0.9% at the end, after
the session's last four changes, chosen on their misses. Session 18's sixteen (writers
D39 to D54, general26 to general41), in four batches of four, each read once before
anything was tuned on it (right / others / wrong when first read; then at the commit that
started session 18): D39–D42 at its start: 93.0% / 95.0% / 0.4%, 88.7% / 97.0% / 2.2%,
96.1% / 99.0% / 0.4%, 90.4% / 95.0% / 0.9%. D43–D46 after its first five reading rules:
95.2% / 98.0% / 2.2%, 93.9% / 95.0% / 0.9%, 89.6% / 96.0% / 2.2%, 94.3% / 95.0% / 0.9%
(the same right and wrong answers at the first commit). D47–D50 after its first data
round: 94.3% / 100% / 0.9%, 94.3% / 97.0% / 1.7%, 95.2% / 97.0% / 1.7%, 91.7% / 99.0% /
1.7% (first commit: the same but 94.8% and 91.3% right on the last two). D51–D54 after
its second data round: 94.3% / 97.0% / 1.7%, 94.8% / 99.0% / 0.4%, 97.8% / 96.0% / 0.4%,
92.6% / 99.0% / 3.0% (first commit: 94.8% / 1.3%, 95.2% / 0.4%, 97.4% / 0.4%, 91.7% /
3.0%). Gated a little under their figures at the end of session 18 (the first twelve
tuned on by two rounds of FAQ data and eleven reading rules, the last four by one rule).
Session 19's first four (writers D55 to D58, general42 to general45), written at its
start and read once after its first rule ("quand même" asks nothing; the session's first
commit gives the same figures): 92.6% / 94.1% / 2.6%, 93.0% / 98.0% / 1.7%, 95.2% /
97.0% / 1.7%, 92.6% / 97.0% / 2.6% (20 wrong answers in 920, 2.2%). The next four
(writers D59 to D62, general46 to general49), written during its first changes and read
once after its first data round and eight reading rules: 94.8% / 97.0% / 1.7%, 95.7% /
98.0% / 1.3%, 93.9% / 97.0% / 1.3%, 93.0% / 97.0% / 0.9% (12 wrong in 919, 1.3%; the
session's first commit: 216, 220, 215 and 214 right, the same wrong answers). The last
four (writers D63 to D66, general50 to general53), written mid-session and read once
after its second data round: 95.7% / 97.0% / 0.9%, 93.9% / 96.0% / 1.3%, 93.0% / 99.0% /
0.9%, 94.8% / 99.0% / 1.7% (11 wrong in 919, 1.2%; the session's first commit: 219, 215,
214 and 216 right, 12 wrong)."""


@pytest.mark.parametrize("name", sorted(LATER_MINIMUMS))
def test_later_devset_gates(kb: KnowledgeBase, name: str) -> None:
    """The dev sets of sessions 7 to 17: regression gates."""
    right, declined, wrong = LATER_MINIMUMS[name]
    _, result = run(kb, HERE / name)
    assert result.answerable_rate >= right
    assert result.others_rate >= declined
    assert result.wrong_rate <= wrong


def test_conversation_devset_gate(kb: KnowledgeBase) -> None:
    """tests/devset-conversation.yaml (tuned on): small talk recognised, mixed messages
    kept as questions, small talk rarely answered about the article ("t'es qui ?" may
    get the FAQ's own answer about the bot: that is not about the article)."""
    _, result = run(kb, HERE / "devset-conversation.yaml")
    assert result.smalltalk_rate >= 0.8
    assert len(result.smalltalk_answered) <= 3  # answers by the entry about the bot aside
    assert result.mixed_ok == result.mixed


def test_the_bots_presentation_is_no_answer_about_the_article(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Small talk answered by the entry tagged `bot` ("t'es qui ?") counts as not
    answered about the article; an answer about the article's content still counts."""
    path = tmp_path / "set.yaml"
    path.write_text(
        "smalltalk:\n"
        '  - {q: "t\'es qui ?", kind: identity}\n'
        '  - {q: "quand a eu lieu la visite de Poutine en Corée du Nord ?", kind: odd}\n',
        encoding="utf-8",
    )
    understander = Understander.build(kb, Matcher(kb))
    first = understander.understand("t'es qui ?")[0]
    assert first.entry is not None
    assert "bot" in first.entry.tags  # answered by the presentation, not as small talk
    result = evaluate(understander, load_question_set(path, kb))
    assert [d.entry.id for d in result.smalltalk_answered if d.entry] == ["date-visite"]
    assert result.by_kind["smalltalk:identity"] == [1, 1]
    assert result.by_kind["smalltalk:odd"] == [0, 1]


def test_an_answer_that_declines_is_no_answer_about_the_article(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """A question the article does not answer, answered by an entry tagged `declines`
    ("qui a écrit l'article ?": the FAQ's answer says it does not know) or `bot`, counts
    as declined; answered with an entry about the article's content, as answered. The
    same entry is right where a set expects it."""
    path = tmp_path / "set.yaml"
    path.write_text(
        "answerable:\n"
        '  - {q: "Qui a écrit cet article ?", expect: auteur-titre}\n'
        "unanswerable:\n"
        '  - {q: "Qui a écrit cet article ?", kind: author}\n'
        '  - {q: "t\'es qui ?", kind: identity}\n'
        '  - {q: "quand a eu lieu la visite de Poutine en Corée du Nord ?", kind: odd}\n',
        encoding="utf-8",
    )
    understander = Understander.build(kb, Matcher(kb))
    [author] = understander.understand("Qui a écrit cet article ?")
    assert author.entry is not None
    assert "declines" in author.entry.tags
    result = evaluate(understander, load_question_set(path, kb), phrasings=False)
    assert result.answered_right == 1
    assert (result.declined, result.unanswerable) == (2, 3)
    assert [d.entry.id for d in result.false_answers if d.entry] == ["date-visite"]
    assert [o.answers for o in result.outcomes if o.kind == "unanswerable"] == [
        (),
        (),
        ("date-visite",),
    ]


def test_evaluate_can_leave_the_phrasings_out(kb: KnowledgeBase) -> None:
    """bench/bench_knobs.py evaluates sets only: the FAQ's own phrasings are not run."""
    questions = load_question_set(HERE / "devset-long.yaml", kb)
    result = evaluate(Understander.build(kb, Matcher(kb)), questions, phrasings=False)
    assert result.phrasings == 0
    assert result.answerable == len(questions.expected)
