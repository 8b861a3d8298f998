"""A clean service life: SIGTERM and SIGINT stop `faqbot run` the same way, start-up says
what it serves in four lines, and deploy/faqbot.service is a valid systemd unit."""

from __future__ import annotations

import asyncio
import configparser
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Samples
from fake_bot_api import TOKEN, FakeBotAPI, text_message
from test_telegram_run import clean_env, faqbot, finish

from bot.cli import build_parser
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.config import LOG_FILE

UNIT = ROOT / "deploy" / "faqbot.service"


def service_env(tmp_path: Path, api: FakeBotAPI, kb: KnowledgeBase) -> dict[str, str]:
    """What systemd gives the unit: the token from the environment file, STATE_DIRECTORY."""
    env = clean_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_API_BASE_URL=api.base_url,
        FAQBOT_KNOWLEDGE=str(kb.path),
        STATE_DIRECTORY=str(tmp_path / "var-lib-faqbot"),
        FAQBOT_ADMINS="111,222",
    )
    del env["FAQBOT_LOG_DB"]  # the log goes where the service's state goes
    return env


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_signal_stops_the_bot_cleanly_even_under_load(
    tmp_path: Path, kb: KnowledgeBase, samples: Samples, stop: signal.Signals
) -> None:
    """Updates keep arriving while the stop begins, as for a busy service at every restart
    (PTB's own Updater logged "Updater stopped unexpectedly", CRITICAL, in that race)."""
    async with FakeBotAPI() as api:
        env = service_env(tmp_path, api, kb)
        process = await faqbot(tmp_path, "run", env=env)

        async def flood() -> None:
            for n in range(100_000):
                api.push(text_message(f"{samples.answered} {n}", user_id=5000 + n % 40))
                await asyncio.sleep(0.02)

        flooding: asyncio.Task[None] | None = None
        try:
            await api.wait_for("setMyCommands", count=2, timeout=30)
            flooding = asyncio.create_task(flood())
            await api.wait_for("sendMessage", count=10, timeout=30)
        finally:
            if process.returncode is None:
                process.send_signal(stop)
            code, err = await finish(process)
            if flooding is not None:
                flooding.cancel()
    assert code == 0, err
    assert "CRITICAL" not in err
    assert "Traceback" not in err
    assert f"{stop.name} received: stopping" in err
    assert err.rstrip().endswith("faqbot stopped")
    # Start-up: one line each for the FAQ, the log, the mode and the admins; no noise.
    log = tmp_path / "var-lib-faqbot" / LOG_FILE
    for line in (
        f"FAQ: {len(kb.entries)} entries from {kb.path}",
        f"question log: {log}",
        "mode: long polling",
        "admins: 2",
    ):
        assert err.count(line) == 1, line
    assert "apscheduler" not in err
    assert "Application started" not in err
    assert TOKEN.split(":")[1] not in err
    assert log.is_file()  # the questions were written before the exit


async def test_sigterm_while_starting_exits_0(tmp_path: Path, kb: KnowledgeBase) -> None:
    async with FakeBotAPI() as api:
        process = await faqbot(tmp_path, "run", env=service_env(tmp_path, api, kb))
        assert process.stderr is not None
        line = await asyncio.wait_for(process.stderr.readline(), 30)
        assert b"FAQ: " in line  # still loading: the event loop does not run yet
        process.send_signal(signal.SIGTERM)
        code, err = await finish(process)
    assert code == 0, err
    assert "Traceback" not in err
    assert "CRITICAL" not in err


# --- deploy/faqbot.service -------------------------------------------------------------------


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser


def test_the_unit_runs_faqbot_as_the_issue_asks() -> None:
    service = unit()["Service"]
    assert service["DynamicUser"] == "yes"
    assert service["StateDirectory"] == "faqbot"  # -> $STATE_DIRECTORY, the log's home
    assert service["EnvironmentFile"] == "/etc/faqbot/env"  # the token, not in the unit
    assert "TOKEN=" not in "".join(line for line in service.values() if "#" not in line)
    assert service["Restart"] == "on-failure"
    assert service["KillSignal"] == "SIGTERM"
    # Exit status 2 (no token, refused token or webhook) is not worth restarting.
    assert service["RestartPreventExitStatus"] == "2"
    program, *args = shlex.split(service["ExecStart"])
    assert program.endswith("/bin/faqbot")
    parsed = build_parser().parse_args(args)
    assert parsed.command == "run"
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    """`systemd-analyze verify`, with ExecStart pointing at this environment's faqbot."""
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None, "systemd-analyze is needed to check deploy/faqbot.service"
    venv_faqbot = Path(sys.executable).parent / "faqbot"  # the test environment's own
    assert venv_faqbot.is_file()
    text = UNIT.read_text(encoding="utf-8").replace("/opt/faqbot/bin/faqbot", str(venv_faqbot))
    copy = tmp_path / "faqbot.service"
    copy.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "faqbot.service" not in result.stderr, result.stderr  # no warning about the unit
