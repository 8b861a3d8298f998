"""Conversation-grade understanding on Telegram, end to end through the fake Bot API:
follow-ups read in the chat's context, two questions in one message, small talk."""

from __future__ import annotations

from conftest import Harness, sent_messages
from fake_bot_api import BOT_USERNAME, USER_ID, callback_query, text_message

FIRST = "La Corée du Nord donne quoi à la Russie ?"
FOLLOW_UP = "et dans l'autre sens ?"


def question_of(message: dict[str, object]) -> str:
    """The first line of an answer: the entry's question."""
    return str(message["text"]).splitlines()[0]


async def test_elliptic_followup_is_answered_in_the_chats_context(app_and_api: Harness) -> None:
    kb = app_and_api.kb
    [first] = sent_messages(await app_and_api.process(text_message(FIRST)))
    assert question_of(first) == kb.by_id["ce-que-donne-la-coree"].question
    [second] = sent_messages(await app_and_api.process(text_message(FOLLOW_UP)))
    assert question_of(second) == kb.by_id["ce-que-donne-la-russie"].question
    assert "Source" in str(second["text"])


async def test_followup_saying_who_gives_gets_that_givers_entry(app_and_api: Harness) -> None:
    """ "et la Russie, elle reçoit quoi ?" after what Russia gives (the FAQ's `gives:`)."""
    kb = app_and_api.kb
    first = "Que donne la Russie à la Corée du Nord ?"
    [answer] = sent_messages(await app_and_api.process(text_message(first)))
    assert question_of(answer) == kb.by_id["ce-que-donne-la-russie"].question
    then = "et la Russie, elle reçoit quoi ?"
    [turned] = sent_messages(await app_and_api.process(text_message(then)))
    assert question_of(turned) == kb.by_id["ce-que-donne-la-coree"].question


async def test_a_followup_the_faq_names_gets_its_entry(app_and_api: Harness) -> None:
    """ "et en vrai ?" after the official programme: the real purpose (the FAQ's
    `followups:` of that entry), with its source."""
    kb = app_and_api.kb
    first = "Quel est le programme officiel de la visite ?"
    [answer] = sent_messages(await app_and_api.process(text_message(first)))
    assert question_of(answer) == kb.by_id["programme-officiel"].question
    [then] = sent_messages(await app_and_api.process(text_message("et en vrai ?")))
    assert question_of(then) == kb.by_id["but-reel"].question
    assert "Source" in str(then["text"])


async def test_doubting_the_answer_gets_it_again_with_its_source(app_and_api: Harness) -> None:
    """ "t'es sûr ?" right after an answer: that answer again, saying it is the article's."""
    kb = app_and_api.kb
    await app_and_api.process(text_message(FIRST))
    [again] = sent_messages(await app_and_api.process(text_message("t'es sûr ?")))
    lines = str(again["text"]).splitlines()
    assert lines[0] == "Je m’en tiens à ce que dit l’article, source à l’appui\u202f:"
    assert lines[2] == kb.by_id["ce-que-donne-la-coree"].question
    assert lines[-1].startswith("📄 Source")


async def test_another_chat_has_no_context(app_and_api: Harness) -> None:
    await app_and_api.process(text_message(FIRST))
    other = 2002
    [reply] = sent_messages(
        await app_and_api.process(text_message(FOLLOW_UP, user_id=other, chat_id=other))
    )
    answer = app_and_api.kb.by_id["ce-que-donne-la-russie"].question
    assert question_of(reply) != answer
    assert reply["chat"]["id"] == other


async def test_a_button_answer_is_context_too(app_and_api: Harness) -> None:
    kb = app_and_api.kb
    [listing] = sent_messages(await app_and_api.process(text_message("/questions")))
    calls = await app_and_api.process(callback_query("a:kim-en-russie", message=listing))
    [answer] = sent_messages(calls)
    assert question_of(answer).startswith(kb.by_id["kim-en-russie"].question[:20])
    [when] = sent_messages(await app_and_api.process(text_message("c'était quand ?")))
    assert question_of(when).startswith(kb.by_id["kim-en-russie"].question[:20])


async def test_two_questions_in_one_message_get_two_answers(app_and_api: Harness) -> None:
    kb = app_and_api.kb
    message = "Pourquoi Poutine va-t-il en Corée du Nord ? Et quand Kim est-il allé en Russie ?"
    replies = sent_messages(await app_and_api.process(text_message(message)))
    assert len(replies) == 2
    assert question_of(replies[1]).startswith(kb.by_id["kim-en-russie"].question[:20])
    assert all(r["chat"]["id"] == USER_ID and "Source" in str(r["text"]) for r in replies)


async def test_small_talk_gets_small_talk_in_private(app_and_api: Harness) -> None:
    for text in ("bonjour", "merci !", "ok", "👍", "t'es nul", "Wie alt ist Putin?", "42"):
        [reply] = sent_messages(await app_and_api.process(text_message(text)))
        shown = str(reply["text"])
        assert "Source" not in shown, text
        assert "ne dit rien" not in shown, text  # never "the article says nothing"
        assert "🤷" not in shown, text


async def test_small_talk_in_a_group_only_when_addressed(app_and_api: Harness) -> None:
    group = {"chat_type": "supergroup"}
    assert await app_and_api.process(text_message("merci", **group)) == []  # type: ignore[arg-type]
    mention = text_message(f"@{BOT_USERNAME} merci !", **group)  # type: ignore[arg-type]
    [reply] = sent_messages(await app_and_api.process(mention))
    assert "Source" not in str(reply["text"])
    assert "merci" in reply["reply_to_message"]["text"]  # it quotes who it answers
