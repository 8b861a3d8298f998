"""Forged button data, end to end (issue 11): any callback data is handled quietly.

A modified client can put anything in a callback query's data (Telegram caps it at 64
bytes). Pressed on a real message of the bot, over HTTP against the fake Bot API, none
may raise: no ERROR in the log, no apology, and the button's spinner is always stopped.
`replies.parse_callback` itself is property-tested in test_replies.py.
"""

from __future__ import annotations

import logging
import random

import pytest
from conftest import Harness, sent_messages
from fake_bot_api import callback_query, text_message

from bot.conversation import replies

TABLE = [
    "p:²", "p:³³", "p:٣", "p:０", "p:𝟙", "p:-1", "p:0", "p:+5", "p: 2", "p:1e3", "p:9999",
    "p:99999999999999999999", "p:", "p", "a:", "a:no-such-entry", "a:<b>x</b>", "a:../../etc",
    "f:+:", "f:?:x", "f:+:no-such-entry", "f:-:" + "x" * 60, "n:1", "x:y", "", ":", "::::",
    "\x00", "é", "a:\u202e", "🤖" * 16, "p:\n1",
]  # fmt: skip


def _random_data(rng: random.Random) -> str:
    """Random text of at most 64 UTF-8 bytes, often starting like real data."""
    alphabet = "apnfx:+-0123456789²٣ \t\néÿ€🤖\u202e\x00"
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
    if rng.random() < 0.5:
        text = rng.choice("apnfx") + ":" + text
    while len(text.encode("utf-8")) > 64:
        text = text[:-1]
    return text


async def test_any_callback_data_is_handled_quietly(
    app_and_api: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    [listing] = sent_messages(await app_and_api.process(text_message("/questions")))
    rng = random.Random(11)
    apology = replies.apology().plain
    for data in TABLE + [_random_data(rng) for _ in range(150)]:
        calls = await app_and_api.process(callback_query(data, message=listing))
        assert any(c.method == "answerCallbackQuery" for c in calls), data
        # Editing the listing to the page it already shows is refused, harmlessly.
        refused = [c for c in calls if c.status != 200 and "not modified" not in str(c.response)]
        assert refused == [], (data, refused)
        assert all(m["text"] != apology for m in sent_messages(calls)), data
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
