"""The durable queue: updates received but not yet handled, answers not yet delivered.

One SQLite file in the state folder (`Config.state_dir / "queue.sqlite3"`), two tables:

- `inbox`: each update fetched from Telegram, stored *before* Telegram is told it was
  received (the next getUpdates offset). Its payload is wiped as soon as the update is
  handled; the bare update id stays until Telegram has confirmed it, so that an update
  fetched twice (a crash between storing and confirming) is handled once.
- `outbox`: the Bot API calls the handlers asked for (a message, or one part of a long
  one, an edit, a new keyboard), in the order they were asked, deleted once delivered.

Handling an update and queueing its answers is one transaction (`finish_update`): after a
crash, an update is either still in the inbox (handled again, no answer queued yet) or
its answers are all in the outbox (never handled twice). SQLite runs in WAL mode with
`synchronous=NORMAL`: a commit survives the process being killed (SIGKILL, a crash), not
a power cut of the machine in the last moments before it.

Privacy: an update is stored with the sender's names and username removed (`scrub`), and
only until it is handled (milliseconds, or until the next start after a crash or stop). An
outbox row holds a chat id and the text to send only until it is delivered. Deleted rows
are overwritten (`secure_delete`), and closing the file folds the WAL into it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FILE_NAME", "DurableQueue", "Outgoing", "QueuedCall", "scrub"]

FILE_NAME = "queue.sqlite3"
"""The queue's file name inside the state folder."""
CONFIRM_WINDOW = 23 * 3600
"""Telegram keeps unconfirmed updates for 24 h: a stored id older than this is never used
as the next offset (update ids may restart elsewhere after a week without updates)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    update_id INTEGER PRIMARY KEY,
    payload TEXT,              -- NULL once handled
    received REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    update_id INTEGER,         -- the update it answers (NULL: none)
    kind TEXT NOT NULL,        -- send, edit or markup
    body TEXT NOT NULL         -- JSON: text, buttons, reply_to, thread_id, message_id...
);
CREATE INDEX IF NOT EXISTS outbox_by_chat ON outbox (chat_id, id);
"""

_PERSONAL = ("first_name", "last_name", "username")


def scrub(value: Any) -> Any:
    """A copy of an update's JSON without people's names and usernames (ids are kept).

    PTB requires a `first_name` on every User and private Chat, so it is kept as "-".
    """
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {key: scrub(item) for key, item in value.items() if key not in _PERSONAL[1:]}
    if "first_name" in result:
        result["first_name"] = "-"
    return result


@dataclass(frozen=True)
class Outgoing:
    """A Bot API call to make for an update, before it has an id in the outbox."""

    chat_id: int
    kind: str
    body: dict[str, Any]


@dataclass(frozen=True)
class QueuedCall:
    """A row of the outbox."""

    id: int
    chat_id: int
    update_id: int | None
    kind: str
    body: dict[str, Any]


class DurableQueue:
    """The inbox and outbox in one SQLite file (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute("PRAGMA secure_delete=ON")  # a delivered text is overwritten too
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the file (everything committed is already safe)."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- inbox -------------------------------------------------------------------------

    def receive(self, updates: Iterable[tuple[int, dict[str, Any] | None]]) -> list[int]:
        """Store fetched updates (id, JSON; None for one that will not be handled).

        Returns the ids that are new: an id already stored (fetched before a crash that
        came before its confirmation) is not handled twice.
        """
        now = time.time()
        new: list[int] = []
        with self._transaction() as db:
            for update_id, payload in updates:
                text = None if payload is None else json.dumps(scrub(payload))
                cursor = db.execute(
                    "INSERT OR IGNORE INTO inbox (update_id, payload, received) VALUES (?, ?, ?)",
                    (update_id, text, now),
                )
                if cursor.rowcount:
                    new.append(update_id)
        return new

    def next_offset(self) -> int | None:
        """The getUpdates offset that confirms every stored update (None: nothing stored)."""
        row = self._db.execute(
            "SELECT MAX(update_id) FROM inbox WHERE received > ?",
            (time.time() - CONFIRM_WINDOW,),
        ).fetchone()
        return None if row[0] is None else int(row[0]) + 1

    def confirmed(self, offset: int) -> None:
        """Telegram confirmed every update below `offset`: forget the handled ones."""
        self._db.execute("DELETE FROM inbox WHERE update_id < ? AND payload IS NULL", (offset,))

    def unhandled(self) -> list[tuple[int, dict[str, Any]]]:
        """Updates stored but not handled yet (after a restart), oldest first."""
        rows = self._db.execute(
            "SELECT update_id, payload FROM inbox WHERE payload IS NOT NULL ORDER BY update_id"
        ).fetchall()
        return [(int(update_id), json.loads(payload)) for update_id, payload in rows]

    def finish_update(self, update_id: int, calls: Iterable[Outgoing]) -> list[QueuedCall]:
        """Queue an update's calls and mark it handled, in one transaction."""
        return self.add(update_id, calls, handled=True)

    def add(
        self, update_id: int | None, calls: Iterable[Outgoing], *, handled: bool = False
    ) -> list[QueuedCall]:
        """Queue calls (for an update, or none); with `handled`, mark the update handled."""
        queued: list[QueuedCall] = []
        with self._transaction() as db:
            for call in calls:
                cursor = db.execute(
                    "INSERT INTO outbox (chat_id, update_id, kind, body) VALUES (?, ?, ?, ?)",
                    (call.chat_id, update_id, call.kind, json.dumps(call.body)),
                )
                assert cursor.lastrowid is not None
                queued.append(
                    QueuedCall(cursor.lastrowid, call.chat_id, update_id, call.kind, call.body)
                )
            if handled:
                db.execute("UPDATE inbox SET payload = NULL WHERE update_id = ?", (update_id,))
        return queued

    # --- outbox ------------------------------------------------------------------------

    def pending(self) -> list[QueuedCall]:
        """Every call not delivered yet, in the order they were queued."""
        rows = self._db.execute(
            "SELECT id, chat_id, update_id, kind, body FROM outbox ORDER BY id"
        ).fetchall()
        return [
            QueuedCall(int(i), int(chat), None if u is None else int(u), kind, json.loads(body))
            for i, chat, u, kind, body in rows
        ]

    def delivered(self, call_id: int) -> None:
        """The call went through (or will never be made): delete it."""
        self._db.execute("DELETE FROM outbox WHERE id = ?", (call_id,))

    def moved(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup with a new id: its pending calls go there."""
        self._db.execute(
            "UPDATE outbox SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
        )

    def counts(self) -> tuple[int, int]:
        """(unhandled updates, undelivered calls), for logs and tests."""
        inbox = self._db.execute("SELECT COUNT(*) FROM inbox WHERE payload IS NOT NULL")
        outbox = self._db.execute("SELECT COUNT(*) FROM outbox")
        return int(inbox.fetchone()[0]), int(outbox.fetchone()[0])
