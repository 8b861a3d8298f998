"""Maintainers' commands (issue 5): `/reload` and `/pourquoi`, for admins only.

Admins are the Telegram user ids of `config.admins` (the config given to
`bot.telegram.reload.install`). Anyone else gets a polite refusal and nothing is done: no reload,
no analysis. `handlers()` lists the command handlers; `register_handlers` must put them
before the catch-all handler of unknown commands.

`setup(application, config)` is the rest of the maintainers' wiring, called once by
`build_application` after the FAQ is installed: it remembers the config (admins), schedules
the hot-reload job and installs the question log; `teardown(application)` closes the log.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import Application, BaseHandler, CommandHandler, ContextTypes, filters

from bot.conversation import replies
from bot.conversation.questionlog import QuestionLog
from bot.conversation.replies import Reply
from bot.knowledge.config import Config
from bot.telegram import io, reload
from bot.telegram.context import get_log_of, set_log
from bot.telegram.reload import get_config, install, reload_now
from bot.telegram.state import knowledge

__all__ = ["handlers", "is_admin", "reload_command", "setup", "teardown", "why_command"]

logger = logging.getLogger(__name__)


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True if the update comes from a user listed in `config.admins`."""
    config = get_config(context.bot_data)
    user = update.effective_user
    return config is not None and user is not None and user.id in config.admins


async def _respond(context: ContextTypes.DEFAULT_TYPE, message: Message, reply: Reply) -> None:
    """Reply in the message's chat, quoting it in groups."""
    private = message.chat.type == ChatType.PRIVATE
    await io.send(
        context.bot,
        message.chat_id,
        reply,
        reply_to=None if private else message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins): load the FAQ files again now; reply with the count or the errors."""
    message = update.effective_message
    if message is None:
        return
    if not is_admin(update, context):
        logger.info("/reload refused to a non-admin")
        await _respond(context, message, replies.admin_only())
        return
    result = await reload_now(context.application)
    reply = (
        replies.reload_done(result.entries) if result.ok else replies.reload_failed(result.problems)
    )
    await _respond(context, message, reply)


async def why_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pourquoi (admins): how the replied-to message, or the text after it, was matched."""
    message = update.effective_message
    if message is None:
        return
    if not is_admin(update, context):
        logger.info("/pourquoi refused to a non-admin")
        await _respond(context, message, replies.admin_only())
        return
    replied = message.reply_to_message
    question = " ".join(context.args or [])
    if not question and replied is not None:
        question = replied.text or replied.caption or ""
    question = question.strip()[: replies.MAX_QUESTION_CHARS]
    if not question:
        await _respond(context, message, replies.why_usage())
        return
    current = knowledge(context)
    matcher = current.matcher
    decision = current.understander.understand(question)[0]
    reply = replies.why_report(
        decision,
        answer_threshold=matcher.answer_threshold,
        margin=matcher.margin,
        suggest_threshold=matcher.suggest_threshold,
    )
    await _respond(context, message, reply)


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """The maintainers' command handlers (new messages only, not edits)."""
    fresh = filters.UpdateType.MESSAGE
    return [
        CommandHandler("reload", reload_command, filters=fresh),
        CommandHandler("pourquoi", why_command, filters=fresh),
    ]


def setup(application: Application[Any, Any, Any, Any, Any, Any], config: Config) -> None:
    """Remember `config`, watch the FAQ files (hot reload) and open the question log."""
    install(application, config)
    set_log(application.bot_data, QuestionLog(config.log_database))


async def teardown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop a FAQ reload check in progress; write what the question log holds and close it."""
    reload.stop(application)
    await asyncio.to_thread(get_log_of(application.bot_data).close)
