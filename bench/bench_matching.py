"""Benchmark of the matcher (a script, not a test): `python bench/bench_matching.py`.

In one run it prints the index build time and `match()` latency p50/p99 on the shipped
FAQ and on a generated FAQ of 5,000 entries x 4 variants (20,000 phrasings), next to
plain `rapidfuzz.process.extractOne` over the same strings as the reference, so the
ratio can be read. Targets on a 2-core machine: p99 <= 1 ms on the shipped FAQ,
p99 <= 20 ms at 20,000 phrasings, at most 3x plain extractOne, build <= 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import MappingProxyType

from rapidfuzz import process

from bot.knowledge.base import Entry, KnowledgeBase, Thresholds, load_knowledge
from bot.understanding.matching import Matcher, dictionary_words

ROOT = Path(__file__).resolve().parent.parent
SYLLABLES = """ba be bi bo bu da de di do du fa fe fi la le li lo ma me mi mo na ne ni no pa pe
pi po ra re ri ro sa se si so ta te ti to va ve vi tra pro con min ment tion""".split()


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of some values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[str], object], questions: Sequence[str]) -> list[float]:
    """Milliseconds per call of fn over the questions (after a warm-up call)."""
    fn(questions[0])
    out = []
    for question in questions:
        start = time.perf_counter()
        fn(question)
        out.append((time.perf_counter() - start) * 1000)
    return out


def generated_kb(entries: int, variants: int, rng: random.Random) -> KnowledgeBase:
    """A synthetic FAQ with a Zipf-like vocabulary: `variants` phrasings per entry in all."""
    words = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(12000)})
    weights = [1 / (rank + 1) for rank in range(len(words))]
    shipped = load_knowledge()

    def sentence() -> str:
        return " ".join(rng.choices(words, weights, k=rng.randint(5, 10))) + " ?"

    made = tuple(
        Entry(
            id=f"e{i}",
            question=sentence(),
            variants=tuple(sentence() for _ in range(variants - 1)),
            answer="Réponse.",
            sources=("§1",),
        )
        for i in range(entries)
    )
    return KnowledgeBase(
        path=ROOT,
        article=shipped.article,
        entries=made,
        synonyms=MappingProxyType(dict(shipped.synonyms)),
        thresholds=Thresholds(),
        files=(),
    )


def typo(text: str, rng: random.Random) -> str:
    """Drop one character, as people do."""
    i = rng.randrange(len(text))
    return text[:i] + text[i + 1 :]


def report(name: str, kb: KnowledgeBase, questions: Sequence[str]) -> None:
    """Build, time match() and the extractOne reference, print one block of figures."""
    start = time.perf_counter()
    dictionary_words()  # loaded once per process, on the first unknown word
    loading = time.perf_counter() - start
    start = time.perf_counter()
    matcher = Matcher(kb)
    build = time.perf_counter() - start
    choices = [p for e in kb.entries for p in e.phrasings]
    ours = timed(matcher.match, questions)
    reference = timed(lambda q: process.extractOne(q, choices), questions)
    print(
        f"\n== {name}: {len(kb.entries)} entries, {len(choices)} phrasings, "
        f"{len(questions)} questions"
    )
    print(
        f"index build            {build * 1000:9.1f} ms   (dictionaries: {loading * 1000:.0f} ms)"
    )
    print(f"match()      p50 {percentile(ours, 50):7.3f} ms   p99 {percentile(ours, 99):7.3f} ms")
    p50, p99 = percentile(reference, 50), percentile(reference, 99)
    print(f"extractOne   p50 {p50:7.3f} ms   p99 {p99:7.3f} ms")
    print(
        f"ratio match/extractOne: p50 {percentile(ours, 50) / percentile(reference, 50):.2f}x   "
        f"p99 {percentile(ours, 99) / percentile(reference, 99):.2f}x   "
        f"mean {statistics.mean(ours) / statistics.mean(reference):.2f}x"
    )


def main() -> None:
    """Run both benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--variants", type=int, default=4)
    parser.add_argument("--questions", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(42)

    kb = load_knowledge()
    import yaml

    devset = yaml.safe_load((ROOT / "knowledge" / "devset.yaml").read_text(encoding="utf-8"))
    shipped_questions = [q["q"] for q in devset["answerable"]] + list(devset["unanswerable"])
    report("shipped FAQ", kb, shipped_questions)

    big = generated_kb(args.entries, args.variants, rng)
    phrasings = [p for e in big.entries for p in e.phrasings]
    questions = [typo(rng.choice(phrasings), rng) for _ in range(args.questions // 2)]
    questions += [" ".join(rng.choice(phrasings).split()[:3]) for _ in range(args.questions // 2)]
    report("generated FAQ", big, questions)


if __name__ == "__main__":
    main()
