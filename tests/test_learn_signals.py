"""What `faqbot learn` reads: the question behind a 👍/👎 and the follow-ups clicked,
logged by the Telegram bot (over the fake Bot API) and by the terminal chat; the schema
migration that added them; and the two small fixes of issue 13 (ask --json --explain,
/sources's address shown once)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import Samples, button_data, harness, sent_messages
from fake_bot_api import callback_query, text_message

from bot.cli import main
from bot.conversation import replies
from bot.conversation.questionlog import _MIGRATIONS, SCHEMA_VERSION, QuestionLog
from bot.knowledge.base import KnowledgeBase
from bot.maintainers.chat import Chat
from bot.telegram.context import set_log
from bot.understanding.matching import Matcher, Status
from bot.understanding.pipeline import Understander


def _signals(path: Path) -> set[tuple[str, str, str | None, str | None]]:
    return {(s.kind, s.question, s.entry_id, s.answered_entry) for s in QuestionLog(path).signals()}


async def test_telegram_logs_the_question_of_a_vote_and_follow_ups(
    tmp_path: Path, kb: KnowledgeBase, samples: Samples
) -> None:
    path = tmp_path / "q.sqlite3"
    log = QuestionLog(path)
    entry = kb.by_id[samples.entry_id]
    assert entry.related, "the sample entry needs related questions"
    try:
        async with harness(kb) as bench:
            set_log(bench.app.bot_data, log)
            [answer] = sent_messages(await bench.process(text_message(samples.answered)))
            follow = f"a:{entry.related[0]}"
            assert follow in button_data(answer)
            # 👍 on the answer: logged with the question that got it.
            await bench.process(callback_query(f"f:+:{entry.id}", message=answer))
            # A related question clicked under it: a follow-up of that question.
            calls = await bench.process(callback_query(follow, message=answer))
            [followed] = sent_messages(calls)
            # A 👎 on the follow-up's answer is not about the first question.
            await bench.process(callback_query(f"f:-:{entry.related[0]}", message=followed))
            # An answer opened by a deep link has no question behind it.
            [linked] = sent_messages(await bench.process(text_message(f"/start {entry.id}")))
            await bench.process(callback_query(f"f:-:{entry.id}", message=linked))
        assert await asyncio.to_thread(log.flush)
    finally:
        log.close()
    assert _signals(path) == {
        ("good", samples.answered, entry.id, None),
        ("followup", samples.answered, entry.related[0], entry.id),
    }
    # Both 👎 still count in `faqbot stats`.
    feedback = {f.entry_id: (f.good, f.bad) for f in QuestionLog(path).feedback()}
    assert feedback[entry.id] == (1, 1)
    assert feedback[entry.related[0]] == (0, 1)


def test_the_chat_logs_them_too(tmp_path: Path, kb: KnowledgeBase, samples: Samples) -> None:
    path = tmp_path / "q.sqlite3"
    log = QuestionLog(path)
    chat = Chat(kb, Understander.build(kb, Matcher(kb)), log)

    def press(data: str) -> None:
        reply = chat.respond(str(chat._choices.index(data) + 1))
        assert reply is not None
        chat.render(reply)

    hesitant = "munitions neuves ou vieilles et efficaces ?"  # the bot offers suggestions
    reply = chat.respond(hesitant)
    assert reply is not None
    assert "Vouliez-vous dire" in chat.render(reply)
    picked = next(d for d in chat._choices if d.startswith("a:"))
    press(picked)
    press(f"f:+:{picked[2:]}")
    reply = chat.respond(samples.answered)
    assert reply is not None
    chat.render(reply)
    related = kb.by_id[samples.entry_id].related[0]
    press(f"a:{related}")
    log.close()
    assert _signals(path) == {
        ("picked", hesitant, picked[2:], None),
        ("good", hesitant, picked[2:], None),
        ("followup", samples.answered, related, samples.entry_id),
    }


def test_a_version_1_log_is_migrated_and_keeps_its_rows(tmp_path: Path, matcher: Matcher) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        for statement in _MIGRATIONS[0]:
            db.execute(statement)
        db.execute(
            "INSERT INTO feedback (given_at, channel, entry_id, good) "
            "VALUES ('2024-06-19T10:00:00.000000Z', 'telegram', 'g8', 1)"
        )
        db.execute("PRAGMA user_version = 1")
    db.close()
    assert SCHEMA_VERSION == 4  # 2: feedback questions, follow-ups; 3: lost rows; 4: after_entry
    log = QuestionLog(path)
    log.record_feedback("g8", False, channel="chat", question="le g8 c quoi")
    log.record_followup("le g8 c quoi", "g8", "russie-en-2000", channel="chat")
    log.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    reader = QuestionLog(path)
    assert [(f.entry_id, f.good, f.bad) for f in reader.feedback()] == [("g8", 1, 1)]
    assert _signals(path) == {
        ("bad", "le g8 c quoi", "g8", None),
        ("followup", "le g8 c quoi", "russie-en-2000", "g8"),
    }


def test_ask_json_explain_keeps_the_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    question = "pk poutine va en coree du nord"
    assert main(["ask", "--json", "--explain", question]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == str(Status.ANSWER)
    explain = data["explain"]
    assert explain["normalised"]
    assert explain["question_word"] == "pourquoi"
    assert explain["matched_phrasing"]
    assert explain["thresholds"]["answer"] > explain["thresholds"]["suggest"]
    assert main(["ask", "--json", question]) == 0
    assert "explain" not in json.loads(capsys.readouterr().out)


def test_sources_shows_the_address_once(kb: KnowledgeBase) -> None:
    plain = replies.sources(kb).plain
    address = next(line for line in plain.splitlines() if line.startswith("Adresse"))
    assert address.count(kb.article.url) == 1
    assert address.endswith(kb.article.url)
    # A link whose label is not its address still shows both.
    assert replies.Reply('<a href="https://x.org/">le site</a>').plain == (
        "le site (https://x.org/)"
    )
