"""`faqbot run` and the wiring: token errors exit 2, Ctrl-C is clean, the token never leaks."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Samples, harness, make_config, sent_messages
from fake_bot_api import TOKEN, FakeBotAPI, text_message
from test_knowledge_errors import ENTRY_A, make_knowledge

from bot.cli import main
from bot.knowledge.base import KnowledgeBase, default_knowledge_path
from bot.knowledge.config import Config
from bot.telegram.app import (
    PerUserUpdateProcessor,
    TokenRedactingFilter,
    build_application,
)
from bot.telegram.io import RetryingRateLimiter

FAQBOT = [sys.executable, "-m", "bot"]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a `faqbot` subprocess: no token, no proxy, nothing from the user."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "FAQBOT_")) and "proxy" not in k.lower()
    }
    env.update(PYTHONPATH=str(ROOT), FAQBOT_LOG_DB=str(tmp_path / "log.sqlite3"), **extra)
    return env


async def faqbot(tmp_path: Path, *args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    """Start `faqbot <args>` without blocking the event loop (the fake server lives in it)."""
    return await asyncio.create_subprocess_exec(
        *FAQBOT,
        *args,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process) -> tuple[int, str]:
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


# --- faqbot run ------------------------------------------------------------------------------


def test_run_without_token_explains_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no config.yaml here
    for name in ("TELEGRAM_BOT_TOKEN", "FAQBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err
    assert "telegram:" in err
    assert "token:" in err
    assert "@BotFather" in err
    assert "faqbot chat" in err
    assert "Traceback" not in err


async def test_faqbot_run_without_token_in_a_subprocess(tmp_path: Path) -> None:
    code, err = await finish(await faqbot(tmp_path, "run", env=clean_env(tmp_path)))
    assert code == 2
    assert "TELEGRAM_BOT_TOKEN" in err
    assert "Traceback" not in err


async def test_refused_token_exits_2_without_traceback(tmp_path: Path, kb: KnowledgeBase) -> None:
    wrong = "987654321:wrong-token-for-tests"
    async with FakeBotAPI() as api:
        env = clean_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=wrong,
            TELEGRAM_API_BASE_URL=api.base_url,
            FAQBOT_KNOWLEDGE=str(kb.path),
        )
        code, err = await finish(await faqbot(tmp_path, "run", env=env))
        assert [(c.method, c.status) for c in api.calls] == [("getMe", 401)]
    assert code == 2
    assert "Telegram refused the bot token" in err
    assert "TELEGRAM_BOT_TOKEN" in err
    assert "Traceback" not in err
    assert wrong not in err
    assert wrong.split(":")[1] not in err


async def test_faqbot_run_answers_then_stops_cleanly_on_ctrl_c(
    tmp_path: Path, kb: KnowledgeBase, samples: Samples
) -> None:
    async with FakeBotAPI() as api:
        env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url)
        if kb.path != default_knowledge_path():  # the bundled FAQ needs no setting at all
            env["FAQBOT_KNOWLEDGE"] = str(kb.path)
        # A question asked before the bot starts is answered once it runs.
        api.push(text_message(samples.answered))
        process = await faqbot(tmp_path, "run", env=env)
        try:
            await api.wait_for("setMyCommands", count=2, timeout=20)
            [call] = await api.wait_for("sendMessage", timeout=20)
            assert kb.by_id[samples.entry_id].question in call.params["text"]
            api.push(text_message("/start"))
            await api.wait_for("sendMessage", count=2, timeout=20)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
        code, err = await finish(process)
    assert code == 0, err
    assert "Traceback" not in err
    assert "is running as @faq_test_bot" in err  # the log goes to stderr...
    assert TOKEN not in err  # ...without the token
    assert TOKEN.split(":")[1] not in err
    assert "HTTP Request" not in err  # httpx's request lines (with the URL) are silenced


# --- the token never reaches a log ------------------------------------------------------------


async def test_token_never_appears_in_logs(
    kb: KnowledgeBase, samples: Samples, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # everything, PTB's and httpx's debug lines included
    async with harness(kb) as bot:
        bot.api.fail_next("sendMessage", 500)
        bot.api.drop_next("sendMessage")
        bot.api.fail_next("sendMessage", 429, retry_after=1)
        await bot.process(text_message(samples.answered))
        bot.api.fail_next("sendMessage", 400, description="Bad Request: boom")
        calls = await bot.process(text_message(samples.unknown))
        assert len(sent_messages(calls)) == 1  # the apology
    secret = TOKEN.split(":")[1]
    records = caplog.records
    assert any(r.levelno == logging.ERROR for r in records)  # the failures were logged...
    assert any(r.name.startswith("telegram") for r in records)
    for record in records:
        assert secret not in record.getMessage(), record.name
        assert secret not in (record.exc_text or "")
    assert secret not in caplog.text
    # PTB logs the whole Bot API URL when the bot is created: it is there, redacted.
    assert any("bot<TOKEN>" in r.getMessage() for r in records)
    assert not [r for r in records if r.name.startswith(("httpx", "httpcore"))]


def test_redacting_filter_covers_message_arguments_and_tracebacks() -> None:
    token = "111:SecretSecretSecret"
    redactor = TokenRedactingFilter({token})
    try:
        raise RuntimeError(f"GET http://x/bot{token}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "url %s", (f"/bot{token}/",), sys.exc_info()
        )
    assert redactor.filter(record)
    assert record.getMessage() == "url /bot<TOKEN>/"
    assert record.exc_text is not None
    assert "bot<TOKEN>/getMe" in record.exc_text
    assert token not in record.exc_text
    formatted = logging.Formatter().format(record)
    assert token not in formatted
    assert "RuntimeError" in formatted


# --- the wiring -----------------------------------------------------------------------------


def test_build_application_wiring(kb: KnowledgeBase) -> None:
    config = Config(token=TOKEN, base_url="http://127.0.0.1:9/bot", log_database=None)
    app = build_application(config, kb=kb)
    assert app.bot.base_url == f"http://127.0.0.1:9/bot{TOKEN}"
    assert app.bot.base_file_url == f"http://127.0.0.1:9/file/bot{TOKEN}"
    assert isinstance(app.bot.rate_limiter, RetryingRateLimiter)
    assert isinstance(app.update_processor, PerUserUpdateProcessor)
    assert app.post_init is not None
    assert app.error_handlers


def test_build_application_defaults_to_telegram_and_needs_a_token(kb: KnowledgeBase) -> None:
    app = build_application(Config(token=TOKEN, log_database=None), kb=kb)
    assert app.bot.base_url == f"https://api.telegram.org/bot{TOKEN}"
    with pytest.raises(ValueError, match="token"):
        build_application(Config(log_database=None), kb=kb)


async def test_rate_limiter_off_still_retries(kb: KnowledgeBase, samples: Samples) -> None:
    async with harness(kb, rate_limiter=False) as bot:
        bot.api.fail_next("sendMessage", 500)
        calls = await bot.process(text_message(samples.answered))
        assert [c.status for c in calls if c.method == "sendMessage"] == [500, 200]
        [answer] = sent_messages(calls)
        assert answer["text"].startswith(bot.kb.by_id[samples.entry_id].question)


def test_make_config_points_at_the_fake() -> None:
    api = FakeBotAPI()
    config = make_config(api, rate_limiter=False)
    assert config.token == TOKEN
    assert config.rate_limiter is False


async def test_broken_faq_exits_1_with_its_problems(tmp_path: Path) -> None:
    broken = make_knowledge(tmp_path / "kb", ENTRY_A.replace('sources: ["§1"]', 'sources: ["§9"]'))
    env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, FAQBOT_KNOWLEDGE=str(broken))
    code, err = await finish(await faqbot(tmp_path, "run", env=env))
    assert code == 1
    assert "10-test.yaml:" in err
    assert 'unknown source "§9"' in err
    assert "Traceback" not in err


async def test_unreachable_api_exits_1_after_retrying(tmp_path: Path, kb: KnowledgeBase) -> None:
    async with FakeBotAPI() as api:
        base_url = api.base_url  # a port that no longer answers once the server stops
    env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url)
    env["FAQBOT_KNOWLEDGE"] = str(kb.path)
    code, err = await finish(await faqbot(tmp_path, "run", env=env))
    assert code == 1
    assert "cannot reach the Telegram Bot API" in err
    assert "TELEGRAM_API_BASE_URL" in err
    assert "retry 5/5" in err  # network errors were retried before giving up
    assert "Traceback" not in err
    assert TOKEN.split(":")[1] not in err
