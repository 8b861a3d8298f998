"""/reload and /pourquoi over HTTP against the fake Bot API: admins only (issue 5)."""

from __future__ import annotations

from pathlib import Path

from conftest import Harness, sent_messages
from fake_bot_api import USER_ID, text_message
from maintainer_bot import ADMIN_ID, copy_knowledge, maintained_bot
from telegram_html import check_html

from bot.conversation import replies

QUESTION = "c'était quand la dernière visite de poutine en corée du nord avant 2024"
FILE = "10-visite-2000.yaml"
ANSWER_START = "Avant juin 2024"
MARKER = "MARQUEUR-RELOAD"
REFUSAL = replies.admin_only().plain


async def _send(bench: Harness, text: str, **kwargs: object) -> list[str]:
    """The texts the bot sent in reply to one message (HTML checked on the way)."""
    sent = sent_messages(await bench.process(text_message(text, **kwargs)))  # type: ignore[arg-type]
    for message in sent:
        assert message["text"]
    return [str(message["text"]) for message in sent]


def _edit_answer(root: Path) -> None:
    path = root / "faq" / FILE
    text = path.read_text(encoding="utf-8")
    edited = text.replace(ANSWER_START, f"{MARKER} {ANSWER_START}", 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")


# --- /reload ---------------------------------------------------------------------------


async def test_reload_by_admin_serves_the_edit(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0) as bench:
        before = bench.knowledge
        _edit_answer(root)
        assert MARKER not in "".join(await _send(bench, QUESTION))  # no watching: not yet
        [reply] = await _send(bench, "/reload", user_id=ADMIN_ID)
        count = len(bench.kb.entries)
        assert reply == replies.reload_done(count).plain
        assert bench.knowledge is not before
        assert MARKER in "".join(await _send(bench, QUESTION))


async def test_reload_by_admin_of_a_broken_faq_lists_errors_and_keeps_it(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0) as bench:
        before = bench.knowledge
        path = root / "faq" / FILE
        text = path.read_text(encoding="utf-8").replace("\n  answer: >-\n", "\n  answr: >-\n", 1)
        path.write_text(text, encoding="utf-8")
        line = text.splitlines().index("  answr: >-") + 1
        [reply] = await _send(bench, "/reload", user_id=ADMIN_ID)
        assert f"{FILE}:{line}" in reply
        assert "version précédente" in reply
        assert bench.knowledge is before
        assert ANSWER_START in "".join(await _send(bench, QUESTION))


async def test_reload_by_non_admin_is_refused_and_nothing_reloads(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0) as bench:
        before = bench.knowledge
        _edit_answer(root)
        assert await _send(bench, "/reload") == [REFUSAL]
        assert await _send(bench, "/reload", chat_type="group") == [REFUSAL]
        assert bench.knowledge is before
        assert MARKER not in "".join(await _send(bench, QUESTION))


async def test_no_admins_configured_means_nobody_reloads(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0, admins=frozenset()) as bench:
        before = bench.knowledge
        assert await _send(bench, "/reload", user_id=ADMIN_ID) == [REFUSAL]
        assert bench.knowledge is before


# --- /pourquoi -------------------------------------------------------------------------


def _check_report(bench: Harness, reply: str, question: str) -> None:
    decision = bench.knowledge.matcher.match(question)
    assert decision.analysis.text
    assert decision.analysis.text in reply
    assert decision.matched is not None
    assert decision.matched in reply
    assert f"{decision.score:.1f}" in reply
    assert len(decision.suggestions) >= 2
    runner_up = decision.suggestions[1]
    assert runner_up.entry.id in reply
    assert f"{runner_up.score:.1f}" in reply
    matcher = bench.knowledge.matcher
    assert f"{matcher.answer_threshold:g}" in reply
    assert f"{matcher.suggest_threshold:g}" in reply


async def test_why_by_admin_with_a_question(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0) as bench:
        calls = await bench.process(text_message(f"/pourquoi {QUESTION}", user_id=ADMIN_ID))
        [message] = sent_messages(calls)
        [call] = [c for c in calls if c.method == "sendMessage"]
        check_html(call.params["text"])
        _check_report(bench, str(message["text"]), QUESTION)


async def test_why_by_admin_as_a_reply_in_a_group(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0) as bench:
        asked = bench.api.push(text_message(QUESTION, chat_type="group"))
        await bench.wait_done(asked["update_id"])  # not addressed to the bot: silence
        [reply] = await _send(
            bench, "/pourquoi", user_id=ADMIN_ID, chat_type="group", reply_to=asked["message"]
        )
        _check_report(bench, reply, QUESTION)


async def test_why_with_nasty_text_is_escaped(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0) as bench:
        [reply] = await _send(bench, "/pourquoi <b>poutine</b> & <script> 2000 ?", user_id=ADMIN_ID)
        assert "<b>poutine</b> & <script>" in reply


async def test_why_without_question_explains_usage(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0) as bench:
        assert await _send(bench, "/pourquoi", user_id=ADMIN_ID) == [replies.why_usage().plain]


async def test_why_by_non_admin_is_refused(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0) as bench:
        assert await _send(bench, f"/pourquoi {QUESTION}") == [REFUSAL]
        asked = bench.api.push(text_message(QUESTION, chat_type="group", user_id=USER_ID + 1))
        await bench.wait_done(asked["update_id"])
        refused = await _send(bench, "/pourquoi", chat_type="group", reply_to=asked["message"])
        assert refused == [REFUSAL]
