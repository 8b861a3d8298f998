"""Hot reload while the bot runs: over HTTP against the fake Bot API (issue 5)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Harness, sent_messages
from fake_bot_api import USER_ID, Call, text_message
from maintainer_bot import ADMIN_ID, copy_knowledge, maintained_bot

from bot.knowledge.base import KnowledgeBase
from bot.telegram import reload

QUESTION = "c'était quand la dernière visite de poutine en corée du nord avant 2024"
ENTRY = "derniere-visite"
FILE = "10-visite-2000.yaml"
ANSWER_START = "Avant juin 2024"
MARKER = "MARQUEUR-RECHARGÉ"


def _to(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: call.params.get("chat_id") == chat_id


async def _ask(bench: Harness, question: str = QUESTION) -> str:
    """The text of the bot's (single) answer to a private question."""
    [reply] = sent_messages(await bench.process(text_message(question)))
    text = reply["text"]
    assert isinstance(text, str)
    return text


async def _until(condition: Callable[[], bool], timeout: float = 60.0) -> None:  # noqa: ASYNC109
    """Wait until `condition()` holds, checking often; fail after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - the state is set by a JobQueue job
            await asyncio.sleep(0.02)


def _break(path: Path) -> int:
    """Misspell the first `answer:` key of `path`; return its line number."""
    text = path.read_text(encoding="utf-8")
    broken = text.replace("\n  answer: >-\n", "\n  answr: >-\n", 1)
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    return broken.splitlines().index("  answr: >-") + 1


def _fix_with_marker(path: Path) -> None:
    text = path.read_text(encoding="utf-8").replace("  answr: >-", "  answer: >-", 1)
    fixed = text.replace(ANSWER_START, f"{MARKER} {ANSWER_START}", 1)
    assert fixed != text
    path.write_text(fixed, encoding="utf-8")


def _answer_of(kb: KnowledgeBase) -> str:
    return kb.by_id[ENTRY].answer


async def test_broken_edit_keeps_old_faq_tells_admins_once_then_fix_is_served(
    tmp_path: Path,
) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0.2) as bench:
        old = bench.knowledge
        assert ANSWER_START in await _ask(bench)

        line = _break(root / "faq" / FILE)
        [notice] = await bench.api.wait_for("sendMessage", predicate=_to(ADMIN_ID))
        text = notice.response["result"]["text"] if notice.response else ""
        assert f"{FILE}:{line}" in text
        assert "answr" in text
        # Nothing changed for users: the same knowledge object still answers.
        assert bench.knowledge is old
        answer = await _ask(bench)
        assert ANSWER_START in answer
        assert MARKER not in answer
        # The same broken state is not reported again, neither by the job nor on demand.
        assert await reload.check_for_changes(bench.app) is None
        result = await reload.reload_now(bench.app, notify=True)
        assert not result.ok
        assert any(f"{FILE}:{line}" in p for p in result.problems)
        assert result.entries == len(old.kb.entries)
        assert len(bench.api.sent(ADMIN_ID)) == 1
        assert bench.knowledge is old

        _fix_with_marker(root / "faq" / FILE)
        await _until(lambda: MARKER in _answer_of(bench.kb))
        assert f"{MARKER} {ANSWER_START}" in await _ask(bench)
        assert len(bench.api.sent(ADMIN_ID)) == 1  # a good reload is not announced

        # Broken again (another state): the admins are told again.
        _break(root / "faq" / FILE)
        await bench.api.wait_for("sendMessage", count=2, predicate=_to(ADMIN_ID))
        assert MARKER in _answer_of(bench.kb)


async def test_added_and_removed_faq_files_are_noticed(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0.2) as bench:
        count = len(bench.kb.entries)
        moved = root / "faq" / FILE
        removed = len([e for e in bench.kb.entries if e.file.endswith(FILE)])
        assert removed > 0
        backup = tmp_path / FILE
        moved.rename(backup)  # other entries point to these: related ids now dangle
        await bench.api.wait_for("sendMessage", predicate=_to(ADMIN_ID))
        assert len(bench.kb.entries) == count
        backup.rename(root / "faq" / f"15-{FILE}")  # back, under another name
        await _until(lambda: any(e.file.endswith(f"15-{FILE}") for e in bench.kb.entries))
        assert len(bench.kb.entries) == count
        assert USER_ID not in {m["chat"]["id"] for m in bench.api.sent()}


async def test_no_job_when_interval_is_zero(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0) as bench:
        assert bench.app.job_queue is not None
        assert not bench.app.job_queue.get_jobs_by_name(reload.JOB_NAME)
        _break(root / "faq" / FILE)
        # Only an explicit reload reads the files.
        result = await reload.reload_now(bench.app)
        assert not result.ok
        assert bench.api.sent(ADMIN_ID) == []


def test_fingerprint_sees_size_time_and_files(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    first = reload.fingerprint(root)
    assert any(name.endswith(FILE) for name, _, _ in first)
    (root / "faq" / "99-new.yaml").write_text("[]\n", encoding="utf-8")
    second = reload.fingerprint(root)
    assert second != first
    (root / "faq" / "99-new.yaml").unlink()
    assert reload.fingerprint(root) == first
    assert reload.fingerprint(tmp_path / "missing") == ()


async def test_an_edit_to_out_of_scope_questions_is_reloaded(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    added = "Quelle est la couleur du train de Kim Jong-un ?"
    async with maintained_bot(root, reload_interval=0.2) as bench:
        assert added not in bench.kb.out_of_scope
        path = root / "out-of-scope.yaml"
        path.write_text(path.read_text(encoding="utf-8") + f"- {added}\n", encoding="utf-8")
        await _until(lambda: added in bench.kb.out_of_scope)
        assert bench.api.sent(ADMIN_ID) == []  # a valid edit: nothing to report


def test_a_reload_check_cancelled_at_shutdown_is_not_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """APScheduler cancels a pending run of the reload job when the bot stops and logs it
    with a traceback; stopping is not an error, so that record is dropped. A real error
    of the job, and other jobs' cancellations, are still logged."""
    reload._quiet_scheduler()  # what `install` does when the job is scheduled
    scheduler = logging.getLogger("apscheduler.executors.default")
    job = f'Job "{reload.JOB_NAME} (trigger: interval[0:00:02])" raised an exception'
    other = 'Job "someone.else (trigger: interval[0:00:02])" raised an exception'
    with caplog.at_level(logging.INFO):
        for message, error in (
            (job, asyncio.CancelledError()),
            (job, ValueError("boom")),
            (other, asyncio.CancelledError()),
        ):
            try:
                raise error
            except BaseException:
                scheduler.exception(message)
    logged = [(r.getMessage(), type(r.exc_info[1]).__name__) for r in caplog.records if r.exc_info]
    assert logged == [(job, "ValueError"), (other, "CancelledError")]
