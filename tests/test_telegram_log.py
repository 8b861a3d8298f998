"""The question log fed by the Telegram bot, over HTTP against the fake Bot API (issue 5)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from conftest import Samples, button_data, harness, sent_messages
from fake_bot_api import callback_query, text_message
from maintainer_bot import copy_knowledge, maintained_bot

from bot.conversation.questionlog import Counts, QuestionLog
from bot.knowledge.base import KnowledgeBase
from bot.telegram.context import set_log

USER = 734512987
WHO: dict[str, Any] = {"user_id": USER, "first_name": "Zéphyrine", "username": "zephyrine_x"}


async def test_questions_choices_and_feedback_are_logged_without_identities(
    tmp_path: Path, kb: KnowledgeBase, samples: Samples
) -> None:
    log = QuestionLog(tmp_path / "questions.sqlite3")
    try:
        async with harness(kb) as bench:
            set_log(bench.app.bot_data, log)
            # Answered: then 👍 and a forged vote for an entry that does not exist.
            [answer] = sent_messages(await bench.process(text_message(samples.answered, **WHO)))
            good = f"f:+:{samples.entry_id}"
            assert good in button_data(answer)
            await bench.process(callback_query(good, message=answer, user_id=USER))
            await bench.process(callback_query("f:-:no-such-entry", message=answer, user_id=USER))
            # Suggested twice: one suggestion picked, then "none of these".
            [first] = sent_messages(await bench.process(text_message(samples.suggested, **WHO)))
            picked = next(d for d in button_data(first) if d.startswith("a:"))
            await bench.process(callback_query(picked, message=first, user_id=USER))
            await bench.process(callback_query(picked, message=first, user_id=USER))  # counted once
            [second] = sent_messages(await bench.process(text_message(samples.suggested, **WHO)))
            await bench.process(callback_query("n", message=second, user_id=USER))
            # Unknown; and an entry button that was not a suggestion is not a choice.
            await bench.process(text_message(samples.unknown, **WHO))
            await bench.process(callback_query(picked, message=answer, user_id=USER))
        assert await asyncio.to_thread(log.flush)
        assert log.counts() == Counts(answered=1, suggested=2, unknown=1)
        assert log.channels() == {"telegram": 4}
        [vote] = log.feedback()
        assert (vote.entry_id, vote.good, vote.bad) == (samples.entry_id, 1, 0)
        assert sorted(log.choices(), key=str) == sorted([(picked[2:], 1), (None, 1)], key=str)
        texts = {q.question for q in log.unanswered()}
        assert texts == {samples.suggested, samples.unknown}
    finally:
        log.close()
    # Privacy: nothing that identifies the user or the chat reached the file.
    with sqlite3.connect(tmp_path / "questions.sqlite3") as db:
        dump = "\n".join(db.iterdump())
    for secret in (str(USER), "Zéphyrine", "zephyrine_x"):
        assert secret not in dump


async def test_a_followup_is_logged_with_the_entry_whose_answer_it_followed(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    """ "et les gens en pensent quoi ?" after the official programme: suggestions, logged
    with `after` = programme-officiel, so that `faqbot unanswered` can say so; a
    question asked on its own has none."""
    log = QuestionLog(tmp_path / "questions.sqlite3")
    try:
        async with harness(kb) as bench:
            set_log(bench.app.bot_data, log)
            await bench.process(text_message("Quel est le programme officiel de la visite ?"))
            await bench.process(text_message("et les gens en pensent quoi ?"))
            await bench.process(text_message("Quel est le prix d'un obus ?"))
        assert await asyncio.to_thread(log.flush)
        rows = {q.question: q.after for q in log.unanswered()}
        assert rows == {
            "et les gens en pensent quoi ?": "programme-officiel",
            "Quel est le prix d'un obus ?": None,
        }
    finally:
        log.close()


async def test_admin_setup_opens_the_configured_log_and_teardown_closes_it(
    tmp_path: Path, samples: Samples
) -> None:
    database = tmp_path / "var" / "log.sqlite3"
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0, log_database=database) as bench:
        [answer] = sent_messages(await bench.process(text_message(samples.answered)))
        await bench.process(callback_query(f"f:-:{samples.entry_id}", message=answer))
    # teardown closed the log, so everything queued is on disk.
    log = QuestionLog(database)
    assert log.counts().answered == 1
    [vote] = log.feedback()
    assert (vote.entry_id, vote.good, vote.bad) == (samples.entry_id, 0, 1)
