"""Webhook mode: PTB's own server, the secret token, setWebhook at start, deleteWebhook after.

End to end over real HTTP: the fake Bot API records setWebhook and POSTs updates to the
bot's webhook server on 127.0.0.1 with the secret header, as Telegram does; the tests also
POST updates themselves, with a wrong secret or none. The `faqbot run` process is started
where the command line, the environment and signals are involved.
"""

from __future__ import annotations

import re
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from conftest import Harness, Samples, make_config, sent_messages
from fake_bot_api import (
    SECRET_HEADER,
    TOKEN,
    FakeBotAPI,
    text_message,
)
from test_telegram_run import clean_env, faqbot, finish

from bot.cli import main
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.config import ConfigError, load_config, parse_listen
from bot.telegram.app import ALLOWED_UPDATES, Webhook, build_application, running, webhook_of

SECRET = "s3cret_-TOKEN"


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hook(port: int, secret: str = SECRET) -> Webhook:
    return Webhook(f"http://127.0.0.1:{port}/telegram/hook", "127.0.0.1", port, secret)


@asynccontextmanager
async def bot_on(
    api: FakeBotAPI, kb: KnowledgeBase, webhook: Webhook | None, **config: Any
) -> AsyncIterator[Harness]:
    """The real Application, fed by `webhook` (or by long polling when None)."""
    app = build_application(make_config(api, **config), kb=kb, poll_timeout=1)
    bench = Harness(api, app)
    async with running(app, webhook=webhook):
        yield bench


