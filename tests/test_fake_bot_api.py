"""Tests of the fake Telegram Bot API server, driven by the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import time
from typing import Any

import httpx
import pytest
from fake_bot_api import (
    DROPPED,
    FakeBotAPI,
    callback_query,
    channel_post,
    chosen_inline_result,
    edited_message,
    fake_api_fixture,  # noqa: F401
    fake_bot_fixture,  # noqa: F401
    inline_query,
    location_message,
    parse_html,
    photo_message,
    sticker_message,
    text_message,
    voice_message,
)
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes, MessageHandler, filters

CHAT = 4242


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx honours *_PROXY variables: keep every request on 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data=data)]])


async def raw_post(api: FakeBotAPI, method: str, data: dict[str, str]) -> tuple[int, Any]:
    """A request as PTB sends it (urlencoded, JSON-encoded values), without PTB's checks."""
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(f"{api.base_url}{api.token}/{method}", data=data)
    return response.status_code, response.json()


# --- sending and HTML validation ---------------------------------------------------------


async def test_get_me_and_send_message(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    assert fake_bot.username == "faq_test_bot"
    me = await fake_bot.get_me()
    assert me.supports_inline_queries
    first = await fake_bot.send_message(CHAT, "hello")
    second = await fake_bot.send_message(CHAT, "again", reply_markup=keyboard("k:1"))
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.id == CHAT
    assert first.from_user is not None
    assert first.from_user.username == "faq_test_bot"
    assert second.reply_markup == keyboard("k:1")
    assert [m["text"] for m in fake_api.sent(CHAT)] == ["hello", "again"]
    method, params, status = fake_api.calls[-1]
    assert (method, status, params["chat_id"]) == ("sendMessage", 200, CHAT)
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "Go", "callback_data": "k:1"}]]}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Hi <script>alert(1)</script>", 'unsupported start tag "script" at byte offset 3'),
        ("<b>bold", 'can\'t find end tag corresponding to start tag "b"'),
        ("A & B", 'unescaped "&" at byte offset 2'),
        ("a < b", 'unsupported start tag "" at byte offset 2'),
        ("<b>x</i>", 'unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "unexpected end tag at byte offset 1"),
        ('<span class="x">y</span>', 'tag "span" must have class "tg-spoiler"'),
        ("<a>link</a>", 'tag "a" must have attribute "href"'),
    ],
)
async def test_invalid_html_is_refused(fake_bot: Bot, text: str, reason: str) -> None:
    with pytest.raises(BadRequest) as error:
        await fake_bot.send_message(CHAT, text, parse_mode=ParseMode.HTML)
    # PTB strips "Bad Request: " and lower-cases the rest of Telegram's description.
    assert error.value.message.startswith(f"Can't parse entities: {reason}".capitalize())


async def test_escaped_html_is_accepted(fake_bot: Bot) -> None:
    raw = "Rien de <b>spécial</b> : A & B < C > D, \"guillemets\" et 'apostrophes' &amp; 😀"
    text = f'<b>{html.escape(raw)}</b> <a href="https://example.org/?a=1&amp;b=2">lien</a>'
    message = await fake_bot.send_message(CHAT, text, parse_mode=ParseMode.HTML)
    assert message.text == f"{raw} lien"
    bold, link = message.entities
    assert (bold.type, bold.offset, bold.length) == ("bold", 0, len(raw) + 1)  # 😀 counts 2
    assert link.url == "https://example.org/?a=1&b=2"


async def test_length_is_counted_on_the_visible_text_in_utf16(fake_bot: Bot) -> None:
    for ok in ("x" * 4096, f"<b>{'x' * 4096}</b>", "&amp;" * 4096, "😀" * 2048):
        await fake_bot.send_message(CHAT, ok, parse_mode=ParseMode.HTML)
    for too_long in ("x" * 4097, f"<i>{'x' * 4097}</i>", "😀" * 2048 + "x"):
        with pytest.raises(BadRequest, match="Message is too long"):
            await fake_bot.send_message(CHAT, too_long, parse_mode=ParseMode.HTML)


async def test_empty_text_is_refused(fake_bot: Bot) -> None:
    for empty in (" \n ", "<b> </b>"):
        with pytest.raises(BadRequest, match="Message text is empty"):
            await fake_bot.send_message(CHAT, empty, parse_mode=ParseMode.HTML)


async def test_callback_data_is_limited_to_64_bytes(fake_bot: Bot) -> None:
    await fake_bot.send_message(CHAT, "ok", reply_markup=keyboard("d" * 64))
    for data in ("d" * 65, "é" * 33):
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await fake_bot.send_message(CHAT, "no", reply_markup=keyboard(data))


