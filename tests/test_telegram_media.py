"""Non-text messages and channel posts: a short reply in private, silence elsewhere."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Harness, Samples, sent_messages
from fake_bot_api import (
    USER_ID,
    channel_post,
    edited_message,
    location_message,
    photo_message,
    sticker_message,
    voice_message,
)
from telegram import Update
from telegram_html import check_html

from bot.conversation import replies
from bot.knowledge.base import KnowledgeBase
from bot.telegram.app import ALLOWED_UPDATES

MENTION = "@faq_test_bot"


@pytest.mark.parametrize(
    "update",
    [sticker_message(), photo_message(), voice_message(), location_message()],
    ids=["sticker", "photo", "voice", "location"],
)  # fmt: skip
async def test_non_text_in_private_gets_a_short_reply(
    app_and_api: Harness, update: dict[str, Any]
) -> None:
    calls = await app_and_api.process(update)
    [reply] = sent_messages(calls)
    assert reply["chat"]["id"] == USER_ID
    assert reply["text"] == check_html(replies.not_text().html)
    assert all(c.status == 200 for c in calls)


async def test_edited_location_is_silent(app_and_api: Harness) -> None:
    # A live location sends an edit every few seconds: it must not get a reply each time.
    update = location_message()
    update["edited_message"] = update.pop("message")
    assert await app_and_api.process(update) == []
    # An edited text is a question, though (see test_telegram_conversation).
    assert sent_messages(await app_and_api.process(edited_message("bonjour")))


async def test_channel_posts_are_not_requested(app_and_api: Harness) -> None:
    polls = await app_and_api.api.wait_for("getUpdates")  # a long poll ends within 1 s
    for call in polls:
        assert sorted(call.params["allowed_updates"]) == sorted(ALLOWED_UPDATES)
    assert "channel_post" not in ALLOWED_UPDATES


async def test_channel_post_reaching_the_bot_is_ignored(app_and_api: Harness) -> None:
    # Should Telegram deliver one anyway, no handler takes it: processed, nothing sent.
    update = Update.de_json(app_and_api.api.push(channel_post("/start")), app_and_api.app.bot)
    assert update.channel_post is not None
    before = len(app_and_api.api.calls)
    await app_and_api.app.process_update(update)
    assert app_and_api.api.calls[before:] == []


async def test_photo_whose_caption_is_a_question_gets_its_answer(
    app_and_api: Harness, samples: Samples, kb: KnowledgeBase
) -> None:
    [reply] = sent_messages(await app_and_api.process(photo_message(samples.answered)))
    assert reply["chat"]["id"] == USER_ID
    expected = replies.answer(kb.by_id[samples.entry_id], kb).html
    assert reply["text"] == check_html(expected)
    # A caption the article does not answer gets the usual "not in the article".
    [reply] = sent_messages(await app_and_api.process(photo_message(samples.unknown)))
    assert reply["text"] != check_html(replies.not_text().html)
    assert "Désolé" in reply["text"]


async def test_captioned_photo_in_a_group_is_answered_only_when_addressed(
    app_and_api: Harness, samples: Samples, kb: KnowledgeBase
) -> None:
    unaddressed = photo_message(samples.answered, chat_type="supergroup")
    assert await app_and_api.process(unaddressed) == []
    update = photo_message(f"{MENTION} {samples.answered}", chat_type="supergroup")
    [reply] = sent_messages(await app_and_api.process(update))
    assert reply["text"] == check_html(replies.answer(kb.by_id[samples.entry_id], kb).html)
    assert reply["reply_to_message"]["caption"] == f"{MENTION} {samples.answered}"
