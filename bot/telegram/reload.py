"""Hot reload of the FAQ while the bot runs (issue 5).

A JobQueue job checks every `config.reload_interval` seconds whether the knowledge files
changed (article.yaml, synonyms.yaml, thresholds.yaml, out-of-scope.yaml and every
faq/*.yaml, files added or removed included: their names, sizes and modification times
form a fingerprint). On a change it loads the folder in a worker thread and, if the FAQ
is valid, installs it with
`set_knowledge`: handlers read the knowledge once per update, so an answer in progress
finishes with the FAQ it started with and the next one uses the new FAQ.

A FAQ with errors is not installed: the last good one keeps answering, every problem is
logged with its file and line, and each admin gets one private message listing them. The
same broken state is reported once; a new edit that is still broken is reported again.

`/reload` (bot.telegram.admin) calls the same `reload_now`.

Bounded (issue 11). The files are read with the safety bounds of `bot.knowledge.source` (no
YAML aliases, limited size, nesting and values), so a hostile file costs one quick error.
Loading and fingerprinting run in daemon worker threads, never on the event loop, and
stopping the bot does not wait for a load in progress (`stop`). Loads never
stack up: one at a time, and a periodic check that finds a load in progress skips its
turn (`/reload` waits for it, then loads again). Any failure of a load, an unforeseen
exception included, keeps the last good FAQ and is reported like a validation error.
Log volume stays proportionate: nothing is logged for a check that finds no change (the
scheduler's own "Running job"/"executed successfully" lines for this job are filtered
out), and a failed load logs at most `LOGGED_PROBLEMS` lines, whatever the file holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.conversation import replies
from bot.knowledge.base import SINGLE_FILES, KnowledgeError, faq_files, load_knowledge
from bot.knowledge.config import Config
from bot.knowledge.source import display_path
from bot.telegram import io
from bot.telegram.state import Knowledge, get_knowledge, set_knowledge

__all__ = [
    "JOB_NAME",
    "LOGGED_PROBLEMS",
    "Fingerprint",
    "ReloadResult",
    "check_for_changes",
    "fingerprint",
    "get_config",
    "install",
    "reload_now",
    "stop",
]

logger = logging.getLogger(__name__)

JOB_NAME = "faqbot.reload"
_KEY = "faqbot.reload"
LOGGED_PROBLEMS = 10
"""A failed reload logs at most this many problems (then how many more there are)."""

AnyApp = Application[Any, Any, Any, Any, Any, Any]
_T = TypeVar("_T")
Fingerprint = tuple[tuple[str, int, int], ...]
"""(file name, size, modification time in ns) of every knowledge file, sorted."""


def fingerprint(root: Path) -> Fingerprint:
    """What identifies the current state of a knowledge folder's files (never raises)."""
    candidates = [root / name for name in SINGLE_FILES]
    with contextlib.suppress(OSError):
        candidates += faq_files(root)
    found: list[tuple[str, int, int]] = []
    for path in candidates:
        try:
            stat = path.stat()
        except OSError:  # missing or unreadable: its absence is part of the state
            continue
        found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did."""

    ok: bool
    """True if the FAQ loaded and is now served."""
    entries: int
    """How many entries are served now (the old count when the reload failed)."""
    problems: tuple[str, ...] = ()
    """Every error and warning of a failed load, as `file:line: message`."""


@dataclass
class _ReloadState:
    config: Config
    loaded: Fingerprint | None = None
    """The files' state when they were last read (loaded or not)."""
    notified: Fingerprint | None = None
    """The broken state the admins were last told about."""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    check: asyncio.Task[Any] | None = None
    """The job's check in progress, if any (run as a task: see `_job`)."""


def _state(bot_data: MutableMapping[Any, Any]) -> _ReloadState:
    value = bot_data.get(_KEY)
    if not isinstance(value, _ReloadState):
        raise RuntimeError("reload is not installed: call bot.telegram.reload.install(app, config)")
    return value


def get_config(bot_data: MutableMapping[Any, Any]) -> Config | None:
    """The config given to `install`, or None if it was not called."""
    value = bot_data.get(_KEY)
    return value.config if isinstance(value, _ReloadState) else None


def install(application: AnyApp, config: Config) -> None:
    """Remember the config (admins, knowledge folder) and schedule the reload job.

    Call it once the FAQ in `application.bot_data` was loaded from `config.knowledge`
    (in post_init). With `config.reload_interval` 0, or no JobQueue, only /reload works.
    """
    state = _ReloadState(config, loaded=fingerprint(config.knowledge))
    application.bot_data[_KEY] = state
    if config.reload_interval <= 0:
        return
    if application.job_queue is None:
        logger.warning("no JobQueue (python-telegram-bot[job-queue]): FAQ files not watched")
        return
    _quiet_scheduler()
    for job in application.job_queue.get_jobs_by_name(JOB_NAME):
        job.schedule_removal()
    application.job_queue.run_repeating(
        _job,
        interval=config.reload_interval,
        first=config.reload_interval,
        name=JOB_NAME,
    )


class _DropJobChatter(logging.Filter):
    """Drops APScheduler's INFO lines about the reload job (two per check otherwise), and
    its error for a run cancelled because the bot stops (APScheduler cancels pending
    runs at shutdown and logs each with a traceback: stopping is not an error)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for an INFO (or lower) record that mentions the reload job, or for its
        run cancelled at shutdown."""
        cancelled = record.exc_info is not None and isinstance(
            record.exc_info[1], asyncio.CancelledError
        )
        if record.levelno > logging.INFO and not cancelled:
            return True
        try:
            return JOB_NAME not in record.getMessage()
        except Exception:  # a malformed record is logging's problem, not ours
            return True