async def test_malformed_markup_and_missing_fields(fake_api: FakeBotAPI) -> None:
    status, body = await raw_post(
        fake_api, "sendMessage", {"chat_id": "1", "text": "x", "reply_markup": "{not json"}
    )
    assert (status, body["description"]) == (
        400,
        "Bad Request: can't parse reply keyboard markup JSON object",
    )
    markup = '{"inline_keyboard": [[{"text": "no action"}]]}'
    _, body = await raw_post(
        fake_api, "sendMessage", {"chat_id": "1", "text": "x", "reply_markup": markup}
    )
    assert "Text buttons are unallowed" in body["description"]
    _, body = await raw_post(fake_api, "sendMessage", {"text": "x"})
    assert body == {"ok": False, "error_code": 400, "description": "Bad Request: chat_id is empty"}
    status, body = await raw_post(fake_api, "noSuchMethod", {})
    assert (status, body["description"]) == (404, "Not Found")


# --- fault injection -----------------------------------------------------------------------


async def test_429_raises_retry_after(
    fake_api: FakeBotAPI, fake_bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # else PTB warns when it builds RetryAfter
    fake_api.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as error:
        await fake_bot.send_message(CHAT, "flood")
    assert error.value.retry_after == dt.timedelta(seconds=3)
    await fake_bot.send_message(CHAT, "then fine")
    assert [c.status for c in fake_api.calls if c.method == "sendMessage"] == [429, 200]
    assert fake_api.calls[-2].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }


