"""Configuration: defaults, the file, environment overrides, and clear errors (exit 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.base import default_knowledge_path
from bot.knowledge.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config.token is None
    assert config.knowledge == default_knowledge_path()
    assert config.source is None
    assert config.rate_limiter is True


def test_example_config_is_valid_and_documented() -> None:
    config = load_config(ROOT / "config.example.yaml", env={})
    assert config.token is None
    assert config.matching.answer_threshold > config.matching.suggest_threshold
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    # Every key is explained: a comment right above it, or one that names it.
    lines = text.splitlines()
    comments = " ".join(line for line in lines if line.lstrip().startswith("#"))
    for i, line in enumerate(lines):
        if line.strip() and not line.lstrip().startswith("#"):
            key = line.split(":")[0].strip()
            assert lines[i - 1].lstrip().startswith("#") or key in comments, key


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "telegram:\n  token: from-file\n  admins: [1, 2]\n")
    env = {
        "TELEGRAM_BOT_TOKEN": "from-env",
        "FAQBOT_ADMINS": "7, 8",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:1/bot",
    }
    config = load_config(path, env=env)
    assert config.token == "from-env"
    assert config.admins == frozenset({7, 8})
    assert config.base_url == "http://127.0.0.1:1/bot"
    assert load_config(path, env={}).token == "from-file"


def test_token_never_in_repr(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "telegram:\n  token: '123:secret'\n"), env={})
    assert "secret" not in repr(config)


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    path = write(tmp_path, "knowledge: kb\nlog:\n  database: data/log.sqlite3\n")
    config = load_config(path, env={})
    assert config.knowledge == (tmp_path / "kb").resolve()
    assert config.log_database == tmp_path / "data/log.sqlite3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "telegram:\n  tokn: x\n",
            'config.yaml:2: unknown key "telegram.tokn" (did you mean "token"?)',
        ),
        (
            "telgram:\n  token: x\n",
            'config.yaml:1: unknown section "telgram" (did you mean "telegram"?)',
        ),
        ("telegram:\n  admins: [me]\n", "config.yaml:2: telegram.admins must be a list of numeric"),
        (
            "matching:\n  margin: lots\n",
            "config.yaml:2: matching.margin must be a number from 0 to 100",
        ),
        (
            "telegram:\n  rate_limiter: maybe\n",
            "config.yaml:2: telegram.rate_limiter must be true or false",
        ),
        ("telegram: [\n", "config.yaml:2: YAML syntax error"),
        (
            "matching:\n  answer_threshold: 30\n  suggest_threshold: 50\n",
            "suggest_threshold must not be above",
        ),
        (
            "reload:\n  interval_seconds: 0.001\n",
            "config.yaml:2: reload.interval_seconds must be 0 (no automatic reload) or at least 1",
        ),
        ("reload:\n  interval_seconds: 0.999\n", "config.yaml:2: reload.interval_seconds"),
        ("\n\nknowledge: nope\n", "config.yaml:3: knowledge: "),
        ("knowledge: config.yaml\n", "is not a folder"),
        (
            "log:\n  database: /proc/nope/q.sqlite3\n",
            "config.yaml:2: log.database: cannot write '/proc/nope/q.sqlite3'",
        ),
        ("log:\n  database: config.yaml/q.sqlite3\n", "config.yaml:2: log.database"),
        ("log:\n  database: .\n", "it is a folder"),
    ],
)
def test_invalid_config_names_file_line_and_fix(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), env={})
    assert expected in str(info.value)


def test_bad_admins_env(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="FAQBOT_ADMINS: must be comma-separated"):
        load_config(env={"FAQBOT_ADMINS": "alice"})


def test_cli_exits_2_on_invalid_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "telegram:\n  admins: nope\n")
    assert main(["--config", str(path), "check"]) == 2
    err = capsys.readouterr().err
    assert "invalid configuration" in err
    assert "telegram.admins" in err
    assert main(["check", "--config", str(tmp_path / "missing.yaml")]) == 2
    assert "config file not found" in capsys.readouterr().err


def test_python_dash_m_bot_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "usage: faqbot" in result.stdout


@pytest.mark.parametrize("seconds", [0, 1, 2.5, 3600])
def test_reload_interval_zero_or_at_least_one_second(tmp_path: Path, seconds: float) -> None:
    config = load_config(write(tmp_path, f"reload:\n  interval_seconds: {seconds}\n"), env={})
    assert config.reload_interval == seconds


def test_log_database_in_a_folder_to_create_is_accepted_and_nothing_is_left(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "log:\n  database: new/deeper/q.sqlite3\n")
    before = sorted(tmp_path.rglob("*"))
    config = load_config(path, env={})
    assert config.log_database == tmp_path / "new/deeper/q.sqlite3"
    assert sorted(tmp_path.rglob("*")) == before  # the check creates nothing


def test_cli_names_the_missing_knowledge_folder_of_the_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "log:\n  database: null\nknowledge: ../nowhere\n")
    assert main(["--config", str(path), "check"]) == 2
    err = capsys.readouterr().err
    assert "config.yaml:3: knowledge:" in err
    assert "nowhere is not a folder" in err
