"""Groups: the bot speaks only when addressed (command, mention, reply to it)."""

from __future__ import annotations

from conftest import Harness, Samples, button_data, sent_messages
from fake_bot_api import (
    BOT_USERNAME,
    USER_ID,
    callback_query,
    chat,
    edited_message,
    photo_message,
    sticker_message,
    text_message,
)
from telegram_html import check_html

from bot.conversation import replies

GROUP = chat(chat_type="supergroup")["id"]
MENTION = f"@{BOT_USERNAME}"


def in_group(text: str, **kwargs: object) -> dict[str, object]:
    return text_message(text, chat_type="supergroup", **kwargs)  # type: ignore[arg-type]


async def test_ordinary_group_messages_are_ignored(app_and_api: Harness, samples: Samples) -> None:
    # Even a question the bot could answer perfectly: it was not addressed.
    for text in (samples.answered, samples.unknown, "@someone_else une question ?", "bonjour"):
        calls = await app_and_api.process(in_group(text))
        assert calls == [], app_and_api.api.describe_calls()


async def test_mention_is_answered_with_the_mention_removed(
    app_and_api: Harness, samples: Samples
) -> None:
    entry = app_and_api.kb.by_id[samples.entry_id]
    for text in (f"{MENTION} {samples.answered}", f"{samples.answered} {MENTION}"):
        pushed = in_group(text)
        [answer] = sent_messages(await app_and_api.process(pushed))
        assert answer["chat"]["id"] == GROUP
        assert answer["text"].startswith(entry.question)
        # The reply quotes the question, so the group sees whom it answers.
        assert answer["reply_to_message"]["text"] == text
    # The mention is not part of the question quoted back, and case does not matter.
    [reply] = sent_messages(
        await app_and_api.process(in_group(f"{MENTION.upper()} {samples.unknown}"))
    )
    assert f"«\u202f{replies.typeset(samples.unknown)}\u202f»" in reply["text"]
    assert MENTION.casefold() not in reply["text"].casefold()


async def test_reply_to_the_bot_is_answered_reply_to_someone_else_is_not(
    app_and_api: Harness, samples: Samples
) -> None:
    [bot_message] = sent_messages(await app_and_api.process(in_group(f"{MENTION} tarte tatin")))
    [answer] = sent_messages(
        await app_and_api.process(in_group(samples.answered, reply_to=bot_message))
    )
    assert answer["text"].startswith(app_and_api.kb.by_id[samples.entry_id].question)
    someone = in_group("je ne sais pas", user_id=2002)["message"]
    assert await app_and_api.process(in_group(samples.answered, reply_to=someone)) == []


async def test_commands_work_in_groups_unless_meant_for_another_bot(app_and_api: Harness) -> None:
    [listing] = sent_messages(await app_and_api.process(in_group(f"/questions{MENTION}")))
    assert "Les questions que je connais" in listing["text"]
    [welcome] = sent_messages(await app_and_api.process(in_group("/start")))
    assert welcome["text"].startswith("Bonjour")
    assert await app_and_api.process(in_group("/questions@other_bot")) == []
    assert await app_and_api.process(in_group("/inconnue")) == []  # maybe another bot's


async def test_bare_mention_invites_a_question(app_and_api: Harness) -> None:
    [reply] = sent_messages(await app_and_api.process(in_group(MENTION)))
    assert reply["text"] == check_html(replies.empty_question().html)


async def test_buttons_work_in_groups(app_and_api: Harness) -> None:
    [welcome] = sent_messages(await app_and_api.process(in_group(f"/start{MENTION}")))
    choice = next(d for d in button_data(welcome) if d.startswith("a:"))
    calls = await app_and_api.process(callback_query(choice, message=welcome, user_id=2002))
    [answer] = sent_messages(calls)
    assert answer["chat"]["id"] == GROUP
    assert answer["text"].startswith(app_and_api.kb.by_id[choice[2:]].question)
    assert answer["reply_to_message"]["message_id"] == welcome["message_id"]


async def test_stickers_photos_and_edits_in_groups_are_silent(
    app_and_api: Harness, samples: Samples
) -> None:
    assert await app_and_api.process(sticker_message(chat_type="supergroup")) == []
    assert await app_and_api.process(photo_message(chat_type="supergroup")) == []
    # A caption is read like a text (issue 11): silent unless it addresses the bot.
    assert await app_and_api.process(photo_message("jolie photo", chat_type="supergroup")) == []
    edit = edited_message(f"{MENTION} {samples.answered}", chat_type="supergroup")
    assert await app_and_api.process(edit) == []
    # The same user is still answered in private.
    [reply] = sent_messages(await app_and_api.process(text_message(samples.answered)))
    assert reply["chat"]["id"] == USER_ID