async def test_500_raises_network_error(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    fake_api.fail_next("sendMessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error") as error:
            await fake_bot.send_message(CHAT, "oops")
        assert type(error.value) is NetworkError
    await fake_bot.send_message(CHAT, "recovered")


async def test_dropped_and_hung_connections(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    fake_api.drop_next("sendMessage")
    with pytest.raises(NetworkError):
        await fake_bot.send_message(CHAT, "dropped")
    fake_api.hang_next("sendMessage", seconds=10)
    with pytest.raises(TimedOut):
        await fake_bot.send_message(CHAT, "hung", read_timeout=0.3)
    assert [c.status for c in fake_api.calls[-2:]] == [DROPPED, DROPPED]
    assert (await fake_bot.send_message(CHAT, "fine")).text == "fine"


async def test_wrong_token_raises_invalid_token(fake_api: FakeBotAPI) -> None:
    with pytest.raises(InvalidToken):  # raised by get_me() in Bot.initialize()
        async with Bot("987:wrong", base_url=fake_api.base_url):
            pass
    assert fake_api.calls[-1].status == 401


# --- updates ---------------------------------------------------------------------------


async def test_long_polling_offset_and_allowed_updates(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(fake_bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    pushed = fake_api.push(text_message("hello", chat_id=CHAT))
    [update] = await poll
    assert time.monotonic() - started < 2
    assert update.update_id == pushed["update_id"]
    assert update.message is not None
    assert update.message.text == "hello"
    assert update.message.chat.id == CHAT
    assert len(await fake_bot.get_updates(timeout=0)) == 1  # not confirmed yet
    assert await fake_bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    fake_api.push(inline_query("q"))
    fake_api.push(text_message("kept"))
    [kept] = await fake_bot.get_updates(timeout=0, allowed_updates=["message"])
    assert kept.message is not None
    assert kept.message.text == "kept"

    started = time.monotonic()
    assert await fake_bot.get_updates(offset=kept.update_id + 1, timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_concurrent_polls_conflict(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    first = asyncio.create_task(fake_bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with fake_api.bot() as other_instance:
        await other_instance.get_updates(timeout=0)
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_factories_deserialise_in_ptb(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    sent = await fake_bot.send_message(CHAT, "question?", reply_markup=keyboard("a:1"))
    for update in (
        text_message("/start@faq_test_bot hi @faq_test_bot", chat_type="group"),
        sticker_message(),
        photo_message("caption"),
        voice_message(),
        location_message(),
        edited_message("edited", message_id=7),
        channel_post("news"),
        callback_query("a:1", message=fake_api.sent()[-1]),
        inline_query("ask"),
        chosen_inline_result("r1", query="ask"),
    ):
        fake_api.push(update)
    updates = await fake_bot.get_updates(timeout=0)
    assert len(updates) == 10
    command = updates[0].message
    assert command is not None
    assert command.chat.type == "group"
    assert command.parse_entities(["bot_command", "mention"]) == {
        command.entities[0]: "/start@faq_test_bot",
        command.entities[1]: "@faq_test_bot",
    }
    assert updates[1].message is not None
    assert updates[1].message.sticker is not None
    assert updates[2].message is not None
    assert updates[2].message.caption == "caption"
    assert updates[5].edited_message is not None
    assert updates[6].channel_post is not None
    query = updates[7].callback_query
    assert query is not None
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert Update.de_json(fake_api.push(voice_message()), fake_bot).message is not None


# --- callback queries, inline queries, edits, commands ----------------------------------------


async def test_callback_query_answers(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    message = (await fake_bot.send_message(CHAT, "q", reply_markup=keyboard("x"))).to_dict()
    query_id = fake_api.push(callback_query("x", message=message))["callback_query"]["id"]
    with pytest.raises(BadRequest, match="Message_too_long"):
        await fake_bot.answer_callback_query(query_id, text="x" * 201)
    assert await fake_bot.answer_callback_query(query_id, text="x" * 200)
    for unknown in (query_id, "123"):
        with pytest.raises(BadRequest, match="Query is too old"):
            await fake_bot.answer_callback_query(unknown)


async def test_inline_query_answers(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    query_id = fake_api.push(inline_query("q"))["inline_query"]["id"]

    def article(index: int, text: str) -> InlineQueryResultArticle:
        content = InputTextMessageContent(text, parse_mode=ParseMode.HTML)
        return InlineQueryResultArticle(f"r{index}", "title", content)

    too_many = [article(i, "x") for i in range(51)]
    with pytest.raises(BadRequest, match="Results_too_much"):
        await fake_bot.answer_inline_query(query_id, too_many)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await fake_bot.answer_inline_query(query_id, [article(1, "a & b")])
    with pytest.raises(BadRequest, match="Message is too long"):
        await fake_bot.answer_inline_query(query_id, [article(1, "x" * 4097)])
    assert await fake_bot.answer_inline_query(query_id, [article(1, "<b>ok</b>")])
    with pytest.raises(BadRequest, match="Query is too old"):
        await fake_bot.answer_inline_query(query_id, [article(1, "again")])


async def test_edits(fake_bot: Bot) -> None:
    message = await fake_bot.send_message(CHAT, "<b>v1</b>", "HTML", reply_markup=keyboard("k"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await fake_bot.edit_message_text("<b>v1</b>", CHAT, message.message_id, parse_mode="HTML",
                                         reply_markup=keyboard("k"))  # fmt: skip
    edited = await fake_bot.edit_message_text("v2", CHAT, message.message_id)
    assert isinstance(edited, type(message))
    assert (edited.text, edited.reply_markup, edited.edit_date is not None) == ("v2", None, True)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await fake_bot.edit_message_reply_markup(CHAT, message.message_id)
    await fake_bot.edit_message_reply_markup(CHAT, message.message_id, reply_markup=keyboard("n"))
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await fake_bot.edit_message_text("v3", CHAT, 999)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await fake_bot.edit_message_text("<i>v3", CHAT, message.message_id, parse_mode="HTML")


async def test_commands_and_chat_actions(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    await fake_bot.set_my_commands([("start", "Commencer"), ("aide", "Aide")])
    assert [c.command for c in await fake_bot.get_my_commands()] == ["start", "aide"]
    assert await fake_bot.delete_my_commands()
    assert await fake_bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await fake_bot.set_my_commands([("Start!", "x")])
    assert await fake_bot.send_chat_action(CHAT, "typing")
    assert await fake_bot.set_chat_menu_button()


async def test_wait_for_reports_what_was_received(fake_api: FakeBotAPI, fake_bot: Bot) -> None:
    with pytest.raises(BadRequest):
        await fake_bot.send_message(CHAT, "<b>", parse_mode="HTML")
    with pytest.raises(AssertionError, match=r"(?s)got 0.*sendMessage -> 400.*can't parse"):
        await fake_api.wait_for("sendMessage", timeout=0.1)
    [failed] = await fake_api.wait_for("sendMessage", include_failed=True)
    assert failed.status == 400


# --- a real Application ------------------------------------------------------------------


async def test_application_echoes_end_to_end(fake_api: FakeBotAPI) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    app = fake_api.application_builder().build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        fake_api.push(text_message("ping", chat_id=CHAT))
        [call] = await fake_api.wait_for("sendMessage")
        assert call.params == {"chat_id": CHAT, "text": "echo: ping"}
        await app.updater.stop()
        await app.stop()
    assert fake_api.calls[0].method == "getMe"
    assert "deleteWebhook" in [c.method for c in fake_api.calls]


# --- the HTML parser itself (cases from tdlib's tests) ---------------------------------------


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba>", 'Expected equal sign in declaration of an attribute of the tag "i"'),
        ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
        ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
        ("&#xDFDF;", "Text contains invalid Unicode characters"),
    ],
)
def test_parse_html_errors(text: str, error: str) -> None:
    with pytest.raises(ValueError, match="^" + error.replace(".", r"\.")):
        parse_html(text, strict=False)


def test_parse_html_results() -> None:
    assert parse_html("&lt;&gt;&amp;&quot;&laquo;&#12345678;", strict=False)[0] == (
        '<>&"&laquo;&#12345678;'
    )
    assert parse_html("🏟 🏟<i>🏟 &lt;<b aba = caba>&lt;🏟</b></i>") == (
        "🏟 🏟🏟 <<🏟",
        [
            {"type": "italic", "offset": 5, "length": 7},
            {"type": "bold", "offset": 9, "length": 3},
        ],
    )
    _, [entity] = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert entity == {"type": "pre", "language": "python", "offset": 0, "length": 5}
    assert parse_html("<blockquote expandable>q</blockquote>")[1] == [
        {"type": "expandable_blockquote", "offset": 0, "length": 1}
    ]
    assert parse_html("a & b", strict=False) == ("a & b", [])
