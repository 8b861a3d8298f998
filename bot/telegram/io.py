"""Telegram I/O: how a `Reply` becomes Bot API calls, and how those calls survive errors.

Handlers never build Telegram objects themselves: they compose a `Reply` (bot.conversation.replies)
and hand it to `send`, `edit` or `inline_article` here. Every text goes out in HTML parse
mode with link previews off (the source line links to the article; a preview card under
every answer would be noise), split with `replies.split_message` when too long, buttons
on the last part.

While an update is handled, `send`, `edit` and `thank_for_feedback` do not call
Telegram: they add the calls to the update's `Collector`, which bot.telegram.updates queues
durably (bot.telegram.durable) once the handlers are done, and bot.telegram.sending delivers
them, fairly and with retries for as long as Telegram is unreachable, each through `deliver` here.
Outside an update (tests, the reload job telling admins) they call Telegram at once.

`RetryingRateLimiter` retries the calls made directly (callback and inline answers, the
command menu, direct sends): PTB's `AIORateLimiter` keeps to the flood limits and waits
out a 429, and the subclass also retries network errors and 5xx answers a few times with
backoff. The outbox's own calls bypass it (bot.telegram.sending does both jobs for them).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

from bot.conversation import replies
from bot.conversation.replies import Button, Reply
from bot.knowledge.base import Entry, KnowledgeBase
from bot.telegram.durable import Outgoing, QueuedCall

__all__ = [
    "NETWORK_RETRY_DELAYS",
    "Collector",
    "OnSent",
    "RetryingRateLimiter",
    "collecting",
    "deliver",
    "edit",
    "inline_article",
    "keyboard",
    "message_gone",
    "send",
    "thank_for_feedback",
]

logger = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
NETWORK_RETRY_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 4.0)
"""Seconds to wait before each new attempt after a network error or a 5xx (~8 s in all)."""
RETRY_AFTER_RETRIES = 5
"""How many times a 429 RetryAfter is waited out and retried (AIORateLimiter's max_retries)."""

_JSON = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """`AIORateLimiter` that also retries network errors and 5xx answers, with backoff.

    With `throttle=False` no flood limit is applied (for benchmarks against a fake server)
    but every retry still happens. A retried call may, rarely, reach Telegram twice (a
    timeout after Telegram received the message): a duplicate answer is the lesser evil
    than a lost one. `BadRequest` (a NetworkError subclass in PTB) is never retried.
    """

    __slots__ = ("_delays",)

    def __init__(
        self,
        *,
        throttle: bool = True,
        max_retries: int = RETRY_AFTER_RETRIES,
        network_retry_delays: Sequence[float] = NETWORK_RETRY_DELAYS,
    ) -> None:
        if throttle:
            super().__init__(max_retries=max_retries)
        else:
            super().__init__(overall_max_rate=0, group_max_rate=0, max_retries=max_retries)
        self._delays = tuple(network_retry_delays)

    async def process_request(  # noqa: PLR0917 - the signature is PTB's
        self,
        callback: Callable[..., Coroutine[Any, Any, _JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _JSON:
        """Run one Bot API call through the flood limits; retry transient failures.

        A call made by `deliver` (the outbox) goes straight through: bot.telegram.sending has its
        own limits and retries.
        """
        if _DIRECT.get():
            return await callback(*args, **kwargs)
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except NetworkError as exc:
                if attempt >= len(self._delays):
                    logger.error("%s failed %d times, giving up: %s", endpoint, attempt + 1, exc)
                    raise
                delay = self._delays[attempt]
                attempt += 1
                logger.warning(
                    "%s failed (%s); retry %d/%d in %.1f s",
                    endpoint,
                    exc,
                    attempt,
                    len(self._delays),
                    delay,
                )
                await asyncio.sleep(delay)


def _button(button: Button) -> InlineKeyboardButton:
    if button.url is not None:
        return InlineKeyboardButton(button.text, url=button.url)
    return InlineKeyboardButton(button.text, callback_data=button.data)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons as an inline keyboard (None when it has none)."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[_button(b) for b in row] for row in reply.buttons])


# --- the outbox scope: while an update is handled, calls are queued, not made -----------------

OnSent = Callable[[list[Message]], None]
"""Called with the messages of a reply once they are all delivered (never after a restart)."""


@dataclass
class Collector:
    """The calls the handlers ask for while one update is handled.

    `bot.telegram.updates` sets one for each update it hands to the Application; `send`, `edit` and
    `thank_for_feedback` then append to it instead of calling Telegram, and when the
    handlers are done the calls are queued durably (bot.telegram.durable) and delivered by
    bot.telegram.sending. `on_sent[i]` is the callback of the reply whose last part is `calls[i]`.
    """

    calls: list[Outgoing] = field(default_factory=list)
    on_sent: dict[int, OnSent] = field(default_factory=dict)


_SCOPE: ContextVar[Collector | None] = ContextVar("faqbot_outbox_scope", default=None)
_DIRECT: ContextVar[bool] = ContextVar("faqbot_direct_call", default=False)


@contextmanager
def collecting(collector: Collector) -> Iterator[Collector]:
    """Inside the block (and the tasks it awaits), replies go to `collector`."""
    token = _SCOPE.set(collector)
    try:
        yield collector
    finally:
        _SCOPE.reset(token)


def _markup_json(markup: InlineKeyboardMarkup | None) -> dict[str, Any] | None:
    return None if markup is None else markup.to_dict()


def _markup_of(bot: Bot, body: dict[str, Any]) -> InlineKeyboardMarkup | None:
    data = body.get("markup")
    return None if data is None else InlineKeyboardMarkup.de_json(data, bot)


async def send(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    *,
    reply_to: int | None = None,
    thread_id: int | None = None,
    on_sent: OnSent | None = None,
) -> list[Message]:
    """Send a reply (split if needed); the first part quotes `reply_to`, the last has buttons.

    While an update is handled (see `Collector`) the parts are queued and [] is returned;
    `on_sent` gets the messages once delivered. Elsewhere they are sent at once.
    """
    parts = replies.split_message(reply.html)
    markup = keyboard(reply)
    collector = _SCOPE.get()
    if collector is not None:
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            body = {
                "text": part,
                "markup": _markup_json(markup) if last else None,
                "reply_to": reply_to if index == 0 else None,
                "thread_id": thread_id,
            }
            collector.calls.append(Outgoing(chat_id, "send", body))
        if on_sent is not None:
            collector.on_sent[len(collector.calls) - 1] = on_sent
        return []
    sent: list[Message] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent.append(
            await _send_part(
                bot,
                chat_id,
                part,
                markup=markup if last else None,
                reply_to=reply_to if index == 0 else None,
                thread_id=thread_id,
            )
        )
    if on_sent is not None:
        on_sent(sent)
    return sent


async def _send_part(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None,
    reply_to: int | None,
    thread_id: int | None,
) -> Message:
    quote = (
        ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
        if reply_to is not None
        else None
    )
    return await bot.send_message(
        chat_id=chat_id,
        text=text,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_markup=markup,
        reply_parameters=quote,
        message_thread_id=thread_id,
    )


def _not_modified(exc: BadRequest) -> bool:
    """A double tap asks for what is already shown: nothing to change, nothing wrong."""
    return "not modified" in exc.message.lower()


async def edit(bot: Bot, message: Message, reply: Reply) -> None:
    """Replace a message of ours by `reply` (a page of questions, a follow-up).

    Queued while an update is handled; if the message can no longer be edited when the
    edit is delivered, the reply is sent as a new message instead.
    """
    text = replies.split_message(reply.html)[0]
    collector = _SCOPE.get()
    if collector is not None:
        body = {"message_id": message.message_id, "text": text, "markup": None}
        body["markup"] = _markup_json(keyboard(reply))
        collector.calls.append(Outgoing(message.chat_id, "edit", body))
        return
    try:
        await _edit_text(bot, message.chat_id, message.message_id, text, keyboard(reply))
    except BadRequest as exc:
        if not _not_modified(exc):
            raise


async def _edit_text(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    await bot.edit_message_text(
        chat_id=chat_id,
        message_id=message_id,
        text=text,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_markup=markup,
    )


async def thank_for_feedback(bot: Bot, message: Message, good: bool) -> None:
    """Replace the 👍/👎 row of an answer by a thank-you button, keeping the other rows."""
    thanks = _button(replies.feedback_thanks(good))
    rows: list[list[InlineKeyboardButton]] = []
    for row in message.reply_markup.inline_keyboard if message.reply_markup else ():
        is_feedback = any(
            isinstance(b.callback_data, str) and b.callback_data.startswith("f:") for b in row
        )
        rows.append([thanks] if is_feedback else list(row))
    markup = InlineKeyboardMarkup(rows or [[thanks]])
    collector = _SCOPE.get()
    if collector is not None:
        body = {"message_id": message.message_id, "markup": _markup_json(markup)}
        collector.calls.append(Outgoing(message.chat_id, "markup", body))
        return
    try:
        await bot.edit_message_reply_markup(
            chat_id=message.chat_id, message_id=message.message_id, reply_markup=markup
        )
    except BadRequest as exc:
        if not _not_modified(exc):
            raise


# --- delivering a queued call --------------------------------------------------------------

_GONE_MESSAGE = ("message to edit not found", "message can't be edited", "message_id_invalid")


def message_gone(exc: BadRequest) -> bool:
    """True if Telegram refused an edit because the message cannot be edited (any more)."""
    text = exc.message.lower()
    return any(reason in text for reason in _GONE_MESSAGE)


async def deliver(bot: Bot, call: QueuedCall) -> list[Message]:
    """Make one queued call, once: no retry here (bot.telegram.sending decides on errors).

    An edit whose message cannot be edited any more becomes a new message; "not modified"
    counts as done. Returns the message sent, if any.
    """
    token = _DIRECT.set(True)  # RetryingRateLimiter: no throttling, no retry
    try:
        body = call.body
        if call.kind == "send":
            message = await _send_part(
                bot,
                call.chat_id,
                body["text"],
                markup=_markup_of(bot, body),
                reply_to=body.get("reply_to"),
                thread_id=body.get("thread_id"),
            )
            return [message]
        try:
            if call.kind == "edit":
                markup = _markup_of(bot, body)
                await _edit_text(bot, call.chat_id, body["message_id"], body["text"], markup)
            else:
                await bot.edit_message_reply_markup(
                    chat_id=call.chat_id,
                    message_id=body["message_id"],
                    reply_markup=_markup_of(bot, body),
                )
        except BadRequest as exc:
            if _not_modified(exc):
                return []
            if call.kind == "markup" and message_gone(exc):
                logger.info("a message could not be edited; its thank-you button is skipped")
                return []
            if call.kind == "edit" and message_gone(exc):
                logger.info("a message could not be edited; sent the new page instead")
                markup = _markup_of(bot, body)
                message = await _send_part(
                    bot, call.chat_id, body["text"], markup=markup, reply_to=None, thread_id=None
                )
                return [message]
            raise
        return []
    finally:
        _DIRECT.reset(token)


def inline_article(entry: Entry, kb: KnowledgeBase) -> InlineQueryResultArticle:
    """An inline-mode result: the question as title; picking it sends answer and source."""
    text = replies.split_message(replies.inline_answer(entry, kb).html)[0]
    return InlineQueryResultArticle(
        id=entry.id if len(entry.id) <= 64 else hashlib.sha1(entry.id.encode()).hexdigest(),
        title=entry.question,
        description=replies.inline_preview(entry),
        input_message_content=InputTextMessageContent(
            text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        ),
    )
