"""How the second opinion's knobs do on every development set (a script, not a test).

    python bench/bench_knobs.py

Reproduces the figures quoted in `Combination`'s docstring (bot/understanding/combination.py):
for today's knobs and for the alternatives tried in sessions 5 and 6, the right and
wrong answers over the answerable messages of every tunable set together, the refusals
over their unanswerable ones, and the trimmed FAQ (question + 5 variants per entry) on
knowledge/devset.yaml. Never the sealed holdouts.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge.base import load_knowledge  # noqa: E402
from bot.maintainers.evaluation import evaluate, load_question_set  # noqa: E402
from bot.understanding.combination import Combination, train_second_opinion  # noqa: E402
from bot.understanding.matching import Matcher  # noqa: E402
from bot.understanding.pipeline import Understander  # noqa: E402

SETS = (
    "knowledge/devset.yaml",
    *sorted(f"tests/{p.name}" for p in (ROOT / "tests").glob("devset-*.yaml")),
)
"""Every tunable set: the development set and the tests' dev sets (never a holdout)."""

ALTERNATIVES = {
    "today": Combination(),
    "no pick among suggestions": replace(Combination(), switch_confidence=2.0),
    "no hold of unseen entries": replace(Combination(), hold_unseen=-1.0),
    "no hold of one-word answers": replace(Combination(), hold_one_word=0.0),
    "no hold when leaning out of scope": replace(Combination(), hold_leaning_out=2.0),
    "session 4's knobs": Combination(
        hold_below=0.0, hold_out_of_scope=0.9, agree_floor=45.0, agree_confidence=0.9,
        switch_confidence=2.0, hold_unseen=-1.0, hold_one_word=0.0, hold_leaning_out=2.0,
    ),
}  # fmt: skip


def main() -> None:
    """Print one line per set of knobs."""
    kb = load_knowledge()
    full = Understander.build(kb, Matcher(kb))
    small = replace(kb, entries=tuple(replace(e, variants=e.variants[:5]) for e in kb.entries))
    matcher = Matcher(small)
    trimmed = Understander(small, matcher, opinion=train_second_opinion(small, matcher))
    sets = [load_question_set(ROOT / name, kb) for name in SETS]
    devset = replace(sets[0], declined=(), smalltalk=())
    for name, knobs in ALTERNATIVES.items():
        full.knobs = trimmed.knobs = knobs
        right = wrong = answerable = declined = unanswerable = 0
        for questions in sets:
            result = evaluate(full, replace(questions, smalltalk=()), phrasings=False)
            right += result.answered_right
            wrong += result.answered_wrong
            answerable += result.answerable
            declined += result.declined
            unanswerable += result.unanswerable
        few = evaluate(trimmed, devset, phrasings=False)
        print(
            f"{name:<26} right {right}/{answerable}  wrong {wrong}  declined "
            f"{declined}/{unanswerable}  | trimmed FAQ {few.answerable_rate:.1%}"
        )


if __name__ == "__main__":
    main()
