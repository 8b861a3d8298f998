"""The running bot's memory: the question log in `bot_data`, and per chat the last
answer (the context of a follow-up) and the questions its suggestions were for.

Handlers get it with `get_log(context)`; without `set_log` it is a disabled log, so
handlers never need to check. Writing to it never blocks or raises (see
bot.conversation.questionlog).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from telegram import Message
from telegram.ext import CallbackContext

from bot.conversation.questionlog import QuestionLog
from bot.understanding.pipeline import Context

__all__ = [
    "CHANNEL",
    "answered_question",
    "get_log",
    "get_log_of",
    "last_answer",
    "remember_answer",
    "remember_answered",
    "remember_question",
    "set_log",
    "suggested_question",
]

_KEY = "faqbot.questionlog"
_SUGGESTED = "faqbot.suggested"
_ANSWERED = "faqbot.answered"
_CONTEXT = "faqbot.context"
REMEMBERED = 20
"""Suggestion (and answer) messages remembered per chat, for logging which suggestion
was picked, and which question a 👍/👎 or a follow-up click is about."""
CHANNEL = "telegram"
"""The `channel` recorded for questions asked on Telegram."""
_DISABLED = QuestionLog(None)


def set_log(bot_data: MutableMapping[Any, Any], log: QuestionLog) -> None:
    """Install the question log that handlers will write to."""
    bot_data[_KEY] = log


def get_log(context: CallbackContext[Any, Any, Any, Any]) -> QuestionLog:
    """The question log, or a disabled one if none was installed."""
    return get_log_of(context.bot_data)


def get_log_of(bot_data: MutableMapping[Any, Any]) -> QuestionLog:
    """The question log installed in `bot_data`, or a disabled one."""
    value = bot_data.get(_KEY)
    return value if isinstance(value, QuestionLog) else _DISABLED


def remember_question(
    context: CallbackContext[Any, Any, Any, Any], sent: list[Message], question: str
) -> None:
    """Note that the last of `sent` (the message with the buttons) suggests for `question`."""
    if not sent or context.chat_data is None:
        return
    memory = context.chat_data.setdefault(_SUGGESTED, {})
    memory[sent[-1].message_id] = question
    while len(memory) > REMEMBERED:
        del memory[next(iter(memory))]


def remember_answered(
    context: CallbackContext[Any, Any, Any, Any],
    sent: list[Message],
    question: str,
    entry_id: str,
) -> None:
    """Note that the last of `sent` (the message with the buttons) answers `question`
    with `entry_id` (the question a later 👍/👎 or follow-up click is about)."""
    if not sent or context.chat_data is None:
        return
    memory = context.chat_data.setdefault(_ANSWERED, {})
    memory[sent[-1].message_id] = (question, entry_id)
    while len(memory) > REMEMBERED:
        del memory[next(iter(memory))]


def answered_question(
    context: CallbackContext[Any, Any, Any, Any], message: Message | None
) -> tuple[str, str] | None:
    """(question, entry id) that `message` answered, if remembered (kept: the message's
    other buttons may still be pressed)."""
    if message is None or context.chat_data is None:
        return None
    memory = context.chat_data.get(_ANSWERED)
    if not isinstance(memory, dict):
        return None
    value = memory.get(message.message_id)
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[0], value[1]
    return None


def suggested_question(
    context: CallbackContext[Any, Any, Any, Any], message: Message | None
) -> str | None:
    """The question that `message` suggested answers for, once (None if unknown)."""
    if message is None or context.chat_data is None:
        return None
    memory = context.chat_data.get(_SUGGESTED)
    if not isinstance(memory, dict):
        return None
    question = memory.pop(message.message_id, None)
    return question if isinstance(question, str) else None


def remember_answer(context: CallbackContext[Any, Any, Any, Any], answered: Context) -> None:
    """Keep the chat's last answer, the context of its next message (in memory only:
    chat_data is never persisted, and it holds the entry and the question, no name)."""
    if context.chat_data is not None:
        context.chat_data[_CONTEXT] = answered


def last_answer(context: CallbackContext[Any, Any, Any, Any]) -> Context | None:
    """The chat's last answer (its freshness is the pipeline's to judge), or None."""
    if context.chat_data is None:
        return None
    value = context.chat_data.get(_CONTEXT)
    return value if isinstance(value, Context) else None
