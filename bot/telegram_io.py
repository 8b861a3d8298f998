"""Telegram I/O: how a `Reply` becomes Bot API calls, and how those calls survive errors.

Handlers never build Telegram objects themselves: they compose a `Reply` (bot.replies)
and hand it to `send`, `edit` or `inline_article` here. Every text goes out in HTML parse
mode with link previews off (the source line links to the article; a preview card under
every answer would be noise), split with `replies.split_message` when too long, buttons
on the last part.

`RetryingRateLimiter` is the single place where outgoing calls are retried. PTB's
`AIORateLimiter` keeps to Telegram's flood limits and retries after a 429 RetryAfter,
but it lets a `NetworkError` through (a connection reset, a timeout, and also any 5xx
answer, which PTB reports as NetworkError), so the subclass retries those a few times
with backoff. Because it wraps the request layer, sends, edits, callback answers and
inline answers are all covered, and no transient API error costs a question its answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Coroutine, Sequence
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

from bot import replies
from bot.knowledge import Entry, KnowledgeBase
from bot.replies import Button, Reply

__all__ = [
    "NETWORK_RETRY_DELAYS",
    "RetryingRateLimiter",
    "edit",
    "inline_article",
    "keyboard",
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
        """Run one Bot API call through the flood limits; retry transient failures."""
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


async def send(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    *,
    reply_to: int | None = None,
    thread_id: int | None = None,
) -> list[Message]:
    """Send a reply (split if needed); the first part quotes `reply_to`, the last has buttons."""
    parts = replies.split_message(reply.html)
    markup = keyboard(reply)
    sent: list[Message] = []
    for index, part in enumerate(parts):
        quote = (
            ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
            if reply_to is not None and index == 0
            else None
        )
        sent.append(
            await bot.send_message(
                chat_id=chat_id,
                text=part,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup if index == len(parts) - 1 else None,
                reply_parameters=quote,
                message_thread_id=thread_id,
            )
        )
    return sent


async def edit(bot: Bot, message: Message, reply: Reply) -> None:
    """Replace a message of ours by `reply` (a page of questions, a follow-up)."""
    try:
        await bot.edit_message_text(
            chat_id=message.chat_id,
            message_id=message.message_id,
            text=replies.split_message(reply.html)[0],
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=keyboard(reply),
        )
    except BadRequest as exc:
        # A double tap asks for the page already shown: nothing to change, nothing wrong.
        if "not modified" not in exc.message.lower():
            raise


async def thank_for_feedback(bot: Bot, message: Message, good: bool) -> None:
    """Replace the 👍/👎 row of an answer by a thank-you button, keeping the other rows."""
    thanks = _button(replies.feedback_thanks(good))
    rows: list[list[InlineKeyboardButton]] = []
    for row in message.reply_markup.inline_keyboard if message.reply_markup else ():
        is_feedback = any(
            isinstance(b.callback_data, str) and b.callback_data.startswith("f:") for b in row
        )
        rows.append([thanks] if is_feedback else list(row))
    try:
        await bot.edit_message_reply_markup(
            chat_id=message.chat_id,
            message_id=message.message_id,
            reply_markup=InlineKeyboardMarkup(rows or [[thanks]]),
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


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
