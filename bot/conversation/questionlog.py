"""The question log: what people asked, what the bot decided, and their feedback.

Maintainers read it with `faqbot unanswered` (what the FAQ could not answer) and
`faqbot stats`. It is one SQLite file (standard library `sqlite3`), by default
`questions.sqlite3` in the state directory (see bot.knowledge.config: `$STATE_DIRECTORY`,
`$XDG_STATE_HOME/faqbot` or `~/.local/state/faqbot`, never the working directory);
`log: database: null` in the config turns it off, and then
every method of `QuestionLog` does nothing.

Interface (stable; the Telegram front end and `faqbot chat` call it):

    log = QuestionLog(config.log_database)           # None: disabled
    log.record_question(decision, channel="telegram", after=None)  # or "inline", "chat"
    log.record_choice(question, entry_id_or_None, channel="telegram")
    log.record_feedback(entry_id, good=True, channel="telegram", question=None)
    log.record_followup(question, answered_entry, entry_id, channel="telegram")
    log.close()                                        # at shutdown (waits a few seconds)

`flush()` waits until the queued rows are written: for tests and the CLI, never in an
asyncio handler.

Privacy by default. Only these are stored: the time (UTC), the channel, the question
text as typed, the matcher's status, entry id and score, for a follow-up the entry
whose answer it followed, the suggestion picked (or "none of these") and 👍/👎 per
entry. *No* user id, name, username, chat id or message
id is ever stored, and the schema has no column for them (a test checks it), so rows
cannot be tied to a person or to one another. The text itself is kept as typed: if
someone types their name in a question, it is in the log, so treat the file as
sensitive and delete old rows when they are no longer useful.

What is recorded. Every decision, answered ones included: `faqbot stats` needs them to
give answered/suggested/unknown rates and the most asked entries, and logging the
answered ones costs a row each. `faqbot unanswered` only reads the `suggest` and
`unknown` rows, plus the "none of these" choices.

It never blocks or breaks answering, and it does not lose rows (issue 11):
- The `record_*` methods only put a row on a bounded in-memory queue
  (`QUEUE_SIZE` rows) and return at once; they never touch the disk, so they are safe
  to call from asyncio handlers. A background thread (a daemon, started on the first
  record) writes the queue to SQLite in batches, one transaction per batch.
- Readers never make the writer lose rows. The file is in WAL mode, so `faqbot stats`
  or `faqbot unanswered` reading even a huge log do not block the writer at all, and
  the writer waits up to `BUSY_TIMEOUT` for anyone else's lock (a maintainer's
  `BEGIN EXCLUSIVE` in the sqlite3 shell, say).
- Any error while writing (a lock held longer than that, disk full, read-only or
  corrupt file, a directory that cannot be created...) is caught: the rows stay in a
  retry queue (`MAX_PENDING` rows) and are written later, retried with a backoff from
  half a second to `MAX_BACKOFF`, so a passing lock or a freed disk heals by itself
  and loses nothing. One warning naming the file is logged; no other follows until a
  write succeeds again (an info line says so), so a broken log never spams the console.
- A row is lost only when both queues are full (the disk has been failing for a long
  time, or cannot keep up), when a row comes after `close()`, or when the last rows
  still cannot be written at `close()`. Lost rows are counted: the count is logged
  (once per episode), kept in the `lost` table with the next successful write, and
  shown by `faqbot stats` (`QuestionLog.lost_rows`), so the figures never undercount
  silently. `QuestionLog.lost` is this process's own count.
- A corrupt or foreign file is never overwritten or "repaired": it is left for a
  human to look at, and nothing more is logged until it is moved away (then the rows
  kept meanwhile are written to a new file).
- `close()` writes what is still queued (waiting at most a few seconds) and stops the
  thread; it is also registered with `atexit`, so a forgotten close loses nothing
  on a normal exit.

Version 4 adds, for a question read as a follow-up, the entry whose answer it followed
(`after_entry`): `faqbot unanswered` shows it, since "et en vrai ?" means nothing
without it. Version 2 adds the question to a 👍/👎 (when the bot knows which question got the
answer) and a `followups` table (a related question clicked under an answer): what
`faqbot learn` reads, with the picked suggestions, to propose variants.

The schema is versioned with `PRAGMA user_version` (`SCHEMA_VERSION`); it is created
on the first write, with its parent folders. A file written by a newer faqbot (higher
version) is left alone. The reading helpers (`unanswered`, `counts`, `top_entries`,
`feedback`, `choices`, `channels`) open the file read-only, never create it, and
return empty results while it does not exist yet; a file they cannot read raises
`QuestionLogError`, with the path in its message.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import queue
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.knowledge.source import display_path
from bot.understanding.matching import Decision, Status

__all__ = [
    "BUSY_TIMEOUT",
    "MAX_BACKOFF",
    "MAX_PENDING",
    "QUEUE_SIZE",
    "SCHEMA_VERSION",
    "Counts",
    "EntryFeedback",
    "EntryUse",
    "QuestionLog",
    "QuestionLogError",
    "Signal",
    "UnansweredQuestion",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4
BUSY_TIMEOUT = 5.0
"""Seconds the writer waits for a lock held by someone else before retrying later."""
QUEUE_SIZE = 10_000
"""Rows waiting to be written; beyond that, new rows are lost (counted, warning logged)."""
MAX_PENDING = 20_000
"""Rows kept for a retry after failed writes (about 1 KB each at most)."""
MAX_BACKOFF = 30.0
"""Longest wait, in seconds, between two tries of a failing write."""
READ_TIMEOUT = 2.0
"""Seconds a reading helper (a CLI command) waits for the writer's lock."""
MAX_TEXT = 1000
"""Longer questions are cut (the matcher does not read further either)."""
_BATCH = 500
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
"""Fixed width, so that text order is time order and `--since` is a string comparison."""

