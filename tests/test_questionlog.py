"""The question log: what it stores, what it never stores, and how it fails quietly.

Decisions come from the real matcher on the real bundled FAQ (or, until the FAQ is
written, on the small folder of tests/test_knowledge_errors.py). Databases are real
SQLite files in tmp_path; the writer thread is real too, and `flush()` waits for it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.conversation.questionlog import (
    SCHEMA_VERSION,
    Counts,
    EntryFeedback,
    EntryUse,
    QuestionLog,
    QuestionLogError,
)
from bot.knowledge.base import (
    KnowledgeBase,
)
from bot.understanding.matching import Decision, Matcher, Status

OFF_TOPIC = "recette de la tartiflette"


@pytest.fixture
def logs() -> Iterator[list[QuestionLog]]:
    """Logs to close at the end of a test (stops their writer threads)."""
    opened: list[QuestionLog] = []
    yield opened
    for question_log in opened:
        question_log.close()


def answered(matcher: Matcher, kb: KnowledgeBase, index: int = 0) -> Decision:
    """A decision with status answer: an entry's own canonical question."""
    decision = matcher.match(kb.entries[index].question)
    assert decision.status is Status.ANSWER, decision
    return decision


def unknown(matcher: Matcher, question: str = OFF_TOPIC) -> Decision:
    decision = matcher.match(question)
    assert decision.status is Status.UNKNOWN, decision
    return decision


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.conversation.questionlog" and r.levelno == logging.WARNING
    ]


def row_count(path: Path, table: str = "questions") -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def make_read_only(path: Path) -> None:
    """Make an SQLite file read-only *for SQLite*, even when the tests run as root.

    chmod 0o444 does not stop root (CAP_DAC_OVERRIDE). The file format does: byte 18 of
    the header is the "write version", and SQLite must treat a file whose write version
    is above 2 as read-only (https://www.sqlite.org/fileformat.html#file_format_version_numbers),
    so every write fails with SQLITE_READONLY, whoever runs it. We chmod as well, for
    runs as an ordinary user.
    """
    with path.open("r+b") as file:
        file.seek(18)
        file.write(bytes([3]))
    path.chmod(0o444)


# --- what is stored ---------------------------------------------------------------------


def test_records_and_reads_back(
    tmp_path: Path, kb: KnowledgeBase, matcher: Matcher, logs: list[QuestionLog]
) -> None:
    path = tmp_path / "questions.sqlite3"
    writer = QuestionLog(path)
    logs.append(writer)
    good = answered(matcher, kb)
    bad = unknown(matcher)
    before = datetime.now(UTC)
    writer.record_question(good, channel="telegram")
    writer.record_question(good, channel="inline")
    writer.record_question(bad, channel="chat")
    writer.record_choice(OFF_TOPIC, None, channel="chat")
    writer.record_choice("autre question", good.entry.id if good.entry else None, channel="chat")
    writer.record_feedback(kb.entries[0].id, True, channel="telegram")
    writer.record_feedback(kb.entries[0].id, False, channel="telegram")
    writer.record_feedback(kb.entries[0].id, True, channel="chat")
    writer.close()

    reader = QuestionLog(path)  # a fresh object, as `faqbot stats` does
    assert reader.counts() == Counts(answered=2, suggested=0, unknown=1)
    assert reader.counts().total == 3
    assert reader.channels() == {"telegram": 1, "inline": 1, "chat": 1}
    assert reader.top_entries() == [EntryUse(kb.entries[0].id, answered=2, picked=1)]
    assert reader.feedback() == [EntryFeedback(kb.entries[0].id, good=2, bad=1)]
    assert reader.choices() == [(None, 1), (kb.entries[0].id, 1)]
    (row,) = reader.unanswered()
    assert (row.question, row.channel, row.status) == (OFF_TOPIC, "chat", Status.UNKNOWN)
    assert row.entry_id == (bad.entry.id if bad.entry else None)
    assert row.score == pytest.approx(bad.score)
    assert row.rejected  # the "none of these" choice is attached to it
    assert before - timedelta(seconds=1) <= row.asked_at <= datetime.now(UTC)
    assert row.asked_at.tzinfo is not None


