"""One place for state: the question log does not depend on the working directory."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.config import LOG_FILE, ConfigError, default_state_dir, load_config


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- default_state_dir ------------------------------------------------------------------------


def test_systemd_state_directory_comes_first() -> None:
    env = {
        "STATE_DIRECTORY": "/var/lib/faqbot:/var/lib/other",
        "XDG_STATE_HOME": "/xdg",
        "HOME": "/home/u",
    }
    assert default_state_dir(env) == Path("/var/lib/faqbot")
    assert default_state_dir({**env, "STATE_DIRECTORY": "/srv/one"}) == Path("/srv/one")


def test_then_xdg_state_home_then_the_home_folder() -> None:
    assert default_state_dir({"XDG_STATE_HOME": "/xdg", "HOME": "/home/u"}) == Path("/xdg/faqbot")
    assert default_state_dir({"HOME": "/home/u"}) == Path("/home/u/.local/state/faqbot")
    # The XDG spec: a relative XDG_STATE_HOME is invalid and ignored.
    relative = {"XDG_STATE_HOME": "rel", "HOME": "/home/u"}
    assert default_state_dir(relative) == Path("/home/u/.local/state/faqbot")
    assert default_state_dir({"STATE_DIRECTORY": "", "HOME": "/h"}) == Path(
        "/h/.local/state/faqbot"
    )


def test_tests_keep_state_out_of_the_real_home(state_dir: Path) -> None:
    assert default_state_dir() == state_dir
    assert not str(state_dir).startswith(str(Path.home() / ".local"))


# --- the config -------------------------------------------------------------------------------


def test_the_log_defaults_to_the_state_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(env={"XDG_STATE_HOME": "/xdg"})
    assert config.state_dir == Path("/xdg/faqbot")
    assert config.log_database == Path("/xdg/faqbot") / LOG_FILE
    systemd = load_config(env={"STATE_DIRECTORY": "/var/lib/faqbot"})
    assert systemd.log_database == Path("/var/lib/faqbot/questions.sqlite3")


def test_state_directory_in_the_file_is_relative_to_it(tmp_path: Path) -> None:
    path = write(tmp_path / "etc", "state:\n  directory: ../state\n")
    config = load_config(path, env={"XDG_STATE_HOME": "/xdg"})
    assert config.state_dir == (tmp_path / "state").resolve()
    assert config.log_database == (tmp_path / "state").resolve() / LOG_FILE


def test_environment_overrides_the_state_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path / "etc", "state:\n  directory: /from/file\n")
    config = load_config(path, env={"FAQBOT_STATE_DIR": "here"})
    assert config.state_dir == tmp_path / "here"
    assert config.log_database == tmp_path / "here" / LOG_FILE


def test_an_explicit_log_stays_where_it_is_told(tmp_path: Path) -> None:
    path = write(tmp_path, "state:\n  directory: st\nlog:\n  database: logs/q.sqlite3\n")
    config = load_config(path, env={})
    assert config.state_dir == (tmp_path / "st").resolve()
    assert config.log_database == tmp_path / "logs/q.sqlite3"  # beside the config, as before
    off = write(tmp_path / "off", "state:\n  directory: st\nlog:\n  database: null\n")
    assert load_config(off, env={}).log_database is None
    env_log = load_config(path, env={"FAQBOT_LOG_DB": "/x/y.sqlite3"})
    assert env_log.log_database == Path("/x/y.sqlite3")


def test_a_bad_state_directory_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "log:\n  database: null\nstate:\n  directory: [a, b]\n  dir: x\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    message = str(info.value)
    assert "config.yaml:4: state.directory must be text (or null)" in message
    assert 'config.yaml:5: unknown key "state.dir"' in message


# --- end to end: two working directories, one log ----------------------------------------------


def test_one_log_whatever_the_working_directory(
    tmp_path: Path,
    state_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for folder, question in (("a", "Quel traité a été signé ?"), ("b", "météo à Pyongyang")):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        monkeypatch.setattr("sys.stdin", io.StringIO(question + "\n"))
        assert main(["chat"]) == 0
    assert (state_dir / LOG_FILE).is_file()
    for folder in ("a", "b"):  # nothing in the working directories
        assert not list((tmp_path / folder).rglob("*"))
    capsys.readouterr()
    (tmp_path / "c").mkdir()
    monkeypatch.chdir(tmp_path / "c")
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert f"Question log: {state_dir / LOG_FILE}" in out
    assert "Questions: 2 (chat 2)" in out
    assert main(["unanswered"]) == 0
    out = capsys.readouterr().out
    assert f"Unanswered questions in {state_dir / LOG_FILE}" in out
