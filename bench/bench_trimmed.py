"""How the bot does when the FAQ has few phrasings (a script, not a test).

    python bench/bench_trimmed.py [--variants 5]

A maintainer writing a new entry writes a question and a handful of variants, not forty.
This keeps only the question and the first `--variants` variants of every entry, rebuilds
the pipeline on that FAQ, and measures it on the development set (knowledge/devset.yaml,
or tests/devset.yaml in older checkouts): once with the lexical matcher alone, once with
the second opinion (bot/understanding/classifier.py) combined, so both figures come from one run.
Issue 10's target: at least 75% of the dev set's answerable questions answered correctly
with 5 variants per entry. tests/test_understanding.py asserts the same on a smaller scale.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge.base import KnowledgeBase, load_knowledge  # noqa: E402
from bot.maintainers.evaluation import QuestionSet, evaluate, load_question_set  # noqa: E402
from bot.understanding.combination import train_second_opinion  # noqa: E402
from bot.understanding.matching import Matcher  # noqa: E402
from bot.understanding.pipeline import Understander  # noqa: E402


def trimmed(kb: KnowledgeBase, variants: int) -> KnowledgeBase:
    """The same FAQ with only the question and the first `variants` variants per entry."""
    entries = tuple(replace(e, variants=e.variants[:variants]) for e in kb.entries)
    return replace(kb, entries=entries)


def devset_path() -> Path:
    """The development set, wherever this checkout keeps it."""
    for candidate in (ROOT / "knowledge" / "devset.yaml", ROOT / "tests" / "devset.yaml"):
        if candidate.is_file():
            return candidate
    raise SystemExit("no development set found")


def measure(kb: KnowledgeBase, questions: QuestionSet, *, second_opinion: bool) -> str:
    """One line of figures for the pipeline over `kb`, with or without the classifier."""
    matcher = Matcher(kb)
    start = time.perf_counter()
    opinion = train_second_opinion(kb, matcher) if second_opinion else None
    trained = time.perf_counter() - start
    result = evaluate(Understander(kb, matcher, opinion=opinion), questions)
    label = "matcher + second opinion" if second_opinion else "matcher alone           "
    return (
        f"{label}: answerable right {result.answerable_rate:6.1%} "
        f"(wrong {result.wrong_rate:4.1%}), unanswerable declined {result.decline_rate:6.1%}"
        + (f", classifier trained in {trained:.2f} s" if second_opinion else "")
    )


def main() -> None:
    """Print the figures for the full FAQ and for the trimmed one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=5, help="variants kept per entry (5)")
    args = parser.parse_args()
    full = load_knowledge()
    questions = load_question_set(devset_path(), full)
    small = trimmed(full, args.variants)
    for name, kb in (("full FAQ", full), (f"question + {args.variants} variants", small)):
        phrasings = sum(len(e.phrasings) for e in kb.entries)
        print(f"{name} ({phrasings} phrasings):")
        for second_opinion in (False, True):
            print("  " + measure(kb, questions, second_opinion=second_opinion))


if __name__ == "__main__":
    main()