def test_schema_has_no_personal_columns(
    tmp_path: Path, kb: KnowledgeBase, matcher: Matcher, logs: list[QuestionLog]
) -> None:
    path = tmp_path / "questions.sqlite3"
    question_log = QuestionLog(path)
    logs.append(question_log)
    question_log.record_question(answered(matcher, kb), channel="telegram")
    question_log.record_choice("q", None, channel="telegram")
    question_log.record_feedback(kb.entries[0].id, True, channel="telegram")
    assert question_log.flush()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
        ]
        columns = {
            table: {r[1] for r in connection.execute(f"PRAGMA table_info({table})")}
            for table in tables
        }
    assert columns == {
        "questions": {
            "id",
            "asked_at",
            "channel",
            "question",
            "status",
            "entry_id",
            "score",
            "after_entry",
        },
        "choices": {"id", "chosen_at", "channel", "question", "entry_id"},
        "feedback": {"id", "given_at", "channel", "entry_id", "good", "question"},
        "followups": {"id", "clicked_at", "channel", "question", "answered_entry", "entry_id"},
        "lost": {"id", "noted_at", "rows"},
    }
    personal = ("user", "name", "chat", "from", "sender", "phone", "lang", "message")
    for table, names in columns.items():
        for column in names:
            assert not any(word in column for word in personal), (table, column)