# Migrations: _MIGRATIONS[n] takes a database from version n to n + 1. Append, never
# edit: a file in the field may be at any earlier version.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            asked_at TEXT NOT NULL,     -- UTC, 2024-06-19T10:31:07.123456Z
            channel TEXT NOT NULL,      -- telegram, inline or chat
            question TEXT NOT NULL,     -- as typed (at most 1000 characters)
            status TEXT NOT NULL,       -- answer, suggest or unknown
            entry_id TEXT,              -- the answer, or the matcher's best guess
            score REAL NOT NULL         -- 0-100
        )""",
        "CREATE INDEX questions_by_time ON questions (asked_at)",
        """CREATE TABLE choices (
            id INTEGER PRIMARY KEY,
            chosen_at TEXT NOT NULL,
            channel TEXT NOT NULL,
            question TEXT NOT NULL,     -- the question the suggestions were for
            entry_id TEXT               -- the suggestion picked; NULL: none of these
        )""",
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            given_at TEXT NOT NULL,
            channel TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            good INTEGER NOT NULL       -- 1: 👍, 0: 👎
        )""",
    ),
    (  # 2: what `faqbot learn` reads (variants learned from users)
        # The question that led to the answer voted on, when the bot knows it.
        "ALTER TABLE feedback ADD COLUMN question TEXT",
        """CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            clicked_at TEXT NOT NULL,
            channel TEXT NOT NULL,
            question TEXT NOT NULL,     -- the question that got the answer
            answered_entry TEXT NOT NULL, -- the entry answered with
            entry_id TEXT NOT NULL      -- the related question clicked under it
        )""",
    ),
)
_MIGRATIONS += (
    (
        """CREATE TABLE lost (
            id INTEGER PRIMARY KEY,
            noted_at TEXT NOT NULL,     -- UTC, when the count could be written
            rows INTEGER NOT NULL       -- rows (questions, choices, feedback) never written
        )""",
    ),
    (  # 4: a question read as a follow-up, with the entry whose answer it followed
        "ALTER TABLE questions ADD COLUMN after_entry TEXT",
    ),
)
assert len(_MIGRATIONS) == SCHEMA_VERSION

