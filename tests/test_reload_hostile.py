"""Hostile or broken FAQ files while the bot runs (issue 11), over HTTP against the fake Bot API.

An alias bomb, a nesting bomb and a 10 MB file are saved into the running bot's
knowledge folder: the bot keeps answering, keeps its last good FAQ, tells the admins
with the file's name, and logs a few lines; `faqbot check` reports each in a few lines
with exit status 1. Timings and memory are measured in bench/bench_hostile.py; here
only behaviour is asserted, with generous bounds.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, Harness, Samples, sent_messages
from fake_bot_api import USER_ID, Call, text_message
from maintainer_bot import ADMIN_ID, copy_knowledge, maintained_bot

from bot.knowledge.base import KnowledgeError, load_knowledge
from bot.knowledge.source import MAX_DEPTH, MAX_ERRORS_PER_FILE, MAX_FILE_BYTES
from bot.telegram import reload

BOMB_FILE = "99-bomb.yaml"

ALIAS_BOMB = """\
- id: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  question: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  variants: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  answer: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  sources: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  related: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  tags: [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""
"""About 400 bytes that PyYAML would expand to 9**7 (4.8 million) strings, and more."""

NESTING_BOMB = "- " + "[" * 100_000 + "]" * 100_000 + "\n"
"""200 KB of brackets: a RecursionError in PyYAML's composer before issue 11."""


def big_file() -> str:
    """A 10 MB FAQ file: the same broken entry (a misspelt key) 140,000 times."""
    entry = "- id: x\n  question: y\n  answr: z\n  variants: [a]\n  sources: []\n"
    return entry * (10_000_000 // len(entry) + 1)


BOMBS: dict[str, tuple[Callable[[], str], str, int]] = {
    # name: (content, what the error says, the line it names)
    "alias": (lambda: ALIAS_BOMB, "anchors and aliases", 1),
    "nesting": (lambda: NESTING_BOMB, f"more than {MAX_DEPTH} levels", 1),
    "10MB": (big_file, "too large", big_file()[:MAX_FILE_BYTES].count("\n") + 1),
}


def _to(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: call.params.get("chat_id") == chat_id


def _save(path: Path, text: str) -> None:
    """Save like an editor does: write a temporary file, then rename it into place."""
    temporary = path.parent.parent / f".{path.name}.tmp"
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _rss_peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _ask_until(bench: Harness, question: str, done: Callable[[], bool]) -> int:
    """Ask `question` again and again until `done()`; each must be answered. Returns count."""
    asked = 0
    async with asyncio.timeout(60):
        while not done() or asked == 0:
            calls = await bench.process(text_message(question))
            [reply] = [m for m in sent_messages(calls) if m["chat"]["id"] == USER_ID]
            assert reply["text"]
            asked += 1
            await asyncio.sleep(0.05)
    return asked


async def test_bombs_saved_while_running_keep_answers_and_tell_admins(
    tmp_path: Path, samples: Samples, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0.2) as bench:
        good = bench.knowledge
        [first] = sent_messages(await bench.process(text_message(samples.answered)))
        expected = first["text"]
        for name, (content, says, line) in BOMBS.items():
            caplog.clear()
            before = len(bench.api.sent(ADMIN_ID))
            _save(root / "faq" / BOMB_FILE, content())
            told = lambda before=before: len(bench.api.sent(ADMIN_ID)) > before  # noqa: E731
            await _ask_until(bench, samples.answered, told)
            notice = bench.api.sent(ADMIN_ID)[before]["text"]
            assert f"{BOMB_FILE}:{line}:" in notice, (name, notice)
            assert says in notice, (name, notice)
            assert bench.knowledge is good  # the last good FAQ still answers
            [reply] = sent_messages(await bench.process(text_message(samples.answered)))
            assert reply["text"] == expected
            assert reply["chat"]["id"] == USER_ID
            # A few log lines for the failure, not one per problem or per check.
            errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
            assert 1 <= len(errors) <= 3, [r.getMessage()[:100] for r in errors]
            assert any(BOMB_FILE in r.getMessage() for r in errors)
            # /reload says the same to the admin who asks.
            calls = await bench.process(text_message("/reload", user_id=ADMIN_ID))
            [answer] = sent_messages(calls)
            assert f"{BOMB_FILE}:{line}:" in answer["text"]
            assert bench.knowledge is good
        # Remove the bomb: the folder is valid again and reloads (nothing announced).
        (root / "faq" / BOMB_FILE).unlink()
        async with asyncio.timeout(30):
            while bench.knowledge is good:  # noqa: ASYNC110 - set by the reload job
                await asyncio.sleep(0.05)
        assert len(bench.knowledge.kb.entries) == len(good.kb.entries)
    assert _rss_peak_mb() < 1024  # generous: the alias bomb alone used to take 8.7 GB
    # No line per reload check: neither the scheduler's "Running job"/"executed
    # successfully" nor its "skipped: maximum number of running instances reached".
    chatter = [r for r in caplog.records if r.name.startswith("apscheduler")]
    assert not [r for r in chatter if reload.JOB_NAME in r.getMessage()]


@pytest.mark.parametrize("name", list(BOMBS))
def test_faqbot_check_reports_each_bomb_in_a_few_lines(tmp_path: Path, name: str) -> None:
    content, says, line = BOMBS[name]
    root = copy_knowledge(tmp_path / "knowledge")
    (root / "faq" / BOMB_FILE).write_text(content(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--knowledge", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    # One line for the bomb, the summary, and the shipped FAQ's own warnings if any.
    warnings = len(load_knowledge(ROOT / "knowledge").warnings)
    assert 2 <= len(lines) <= 2 + warnings, lines[:10]
    [about] = [text for text in lines if BOMB_FILE in text]
    assert f"faq/{BOMB_FILE}:{line}: " in about
    assert says in about
    assert lines[-1].startswith("1 error(s) in knowledge")
    assert "Traceback" not in result.stderr


def test_the_shipped_faq_is_within_every_bound() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    assert all(path.stat().st_size <= MAX_FILE_BYTES // 10 for path in kb.files)


async def test_a_check_during_a_load_skips_and_any_failure_keeps_the_faq(
    tmp_path: Path, samples: Samples, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loads never stack up; an unforeseen exception (RecursionError) is a reported failure."""
    root = copy_knowledge(tmp_path / "knowledge")
    release = threading.Event()
    calls: list[int] = []

    def slow_then_failing(path: Path) -> object:
        calls.append(1)
        release.wait(30)
        raise RecursionError("maximum recursion depth exceeded")

    async with maintained_bot(root, reload_interval=0) as bench:
        good = bench.knowledge
        monkeypatch.setattr(reload, "load_knowledge", slow_then_failing)
        (root / "faq" / BOMB_FILE).write_text("[]\n", encoding="utf-8")  # a change
        loading = asyncio.create_task(reload.reload_now(bench.app, notify=True))
        async with asyncio.timeout(10):
            while not calls:  # noqa: ASYNC110 - set by a worker thread
                await asyncio.sleep(0.01)
        # While it loads, checks skip at once and the bot answers.
        for _ in range(5):
            assert await reload.check_for_changes(bench.app) is None
        [reply] = sent_messages(await bench.process(text_message(samples.answered)))
        assert reply["chat"]["id"] == USER_ID
        release.set()
        result = await loading
        assert len(calls) == 1
        assert not result.ok
        [problem] = result.problems
        assert "RecursionError" in problem
        assert bench.knowledge is good
        [notice] = await bench.api.wait_for("sendMessage", predicate=_to(ADMIN_ID))
        assert notice.response is not None
        assert "RecursionError" in notice.response["result"]["text"]


def test_bounds_errors_name_file_and_line(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    deep = "- " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    (root / "faq" / "97-deep.yaml").write_text("# comment\n" + deep, encoding="utf-8")
    (root / "faq" / "98-digits.yaml").write_text("- id: " + "1" * 5000 + "\n", encoding="utf-8")
    (root / "faq" / "99-alias.yaml").write_text(
        "- id: a\n  question: &q x\n  variants: [*q]\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    errors = [str(p) for p in info.value.problems if not p.warning]
    assert any("97-deep.yaml:2: nested more than" in e for e in errors), errors
    assert any("98-digits.yaml:1: cannot read this value" in e for e in errors), errors
    assert any("99-alias.yaml:2: YAML anchors and aliases" in e for e in errors), errors
    # A refused file gives one error, not a cascade of "missing field" ones.
    assert len([e for e in errors if "97-deep.yaml" in e]) == 1, errors
    assert len([e for e in errors if "99-alias.yaml" in e]) == 1, errors


def test_a_file_of_thousands_of_mistakes_lists_a_hundred_and_a_note(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    (root / "faq" / "99-many.yaml").write_text("- x\n" * 5_000, encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    mine = [p for p in info.value.problems if p.file.endswith("99-many.yaml")]
    assert len(mine) == MAX_ERRORS_PER_FILE + 1
    assert mine[-1].line is None
    assert f"more than {MAX_ERRORS_PER_FILE} errors in this file" in mine[-1].message
    assert all(p.line == n for n, p in enumerate(mine[:-1], 1))


def test_a_fifo_or_a_device_is_refused_without_blocking(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    os.mkfifo(root / "faq" / "98-fifo.yaml")
    (root / "faq" / "99-zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    errors = [str(p) for p in info.value.problems if not p.warning]
    assert any("98-fifo.yaml: not a regular file" in e for e in errors), errors
    assert any("99-zero.yaml: not a regular file" in e for e in errors), errors


async def test_stopping_the_bot_does_not_wait_for_a_load_in_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    release = threading.Event()
    started = threading.Event()

    def endless(path: Path) -> object:
        started.set()
        release.wait(60)
        raise RecursionError("never reached before the bot stopped")

    timer = threading.Timer(30, release.set)  # a failing test must not hang for ever
    timer.start()
    try:
        async with maintained_bot(root, reload_interval=0.2):
            monkeypatch.setattr(reload, "load_knowledge", endless)
            (root / "faq" / BOMB_FILE).write_text("[]\n", encoding="utf-8")
            assert await asyncio.to_thread(started.wait, 30)
        # The bot has stopped while the load was still running (its thread is abandoned).
        assert not release.is_set()
    finally:
        release.set()
        timer.cancel()