def test_disabled_log_does_nothing(
    tmp_path: Path, kb: KnowledgeBase, matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    question_log = QuestionLog(None)
    assert not question_log.enabled
    question_log.record_question(answered(matcher, kb), channel="chat")
    question_log.record_choice("q", None, channel="chat")
    question_log.record_feedback("x", True, channel="chat")
    assert question_log.flush()
    question_log.close()
    assert question_log.unanswered() == []
    assert question_log.counts() == Counts()
    assert list(tmp_path.iterdir()) == []


def test_created_lazily_with_its_folders(
    tmp_path: Path, matcher: Matcher, logs: list[QuestionLog]
) -> None:
    path = tmp_path / "var" / "deep" / "questions.sqlite3"
    question_log = QuestionLog(path)
    logs.append(question_log)
    assert not (tmp_path / "var").exists()
    assert question_log.unanswered() == []  # reading never creates the file
    assert not (tmp_path / "var").exists()
    question_log.record_question(unknown(matcher), channel="chat")
    assert question_log.flush()
    assert row_count(path) == 1


def test_since_filters_every_reader(
    tmp_path: Path, kb: KnowledgeBase, matcher: Matcher, logs: list[QuestionLog]
) -> None:
    now = [datetime(2024, 6, 1, 12, tzinfo=UTC)]
    question_log = QuestionLog(tmp_path / "q.sqlite3", clock=lambda: now[0])
    logs.append(question_log)
    question_log.record_question(unknown(matcher), channel="chat")
    question_log.record_question(answered(matcher, kb), channel="chat")
    question_log.record_feedback(kb.entries[0].id, False, channel="chat")
    now[0] = datetime(2024, 6, 20, 8, tzinfo=UTC)
    question_log.record_question(unknown(matcher, "horoscope balance"), channel="chat")
    question_log.record_choice("horoscope balance", None, channel="chat")
    since = datetime(2024, 6, 19, tzinfo=UTC)
    assert [q.question for q in question_log.unanswered(since)] == ["horoscope balance"]
    assert len(question_log.unanswered()) == 2
    assert question_log.counts(since) == Counts(unknown=1)
    assert question_log.top_entries(since) == []
    assert question_log.feedback(since) == []
    assert question_log.choices(since) == [(None, 1)]
    # A naive datetime is taken as UTC.
    assert question_log.counts(datetime(2024, 6, 19)) == Counts(unknown=1)


def test_choices_are_attached_to_their_question(
    tmp_path: Path, matcher: Matcher, logs: list[QuestionLog]
) -> None:
    question_log = QuestionLog(tmp_path / "q.sqlite3")
    logs.append(question_log)
    first = unknown(matcher, "horoscope balance")
    question_log.record_question(first, channel="telegram")
    question_log.record_question(first, channel="telegram")
    question_log.record_choice("horoscope balance", None, channel="telegram")
    question_log.record_choice("horoscope balance", "some-entry", channel="telegram")
    # A choice whose question was not logged (e.g. before the log was turned on).
    question_log.record_choice("prix du bitcoin", None, channel="inline")
    rows = question_log.unanswered()
    # Each choice goes to the latest question with its text not yet claimed.
    assert [(r.question, r.status, r.rejected, r.picked) for r in rows] == [
        ("horoscope balance", Status.UNKNOWN, False, "some-entry"),
        ("horoscope balance", Status.UNKNOWN, True, None),
        ("prix du bitcoin", None, True, None),
    ]


def test_close_writes_what_is_queued_then_ignores_records(tmp_path: Path, matcher: Matcher) -> None:
    path = tmp_path / "q.sqlite3"
    question_log = QuestionLog(path)
    for _ in range(50):
        question_log.record_question(unknown(matcher), channel="chat")
    question_log.close()
    assert row_count(path) == 50
    question_log.record_question(unknown(matcher), channel="chat")  # no error, no row
    question_log.close()  # twice is fine
    assert row_count(path) == 50


def test_long_questions_are_cut(tmp_path: Path, matcher: Matcher, logs: list[QuestionLog]) -> None:
    question_log = QuestionLog(tmp_path / "q.sqlite3")
    logs.append(question_log)
    question_log.record_question(matcher.match("traité " * 500), channel="chat")
    (row,) = question_log.unanswered()
    assert len(row.question) == 1000


# --- failures are logged once and skipped, never raised -----------------------------------


def test_read_only_database_is_skipped_with_one_warning(
    tmp_path: Path,
    kb: KnowledgeBase,
    matcher: Matcher,
    logs: list[QuestionLog],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.conversation.questionlog")
    path = tmp_path / "questions.sqlite3"
    first = QuestionLog(path)
    first.record_question(answered(matcher, kb), channel="chat")
    first.close()
    make_read_only(path)

    question_log = QuestionLog(path)
    logs.append(question_log)
    question_log.record_question(unknown(matcher), channel="telegram")
    assert question_log.flush()
    question_log.record_feedback(kb.entries[0].id, True, channel="telegram")
    question_log.record_question(unknown(matcher), channel="telegram")
    assert question_log.flush()

    (warning,) = warnings_of(caplog)
    assert str(path) in warning
    assert "readonly" in warning.lower() or "read-only" in warning.lower()
    assert row_count(path) == 1
    assert question_log.counts() == Counts(answered=1)  # reading still works


def test_locked_database_returns_at_once_and_keeps_rows_for_later(
    tmp_path: Path,
    kb: KnowledgeBase,
    matcher: Matcher,
    logs: list[QuestionLog],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.conversation.questionlog")
    path = tmp_path / "questions.sqlite3"
    question_log = QuestionLog(path, busy_timeout=0.05)  # fail fast, to test the retries
    logs.append(question_log)
    question_log.record_question(answered(matcher, kb), channel="chat")
    assert question_log.flush()

    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        question_log.record_question(unknown(matcher), channel="telegram")
        question_log.record_choice(OFF_TOPIC, None, channel="telegram")
        assert time.monotonic() - started < 2  # a hang guard only: it does not wait
        assert question_log.flush()
        question_log.record_question(unknown(matcher), channel="telegram")
        assert question_log.flush()
        (warning,) = warnings_of(caplog)
        assert str(path) in warning
        assert "locked" in warning
        assert "retried" in warning
    finally:
        other.execute("ROLLBACK")
        other.close()

    question_log.record_question(unknown(matcher), channel="telegram")
    assert question_log.flush()
    assert any("writing again" in r.getMessage() for r in caplog.records)
    assert row_count(path) == 4  # the rows recorded while locked were kept and written
    assert row_count(path, "choices") == 1
    assert question_log.lost == 0
    assert question_log.lost_rows() == 0


def test_corrupt_file_is_skipped_and_left_alone(
    tmp_path: Path,
    matcher: Matcher,
    logs: list[QuestionLog],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.conversation.questionlog")
    path = tmp_path / "questions.sqlite3"
    garbage = bytes(range(256)) * 64
    path.write_bytes(garbage)
    question_log = QuestionLog(path)
    logs.append(question_log)
    for _ in range(3):
        question_log.record_question(unknown(matcher), channel="chat")
        assert question_log.flush()
    (warning,) = warnings_of(caplog)
    assert str(path) in warning
    assert path.read_bytes() == garbage
    with pytest.raises(QuestionLogError, match=r"questions\.sqlite3"):
        question_log.unanswered()


def test_unwritable_parent_is_skipped(
    tmp_path: Path,
    kb: KnowledgeBase,
    matcher: Matcher,
    logs: list[QuestionLog],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A regular file where a folder should be: mkdir fails, even for root.
    blocker = tmp_path / "var"
    blocker.write_text("not a folder", encoding="utf-8")
    path = blocker / "questions.sqlite3"
    question_log = QuestionLog(path)
    logs.append(question_log)
    question_log.record_question(unknown(matcher), channel="chat")
    question_log.record_feedback(kb.entries[0].id, False, channel="chat")
    assert question_log.flush()
    question_log.record_choice("q", None, channel="chat")
    assert question_log.flush()
    (warning,) = warnings_of(caplog)
    assert str(path) in warning
    assert question_log.unanswered() == []


def test_full_database_is_skipped(
    tmp_path: Path, matcher: Matcher, logs: list[QuestionLog], caplog: pytest.LogCaptureFixture
) -> None:
    class TinyLog(QuestionLog):
        """A database that cannot grow: SQLITE_FULL as on a full disk."""

        def _connect(self) -> sqlite3.Connection:
            connection = super()._connect()
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {pages}")
            return connection

    path = tmp_path / "questions.sqlite3"
    question_log = TinyLog(path)
    logs.append(question_log)
    long_question = "traité " * 140
    for _ in range(20):
        question_log.record_question(matcher.match(long_question), channel="chat")
        assert question_log.flush()
    (warning,) = warnings_of(caplog)
    assert str(path) in warning
    assert "FULL" in warning


def test_newer_schema_is_left_alone(
    tmp_path: Path, matcher: Matcher, logs: list[QuestionLog], caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "questions.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    question_log = QuestionLog(path)
    logs.append(question_log)
    question_log.record_question(unknown(matcher), channel="chat")
    assert question_log.flush()
    (warning,) = warnings_of(caplog)
    assert "newer" in warning
    with pytest.raises(QuestionLogError, match="newer faqbot"):
        question_log.counts()


def test_another_sqlite_file_is_not_touched(
    tmp_path: Path, matcher: Matcher, logs: list[QuestionLog], caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE precious (x)")
    question_log = QuestionLog(path)
    logs.append(question_log)
    question_log.record_question(unknown(matcher), channel="chat")
    assert question_log.flush()
    (warning,) = warnings_of(caplog)
    assert "not a question log" in warning
    with sqlite3.connect(path) as connection:
        names = {r[0] for r in connection.execute("SELECT name FROM sqlite_schema")}
    assert names == {"precious"}
    with pytest.raises(QuestionLogError, match="not a question log"):
        question_log.unanswered()


def test_full_queue_drops_rows_with_one_warning(
    tmp_path: Path, matcher: Matcher, caplog: pytest.LogCaptureFixture
) -> None:
    release = threading.Event()

    class SlowLog(QuestionLog):
        """A writer stuck on a slow disk until `release` is set."""

        def _connect(self) -> sqlite3.Connection:
            release.wait(10)
            return super()._connect()

    path = tmp_path / "questions.sqlite3"
    question_log = SlowLog(path, queue_size=3)
    try:
        started = time.monotonic()
        for _ in range(20):
            question_log.record_question(unknown(matcher), channel="chat")
        assert time.monotonic() - started < 2  # a hang guard only
        (warning,) = warnings_of(caplog)
        assert "dropped" in warning
    finally:
        release.set()
        question_log.close()
    assert 1 <= row_count(path) <= 6  # the batch being written, plus a full queue


def test_a_file_moved_away_is_started_afresh(
    tmp_path: Path, matcher: Matcher, logs: list[QuestionLog]
) -> None:
    path = tmp_path / "questions.sqlite3"
    question_log = QuestionLog(path)
    logs.append(question_log)
    question_log.record_question(unknown(matcher), channel="chat")
    assert question_log.flush()
    path.rename(tmp_path / "archive.sqlite3")
    question_log.record_question(unknown(matcher), channel="chat")
    question_log.record_question(unknown(matcher), channel="chat")
    assert question_log.flush()
    assert row_count(tmp_path / "archive.sqlite3") == 1
    assert row_count(path) == 2


def test_a_bad_call_is_logged_not_raised(
    tmp_path: Path, matcher: Matcher, logs: list[QuestionLog], caplog: pytest.LogCaptureFixture
) -> None:
    question_log = QuestionLog(tmp_path / "questions.sqlite3")
    logs.append(question_log)
    question_log.record_question(None, channel="chat")  # type: ignore[arg-type]
    question_log.record_question("not a decision", channel="chat")  # type: ignore[arg-type]
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    question_log.record_question(unknown(matcher), channel="chat")
    assert len(question_log.unanswered()) == 1


def test_a_version_1_log_is_read_then_upgraded_in_place(
    tmp_path: Path, matcher: Matcher, logs: list[QuestionLog]
) -> None:
    from bot.conversation.questionlog import _MIGRATIONS

    path = tmp_path / "questions.sqlite3"
    with sqlite3.connect(path) as connection:
        for statement in _MIGRATIONS[0]:
            connection.execute(statement)
        connection.execute("PRAGMA user_version = 1")
        connection.execute(
            "INSERT INTO questions (asked_at, channel, question, status, entry_id, score) "
            "VALUES ('2024-06-19T10:00:00.000000Z', 'chat', 'q', 'unknown', NULL, 0)"
        )
    reader = QuestionLog(path)
    assert reader.counts() == Counts(unknown=1)
    assert reader.lost_rows() == 0  # no `lost` table yet: nothing lost
    question_log = QuestionLog(path)
    logs.append(question_log)
    question_log.record_question(unknown(matcher), channel="chat")
    assert question_log.flush()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reader.counts() == Counts(unknown=2)
    assert reader.lost_rows() == 0