_INSERTS = {
    "questions": "INSERT INTO questions"
    " (asked_at, channel, question, status, entry_id, score, after_entry)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)",
    "choices": "INSERT INTO choices (chosen_at, channel, question, entry_id) VALUES (?, ?, ?, ?)",
    "feedback": "INSERT INTO feedback (given_at, channel, entry_id, good, question)"
    " VALUES (?, ?, ?, ?, ?)",
    "followups": "INSERT INTO followups (clicked_at, channel, question, answered_entry, entry_id)"
    " VALUES (?, ?, ?, ?, ?)",
}

SqlValue = str | float | int | None


class QuestionLogError(Exception):
    """The log file exists but cannot be read (corrupt, foreign, or from a newer faqbot)."""


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question that got a suggestion or no answer (see `QuestionLog.unanswered`)."""

    asked_at: datetime
    channel: str
    question: str
    status: Status | None
    """None when only the "none of these" choice was logged, not the question."""
    entry_id: str | None
    """The matcher's best guess at the time (None when nothing came close)."""
    score: float
    picked: str | None = None
    """The suggestion the user then picked, if any."""
    rejected: bool = False
    """The user answered "none of these" to the suggestions."""
    after: str | None = None
    """For a question read as a follow-up: the entry whose answer it followed."""


@dataclass(frozen=True)
class Counts:
    """How many questions got each status (small talk is counted apart, not a question)."""

    answered: int = 0
    suggested: int = 0
    unknown: int = 0
    smalltalk: int = 0

    @property
    def total(self) -> int:
        """All questions (small talk excluded)."""
        return self.answered + self.suggested + self.unknown


@dataclass(frozen=True)
class EntryUse:
    """How often an entry was given: answered directly, or picked among suggestions."""

    entry_id: str
    answered: int
    picked: int

    @property
    def total(self) -> int:
        """Both ways together."""
        return self.answered + self.picked


@dataclass(frozen=True)
class EntryFeedback:
    """👍 and 👎 received by one entry."""

    entry_id: str
    good: int
    bad: int


@dataclass(frozen=True)
class Signal:
    """What a user's action says about the entry a question meant (`QuestionLog.signals`)."""

    kind: str
    """picked (a suggestion), none ("none of these"), good (👍), bad (👎), followup."""
    at: datetime
    question: str
    entry_id: str | None
    """The entry picked, voted on or clicked (None for "none of these")."""
    answered_entry: str | None = None
    """For a follow-up: the entry whose answer the related question was clicked under."""


@dataclass(frozen=True)
class _Row:
    table: str
    values: tuple[SqlValue, ...]


@dataclass(frozen=True)
class _Flush:
    done: threading.Event


_STOP = object()
"""Queued by `close()`: the writer thread ends after the rows before it."""


