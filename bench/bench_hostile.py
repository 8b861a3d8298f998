"""Benchmark of hostile FAQ files (a script, not a test): `python bench/bench_hostile.py`.

Issue 11: a 300-byte YAML alias bomb saved in knowledge/faq/ made hot reload grow to
8.7 GB in 147 s and answers take up to 9 s; a deeply nested file raised a RecursionError;
a 10 MB file wrote 230,002 ERROR lines and stalled answers 3.6 s. This prints, in one run:

1. The loader alone on each hostile file (and on large but legitimate ones): the time
   `load_knowledge` takes to refuse it, the Python memory it allocated at its peak
   (tracemalloc), and the error it gives.
2. The running bot (the real Application, long-polling the fake Bot API on 127.0.0.1,
   hot reload every 0.5 s) while the three bombs are saved one after the other into its
   knowledge folder: one user asks a question every 50 ms throughout, and the latency
   of each answer (question pushed to the fake server -> reply received by it) is
   printed per phase, with the time until the admins are told, the log lines written,
   and the process's peak resident memory (targets: answers within 2 s, under 1 GB).

Nothing is asserted; tests/test_reload_hostile.py checks the behaviour.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_bot_api import text_message  # noqa: E402
from maintainer_bot import ADMIN_ID, copy_knowledge, maintained_bot  # noqa: E402
from test_reload_hostile import ALIAS_BOMB, NESTING_BOMB, big_file  # noqa: E402

from bot.knowledge.base import KnowledgeError, load_knowledge  # noqa: E402
from bot.knowledge.source import Report, parse_file  # noqa: E402

USER = 777_000
QUESTION = "pk poutine va en coree du nord"
ASK_EVERY = 0.05
PHASE_SECONDS = 3.0
"""Each phase lasts at least this long, and until its outcome (admins told, FAQ reloaded)."""


def dense_file() -> str:
    """A 19,990-value flow list: just under the value cap, the slowest file to parse."""
    return "[" + ",".join(["a"] * 19_990) + "]\n"


def many_entries(count: int = 1_000) -> str:
    """A valid FAQ file of `count` entries (near the value cap): the slowest to load."""
    out = []
    for i in range(count):
        phrasings = [" ".join(f"q{i}w{j}z{k}" for k in range(5)) for j in range(6)]
        variants = "".join(f"    - {p}\n" for p in phrasings[1:])
        out.append(
            f"- id: gen-{i}\n  question: {phrasings[0]} ?\n  variants:\n{variants}"
            '  answer: Texte.\n  sources: ["§1"]\n'
        )
    return "".join(out)


FILES: dict[str, Callable[[], str]] = {
    "alias bomb": lambda: ALIAS_BOMB,
    "nesting bomb": lambda: NESTING_BOMB,
    "10 MB file": big_file,
    "20,000 values": dense_file,
    "1,000 valid entries": many_entries,
}


def loader_figures(workdir: Path) -> None:
    print("1. The loader alone: one file, then the shipped FAQ plus that file in faq/")
    print(f"   {'file':<20} {'size':>9} {'parse':>8} {'memory':>9} {'folder':>8}  outcome")
    root = copy_knowledge(workdir / "loader")
    start = time.perf_counter()
    load_knowledge(root)
    folder = time.perf_counter() - start
    print(f"   {'(shipped FAQ only)':<20} {'':>9} {'':>8} {'':>9} {folder:6.2f} s  loads")
    path = root / "faq" / "99-file.yaml"
    for name, make in FILES.items():
        text = make()
        path.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        parse_file(path, Report())
        parse = time.perf_counter() - start
        tracemalloc.start()
        parse_file(path, Report())
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        start = time.perf_counter()
        try:
            load_knowledge(root)
            outcome = "loads"
        except KnowledgeError as exc:
            mine = [p for p in exc.problems if p.file.endswith("99-file.yaml")]
            outcome = f"{len(mine)} error(s); first: line {mine[0].line}: {mine[0].message}"
        folder = time.perf_counter() - start
        size = _size(len(text.encode()))
        print(
            f"   {name:<20} {size:>9} {parse:6.2f} s {peak / 2**20:6.1f} MB {folder:6.2f} s  "
            f"{outcome[:70]}"
        )
    path.unlink()


def _size(n: int) -> str:
    return f"{n:,} B" if n < 10_000 else f"{n / 1024:,.0f} KB"


class Counting(logging.Handler):
    """Counts the log records at or above WARNING, per logger."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _describe(name: str, latencies: list[float], told: float | None, lines: int) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    admins = f"admins told after {told:5.2f} s" if told is not None else "admins not told"
    print(
        f"   {name:<14} {len(ordered):4d} answers  p50 {statistics.median(ordered) * 1000:6.1f} ms"
        f"  p99 {p99 * 1000:6.1f} ms  max {ordered[-1] * 1000:6.1f} ms  {admins}"
        f"  {lines} log line(s)"
    )


async def live_figures(workdir: Path) -> None:
    print("2. The running bot while the files are saved (a question every 50 ms)")
    root = copy_knowledge(workdir / "live")
    counter = Counting()
    logging.getLogger().addHandler(counter)
    logging.getLogger().setLevel(logging.INFO)
    phases: list[tuple[str, str | None]] = [
        ("before", None),
        ("alias bomb", ALIAS_BOMB),
        ("nesting bomb", NESTING_BOMB),
        ("10 MB file", big_file()),
        ("bomb removed", ""),
    ]
    worst = 0.0
    async with maintained_bot(root, reload_interval=0.5) as bench:
        good = bench.knowledge
        for name, content in phases:
            target = root / "faq" / "99-bomb.yaml"
            notices = len(bench.api.sent(ADMIN_ID))
            lines_before = len(counter.records)
            saved = time.monotonic()
            if content:
                temporary = root / ".99-bomb.yaml.tmp"
                temporary.write_text(content, encoding="utf-8")
                temporary.replace(target)
            elif content == "":
                target.unlink()
            told: float | None = None
            latencies: list[float] = []
            while time.monotonic() - saved < PHASE_SECONDS or (
                time.monotonic() - saved < 60
                and not (
                    content is None
                    or (content == "" and bench.knowledge is not good)
                    or (content != "" and told is not None)
                )
            ):
                asked = time.monotonic()
                await bench.process(text_message(QUESTION, user_id=USER), timeout=60)
                latencies.append(time.monotonic() - asked)
                if told is None and len(bench.api.sent(ADMIN_ID)) > notices:
                    told = time.monotonic() - saved
                await asyncio.sleep(ASK_EVERY)
            worst = max(worst, *latencies)
            _describe(name, latencies, told, len(counter.records) - lines_before)
        reloaded = bench.knowledge is not good
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    scheduler = [r for r in counter.records if r.name.startswith("apscheduler.executors")]
    print(
        f"   worst answer {worst:.2f} s (target 2 s); peak memory of the process "
        f"{peak:,.0f} MB (target 1,024 MB); FAQ reloaded once the bomb was removed: "
        f"{'yes' if reloaded else 'no'}; scheduler lines about the job: {len(scheduler)}"
    )
    for notice in bench.api.sent(ADMIN_ID):
        lines = notice["text"].splitlines()
        detail = next((line for line in lines if "99-bomb.yaml" in line), lines[0])
        print(f"   admin told: {detail.strip()[:150]}")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    try:
        loader_figures(workdir)
        asyncio.run(live_figures(workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
