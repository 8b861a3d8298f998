"""The conversation in a private chat, end to end over HTTP: commands, questions, buttons."""

from __future__ import annotations

import html

from conftest import Harness, Samples, button_data, sent_messages
from fake_bot_api import USER_ID, callback_query, edited_message, text_message
from telegram_html import check_html

from bot.conversation import replies


def visible(message: dict[str, object]) -> str:
    return str(message["text"])


async def test_start_welcomes_with_the_article_and_example_buttons(app_and_api: Harness) -> None:
    calls = await app_and_api.process(text_message("/start"))
    [welcome] = sent_messages(calls)
    kb = app_and_api.kb
    assert welcome["chat"]["id"] == USER_ID
    assert visible(welcome).startswith("Bonjour")
    assert "Grand Continent" in visible(welcome)  # "un article du Grand Continent"
    links = [e["url"] for e in welcome.get("entities", []) if e["type"] == "text_link"]
    assert kb.article.url in links
    data = button_data(welcome)
    examples = [d for d in data if d.startswith("a:")]
    assert min(3, len(kb.entries)) <= len(examples) <= 4
    assert all(d[2:] in kb.by_id for d in examples)
    assert data[-1] == "p:1"  # and a way to browse everything
    [call] = [c for c in calls if c.method == "sendMessage"]
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}


async def test_deep_link_start_answers_that_entry(app_and_api: Harness) -> None:
    entry = app_and_api.kb.entries[-1]
    [answer] = sent_messages(await app_and_api.process(text_message(f"/start {entry.id}")))
    assert visible(answer).startswith(entry.question)
    assert entry.answer.split()[0] in visible(answer)
    assert "Source" in visible(answer)
    # An unknown id (an old link) falls back to the welcome.
    [welcome] = sent_messages(await app_and_api.process(text_message("/start pas-une-entree")))
    assert visible(welcome).startswith("Bonjour")


async def test_question_is_answered_with_its_source_line(
    app_and_api: Harness, samples: Samples
) -> None:
    [answer] = sent_messages(await app_and_api.process(text_message(samples.answered)))
    kb = app_and_api.kb
    entry = kb.by_id[samples.entry_id]
    text = visible(answer)
    assert entry.question in text
    assert " ".join(entry.answer.split()) in " ".join(text.split())
    source = text.splitlines()[-1]
    assert source.startswith(f"📄 Source\u202f: {kb.article.outlet}")
    for key in (k for k in entry.sources if k != "article"):
        assert key in source
    link = next(e for e in answer["entities"] if e["type"] == "text_link")
    assert link["url"] == kb.article.url
    data = button_data(answer)
    assert data[:2] == [f"f:+:{entry.id}", f"f:-:{entry.id}"]
    assert len(data) - 2 <= 3  # up to 3 related questions
    assert all(d[2:] in kb.by_id for d in data[2:])


async def test_suggestion_clicked_answers_the_chosen_entry(
    app_and_api: Harness, samples: Samples
) -> None:
    [suggestion] = sent_messages(await app_and_api.process(text_message(samples.suggested)))
    assert "Vouliez-vous dire" in visible(suggestion)
    data = button_data(suggestion)
    assert data[-1] == "n"
    choices = data[:-1]
    assert 1 <= len(choices) <= 3
    chosen = choices[-1]
    calls = await app_and_api.process(callback_query(chosen, message=suggestion))
    answered = [c for c in calls if c.method == "answerCallbackQuery"]
    assert [c.status for c in answered] == [200]  # the spinner stops
    [answer] = sent_messages(calls)
    entry = app_and_api.kb.by_id[chosen[2:]]
    assert visible(answer).startswith(entry.question)
    # The suggestion stays, so another choice can still be picked.
    assert button_data(app_and_api.api.message(USER_ID, suggestion["message_id"])) == data


async def test_none_of_these_replaces_the_suggestions(
    app_and_api: Harness, samples: Samples
) -> None:
    [suggestion] = sent_messages(await app_and_api.process(text_message(samples.suggested)))
    calls = await app_and_api.process(callback_query("n", message=suggestion))
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert edit.status == 200
    after = app_and_api.api.message(USER_ID, suggestion["message_id"])
    assert visible(after) == check_html(replies.none_of_these().html)
    assert button_data(after) == ["p:1"]


async def test_unknown_question_says_so_and_offers_to_browse(
    app_and_api: Harness, samples: Samples
) -> None:
    [reply] = sent_messages(await app_and_api.process(text_message(samples.unknown)))
    assert visible(reply).startswith("Désolé, l’article ne dit rien")
    assert replies.typeset(samples.unknown) in visible(reply)
    assert button_data(reply) == ["p:1"]