def _stamp(moment: datetime) -> str:
    """A datetime as stored: UTC, fixed width (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def _parse_stamp(text: str) -> datetime:
    if len(text) != 27 or not text.endswith("Z"):  # fromisoformat would take other forms
        raise ValueError(f"not a time stamp of the log: {text!r}")
    return datetime.fromisoformat(text)  # 10 times faster than strptime (big logs)


def _now() -> datetime:
    return datetime.now(UTC)


class QuestionLog:
    """The question log over one SQLite file; `QuestionLog(None)` is a disabled log.

    See the module docstring for what is stored and how failures are handled.
    `clock` is for tests (the time stamped on each row).
    """

    def __init__(
        self,
        path: Path | str | None,
        *,
        clock: Callable[[], datetime] = _now,
        queue_size: int = QUEUE_SIZE,
        busy_timeout: float = BUSY_TIMEOUT,
        max_pending: int = MAX_PENDING,
    ) -> None:
        # Absolute: the writer thread opens the file later, whatever the directory then.
        self.path: Path | None = Path(path).absolute() if path is not None else None
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._queue: queue.Queue[object] = queue.Queue(maxsize=queue_size)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._dropping = False
        self._lost = 0  # rows lost by this process (under self._lock)
        self._lost_unrecorded = 0  # of which not yet counted in the file (under self._lock)
        # Only the writer thread touches these.
        self._connection: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._failing = False
        self._overflowing = False
        self._max_pending = max_pending

    def __repr__(self) -> str:
        return f"QuestionLog({str(self.path)!r})" if self.path else "QuestionLog(None)"

    @property
    def enabled(self) -> bool:
        """False for a disabled log (no path)."""
        return self.path is not None

    @property
    def lost(self) -> int:
        """Rows this process could not log (see the module docstring)."""
        with self._lock:
            return self._lost

    def _lose(self, rows: int, *, recordable: bool = True) -> None:
        """Count `rows` lost; `recordable`: the writer will note them in the file."""
        with self._lock:
            self._lost += rows
            if recordable:
                self._lost_unrecorded += rows

    @property
    def where(self) -> str:
        """The log file as a maintainer would type it (for messages)."""
        return display_path(self.path) if self.path is not None else "disabled"

    # --- writing ----------------------------------------------------------------------

    def record_question(
        self, decision: Decision, *, channel: str, after: str | None = None
    ) -> None:
        """Log a question and the matcher's decision; `after`: the entry whose answer
        it was read as a follow-up to, if it was. Returns at once; never raises."""
        self._put(
            "questions",
            lambda: (
                str(channel),
                str(decision.question)[:MAX_TEXT],
                str(Status(decision.status).value),
                decision.entry.id if decision.entry is not None else None,
                float(decision.score),
                None if after is None else str(after),
            ),
        )

    def record_choice(self, question: str, entry_id: str | None, *, channel: str) -> None:
        """Log the suggestion picked for `question`; None means "none of these"."""
        self._put(
            "choices",
            lambda: (
                str(channel),
                str(question)[:MAX_TEXT],
                None if entry_id is None else str(entry_id),
            ),
        )

    def record_feedback(
        self, entry_id: str, good: bool, *, channel: str, question: str | None = None
    ) -> None:
        """Log a 👍 (`good`) or 👎 on the answer of an entry, and the question that led
        to it when known."""
        self._put(
            "feedback",
            lambda: (
                str(channel),
                str(entry_id),
                1 if good else 0,
                None if question is None else str(question)[:MAX_TEXT],
            ),
        )

    def record_followup(
        self, question: str, answered_entry: str, entry_id: str, *, channel: str
    ) -> None:
        """Log a click on a related question (`entry_id`) under the answer (`answered_entry`)
        that `question` got."""
        self._put(
            "followups",
            lambda: (str(channel), str(question)[:MAX_TEXT], str(answered_entry), str(entry_id)),
        )

    def _put(self, table: str, values: Callable[[], tuple[SqlValue, ...]]) -> None:
        """Queue a row; `values` is called here, so that even a bad argument cannot raise."""
        if self.path is None:
            return
        try:
            row = _Row(table, (_stamp(self._clock()), *values()))
            with self._lock:
                if self._closed:
                    self._lost += 1  # the writer has stopped: counted here only
                    log.debug("question log %s is closed; row dropped", self.where)
                    return
                self._start()
                self._queue.put_nowait(row)
        except queue.Full:
            self._lose(1)
            if not self._dropping:
                self._dropping = True
                log.warning(
                    "question log %s: %d rows are waiting to be written; new rows are "
                    "dropped (and counted, see `faqbot stats`) until the disk catches up",
                    self.where,
                    self._queue.maxsize,
                )
        except Exception:  # never let logging break answering
            log.exception("question log %s: could not queue a row", self.where)

    def _start(self) -> None:
        """Start the writer thread (with self._lock held)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"questionlog:{self.where}", daemon=True
            )
            self._thread.start()
            atexit.register(self.close)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until the writer has tried every row queued so far; False on timeout.

        Tried: written, or kept in the retry queue after a failed write.

        Blocks the caller: for tests, the CLI and shutdown, not for asyncio handlers.
        """
        with self._lock:
            if self._thread is None or self._closed:
                return True
            marker = _Flush(threading.Event())
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        return marker.done.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (waiting at most `timeout` seconds) and stop the writer."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
        if thread is None:
            return
        atexit.unregister(self.close)
        try:
            self._queue.put(_STOP, timeout=timeout)
        except queue.Full:
            log.warning("question log %s: could not write the last rows", self.where)
            return
        thread.join(timeout)

    def _run(self) -> None:
        """The writer thread: write queued rows in batches until `_STOP`, retrying failures."""
        pending: list[_Row] = []
        backoff = 0.0
        next_try = 0.0
        stop = False
        while not stop:
            waiting = bool(pending) or self._unrecorded() > 0
            batch = self._take(max(0.0, next_try - time.monotonic()) if waiting else None)
            stop = self._keep(batch, pending)
            urgent = stop or any(isinstance(item, _Flush) for item in batch)
            if (pending or self._unrecorded()) and (urgent or time.monotonic() >= next_try):
                if self._write(pending):
                    pending = []
                    backoff = 0.0
                else:
                    backoff = min(max(2 * backoff, 0.5), MAX_BACKOFF)
                    next_try = time.monotonic() + backoff
            if self._queue.empty():
                self._dropping = False
            for item in batch:
                if isinstance(item, _Flush):
                    item.done.set()
        if pending:
            self._lose(len(pending), recordable=False)
            log.warning(
                "question log %s: %d row(s) could not be written before stopping and are lost",
                self.where,
                len(pending),
            )
        self._disconnect()

    def _take(self, wait: float | None) -> list[object]:
        """Up to `_BATCH` queued items, waiting at most `wait` seconds (None: for ever)."""
        batch: list[object] = []
        try:
            batch.append(self._queue.get(timeout=wait))
        except queue.Empty:
            return batch
        while len(batch) < _BATCH:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _keep(self, batch: list[object], pending: list[_Row]) -> bool:
        """Move the batch's rows to `pending` (counting those beyond room); True at `_STOP`."""
        rows = [item for item in batch if isinstance(item, _Row)]
        room = max(0, self._max_pending - len(pending))
        pending.extend(rows[:room])
        if len(rows) > room:
            self._lose(len(rows) - room)
            self._warn_lost(len(rows) - room)
        return any(item is _STOP for item in batch)

    def _unrecorded(self) -> int:
        with self._lock:
            return self._lost_unrecorded

    def _warn_lost(self, rows: int) -> None:
        """Warn (once per episode of failures) that the retry queue is full."""
        if not self._overflowing:
            self._overflowing = True
            log.warning(
                "question log %s: %d rows wait for a retry; %d more row(s) lost (counted, "
                "see `faqbot stats`) until writing works again",
                self.where,
                self._max_pending,
                rows,
            )

    def _write(self, rows: Sequence[_Row]) -> bool:
        """Write `rows` and the lost-row count in one transaction; False if it failed."""
        with self._lock:
            lost, self._lost_unrecorded = self._lost_unrecorded, 0
        try:
            connection = self._connect()
            connection.execute("BEGIN IMMEDIATE")
            try:
                for row in rows:
                    connection.execute(_INSERTS[row.table], row.values)
                if lost:
                    connection.execute(
                        "INSERT INTO lost (noted_at, rows) VALUES (?, ?)",
                        (_stamp(self._clock()), lost),
                    )
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            # Copy the WAL into the file now, without waiting for readers: the file alone
            # then holds every row, should a maintainer move it away (see _connect).
            with suppress(sqlite3.Error):
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception as exc:  # sqlite3.Error, OSError, or anything unforeseen
            with self._lock:
                self._lost_unrecorded += lost
            self._disconnect()
            if not self._failing:
                self._failing = True
                log.warning(
                    "question log %s: cannot write (%s: %s); rows are kept and retried "
                    "until it works again (this warning is not repeated)",
                    self.where,
                    getattr(exc, "sqlite_errorname", type(exc).__name__),
                    exc,
                )
            else:
                log.debug(
                    "question log %s: %d rows kept for a retry (%s)", self.where, len(rows), exc
                )
            return False
        if self._failing:
            self._failing = False
            log.info("question log %s: writing again", self.where)
        self._overflowing = False
        return True

    def _connect(self) -> sqlite3.Connection:
        """The writer's connection, opened (and the schema created) when first needed."""
        assert self.path is not None
        if self._connection is not None:
            # A maintainer may move the file away (to start afresh): writing on through
            # the old connection would lose every row, so follow the path instead.
            if _identity(self.path) == self._identity:
                return self._connection
            self._disconnect()
            if not self.path.exists():
                # Moved or deleted: its WAL files, left by that name, belong to it (and
                # were copied into it after each write); SQLite would replay them into
                # the new file.
                for suffix in ("-wal", "-shm"):
                    with suppress(OSError):
                        Path(f"{self.path}{suffix}").unlink()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
        try:
            _use_wal(connection)
            _migrate(connection)
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        self._identity = _identity(self.path)
        return connection

    def _disconnect(self) -> None:
        if self._connection is not None:
            with suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None

    # --- reading (for the maintenance commands) ---------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        """A read-only connection, or None when there is nothing to read yet."""
        if self._thread is not None:
            self.flush()
        if self.path is None or not self.path.exists():
            yield None
            return
        uri = self.path.resolve().as_uri() + "?mode=ro"
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=READ_TIMEOUT)
        except sqlite3.Error as exc:
            raise QuestionLogError(f"{self.where}: cannot open the question log: {exc}") from exc
        with closing(connection):
            try:
                version = connection.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.Error as exc:
                raise QuestionLogError(
                    f"{self.where}: not a readable question log ({exc}); move it away "
                    "and a new one will be started"
                ) from exc
            if version > SCHEMA_VERSION:
                raise QuestionLogError(
                    f"{self.where}: written by a newer faqbot (schema version {version}, "
                    f"this one reads up to {SCHEMA_VERSION}); upgrade faqbot"
                )
            if version == 0:
                if connection.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()[0]:
                    raise QuestionLogError(
                        f"{self.where}: an SQLite database, but not a question log"
                    )
                yield None  # created, but nothing written yet
                return
            try:
                yield connection
            except sqlite3.Error as exc:
                raise QuestionLogError(
                    f"{self.where}: cannot read the question log: {exc}"
                ) from exc

    def _schema_version(self) -> int:
        """The file's schema version (0: nothing to read yet); a reader never upgrades
        it, so a query names the columns of that version only."""
        with self._reading() as connection:
            if connection is None:
                return 0
            return int(connection.execute("PRAGMA user_version").fetchone()[0])

    def _select(
        self, sql: str, column: str, since: datetime | None, *, group_by: str | None = None
    ) -> list[tuple[SqlValue, ...]]:
        """Rows of `sql` (which ends with a WHERE clause) on or after `since`."""
        with self._reading() as connection:
            if connection is None:
                return []
            where, parameters = _since(column, since)
            tail = f" GROUP BY {group_by}" if group_by else ""
            return [tuple(r) for r in connection.execute(f"{sql}{where}{tail}", parameters)]

    def unanswered(self, since: datetime | None = None) -> list[UnansweredQuestion]:
        """Questions that got `suggest` or `unknown` on or after `since`, oldest first.

        A "none of these" choice marks the suggested question it answers (same text and
        channel) as `rejected`, or is listed on its own when that question is not in
        the log. A picked suggestion is noted in `picked` the same way.
        """
        after = "after_entry" if self._schema_version() >= 4 else "NULL"
        rows = self._select(
            f"SELECT asked_at, channel, question, status, entry_id, score, {after} "
            "FROM questions WHERE status IN ('suggest', 'unknown')",
            "asked_at",
            since,
        )
        choices = self._select(
            "SELECT chosen_at, channel, question, entry_id FROM choices WHERE 1",
            "chosen_at",
            since,
        )
        try:
            questions = [
                UnansweredQuestion(
                    asked_at=_parse_stamp(str(asked_at)),
                    channel=str(channel),
                    question=str(question),
                    status=Status(str(status)),
                    entry_id=None if entry_id is None else str(entry_id),
                    score=float(score or 0.0),
                    after=None if previous is None else str(previous),
                )
                for asked_at, channel, question, status, entry_id, score, previous in rows
            ]
            moments = [_parse_stamp(str(c[0])) for c in choices]
        except (ValueError, TypeError) as exc:
            raise QuestionLogError(f"{self.where}: a row cannot be read ({exc})") from exc
        questions.sort(key=lambda q: q.asked_at)
        # Attach each choice to the latest earlier unclaimed question with its text.
        waiting: dict[tuple[str, str], list[int]] = {}
        for index, row in enumerate(questions):
            waiting.setdefault((row.question, row.channel), []).append(index)
        for moment, (_, channel, question, entry_id) in sorted(
            zip(moments, choices, strict=True), key=lambda c: c[0]
        ):
            candidates = waiting.get((str(question), str(channel)), [])
            match = next((i for i in reversed(candidates) if questions[i].asked_at <= moment), None)
            if match is not None:
                candidates.remove(match)
                questions[match] = dataclasses.replace(
                    questions[match],
                    picked=None if entry_id is None else str(entry_id),
                    rejected=entry_id is None,
                )
            elif entry_id is None:
                questions.append(
                    UnansweredQuestion(
                        moment, str(channel), str(question), None, None, 0.0, rejected=True
                    )
                )
        questions.sort(key=lambda q: q.asked_at)
        return questions

    def _grouped(self, table: str, column: str, stamp: str, since: datetime | None) -> Counter[str]:
        """COUNT(*) of `table` per value of `column` (NULLs left out), counted by SQLite."""
        with self._reading() as connection:
            if connection is None:
                return Counter()
            where, parameters = _since(stamp, since)
            rows = connection.execute(
                f"SELECT {column}, COUNT(*) FROM {table} WHERE {column} IS NOT NULL{where} "
                f"GROUP BY {column}",
                parameters,
            )
            return Counter({str(value): int(count) for value, count in rows})

    def lost_rows(self, since: datetime | None = None) -> int:
        """Rows the bot could not log (counted in the file), noted on or after `since`."""
        with self._reading() as connection:
            if connection is None:
                return 0
            exists = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'lost'"
            if connection.execute(exists).fetchone() is None:  # a version 1 file
                return 0
            start = _stamp(since) if since is not None else ""
            total = connection.execute(
                "SELECT COALESCE(SUM(rows), 0) FROM lost WHERE noted_at >= ?", (start,)
            ).fetchone()[0]
            return int(total)

    def counts(self, since: datetime | None = None) -> Counts:
        """How many questions were answered, got suggestions, or got no answer."""
        by_status = self._grouped("questions", "status", "asked_at", since)
        return Counts(
            answered=by_status[Status.ANSWER.value],
            suggested=by_status[Status.SUGGEST.value],
            unknown=by_status[Status.UNKNOWN.value],
            smalltalk=by_status[Status.SMALLTALK.value],
        )

    def channels(self, since: datetime | None = None) -> dict[str, int]:
        """How many questions came through each channel, most first."""
        rows = self._select(
            "SELECT channel, COUNT(*) FROM questions WHERE 1",
            "asked_at",
            since,
            group_by="channel ORDER BY COUNT(*) DESC, MIN(id)",  # ties: first seen first
        )
        return {str(channel): int(count or 0) for channel, count in rows}

    def top_entries(self, since: datetime | None = None, limit: int = 10) -> list[EntryUse]:
        """The entries given most often (answered directly or picked), most first."""
        answered = Counter(
            {
                str(entry_id): int(count or 0)
                for entry_id, count in self._select(
                    "SELECT entry_id, COUNT(*) FROM questions "
                    "WHERE status = 'answer' AND entry_id IS NOT NULL",
                    "asked_at",
                    since,
                    group_by="entry_id",
                )
            }
        )
        picked = Counter(
            str(entry_id)
            for (entry_id,) in self._select(
                "SELECT entry_id FROM choices WHERE entry_id IS NOT NULL", "chosen_at", since
            )
        )
        uses = [EntryUse(e, answered[e], picked[e]) for e in answered.keys() | picked.keys()]
        uses.sort(key=lambda u: (-u.total, -u.answered, u.entry_id))
        return uses[:limit]

    def feedback(self, since: datetime | None = None) -> list[EntryFeedback]:
        """👍 and 👎 per entry, most feedback first."""
        rows = self._select("SELECT entry_id, good FROM feedback WHERE 1", "given_at", since)
        good = Counter(str(e) for e, g in rows if g)
        bad = Counter(str(e) for e, g in rows if not g)
        result = [EntryFeedback(e, good[e], bad[e]) for e in good.keys() | bad.keys()]
        result.sort(key=lambda f: (-(f.good + f.bad), -f.bad, f.entry_id))
        return result

    def signals(self, since: datetime | None = None) -> list[Signal]:
        """What users said about which entry a question meant, oldest first: suggestions
        picked or refused ("none of these"), 👍/👎 that know their question, and
        related questions clicked under an answer (for `faqbot learn`)."""
        rows: list[tuple[SqlValue, ...]] = []
        rows += [
            ("picked" if e is not None else "none", t, q, e, None)
            for t, q, e in self._select(
                "SELECT chosen_at, question, entry_id FROM choices WHERE 1", "chosen_at", since
            )
        ]
        rows += [
            ("good" if g else "bad", t, q, e, None)
            for t, q, e, g in self._select(
                "SELECT given_at, question, entry_id, good FROM feedback "
                "WHERE question IS NOT NULL",
                "given_at",
                since,
            )
        ]
        rows += [
            ("followup", t, q, e, f)
            for t, q, e, f in self._select(
                "SELECT clicked_at, question, entry_id, answered_entry FROM followups WHERE 1",
                "clicked_at",
                since,
            )
        ]
        try:
            found = [
                Signal(
                    kind=str(kind),
                    at=_parse_stamp(str(at)),
                    question=str(question),
                    entry_id=None if entry is None else str(entry),
                    answered_entry=None if origin is None else str(origin),
                )
                for kind, at, question, entry, origin in rows
            ]
        except (ValueError, TypeError) as exc:
            raise QuestionLogError(f"{self.where}: a row cannot be read ({exc})") from exc
        found.sort(key=lambda s: s.at)
        return found

    def followup_questions(self, since: datetime | None = None) -> dict[str, Counter[str]]:
        """The questions read as follow-ups, each with how many times it followed each
        entry's answer (for `faqbot learn`: a follow-up is no variant)."""
        if self._schema_version() < 4:  # the version that logs it
            return {}
        rows = self._select(
            "SELECT question, after_entry FROM questions WHERE after_entry IS NOT NULL",
            "asked_at",
            since,
        )
        found: dict[str, Counter[str]] = {}
        for question, after in rows:
            found.setdefault(str(question), Counter())[str(after)] += 1
        return found

    def choices(self, since: datetime | None = None) -> list[tuple[str | None, int]]:
        """How often each suggestion was picked (None: "none of these"), most first."""
        rows = self._select("SELECT entry_id FROM choices WHERE 1", "chosen_at", since)
        counted = Counter(None if e is None else str(e) for (e,) in rows)
        return sorted(counted.items(), key=lambda item: (-item[1], item[0] or ""))


