"""Benchmark of the small-talk recogniser (a script, not a test): `python bench/bench_smalltalk.py`.

The recogniser runs on every message before the matcher, so it must be cheap. In one
run this prints its build time (the pyspellchecker dictionaries loaded apart, as the
matcher loads them too) and `recognise()` latency p50/p99 in microseconds per message,
on three sets: every answerable and unanswerable question of knowledge/devset.yaml (what
people ask), every small-talk example of knowledge/smalltalk.yaml, and long messages
(the dev set's questions pasted five times). Plain `fold()` of the same messages is
printed as the reference. Target on a 2-core machine: p99 well under 200 µs.

Each message keeps its fastest of `--runs` runs, so that the machine's noise (2 shared
cores) does not hide the recogniser's own cost; `--runs 1` shows single runs.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from bot.knowledge.base import load_knowledge
from bot.language.normalize import fold
from bot.understanding.matching import dictionary_words
from bot.understanding.smalltalk import SmallTalkRecogniser

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of some values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[str], object], messages: Sequence[str], runs: int) -> list[float]:
    """Microseconds per call of fn for each message (its fastest of `runs`), after a warm-up."""
    for message in messages:
        fn(message)
    best = [float("inf")] * len(messages)
    for _ in range(runs):
        for i, message in enumerate(messages):
            start = time.perf_counter()
            fn(message)
            best[i] = min(best[i], (time.perf_counter() - start) * 1e6)
    return best


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per message (fastest kept)")
    args = parser.parse_args()

    start = time.perf_counter()
    dictionary_words()
    dictionary_s = time.perf_counter() - start
    kb = load_knowledge()
    start = time.perf_counter()
    recogniser = SmallTalkRecogniser.from_knowledge(kb)
    build_ms = (time.perf_counter() - start) * 1000
    print(f"dictionaries (loaded once per process, shared with the matcher): {dictionary_s:.2f} s")
    print(f"recogniser build on the shipped files: {build_ms:.1f} ms")

    devset = yaml.safe_load((ROOT / "knowledge" / "devset.yaml").read_text(encoding="utf-8"))
    questions = [item["q"] for item in devset["answerable"]] + list(devset["unanswerable"])
    sets = {
        "dev-set questions": questions,
        "small-talk examples": [example for _, example in kb.smalltalk.examples],
        "long messages (x5)": [" ".join([q] * 5) for q in questions[:200]],
    }
    print(f"\nper message, fastest of {args.runs} run(s); microseconds")
    print(f"{'set':<22}{'n':>6}{'p50':>9}{'p99':>9}{'max':>9}{'fold p99':>10}{'ratio':>8}")
    for name, messages in sets.items():
        times = timed(recogniser.recognise, messages, args.runs)
        reference = timed(fold, messages, args.runs)
        p99, ref99 = percentile(times, 99), percentile(reference, 99)
        print(
            f"{name:<22}{len(messages):>6}{percentile(times, 50):>9.1f}{p99:>9.1f}"
            f"{max(times):>9.1f}{ref99:>10.1f}{p99 / ref99:>7.1f}x"
        )
    recognised = sum(1 for q in questions if recogniser.recognise(q) is not None)
    print(f"\n{recognised} of {len(questions)} dev-set messages are small talk (all off-topic)")


if __name__ == "__main__":
    main()