async def test_paging_through_questions_edits_the_message(app_and_api: Harness) -> None:
    kb = app_and_api.kb
    pages = -(-len(kb.entries) // replies.PAGE_SIZE)
    [listing] = sent_messages(await app_and_api.process(text_message("/questions")))
    seen = [d[2:] for d in button_data(listing) if d.startswith("a:")]
    assert len(seen) <= 8
    current = listing
    for page in range(2, pages + 1):
        next_page = f"p:{page}"
        assert next_page in button_data(current)
        calls = await app_and_api.process(callback_query(next_page, message=current))
        assert [c.status for c in calls if c.method == "editMessageText"] == [200]
        assert not sent_messages(calls)  # edited in place, nothing new in the chat
        current = app_and_api.api.message(USER_ID, listing["message_id"])
        assert f"(page {page}/{pages})" in visible(current)
        entries = [d[2:] for d in button_data(current) if d.startswith("a:")]
        assert 1 <= len(entries) <= 8
        seen += entries
    assert seen == [e.id for e in kb.entries]
    # Each button answers its entry.
    last = [d for d in button_data(current) if d.startswith("a:")][-1]
    [answer] = sent_messages(await app_and_api.process(callback_query(last, message=current)))
    assert visible(answer).startswith(kb.by_id[last[2:]].question)
    # Going back works, and tapping the page already shown changes nothing, quietly.
    if pages > 1:
        calls = await app_and_api.process(callback_query(f"p:{pages - 1}", message=current))
        assert [c.status for c in calls if c.method == "editMessageText"] == [200]
        again = app_and_api.api.message(USER_ID, listing["message_id"])
        calls = await app_and_api.process(callback_query(f"p:{pages - 1}", message=again))
        assert [c.status for c in calls if c.method == "answerCallbackQuery"] == [200]
        assert not [c for c in calls if c.method == "sendMessage"]  # no apology


async def test_feedback_buttons_turn_into_thanks(app_and_api: Harness, samples: Samples) -> None:
    [answer] = sent_messages(await app_and_api.process(text_message(samples.answered)))
    related = button_data(answer)[2:]
    calls = await app_and_api.process(callback_query(f"f:+:{samples.entry_id}", message=answer))
    assert [c.status for c in calls if c.method == "editMessageReplyMarkup"] == [200]
    after = app_and_api.api.message(USER_ID, answer["message_id"])
    assert button_data(after) == ["x", *related]  # related questions are kept
    thanks = after["reply_markup"]["inline_keyboard"][0][0]["text"]
    assert thanks == replies.feedback_thanks(True).text
    calls = await app_and_api.process(callback_query("x", message=after))
    assert [c.method for c in calls] == ["answerCallbackQuery"]


async def test_help_aliases_and_sources(app_and_api: Harness) -> None:
    [aide] = sent_messages(await app_and_api.process(text_message("/aide")))
    [help_] = sent_messages(await app_and_api.process(text_message("/help")))
    assert visible(aide) == visible(help_) == check_html(replies.help_text().html)
    for command in ("/questions", "/sources", "/aide"):
        assert command in visible(aide)
    [sources] = sent_messages(await app_and_api.process(text_message("/sources")))
    kb = app_and_api.kb
    assert kb.article.outlet in visible(sources)
    assert kb.article.url in visible(sources)
    assert "§" in visible(sources)
    assert "note" in visible(sources)


async def test_unknown_command_points_to_help(app_and_api: Harness) -> None:
    [reply] = sent_messages(await app_and_api.process(text_message("/bonjour")))
    assert visible(reply) == check_html(replies.unknown_command().html)


async def test_command_menu_is_set_in_french_and_as_default(app_and_api: Harness) -> None:
    calls = [c for c in app_and_api.api.calls if c.method == "setMyCommands"]
    assert sorted(c.params.get("language_code", "") for c in calls) == ["", "fr"]
    assert all(c.status == 200 for c in calls)
    expected = [{"command": n, "description": d} for n, d in replies.commands()]
    for call in calls:
        assert call.params["commands"] == expected


async def test_html_characters_in_a_question_are_quoted_back_escaped(
    app_and_api: Harness,
) -> None:
    for question in ("<b>gras</b> ?", "Tom & Jerry", "<script>alert('x')</script>"):
        calls = await app_and_api.process(text_message(question))
        assert all(c.status == 200 for c in calls), app_and_api.api.describe_calls()
        [reply] = sent_messages(calls)
        [call] = [c for c in calls if c.method == "sendMessage"]
        typed = replies.typeset(question)  # French spacing, nothing else changed
        assert html.escape(typed, quote=False) in call.params["text"]
        assert typed in visible(reply)  # shown as typed, not interpreted
        assert not [e for e in reply.get("entities", []) if e["type"] == "bold"]


async def test_message_of_8000_characters_gets_a_short_reply(app_and_api: Harness) -> None:
    text = ("Pourquoi Poutine va-t-il en Corée du Nord ? " * 200)[:8000]
    calls = await app_and_api.process(text_message(text))
    [reply] = sent_messages(calls)
    assert visible(reply) == check_html(replies.too_long(8000).html)
    assert all(c.status == 200 for c in calls)


async def test_edited_question_is_answered_again(app_and_api: Harness, samples: Samples) -> None:
    [first] = sent_messages(await app_and_api.process(text_message(samples.unknown)))
    assert visible(first).startswith("Désolé")
    edit = edited_message(samples.answered, message_id=first["message_id"] - 1)
    [second] = sent_messages(await app_and_api.process(edit))
    assert app_and_api.kb.by_id[samples.entry_id].question in visible(second)
