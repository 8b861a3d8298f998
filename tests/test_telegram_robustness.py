"""Telegram's errors: 429, 5xx, dropped connections and timeouts never cost an answer."""

from __future__ import annotations

import asyncio

import pytest
from conftest import Harness, Samples, harness, sent_messages
from fake_bot_api import DROPPED, Call, FakeBotAPI, callback_query, text_message
from telegram.error import BadRequest, NetworkError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest
from telegram_html import check_html

from bot.conversation import replies
from bot.knowledge.base import KnowledgeBase
from bot.telegram.io import RetryingRateLimiter


def statuses(calls: list[Call], method: str) -> list[int]:
    return [c.status for c in calls if c.method == method]


def assert_answered(bot: Harness, calls: list[Call], samples: Samples) -> None:
    """Exactly one message went out, and it is the answer (not an apology)."""
    [answer] = sent_messages(calls)
    assert answer["text"].startswith(bot.kb.by_id[samples.entry_id].question), answer["text"]


async def test_429_is_waited_out_then_the_answer_is_sent(
    app_and_api: Harness, samples: Samples
) -> None:
    app_and_api.api.fail_next("sendMessage", 429, retry_after=1)
    loop = asyncio.get_running_loop()
    start = loop.time()
    calls = await app_and_api.process(text_message(samples.answered))
    assert statuses(calls, "sendMessage") == [429, 200]
    assert loop.time() - start >= 1.0  # Telegram's retry_after was respected
    [answer] = sent_messages(calls)
    assert answer["text"].startswith(app_and_api.kb.by_id[samples.entry_id].question)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_error_is_retried(app_and_api: Harness, samples: Samples, status: int) -> None:
    app_and_api.api.fail_next("sendMessage", status)
    calls = await app_and_api.process(text_message(samples.answered))
    assert statuses(calls, "sendMessage") == [status, 200]
    assert_answered(app_and_api, calls, samples)


async def test_dropped_connection_is_retried(app_and_api: Harness, samples: Samples) -> None:
    app_and_api.api.drop_next("sendMessage", times=2)
    calls = await app_and_api.process(text_message(samples.answered))
    assert statuses(calls, "sendMessage") == [DROPPED, DROPPED, 200]
    assert_answered(app_and_api, calls, samples)


async def test_timeout_is_retried(kb: KnowledgeBase, samples: Samples) -> None:
    request = HTTPXRequest(read_timeout=1.0, connect_timeout=2.0)  # a hang of 3 s times out
    async with harness(kb, request=request) as bot:
        bot.api.hang_next("sendMessage", seconds=3.0)
        calls = await bot.process(text_message(samples.answered))
        assert statuses(calls, "sendMessage") == [DROPPED, 200]
        assert_answered(bot, calls, samples)


async def test_button_calls_are_retried_too(app_and_api: Harness) -> None:
    [listing] = sent_messages(await app_and_api.process(text_message("/questions")))
    app_and_api.api.fail_next("answerCallbackQuery", 500)
    app_and_api.api.drop_next("editMessageText")
    calls = await app_and_api.process(callback_query("p:1", message=listing))
    assert statuses(calls, "answerCallbackQuery") == [500, 200]
    # Page 1 is already shown: after the retry Telegram says "not modified", quietly.
    assert [c.status for c in calls if c.method == "editMessageText"] == [DROPPED, 400]
    assert sent_messages(calls) == []


async def test_get_updates_failure_does_not_lose_the_question(
    app_and_api: Harness, samples: Samples
) -> None:
    await app_and_api.api.wait_for("getUpdates")
    app_and_api.api.fail_next("getUpdates", 500)
    calls = await app_and_api.process(text_message(samples.answered))
    assert_answered(app_and_api, calls, samples)
    failed = [c for c in app_and_api.api.calls if c.method == "getUpdates" and c.status == 500]
    assert len(failed) == 1


async def test_unexpected_error_is_logged_and_apologised_for(
    app_and_api: Harness, samples: Samples, caplog: pytest.LogCaptureFixture
) -> None:
    # A BadRequest is not transient: no retry, the sender apologises instead.
    app_and_api.api.fail_next("sendMessage", 400, description="Bad Request: chat is odd")
    calls = await app_and_api.process(text_message(samples.answered))
    assert statuses(calls, "sendMessage") == [400, 200]
    [apology] = sent_messages(calls)
    assert apology["text"] == check_html(replies.apology().html)
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert errors[0].exc_info is not None
    assert "chat is odd" in str(errors[0].exc_info[1]).lower()


async def test_one_flooding_user_does_not_delay_the_others(app_and_api: Harness) -> None:
    flood = [f"question numéro {i} sur la tarte tatin" for i in range(40)]
    for text in flood:
        app_and_api.api.push(text_message(text, user_id=3001))
    other = app_and_api.api.push(text_message("/aide", user_id=3002))
    await app_and_api.wait_done(other["update_id"])
    flooder = app_and_api.api.sent(3001)
    # The other user's answer came after at most a couple of the flooder's 40 (the rate
    # limiter lets ~30 messages a second through), not after all of them.
    assert len(flooder) <= 5, f"{len(flooder)} flood replies went first"
    [calls] = [await app_and_api.api.wait_for("sendMessage", count=41, timeout=10)]
    assert len(calls) == 41
    # And the flooder's answers arrive in the order of the questions.
    order = [
        next(i for i, q in enumerate(flood) if q in m["text"]) for m in app_and_api.api.sent(3001)
    ]
    assert order == list(range(40))


# --- the retrying rate limiter on its own --------------------------------------------------


async def test_retrying_rate_limiter_gives_up_after_its_retries() -> None:
    async with FakeBotAPI() as api:
        limiter = RetryingRateLimiter(network_retry_delays=(0.01, 0.01))
        bot = ExtBot(api.token, base_url=api.base_url, rate_limiter=limiter)
        async with bot:
            api.fail_next("sendMessage", 500, times=2)
            await bot.send_message(1, "deux échecs puis succès")
            assert [c.status for c in api.calls if c.method == "sendMessage"] == [500, 500, 200]
            api.calls.clear()
            api.fail_next("sendMessage", 500, times=3)
            with pytest.raises(NetworkError):
                await bot.send_message(1, "trois échecs")
            assert [c.status for c in api.calls if c.method == "sendMessage"] == [500] * 3
            api.calls.clear()
            api.fail_next("sendMessage", 400, description="Bad Request: nope")
            with pytest.raises(BadRequest):
                await bot.send_message(1, "jamais réessayé")
            assert [c.status for c in api.calls if c.method == "sendMessage"] == [400]
