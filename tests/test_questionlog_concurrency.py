"""The question log under concurrent readers and locks (issue 11), end to end.

The real bot answers over HTTP against the fake Bot API, its real QuestionLog writer
thread writing to a real SQLite file, while other processes read the same file with
`faqbot stats` and `faqbot unanswered`, or hold an exclusive lock on it: no row is lost.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, Samples, harness, sent_messages
from fake_bot_api import text_message

from bot.conversation.questionlog import QuestionLog
from bot.knowledge.base import KnowledgeBase
from bot.understanding.matching import Matcher

BIG_LOG = 1_000_000
QUESTIONS = 400

READER = """\
import contextlib, io, pathlib, sys
from bot.cli import main
command, stop = sys.argv[1], pathlib.Path(sys.argv[2])
runs = 0
print("ready", flush=True)
while not stop.exists():
    with contextlib.redirect_stdout(io.StringIO()):
        status = main([command])
    if status != 0:
        sys.exit(f"faqbot {command} exited {status}")
    runs += 1
print(runs, flush=True)
"""

LOCKER = """\
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


def _environment(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAQBOT_", "TELEGRAM_"))}
    return {**env, "FAQBOT_LOG_DB": str(database), "PYTHONPATH": str(ROOT)}


def make_big_log(path: Path, matcher: Matcher, kb: KnowledgeBase, rows: int) -> None:
    """A log of `rows` questions (90% answered, the rest 50 distinct unanswered ones)."""
    question_log = QuestionLog(path)  # the real schema, as the bot creates it
    question_log.record_question(matcher.match(kb.entries[0].question), channel="telegram")
    question_log.close()
    entries = [e.id for e in kb.entries]
    values = (
        (
            f"2024-06-{1 + i % 28:02d}T10:00:00.{i % 1_000_000:06d}Z",
            "telegram",
            f"question sans réponse numéro {i % 50}" if i % 10 == 0 else "pk poutine va en coree",
            "unknown" if i % 10 == 0 else "answer",
            None if i % 10 == 0 else entries[i % len(entries)],
            20.0 if i % 10 == 0 else 80.0,
        )
        for i in range(rows)
    )
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO questions (asked_at, channel, question, status, entry_id, score) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            values,
        )


def count(path: Path, table: str = "questions") -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


async def test_400_questions_logged_while_stats_and_unanswered_read_a_million_rows(
    tmp_path: Path, kb: KnowledgeBase, matcher: Matcher, samples: Samples
) -> None:
    database = tmp_path / "var" / "questions.sqlite3"
    await asyncio.to_thread(make_big_log, database, matcher, kb, BIG_LOG)
    before = count(database)
    assert before == BIG_LOG + 1
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(  # noqa: ASYNC220 - started once, then only awaited in threads
            [sys.executable, "-c", READER, command, str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=_environment(database),
        )
        for command in ("stats", "unanswered")
    ]
    try:
        for reader in readers:
            assert reader.stdout is not None
            assert await asyncio.to_thread(reader.stdout.readline) == "ready\n"
        await asyncio.sleep(1)  # let both start reading the big log
        questions = [samples.answered, samples.suggested, samples.unknown, "bonjour"]
        async with harness(kb, log_database=database, rate_limiter=False) as bench:
            pushed = [
                bench.api.push(text_message(questions[i % 4], user_id=5000 + i % 40))
                for i in range(QUESTIONS)
            ]
            for update in pushed:
                await bench.wait_done(update["update_id"], timeout=300)
            replies = [m for m in bench.api.sent() if m["chat"]["id"] >= 5000]
            assert len(replies) == QUESTIONS
            # The readers were still at work while the bot answered.
            assert all(reader.poll() is None for reader in readers)
        # Leaving the harness closed the log: everything queued is written.
    finally:
        stop.touch()
        outputs = [await asyncio.to_thread(r.communicate, timeout=300) for r in readers]
    for reader, (out, err) in zip(readers, outputs, strict=True):
        assert reader.returncode == 0, err[-2000:]
        assert int(out.split()[-1]) >= 1  # at least one complete read of the big log
    assert count(database) - before == QUESTIONS
    assert QuestionLog(database).lost_rows() == 0


async def test_an_exclusive_lock_held_6_s_loses_no_row(
    tmp_path: Path, kb: KnowledgeBase, matcher: Matcher, samples: Samples
) -> None:
    database = tmp_path / "questions.sqlite3"
    make_big_log(database, matcher, kb, 10)
    before = count(database)
    locker = subprocess.Popen(  # noqa: ASYNC220 - started once, then awaited in threads
        [sys.executable, "-c", LOCKER, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        async with harness(kb, log_database=database) as bench:
            assert locker.stdout is not None
            assert locker.stdin is not None
            assert await asyncio.to_thread(locker.stdout.readline) == "locked\n"
            locked_at = time.monotonic()
            for i in range(10):
                calls = await bench.process(text_message(samples.answered, user_id=6000 + i))
                assert len(sent_messages(calls)) == 1  # answering does not wait for the log
            assert count(database) == before  # WAL: reading works, and nothing is written yet
            await asyncio.sleep(max(0.0, 6 - (time.monotonic() - locked_at)))
            locker.stdin.write("release\n")
            locker.stdin.flush()
            assert await asyncio.to_thread(locker.wait, 30) == 0
    finally:
        if locker.poll() is None:
            locker.kill()
    assert count(database) - before == 10
    assert QuestionLog(database).lost_rows() == 0