async def post(url: str, update: dict[str, Any], secret: str | None) -> int:
    """POST an update to the bot's webhook as Telegram would; return the HTTP status."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as answer,
    ):
        return answer.status


# --- in process: the Application against the fake Bot API -------------------------------------


async def test_webhook_receives_updates_by_post_and_answers(
    kb: KnowledgeBase, samples: Samples
) -> None:
    webhook = hook(free_port())
    async with FakeBotAPI() as api, bot_on(api, kb, webhook) as bot:
        [call] = await api.wait_for("setWebhook")
        assert call.params["url"] == webhook.url
        assert call.params["secret_token"] == SECRET
        assert call.params["allowed_updates"] == list(ALLOWED_UPDATES)
        assert not call.params.get("drop_pending_updates")  # questions asked meanwhile count
        calls = await bot.process(text_message(samples.answered))
        [answer] = sent_messages(calls)
        assert answer["text"].startswith(kb.by_id[samples.entry_id].question)
        assert "Source" in answer["text"]
        [delivery] = api.deliveries
        assert (delivery.status, delivery.secret, delivery.url) == (200, SECRET, webhook.url)
        # Nothing was polled: updates came by POST only.
        assert not [c for c in api.calls if c.method == "getUpdates"]
        info = await bot.app.bot.get_webhook_info()
        assert info.url == webhook.url
        assert info.pending_update_count == 0


async def test_a_wrong_or_missing_secret_is_refused_and_answered_nothing(
    kb: KnowledgeBase, samples: Samples
) -> None:
    webhook = hook(free_port())
    async with FakeBotAPI() as api, bot_on(api, kb, webhook) as bot:
        await api.wait_for("setWebhook")
        forged = {"update_id": 900, **text_message(samples.answered)}
        assert await post(webhook.url, forged, "not-the-secret") == 403
        assert await post(webhook.url, {**forged, "update_id": 901}, None) == 403
        assert await post(webhook.url, {**forged, "update_id": 902}, "") == 403
        # The same request with the right secret is served: the refusals were the secret's.
        assert await post(webhook.url, {**forged, "update_id": 903}, SECRET) == 200
        await bot.wait_done(903)
        assert bot.done == {903}  # the refused ones never reached a handler
        assert len(api.sent()) == 1


async def test_back_to_polling_deletes_the_webhook_and_gets_what_came_meanwhile(
    kb: KnowledgeBase, samples: Samples
) -> None:
    webhook = hook(free_port())
    async with FakeBotAPI() as api:
        async with bot_on(api, kb, webhook) as bot:
            await bot.process(text_message("/start"))
        # The bot is down and the webhook still set: Telegram keeps the update and retries.
        pushed = api.push(text_message(samples.answered))
        await api.wait_for("sendMessage", count=1)  # (the /start answer, from before)
        failed = await api.wait_delivered(pushed["update_id"], succeeded=False)
        assert failed.status != 200
        async with api.bot() as probe:
            info = await probe.get_webhook_info()
            assert info.pending_update_count == 1
            assert info.last_error_message
            with pytest.raises(Exception, match="webhook is active"):
                await probe.get_updates()
        # Started in polling mode, the bot deletes the webhook first, then polls.
        async with bot_on(api, kb, None) as bot:
            await bot.wait_done(pushed["update_id"])
            methods = [c.method for c in api.calls]
            last_set = len(methods) - 1 - methods[::-1].index("setWebhook")
            deleted = methods.index("deleteWebhook", last_set)
            assert "getUpdates" in methods[deleted:]
            assert api.webhook is None
            assert len(api.sent()) == 2
            assert api.sent()[-1]["text"].startswith(kb.by_id[samples.entry_id].question)


# --- configuration ------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_webhook_keys_and_variables(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "telegram:\n"
        "  webhook_url: https://bot.example.org/tg\n"
        "  webhook_listen: 0.0.0.0:8443\n"
        f"  webhook_secret: {SECRET}\n",
    )
    config = load_config(path, env={})
    assert (config.webhook_url, config.webhook_listen, config.webhook_secret) == (
        "https://bot.example.org/tg",
        "0.0.0.0:8443",
        SECRET,
    )
    assert SECRET not in repr(config)
    env = {
        "TELEGRAM_WEBHOOK_URL": "https://other.example.org/x",
        "TELEGRAM_WEBHOOK_LISTEN": "[::1]:9000",
        "TELEGRAM_WEBHOOK_SECRET": "abc",
    }
    config = load_config(path, env=env)
    assert config.webhook_url == "https://other.example.org/x"
    assert config.webhook_secret == "abc"
    webhook = webhook_of(config)
    assert webhook is not None
    assert (webhook.host, webhook.port, webhook.path, webhook.secret) == ("::1", 9000, "/x", "abc")
    assert webhook.listen == "[::1]:9000"
    assert webhook_of(load_config(env={})) is None  # polling is the default


def test_a_missing_secret_is_generated_as_telegram_requires() -> None:
    config = load_config(env={"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/"})
    first, second = webhook_of(config), webhook_of(config)
    assert first is not None
    assert second is not None
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,256}", first.secret)
    assert first.secret != second.secret
    assert (first.host, first.port, first.path) == ("127.0.0.1", 8080, "/")
    assert first.secret not in repr(first)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "telegram:\n  webhook_url: http://bot.example.org/tg\n",
            "config.yaml:2: telegram.webhook_url must start with https://",
        ),
        (
            "telegram:\n  webhook_url: bot.example.org\n",
            "config.yaml:2: telegram.webhook_url must be a full URL",
        ),
        (
            "telegram:\n  admins: []\n  webhook_listen: '8080'\n",
            "config.yaml:3: telegram.webhook_listen must be HOST:PORT",
        ),
        (
            "telegram:\n  webhook_listen: 127.0.0.1:99999\n",
            "config.yaml:2: telegram.webhook_listen must be HOST:PORT",
        ),
        (
            "telegram:\n  webhook_secret: has spaces!\n",
            "config.yaml:2: telegram.webhook_secret must be 1 to 256 characters among A-Z",
        ),
        (
            f"telegram:\n  webhook_secret: {'x' * 257}\n",
            "config.yaml:2: telegram.webhook_secret must be 1 to 256",
        ),
    ],
)
def test_bad_webhook_settings_name_the_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), env={})
    assert expected in str(info.value)


def test_bad_webhook_variables_are_named() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(
            env={
                "TELEGRAM_WEBHOOK_URL": "http://example.org/hook",
                "TELEGRAM_WEBHOOK_LISTEN": "localhost",
                "TELEGRAM_WEBHOOK_SECRET": "é",
            }
        )
    message = str(info.value)
    assert "TELEGRAM_WEBHOOK_URL: must start with https://" in message
    assert "TELEGRAM_WEBHOOK_LISTEN: must be HOST:PORT" in message
    assert "TELEGRAM_WEBHOOK_SECRET: must be 1 to 256 characters" in message


def test_local_http_urls_are_accepted_for_tests_and_local_servers() -> None:
    for url in ("http://127.0.0.1:8080/hook", "http://localhost/hook", "https://x.org:8443/h"):
        assert load_config(env={"TELEGRAM_WEBHOOK_URL": url}).webhook_url == url
    assert parse_listen("0.0.0.0:80") == ("0.0.0.0", 80)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--webhook", "http://example.org/x"], "faqbot run: --webhook must start with https://"),
        (["--webhook", "https://example.org/x", "--listen", "nope"], "--listen must be HOST:PORT"),
        (["--listen", "127.0.0.1:8080"], "--listen is for webhook mode: give the public URL"),
    ],
)
def test_bad_command_line_exits_2(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", *args]) == 2
    assert expected in capsys.readouterr().err


def test_webhook_and_polling_options_exclude_each_other(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", "--polling", "--webhook", "https://example.org/x"])
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


# --- the `faqbot run` process ---------------------------------------------------------------------


def assert_clean_log(err: str, *secrets: str) -> None:
    assert "Traceback" not in err
    assert "CRITICAL" not in err
    assert "apscheduler" not in err
    for secret in (TOKEN.split(":")[1], *secrets):
        assert secret not in err


async def test_faqbot_run_webhook_from_the_command_line(
    tmp_path: Path, kb: KnowledgeBase, samples: Samples
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    async with FakeBotAPI() as api:
        env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url)
        env["FAQBOT_KNOWLEDGE"] = str(kb.path)
        process = await faqbot(
            tmp_path, "run", "--webhook", url, "--listen", f"127.0.0.1:{port}", env=env
        )
        try:
            [call] = await api.wait_for("setWebhook", timeout=30)
            secret = call.params["secret_token"]
            assert re.fullmatch(r"[A-Za-z0-9_-]{40,256}", secret)  # generated at start
            assert call.params["url"] == url
            assert call.params["allowed_updates"] == list(ALLOWED_UPDATES)
            await api.wait_for("setMyCommands", count=2, timeout=20)
            api.push(text_message(samples.answered))
            [answer] = await api.wait_for("sendMessage", timeout=20)
            assert kb.by_id[samples.entry_id].question in answer.params["text"]
            assert await post(url, {"update_id": 77, **text_message("/start")}, "forged") == 403
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        code, err = await finish(process)
        assert len(api.sent()) == 1  # the forged /start got nothing
        assert not [c for c in api.calls if c.method in ("getUpdates", "deleteWebhook")]
    assert code == 0, err
    assert f"mode: webhook {url}, listening on 127.0.0.1:{port}" in err
    assert_clean_log(err, secret)


async def test_faqbot_run_webhook_from_the_environment_then_back_to_polling(
    tmp_path: Path, kb: KnowledgeBase, samples: Samples
) -> None:
    port = free_port()
    url = f"http://localhost:{port}/secret-path"
    async with FakeBotAPI() as api:
        env = clean_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=api.token,
            TELEGRAM_API_BASE_URL=api.base_url,
            FAQBOT_KNOWLEDGE=str(kb.path),
            TELEGRAM_WEBHOOK_URL=url,
            TELEGRAM_WEBHOOK_LISTEN=f"127.0.0.1:{port}",
            TELEGRAM_WEBHOOK_SECRET=SECRET,
        )
        process = await faqbot(tmp_path, "run", env=env)
        try:
            [call] = await api.wait_for("setWebhook", timeout=30)
            assert (call.params["url"], call.params["secret_token"]) == (url, SECRET)
            await api.wait_for("setMyCommands", count=2, timeout=20)
            api.push(text_message("/start"))
            await api.wait_for("sendMessage", timeout=20)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        code, err = await finish(process)
        assert code == 0, err
        assert_clean_log(err, SECRET)
        assert "mode: webhook" in err
        # The same environment, but --polling: the webhook is deleted, then updates polled.
        api.push(text_message(samples.answered))  # asked while the bot was down
        process = await faqbot(tmp_path, "run", "--polling", env=env)
        try:
            await api.wait_for("deleteWebhook", timeout=30)
            await api.wait_for("sendMessage", count=2, timeout=20)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        code, err = await finish(process)
        assert api.webhook is None
        assert api.sent()[-1]["text"].startswith(kb.by_id[samples.entry_id].question)
    assert code == 0, err
    assert "mode: long polling" in err
    assert_clean_log(err, SECRET)


async def test_webhook_refused_by_telegram_exits_2_and_says_why(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    async with FakeBotAPI() as api:
        api.fail_next("setWebhook", 400, description="Bad Request: bad webhook: Failed to resolve")
        env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url)
        env["FAQBOT_KNOWLEDGE"] = str(kb.path)
        port = free_port()
        url = "https://bot.example.invalid/hook"
        process = await faqbot(
            tmp_path, "run", "--webhook", url, "--listen", f"127.0.0.1:{port}", env=env
        )
        code, err = await finish(process)
    assert code == 2, err
    assert "Telegram refused the webhook (Bad webhook: failed to resolve)" in err
    assert "TELEGRAM_WEBHOOK_URL" in err
    assert "Traceback" not in err


async def test_a_busy_port_exits_2_and_says_why(tmp_path: Path, kb: KnowledgeBase) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = int(busy.getsockname()[1])
        async with FakeBotAPI() as api:
            env = clean_env(
                tmp_path, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url
            )
            env["FAQBOT_KNOWLEDGE"] = str(kb.path)
            url = f"http://127.0.0.1:{port}/hook"
            process = await faqbot(
                tmp_path, "run", "--webhook", url, "--listen", f"127.0.0.1:{port}", env=env
            )
            code, err = await finish(process)
    assert code == 2, err
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "--listen" in err
    assert "Traceback" not in err
