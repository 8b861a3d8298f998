"""From Telegram to the handlers and back, without losing anything: `Pipeline`.

It replaces PTB's Updater (whose updates are confirmed to Telegram before they are
handled, and whose backlog lives in memory):

1. **fetch**: a long-poll loop calls getUpdates and stores each update in the durable
   inbox (bot.telegram.durable) *before* the next getUpdates confirms it to Telegram. The raw JSON
   is read here, update by update: one that python-telegram-bot cannot parse (e.g. a poll
   without fields newer than the server) is skipped with one short log line, and the
   others are handled. Failed getUpdates calls back off (`fetch_retry_initial`, doubling up
   to `fetch_retry_max`), with one log line per outage, not one per attempt;
2. **handle**: each update goes to the Application (its handlers, per-user processor and
   error handler, unchanged), inside an outbox scope (`telegram_io.Collector`): the
   replies the handlers send are collected, then queued durably in the same transaction
   that marks the update handled;
3. **send**: bot.telegram.sending delivers the outbox, fairly and within the flood limits,
   retrying for as long as Telegram is unreachable.

`receive(raw_updates)` is the entry point of step 1's results: a webhook server can call
it with the updates Telegram posts, and answer Telegram only once it returns (they are then
stored), for the same guarantees.

On start, what a previous run left (updates stored but not handled, calls not delivered)
is handled and delivered first. `stop(grace)` stops fetching, gives the handlers and the
calls in flight `grace` seconds each, and leaves the rest in the queue for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.telegram import io
from bot.telegram.durable import FILE_NAME, DurableQueue
from bot.telegram.sending import FairSender, Limits

__all__ = ["Pipeline"]

logger = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]


class Pipeline:
    """Fetching, handling and sending with a durable queue (see the module docstring)."""

    def __init__(
        self,
        application: AnyApp,
        state_dir: Path,
        *,
        limits: Limits,
        allowed_updates: list[str],
        poll_timeout: int = 30,
        fetch_retry_initial: float = 1.0,
        fetch_retry_max: float = 30.0,
    ) -> None:
        self.application = application
        self.path = state_dir / FILE_NAME
        self.limits = limits
        self.allowed_updates = allowed_updates
        self.poll_timeout = poll_timeout
        self.fetch_retry_initial = fetch_retry_initial
        self.fetch_retry_max = fetch_retry_max
        self.on_settled: list[Callable[[int], None]] = []
        """Called with an update id once it is handled and its replies delivered (tests)."""
        self.queue: DurableQueue | None = None
        self.sender: FairSender | None = None
        self._handling: set[asyncio.Task[None]] = set()
        self._fetching: asyncio.Task[None] | None = None

    # --- life cycle --------------------------------------------------------------------

    async def start(self, *, fetch: bool = True) -> None:
        """Open the queue, resume what a previous run left, then fetch (unless told not to)."""
        self.queue = DurableQueue(self.path)
        self.sender = FairSender(
            self.application.bot, self.queue, self.limits, on_settled=self._settled
        )
        pending = self.queue.pending()
        self.sender.add(pending)
        self.sender.start()
        left = self.queue.unhandled()
        if pending or left:
            logger.info(
                "resuming: %d update(s) to handle, %d call(s) to deliver", len(left), len(pending)
            )
        if left:
            self.sender.latest_update_id = left[-1][0]
        for update_id, payload in left:
            update = self._parse(update_id, payload)
            if update is not None:
                self._dispatch(update)
        if fetch:
            self._fetching = asyncio.create_task(self._fetch_loop(), name="faqbot.fetch")

    async def stop(self, grace: float = 3.0) -> None:
        """Stop fetching; finish or persist what is in flight within about 2 × `grace` s."""
        if self._fetching is not None:
            self._fetching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._fetching
        if self._handling:  # unfinished updates stay in the inbox, handled after a restart
            _, late = await asyncio.wait(list(self._handling), timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        if self.sender is not None:
            await self.sender.stop(grace)
        if self.queue is not None:
            unhandled, undelivered = self.queue.counts()
            if unhandled or undelivered:
                logger.info(
                    "stopped with %d update(s) to handle and %d call(s) to deliver at the "
                    "next start",
                    unhandled,
                    undelivered,
                )
            self.queue.close()

    # --- fetching ----------------------------------------------------------------------

    async def _fetch_loop(self) -> None:
        assert self.queue is not None
        bot = self.application.bot
        offset = self.queue.next_offset()
        failures = 0
        loop = asyncio.get_running_loop()
        while True:
            data: dict[str, Any] = {
                "timeout": self.poll_timeout,
                "allowed_updates": self.allowed_updates,
                "limit": 100,
            }
            if offset is not None:
                data["offset"] = offset
            started = loop.time()
            try:
                # Raw JSON (Bot.get_updates parses the whole batch at once, so one update
                # it cannot read would fail every other one with it).
                raw = await bot._post("getUpdates", data, read_timeout=10.0 + self.poll_timeout)
            except Exception as exc:  # any failure of the call: back off, try again
                failures += 1
                delay = min(self.fetch_retry_max, self.fetch_retry_initial * 2 ** (failures - 1))
                if failures == 1:
                    logger.warning("getUpdates failed (%s); retrying with backoff", exc)
                await asyncio.sleep(delay)
                continue
            if failures:
                logger.info("getUpdates works again after %d failure(s)", failures)
                failures = 0
            try:
                if offset is not None:
                    self.queue.confirmed(offset)
                if isinstance(raw, list) and raw:
                    self.receive(raw)
                    offset = self.queue.next_offset()
            except sqlite3.Error as exc:  # e.g. disk full: nothing confirmed, try again
                logger.error("cannot store updates in %s: %s", self.path, exc)
                await asyncio.sleep(self.fetch_retry_max)
                continue
            if not raw and loop.time() - started < 0.01 and self.poll_timeout:
                # A server that answers a long poll at once, again and again: do not spin.
                await asyncio.sleep(0.1)

    def receive(self, raw_updates: list[Any]) -> None:
        """Store updates durably, then hand the new ones to the handlers.

        When this returns, the updates are safe: confirming them to Telegram (the next
        getUpdates offset, or a webhook's HTTP answer) loses nothing.
        """
        assert self.queue is not None
        stored: list[tuple[int, dict[str, Any] | None]] = []
        parsed: dict[int, Update] = {}
        for raw in raw_updates:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int):
                logger.warning("skipped an update without an update_id")
                continue
            update = self._parse(update_id, raw)
            if update is not None:
                parsed[update_id] = update
            stored.append((update_id, raw if update is not None else None))
        assert self.sender is not None
        if stored:
            newest = max(update_id for update_id, _ in stored)
            self.sender.latest_update_id = max(self.sender.latest_update_id, newest)
        for update_id in self.queue.receive(stored):
            update = parsed.get(update_id)
            if update is not None:
                self._dispatch(update)
            else:
                self._settled(update_id)

    def _parse(self, update_id: int, raw: dict[str, Any]) -> Update | None:
        try:
            return Update.de_json(raw, self.application.bot)
        except Exception as exc:  # whatever the library raises: skip this update only
            kinds = ", ".join(k for k in raw if k != "update_id") or "empty"
            logger.warning(
                "skipped update %d (%s): the library cannot read it (%s)",
                update_id,
                kinds,
                type(exc).__name__,
            )
            return None

    # --- handling ----------------------------------------------------------------------

    def _dispatch(self, update: Update) -> None:
        task = asyncio.create_task(self._handle(update), name=f"faqbot.update.{update.update_id}")
        self._handling.add(task)
        task.add_done_callback(self._handling.discard)

    async def _handle(self, update: Update) -> None:
        """Run the handlers on one update, then queue its replies and mark it handled."""
        app = self.application
        with io.collecting(io.Collector()) as collector:
            try:
                await app.update_processor.process_update(update, app.process_update(update))
            except asyncio.CancelledError:
                raise  # stopping: the update stays in the inbox
            except Exception:  # process_update sends handler errors to the error handler
                logger.exception("error while handling update %d", update.update_id)
        assert self.queue is not None
        assert self.sender is not None
        try:
            queued = self.queue.finish_update(update.update_id, collector.calls)
        except sqlite3.Error as exc:  # the update stays in the inbox, for the next start
            logger.error("cannot queue the replies to update %d: %s", update.update_id, exc)
            return
        for index, callback in collector.on_sent.items():
            self.sender.on_sent[queued[index].id] = callback
        if queued:
            self.sender.add(queued)
        else:
            self._settled(update.update_id)

    def _settled(self, update_id: int) -> None:
        for listener in self.on_settled:
            listener(update_id)
