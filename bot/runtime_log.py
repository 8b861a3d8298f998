"""The question log of the running bot, kept in `application.bot_data` (issue 5).

Handlers get it with `get_log(context)`; without `set_log` it is a disabled log, so
handlers never need to check. Writing to it never blocks or raises (see bot.questionlog).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from telegram.ext import CallbackContext

from bot.questionlog import QuestionLog

__all__ = ["CHANNEL", "get_log", "set_log"]

_KEY = "faqbot.questionlog"
CHANNEL = "telegram"
"""The `channel` recorded for questions asked on Telegram."""
_DISABLED = QuestionLog(None)


def set_log(bot_data: MutableMapping[Any, Any], log: QuestionLog) -> None:
    """Install the question log that handlers will write to."""
    bot_data[_KEY] = log


def get_log(context: CallbackContext[Any, Any, Any, Any]) -> QuestionLog:
    """The question log, or a disabled one if none was installed."""
    value = context.bot_data.get(_KEY)
    return value if isinstance(value, QuestionLog) else _DISABLED
