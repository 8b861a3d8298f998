"""The bot's handlers. All have one shape: `async def x(update, context) -> None`.

A handler reads the current `Knowledge` once (`knowledge(context)`), asks `bot.conversation.replies`
for the French reply, and hands it to `bot.telegram.io`. Which update reaches which
handler is decided in one place, `bot.telegram.app.register_handlers`.

Where the bot speaks:
- private chats: every text, command and button; a photo (or any media) whose caption is
  a question is answered like a text; other content (stickers, photos without a
  caption, voice, locations…) gets a short "I only read text" reply; an edited text is
  a new question;
- groups: only when addressed, i.e. a command, a message mentioning the bot, or a reply
  to one of its messages (the mention is removed from the question); everything else,
  edits and non-text content included, is silence;
- channels: never (no handler accepts channel posts).
"""

from __future__ import annotations

import logging
import time

from telegram import (
    Bot,
    InlineQueryResultsButton,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.conversation import replies
from bot.conversation.replies import Reply
from bot.knowledge.base import KnowledgeBase
from bot.telegram import io
from bot.telegram.context import (
    CHANNEL,
    answered_question,
    get_log,
    last_answer,
    remember_answer,
    remember_answered,
    remember_question,
    suggested_question,
)
from bot.telegram.state import knowledge
from bot.understanding.matching import Status
from bot.understanding.pipeline import Context

__all__ = [
    "addressed_question",
    "error_handler",
    "group_text",
    "help_command",
    "inline_query",
    "not_text",
    "on_button",
    "private_text",
    "questions",
    "sources",
    "start",
    "unknown_command",
]

logger = logging.getLogger(__name__)

INLINE_RESULTS = 5
"""Inline mode lists at most this many entries."""
INLINE_CACHE_SECONDS = 60
"""How long Telegram may cache inline results for the same query (the FAQ rarely changes)."""


# --- helpers ---------------------------------------------------------------------------


async def _respond(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    reply: Reply,
    on_sent: io.OnSent | None = None,
) -> None:
    """Reply in the message's chat; in a group, quote the message so people see who asked.

    The reply is queued (bot.telegram.io); `on_sent` gets its messages once delivered.
    """
    private = message.chat.type == ChatType.PRIVATE
    await io.send(
        context.bot,
        message.chat_id,
        reply,
        reply_to=None if private else message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        on_sent=on_sent,
    )


async def _answer_question(
    context: ContextTypes.DEFAULT_TYPE, message: Message, question: str
) -> None:
    """Read a free-text message (bot.understanding.pipeline) and send what each decision calls for.

    The chat's last answer is its context for a follow-up ("et pourquoi ?"); a message
    that asks two questions gets two replies, in order.
    """
    question = question.strip()
    if not question:
        await _respond(context, message, replies.empty_question())
        return
    if len(question) > replies.MAX_QUESTION_CHARS:
        await _respond(context, message, replies.too_long(len(question)))
        return
    current = knowledge(context)
    now = time.monotonic()
    previous = last_answer(context)
    decisions = current.understander.understand(question, context=previous, now=now)
    for decision in decisions:
        after = previous.entry_id if previous is not None and decision.context else None
        get_log(context).record_question(decision, channel=CHANNEL, after=after)
        remember = None
        if decision.status is Status.SUGGEST:  # which suggestion gets picked is logged

            def remember(sent: list[Message], asked: str = decision.question) -> None:
                remember_question(context, sent, asked)

        elif decision.status is Status.ANSWER and decision.entry is not None:
            # The question a later 👍/👎 or follow-up click on this answer is about.

            def remember(
                sent: list[Message], asked: str = decision.question, entry: str = decision.entry.id
            ) -> None:
                remember_answered(context, sent, asked, entry)

        await _respond(context, message, replies.decision_reply(decision, current.kb), remember)
        if decision.status is Status.ANSWER and decision.entry is not None:
            remember_answer(context, Context(decision.entry.id, decision.question, now))


def _strip_entities(text: str, entities: list[MessageEntity]) -> str:
    """`text` without the spans of `entities` (offsets count UTF-16 code units)."""
    encoded = text.encode("utf-16-le")
    for entity in sorted(entities, key=lambda e: e.offset, reverse=True):
        start, end = entity.offset * 2, (entity.offset + entity.length) * 2
        encoded = encoded[:start] + b" " + b"\x00" + encoded[end:]
    return " ".join(encoded.decode("utf-16-le").split())


def addressed_question(message: Message, bot: Bot) -> str | None:
    """The question of a group message addressed to the bot, its mention removed, else None.

    Addressed means: it mentions the bot (`@username`, or a text mention of its account),
    or it replies to one of the bot's messages.
    """
    text = message.text or message.caption or ""
    kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    found = (
        message.parse_entities(kinds)
        if message.text is not None
        else message.parse_caption_entities(kinds)
    )
    username = f"@{bot.username}".casefold()
    mentions = [
        entity
        for entity, value in found.items()
        if (entity.type == MessageEntity.MENTION and value.casefold() == username)
        or (entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id)
    ]
    replied = message.reply_to_message
    to_bot = (
        replied is not None and replied.from_user is not None and replied.from_user.id == bot.id
    )
    if not mentions and not to_bot:
        return None
    return _strip_entities(text, mentions)


# --- commands --------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: welcome and example questions; `/start <entry-id>` (a deep link) answers it."""
    message = update.effective_message
    if message is None:
        return
    current = knowledge(context)
    entry = current.kb.by_id.get(context.args[0]) if context.args else None
    reply = replies.answer(entry, current.kb) if entry else replies.welcome(current.kb)
    await _respond(context, message, reply)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/aide and /help: how to ask, and the commands."""
    if update.effective_message:
        await _respond(context, update.effective_message, replies.help_text())


async def questions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/questions: the first page of every question, as buttons."""
    if update.effective_message:
        page = replies.questions_page(knowledge(context).kb, 1)
        await _respond(context, update.effective_message, page)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources: the article's reference and how citations work."""
    if update.effective_message:
        await _respond(context, update.effective_message, replies.sources(knowledge(context).kb))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any other command in a private chat: point to /aide."""
    if update.effective_message:
        await _respond(context, update.effective_message, replies.unknown_command())


# --- messages --------------------------------------------------------------------------


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question in a private chat: match it and reply.

    Edited messages come here too and are answered as a new question: someone who edits
    a question has usually fixed a typo or rephrased it, and wants the new answer. The
    earlier reply stays where it was (editing it in place would go unnoticed once the
    conversation has moved on).
    """
    message = update.effective_message
    question = (
        None if message is None else message.caption if message.text is None else message.text
    )
    if message is not None and question is not None:
        await _answer_question(context, message, question)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text in a group: answered only when it is addressed to the bot, else ignored."""
    message = update.effective_message
    if message is None or (message.text or message.caption) is None:
        return
    question = addressed_question(message, context.bot)
    if question is not None:
        await _answer_question(context, message, question)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, photo, voice message, location… in a private chat: ask for text."""
    if update.effective_message:
        await _respond(context, update.effective_message, replies.not_text())


# --- buttons and inline mode -------------------------------------------------------------


def _log_button(
    context: ContextTypes.DEFAULT_TYPE,
    press: replies.Press,
    message: Message | None,
    kb: KnowledgeBase,
) -> str | None:
    """Log a picked suggestion, "none of these", a 👍/👎 or a follow-up clicked under an
    answer (known entry ids only); return the question a picked suggestion answers."""
    log = get_log(context)
    known = press.entry_id in kb.by_id
    if press.kind in ("a", "n") and (known or press.kind == "n"):
        asked = suggested_question(context, message)  # None unless it was a suggestion
        if asked is not None:
            log.record_choice(asked, press.entry_id or None, channel=CHANNEL)
            return asked if press.kind == "a" else None
        answered = answered_question(context, message) if press.kind == "a" else None
        if answered is not None and answered[1] != press.entry_id:
            log.record_followup(answered[0], answered[1], press.entry_id, channel=CHANNEL)
    elif press.kind == "f" and known:
        answered = answered_question(context, message)
        question = answered[0] if answered is not None and answered[1] == press.entry_id else None
        log.record_feedback(press.entry_id, press.good, channel=CHANNEL, question=question)
    return None


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press (data scheme in bot.conversation.replies): answer, page, none, feedback."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer()  # stops the button's spinner; first, whatever happens next
    except TelegramError as exc:  # too old, 403, Telegram down: still do what it says
        logger.info("could not answer a callback query: %s", exc)
    press = replies.parse_callback(query.data or "")
    origin = query.message
    if origin is None:  # a button on an inline-mode message: ours have none
        return
    message = origin if isinstance(origin, Message) else None  # None: older than 48 h
    current = knowledge(context)
    private = origin.chat.type == ChatType.PRIVATE
    reply_to = None if private or message is None else message.message_id
    picked_for = _log_button(context, press, message, current.kb)

    if press.kind == "a":
        entry = current.kb.by_id.get(press.entry_id)
        reply = replies.answer(entry, current.kb) if entry else replies.entry_gone()
        if entry is not None:
            remember_answer(context, Context(entry.id, entry.question, time.monotonic()))
        remember = None
        if picked_for is not None and entry is not None:
            # The picked suggestion answers the user's question: a 👍/👎 on it says so.

            def remember(
                sent: list[Message], asked: str = picked_for, shown: str = entry.id
            ) -> None:
                remember_answered(context, sent, asked, shown)

        await io.send(context.bot, origin.chat.id, reply, reply_to=reply_to, on_sent=remember)
    elif press.kind in ("p", "n"):
        if press.kind == "p":
            reply = replies.questions_page(current.kb, press.page)
        else:
            reply = replies.none_of_these()
        if message is not None:
            await io.edit(context.bot, message, reply)
        else:
            await io.send(context.bot, origin.chat.id, reply)
    elif press.kind == "f" and message is not None:
        # The vote is logged above; here the buttons say thanks.
        await io.thank_for_feedback(context.bot, message, good=press.good)
    # "x" (the thank-you button) and unknown data: nothing more to do.


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline mode (`@bot question`): the best-matching entries; picking one sends it."""
    query = update.inline_query
    if query is None:
        return
    current = knowledge(context)
    text = query.query.strip()[: replies.MAX_QUESTION_CHARS]
    if not text:
        entries = replies.inline_examples(current.kb, INLINE_RESULTS)
    else:
        decision = current.understander.decide(text)
        entries = (
            [] if decision.status is Status.UNKNOWN else [c.entry for c in decision.suggestions]
        )
        if decision.status is Status.ANSWER and decision.entry is not None:
            entries = [decision.entry, *(e for e in entries if e.id != decision.entry.id)]
    results = [io.inline_article(entry, current.kb) for entry in entries[:INLINE_RESULTS]]
    button = (
        None
        if results
        else InlineQueryResultsButton(text=replies.inline_no_match(), start_parameter="aide")
    )
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, button=button)


# --- errors ------------------------------------------------------------------------------


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error (never the token) and apologise where the bot was spoken to."""
    kind = "no update"
    if isinstance(update, Update):
        kind = f"update {update.update_id}"
    logger.error("error while handling %s", kind, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    chat = update.effective_chat
    message = update.effective_message
    addressed = (
        message is not None
        and message.text is not None
        and (message.text.startswith("/") or addressed_question(message, context.bot) is not None)
    )
    spoken_to = chat.type == ChatType.PRIVATE or update.callback_query is not None or addressed
    if update.channel_post or update.edited_channel_post or not spoken_to:
        return
    try:
        await io.send(context.bot, chat.id, replies.apology())
    except TelegramError as exc:
        logger.warning("could not send the apology to %s: %s", kind, exc)
