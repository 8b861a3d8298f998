"""bot.telegram.io against the fake Bot API: long replies split cleanly, buttons, quoting."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from fake_bot_api import FakeBotAPI, text_message
from telegram import Bot
from telegram_html import check_html

from bot.conversation.replies import MAX_MESSAGE, Button, Reply
from bot.telegram import io

CHAT = 5151


@pytest_asyncio.fixture
async def api_and_bot() -> AsyncIterator[tuple[FakeBotAPI, Bot]]:
    async with FakeBotAPI() as api, api.bot() as bot:
        yield api, bot


async def test_a_reply_longer_than_a_message_is_sent_in_valid_parts(
    api_and_bot: tuple[FakeBotAPI, Bot],
) -> None:
    api, bot = api_and_bot
    question = api.push(text_message("une question", chat_id=CHAT, chat_type="group"))["message"]
    lines = [
        f"<b>Ligne {i}</b> : A &amp; B &lt; C, « du texte » " + "mot " * 30 for i in range(120)
    ]
    reply = Reply("\n".join(lines), ((Button("Suite", "p:2"),),))
    sent = await io.send(bot, CHAT, reply, reply_to=question["message_id"])
    assert len(sent) >= 4
    calls = [c for c in api.calls if c.method == "sendMessage"]
    assert [c.status for c in calls] == [200] * len(sent)  # the fake accepted every part
    for call in calls:
        assert len(check_html(call.params["text"])) <= MAX_MESSAGE
        assert call.params["parse_mode"] == "HTML"
    # The first part quotes the question, only the last carries the buttons.
    assert [m.reply_to_message is not None for m in sent] == [True] + [False] * (len(sent) - 1)
    assert [m.reply_markup is not None for m in sent] == [False] * (len(sent) - 1) + [True]
    shown = "\n".join(m.text or "" for m in sent)
    assert " ".join(shown.split()) == " ".join(check_html(reply.html).split())


async def test_edit_ignores_not_modified_and_url_buttons_work(
    api_and_bot: tuple[FakeBotAPI, Bot],
) -> None:
    api, bot = api_and_bot
    reply = Reply("<i>page</i>", ((Button("Article", url="https://example.org/a?b=1"),),))
    [message] = await io.send(bot, CHAT, reply)
    await io.edit(bot, message, reply)  # same content: Telegram says "not modified"
    assert [c.status for c in api.calls if c.method == "editMessageText"] == [400]
    await io.edit(bot, message, Reply("autre <b>page</b>"))
    stored = api.message(CHAT, message.message_id)
    assert stored["text"] == "autre page"
    assert "reply_markup" not in stored


async def test_feedback_row_is_replaced_and_other_rows_kept(
    api_and_bot: tuple[FakeBotAPI, Bot],
) -> None:
    api, bot = api_and_bot
    reply = Reply(
        "réponse",
        ((Button("👍", "f:+:x"), Button("👎", "f:-:x")), (Button("Autre question", "a:y"),)),
    )
    [message] = await io.send(bot, CHAT, reply)
    await io.thank_for_feedback(bot, message, good=False)
    rows = api.message(CHAT, message.message_id)["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in rows] == [["x"], ["a:y"]]
