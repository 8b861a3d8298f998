"""Inline mode: `@bot question` in any chat lists entries; picking one sends its answer."""

from __future__ import annotations

from conftest import Harness, Samples
from fake_bot_api import JSON, inline_query
from telegram_html import check_html

from bot.conversation import replies


async def answer_of(app_and_api: Harness, query: str) -> JSON:
    calls = await app_and_api.process(inline_query(query))
    [call] = [c for c in calls if c.method == "answerInlineQuery"]
    assert call.status == 200, call.description  # the fake validated every result's HTML
    return call.params


async def test_inline_query_lists_the_best_entry_first_with_answer_and_source(
    app_and_api: Harness, samples: Samples
) -> None:
    params = await answer_of(app_and_api, samples.answered)
    results = params["results"]
    assert 1 <= len(results) <= 5
    first = results[0]
    kb = app_and_api.kb
    entry = kb.by_id[samples.entry_id]
    assert first["type"] == "article"
    assert first["id"] == entry.id
    assert first["title"] == entry.question
    assert first["description"] == replies.inline_preview(entry)
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["link_preview_options"] == {"is_disabled": True}
    shown = check_html(content["message_text"])
    assert " ".join(entry.answer.split()) in " ".join(shown.split())
    assert shown.splitlines()[-1].startswith(f"📄 Source\u202f: {kb.article.outlet}")
    assert kb.article.url in content["message_text"]
    assert "reply_markup" not in first  # buttons would call back from chats we are not in


async def test_hesitant_inline_query_lists_the_candidates(
    app_and_api: Harness, samples: Samples
) -> None:
    decision = app_and_api.knowledge.matcher.match(samples.suggested)
    params = await answer_of(app_and_api, samples.suggested)
    assert [r["id"] for r in params["results"]] == [c.entry.id for c in decision.suggestions]


async def test_empty_inline_query_shows_examples(app_and_api: Harness) -> None:
    params = await answer_of(app_and_api, "")
    ids = [r["id"] for r in params["results"]]
    assert ids == [e.id for e in replies.inline_examples(app_and_api.kb, 5)]
    assert ids


async def test_unmatched_inline_query_offers_a_private_chat(
    app_and_api: Harness, samples: Samples
) -> None:
    params = await answer_of(app_and_api, samples.unknown)
    assert params["results"] == []
    assert params["button"] == {"text": replies.inline_no_match(), "start_parameter": "aide"}
