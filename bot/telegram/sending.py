"""Fair sending: the outbox is delivered chat by chat, within Telegram's flood limits.

`FairSender` holds the outbox's calls in one queue per chat and delivers them:

- **in order within a chat**, one call in flight per chat;
- **fairly between chats**: whenever the overall rate allows one more call, it goes to the
  chat served least recently among those that may send now, a chat that has just started
  waiting coming first (one question is never answered after someone's tenth answer). A
  chat that must wait (a
  group at its limit, a 429's retry_after, a retry backoff) is skipped, never waited for,
  so it delays nobody else;
- **within the limits from the first second**: at most `overall_per_second` calls in any
  sliding window of one second, and `group_per_minute` per group (negative chat id) in
  any window of one minute. Both are sliding windows, so there is no initial burst
  (unlike PTB's AIORateLimiter, whose buckets start full), and a call counts in them from
  the moment it starts until a window's length (plus `margin`) after it ended, so that
  however late or early Telegram receives it, it never sees more than the limit in a
  window (see `_count`). With Telegram's usual latency that costs a few messages a second
  of the 30;
- **retried for as long as it takes**: a network error or a 5xx puts the chat in backoff
  (`retry_initial`, doubling up to `retry_max`); the first success after an outage
  retries every chat at once. A 429 waits out its retry_after, for that chat.

Permanent errors drop the call: a chat that blocked the bot or removed it (403, "chat
not found") loses its pending calls with one INFO line; an edit that is not needed any
more is dropped quietly; any other refusal (a bug: bad HTML, too long…) is logged as an
ERROR and the chat gets the apology instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from bot.conversation import replies
from bot.telegram import io
from bot.telegram.durable import DurableQueue, Outgoing, QueuedCall

__all__ = ["FairSender", "Limits"]

logger = logging.getLogger(__name__)

_CHAT_GONE = (
    "chat not found",
    "not enough rights",
    "have no rights",
    "chat_write_forbidden",
    "topic_closed",
    "bot was kicked",
    "peer_id_invalid",
    "user is deactivated",
)


@dataclass(frozen=True, kw_only=True)
class Limits:
    """How fast and how patiently the outbox is delivered (tests shorten the clocks)."""

    overall_per_second: int = 30
    """Telegram: about 30 messages per second overall."""
    group_per_minute: int = 20
    """Telegram: 20 messages per minute in a group."""
    second: float = 1.0
    minute: float = 60.0
    margin: float = 0.1
    """Seconds added to both windows, against network jitter."""
    throttle: bool = True
    """False: no flood limits at all (benchmarks of the pipeline's capacity)."""
    retry_initial: float = 1.0
    """Seconds before retrying a chat's call after a network error or a 5xx..."""
    retry_max: float = 30.0
    """...doubling each time up to this; retries never stop."""
    in_flight: int = 8
    """Calls (to different chats) in flight at once."""


OnSettled = Callable[[int], None]


class FairSender:
    """Delivers the outbox (see the module docstring). `add` calls, `start`, `stop`."""

    def __init__(
        self,
        bot: Bot,
        queue: DurableQueue,
        limits: Limits,
        *,
        on_settled: OnSettled | None = None,
    ) -> None:
        self.bot = bot
        self.queue = queue
        self.limits = limits
        self.on_settled = on_settled
        """Called with an update id once every call queued for it is done."""
        self._open: dict[int, int] = {}
        self.on_sent: dict[int, io.OnSent] = {}
        """Callbacks by call id, run once that call is delivered."""
        self._chats: dict[int, deque[QueuedCall]] = {}
        """Pending calls by chat."""
        self._turn: dict[int, tuple[int, int]] = {}
        """Each pending chat's place in line: (0, n) for a chat not served since it started
        waiting, (1, n) for one last served at tick n; the smallest eligible goes next."""
        self._tick = 0
        self._not_before: dict[int, float] = {}
        self._failures: dict[int, int] = {}
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._overall: deque[float] = deque()
        """When each finished call leaves the one-second window (its end + a second)."""
        self._groups: dict[int, deque[float]] = {}
        """The same per group, for the one-minute window."""
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._outage = False
        self._told_to_wait = False
        self._blocked: dict[int, int] = {}
        """Chats that blocked the bot: the last update id received when that was learnt."""
        self.latest_update_id = 0
        """The newest update received (kept up to date by bot.telegram.updates)."""
        self.sent = 0
        self.dropped = 0

    # --- feeding and life cycle -------------------------------------------------------

    def add(self, calls: list[QueuedCall]) -> None:
        """Calls to deliver after those already pending in their chats.

        A call answering an update received before its chat blocked the bot is dropped
        here, without a word (the 403 was logged once); a newer update means the user
        unblocked the bot, and its answers go out.
        """
        for call in calls:
            if call.update_id is not None:
                self._open[call.update_id] = self._open.get(call.update_id, 0) + 1
        for call in calls:
            if self._still_blocked(call):
                self.queue.delivered(call.id)
                self.dropped += 1
                self._done(call)
            else:
                self._queue_of(call.chat_id).append(call)
        if calls:
            self._wake.set()

    def _queue_of(self, chat: int) -> deque[QueuedCall]:
        """The chat's pending calls; a chat that starts waiting goes before every chat
        already served (someone asking once never waits behind someone's tenth answer)."""
        if chat not in self._chats:
            self._chats[chat] = deque()
            self._tick += 1
            self._turn[chat] = (0, self._tick)
        return self._chats[chat]

    def pending(self) -> int:
        """Calls not delivered yet."""
        return sum(len(calls) for calls in self._chats.values())

    def start(self) -> None:
        """Start delivering in a background task."""
        self._task = asyncio.create_task(self._run(), name="faqbot.sending")

    async def stop(self, grace: float) -> None:
        """Start no new call; give those in flight `grace` seconds, then cancel them.

        A cancelled call stays in the outbox and is made again after the restart (if
        Telegram had already received it, that one message is sent twice).
        """
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
        running = list(self._in_flight.values())
        if running:
            _, late = await asyncio.wait(running, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    # --- scheduling --------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._step()
            except Exception:  # a bug here must not stop every answer for good
                logger.exception("the sender failed; it goes on in a second")
                await asyncio.sleep(1.0)

    async def _step(self) -> None:
        """Start one call, or wait until one may start."""
        now = asyncio.get_running_loop().time()
        chat, wake_at = self._pick(now)
        if chat is None:
            self._wake.clear()
            timeout = None if wake_at is None else max(wake_at - now, 0.001)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            return
        call = self._chats[chat][0]
        self._tick += 1
        self._turn[chat] = (1, self._tick)  # served now: last in line for the next turn
        self._in_flight[chat] = asyncio.create_task(self._deliver(call))
        await asyncio.sleep(0)  # let the others run between two starts

    def _pick(self, now: float) -> tuple[int | None, float | None]:
        """The chat to serve now, or (None, when to look again; None: when woken)."""
        limits = self.limits
        if len(self._in_flight) >= limits.in_flight:
            return None, None
        wake_at: float | None = None
        if limits.throttle:
            while self._overall and self._overall[0] <= now:
                self._overall.popleft()
            if len(self._in_flight) + len(self._overall) >= limits.overall_per_second:
                return None, self._overall[0] if self._overall else None
        best: int | None = None
        for chat, calls in self._chats.items():
            if not calls or chat in self._in_flight:
                continue
            ready = self._not_before.get(chat, 0.0)
            if limits.throttle and chat < 0:
                sent = self._groups.get(chat)
                while sent and sent[0] <= now:
                    sent.popleft()
                if sent is not None and len(sent) >= limits.group_per_minute:
                    ready = max(ready, sent[0])
            if ready <= now:
                if best is None or self._turn[chat] < self._turn[best]:
                    best = chat
            else:
                wake_at = ready if wake_at is None else min(wake_at, ready)
        return (best, None) if best is not None else (None, wake_at)

    # --- one call ----------------------------------------------------------------------

    async def _deliver(self, call: QueuedCall) -> None:
        chat = call.chat_id
        try:
            messages = await io.deliver(self.bot, call)
        except RetryAfter as exc:
            self._retry_later(chat, _seconds(exc.retry_after))
            if not self._told_to_wait:  # one line per episode, not one per call
                self._told_to_wait = True
                logger.info("Telegram asks to slow down (429); waiting as told")
        except ChatMigrated as exc:
            self._migrate(chat, int(exc.new_chat_id))
        except Forbidden:
            self._chat_gone(chat)
        except BadRequest as exc:
            if any(reason in exc.message.lower() for reason in _CHAT_GONE):
                self._chat_gone(chat)
            else:
                self._refused(call, exc)
        except (NetworkError, InvalidToken) as exc:  # timeouts, 5xx; a token being replaced
            self._network_error(chat, exc)
        except Exception:  # a bug: never retried forever, never silent
            logger.exception("could not make a queued %s call; dropped", call.kind)
            self._finish(call, [])
        else:
            self._success(chat)
            self._finish(call, messages)
        finally:
            self._in_flight.pop(chat, None)
            self._count(call)
            self._wake.set()

    def _count(self, call: QueuedCall) -> None:
        """A call counts in the windows from its start until a window's length after its
        end: whenever Telegram received it in between, every call it received within one
        second (one minute in a group) before or after was counted when this one started,
        so network delays cannot squeeze more than the limit into a window."""
        if not self.limits.throttle:
            return
        end = asyncio.get_running_loop().time()
        self._overall.append(end + self.limits.second + self.limits.margin)
        if call.chat_id < 0:
            window = self.limits.minute + self.limits.margin
            self._groups.setdefault(call.chat_id, deque()).append(end + window)

    def _finish(self, call: QueuedCall, messages: list[Message]) -> None:
        """The call is done (delivered or dropped): out of the queue and the outbox."""
        calls = self._chats.get(call.chat_id)
        if calls and calls[0].id == call.id:
            calls.popleft()
            if not calls:
                del self._chats[call.chat_id]
                del self._turn[call.chat_id]
                self._not_before.pop(call.chat_id, None)
                self._failures.pop(call.chat_id, None)
                self._groups_tidy(call.chat_id)
        self.queue.delivered(call.id)
        if messages:
            self.sent += 1
        callback = self.on_sent.pop(call.id, None)
        if callback is not None and messages:
            try:
                callback(messages)
            except Exception:  # the answer is out; a failed bookkeeping must not stop sending
                logger.exception("a callback after delivery failed")
        self._done(call)

    def _done(self, call: QueuedCall) -> None:
        if call.update_id is None or call.update_id not in self._open:
            return
        self._open[call.update_id] -= 1
        if not self._open[call.update_id]:
            del self._open[call.update_id]
            if self.on_settled is not None:
                self.on_settled(call.update_id)

    def _groups_tidy(self, chat: int) -> None:
        sent = self._groups.get(chat)
        if sent is not None and not sent:
            del self._groups[chat]

    def _success(self, chat: int) -> None:
        self._failures.pop(chat, None)
        self._not_before.pop(chat, None)
        self._told_to_wait = False
        if self._outage:
            # Telegram is back: every chat waiting after a network error tries again now
            # (a chat waiting out a 429 keeps waiting).
            self._outage = False
            for waiting in self._failures:
                self._not_before.pop(waiting, None)
            self._failures.clear()
            logger.info("Telegram reachable again; %d queued call(s) to deliver", self.pending())

    def _retry_later(self, chat: int, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._not_before[chat] = loop.time() + seconds

    def _network_error(self, chat: int, exc: Exception) -> None:
        failures = self._failures.get(chat, 0) + 1
        self._failures[chat] = failures
        delay = min(self.limits.retry_max, self.limits.retry_initial * 2 ** (failures - 1))
        self._retry_later(chat, delay)
        if not self._outage:
            self._outage = True
            logger.warning(
                "Telegram unreachable (%s); answers stay queued and are retried until it is back",
                exc,
            )

    def _still_blocked(self, call: QueuedCall) -> bool:
        since = self._blocked.get(call.chat_id)
        if since is None:
            return False
        if call.update_id is not None and call.update_id <= since:
            return True
        del self._blocked[call.chat_id]
        return False

    def _chat_gone(self, chat: int) -> None:
        """The bot was blocked or removed: this chat's pending calls are dropped."""
        calls = self._chats.pop(chat, deque())
        self._turn.pop(chat, None)
        self._not_before.pop(chat, None)
        self._failures.pop(chat, None)
        self._blocked[chat] = self.latest_update_id
        for call in calls:
            self.queue.delivered(call.id)
            self.on_sent.pop(call.id, None)
            self.dropped += 1
            self._done(call)
        logger.info("a chat blocked the bot or removed it: %d answer(s) dropped", len(calls))

    def _migrate(self, chat: int, new_chat: int) -> None:
        """A group became a supergroup: its calls go to the new chat id, in order."""
        self.queue.moved(chat, new_chat)
        calls = self._chats.pop(chat, deque())
        self._turn.pop(chat, None)
        moved = [QueuedCall(c.id, new_chat, c.update_id, c.kind, c.body) for c in calls]
        self._queue_of(new_chat).extendleft(reversed(moved))
        logger.info("a group became a supergroup: %d queued call(s) follow it", len(moved))

    def _refused(self, call: QueuedCall, exc: BadRequest) -> None:
        """Telegram refused the call for good: a bug of ours. Log it, apologise instead."""
        logger.error("Telegram refused a queued %s call: %s", call.kind, exc.message, exc_info=exc)
        self.dropped += 1
        apology = replies.apology()
        if call.kind != "send" or call.body.get("text") != apology.html:
            # Instead of the refused call (unless it was the apology itself), it goes
            # after whatever else this chat is waiting for.
            body: dict[str, Any] = {"text": apology.html, "markup": None, "reply_to": None}
            body["thread_id"] = call.body.get("thread_id")
            outgoing = Outgoing(call.chat_id, "send", body)
            self.add(self.queue.add(call.update_id, [outgoing]))
        self._finish(call, [])


def _seconds(value: Any) -> float:
    """RetryAfter.retry_after as seconds (an int or a timedelta depending on PTB settings)."""
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)
