"""`faqbot test`: rates, confusions, and exit status against knowledge/thresholds.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.base import default_knowledge_path


def copy_knowledge(tmp_path: Path, thresholds: str | None = None) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_path(), root)
    if thresholds is not None:
        (root / "thresholds.yaml").write_text(thresholds, encoding="utf-8")
    return root


def test_shipped_faq_passes_its_own_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test"]) == 0
    out = capsys.readouterr().out
    assert "ok   FAQ phrasings answered with their own entry: 100.0%" in out
    assert "ok   answerable questions answered correctly:" in out
    assert "ok   unanswerable questions declined:" in out
    assert "confusion: [" in out  # every miss is listed for the maintainer
    lines = out.splitlines()
    # The summary comes first, the mistakes after it.
    assert lines[0].startswith("ok   FAQ phrasings")
    assert max(i for i, line in enumerate(lines) if line.startswith("ok   ")) < min(
        i for i, line in enumerate(lines) if "confusion: [" in line
    )
    assert "\033[" not in out  # not a terminal: no colour


def test_below_a_threshold_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_knowledge(tmp_path, thresholds="answerable: 1.0\n")
    assert main(["test", "--knowledge", str(root)]) == 1
    out = capsys.readouterr().out
    assert "FAIL answerable questions answered correctly:" in out
    assert "minimum 100%" in out


def test_custom_question_set_reports_each_mistake(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    devset = tmp_path / "set.yaml"
    devset.write_text(
        "answerable:\n"
        "  - q: 7000 conteneurs\n    expect: estimation-sud-coreenne\n"
        "  - q: 7000 conteneurs de munitions\n    expect: media\n"
        "unanswerable:\n  - 7000 conteneurs\n",
        encoding="utf-8",
    )
    assert main(["test", "--devset", str(devset)]) == 1
    out = capsys.readouterr().out
    confusion = "confusion: [media] '7000 conteneurs de munitions' -> answer estimation-sud"
    assert confusion in out
    assert "false answer: '7000 conteneurs' -> answer estimation-sud-coreenne" in out
    assert "answered correctly: 50.0% (1/2" in out
    assert "declined: 0.0% (0/1" in out


def test_bad_question_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    devset = tmp_path / "set.yaml"
    devset.write_text("answerable:\n  - q: obus\n    expect: nope\n", encoding="utf-8")
    assert main(["test", "--devset", str(devset)]) == 1
    assert 'set.yaml:3: unknown entry id "nope"' in capsys.readouterr().err
    assert main(["test", "--devset", str(tmp_path / "missing.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err