def _since(column: str, since: datetime | None) -> tuple[str, tuple[str, ...]]:
    """The SQL condition (" AND column >= ?") and its parameter, or nothing for all time.

    Without `since` there is no condition at all: SQLite then reads the table in order,
    much faster on a big log than going through the time index for every row.
    """
    if since is None:
        return "", ()
    return f" AND {column} >= ?", (_stamp(since),)


def _identity(path: Path) -> tuple[int, int] | None:
    """The file's device and inode (None if missing): what tells a replaced file."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def _use_wal(connection: sqlite3.Connection) -> None:
    """WAL mode (readers and the writer never block each other), on a question log only.

    The mode is stored in the file, so it is set once; a foreign or newer file is left
    as it is (`_migrate` refuses it next), and a file system without WAL support keeps
    its rollback journal.
    """
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    tables = int(connection.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()[0])
    if version > SCHEMA_VERSION or (version == 0 and tables):
        return
    mode = str(connection.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    if mode != "wal":
        connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")  # WAL: durable across app crashes


def _migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION (in one transaction); raise if impossible."""
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"written by a newer faqbot (schema version {version}, this one knows up to "
            f"{SCHEMA_VERSION}); it is left alone"
        )
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if version == 0 and connection.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()[0]:
            raise sqlite3.DatabaseError(
                "an SQLite database, but not a question log; it is left alone"
            )
        for step in _MIGRATIONS[version:]:
            for statement in step:
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