_SCHEDULER_LOGGER = "apscheduler.executors.default"


def _quiet_scheduler() -> None:
    """Install `_DropJobChatter` on APScheduler's executor logger, once."""
    target = logging.getLogger(_SCHEDULER_LOGGER)
    if not any(isinstance(f, _DropJobChatter) for f in target.filters):
        target.addFilter(_DropJobChatter())


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The repeating job: start a check unless one is in progress, and return at once.

    The check runs as its own task so that the job itself never overlaps its next run:
    APScheduler would log a warning for every run skipped behind a long load.
    """
    state = _state(context.application.bot_data)
    if state.check is not None and not state.check.done():
        return
    # A plain task, not Application.create_task: stopping the bot must not wait for a
    # load (`stop` cancels it, and the load's daemon thread is abandoned at exit).
    state.check = asyncio.create_task(check_for_changes(context.application), name=JOB_NAME)


def stop(application: AnyApp) -> None:
    """Cancel the periodic check in progress, if any (at shutdown, after the job queue)."""
    value = application.bot_data.get(_KEY)
    if isinstance(value, _ReloadState) and value.check is not None:
        value.check.cancel()


async def _off_loop(function: Callable[..., _T], *args: Any) -> _T:
    """`function(*args)` in a new daemon thread, awaited without blocking the event loop.

    Unlike `asyncio.to_thread` (the default executor, which the interpreter waits for
    at exit), a load still running when the bot stops does not delay its exit.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()

    def settle(result: _T | None, error: BaseException | None) -> None:
        if future.done():  # cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]  # None only with an error

    def run() -> None:
        try:
            result, error = function(*args), None
        except BaseException as exc:  # handed to the awaiting coroutine
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name=JOB_NAME, daemon=True).start()
    return await future


async def check_for_changes(application: AnyApp) -> ReloadResult | None:
    """Reload (and tell the admins about errors) if the files changed; None if unchanged.

    None too when a load is already in progress: this check skips its turn (the next
    one sees whatever changed meanwhile).
    """
    state = _state(application.bot_data)
    if state.lock.locked():
        return None
    if await _off_loop(fingerprint, state.config.knowledge) == state.loaded:
        return None
    if state.lock.locked():  # a /reload started while the files were being looked at
        return None
    return await reload_now(application, notify=True)


async def reload_now(application: AnyApp, *, notify: bool = False) -> ReloadResult:
    """Load the FAQ again now; install it if valid, else keep the old one and report.

    With `notify`, admins get a private message about errors, once per broken state.
    """
    state = _state(application.bot_data)
    root = state.config.knowledge
    async with state.lock:
        # Taken first: an edit during the load is seen next time.
        before = await _off_loop(fingerprint, root)
        state.loaded = before
        try:
            kb = await _off_loop(load_knowledge, root)
            current = await _off_loop(Knowledge.build, kb, state.config.matching)
        except Exception as exc:  # whatever goes wrong, the last good FAQ keeps answering
            warnings = 0
            if isinstance(exc, KnowledgeError):
                problems = tuple(str(p) for p in exc.problems)  # errors, then warnings
                warnings = sum(1 for p in exc.problems if p.warning)
            elif isinstance(exc, OSError):
                problems = (f"{display_path(root)}: {exc}",)
            else:
                logger.error("unexpected error while loading the FAQ", exc_info=exc)
                problems = (
                    f"{display_path(root)}: the FAQ could not be loaded "
                    f"({type(exc).__name__}: {str(exc)[:200]}); run `faqbot check`",
                )
            _log_problems(problems[: len(problems) - warnings], warnings)
            logger.error("still serving the previous FAQ (%s)", root)
            result = ReloadResult(
                False, len(get_knowledge(application.bot_data).kb.entries), problems
            )
            if notify and state.notified != before:
                state.notified = before
                await _tell_admins(application, state.config, result)
            return result
        set_knowledge(application.bot_data, current)
        state.notified = None
        logger.info("FAQ reloaded from %s: %d entries", root, len(kb.entries))
        return ReloadResult(True, len(kb.entries))


def _log_problems(errors: tuple[str, ...], warnings: int) -> None:
    """One ERROR line per error, at most `LOGGED_PROBLEMS`; the rest and warnings counted."""
    for problem in errors[:LOGGED_PROBLEMS]:
        logger.error("FAQ reload failed: %s", problem[:500])
    more = len(errors) - LOGGED_PROBLEMS
    if more > 0 or warnings:
        logger.error(
            "FAQ reload failed: %s%s; `faqbot check` lists them all",
            f"{more} more error(s)" if more > 0 else "",
            f"{', and ' if more > 0 else ''}{warnings} warning(s)" if warnings else "",
        )


async def _tell_admins(application: AnyApp, config: Config, result: ReloadResult) -> None:
    """A private message to each admin; one who cannot be reached is logged and skipped."""
    reply = replies.reload_failed(result.problems)
    for admin in sorted(config.admins):
        try:
            await io.send(application.bot, admin, reply)
        except TelegramError as exc:  # e.g. the admin never started a chat with the bot
            logger.warning("could not tell admin %s about the reload errors: %s", admin, exc)
