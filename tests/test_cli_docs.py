"""Every CLI command has help text and is documented in the README (sqlite-utils style)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_has_help_and_a_description() -> None:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in action._choices_actions}
    assert set(helps) == set(subcommands())
    for name, sub in subcommands().items():
        assert helps[name], f"{name} has no one-line help"
        assert sub.description, f"{name} has no description"


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`faqbot {name}" in readme


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_help_exits_zero(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([name, "--help"])
    assert info.value.code == 0
    assert f"usage: faqbot {name}" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["run", "chat", "check", "ask", "test", "unanswered"])
def test_every_command_that_reads_the_faq_takes_knowledge(name: str, tmp_path: Path) -> None:
    args = build_parser().parse_args([name, "--knowledge", str(tmp_path)])
    assert args.knowledge == str(tmp_path)


# `unanswered` reads the FAQ only when something was logged: tests/test_maintenance.py
# covers its --knowledge with a populated log.
@pytest.mark.parametrize("name", ["chat", "check", "ask", "test"])
def test_knowledge_option_is_really_used(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ["une question"] if name == "ask" else []
    assert main([name, "--knowledge", str(tmp_path / "missing"), *extra]) == 1
    assert "missing: not a folder" in capsys.readouterr().err
