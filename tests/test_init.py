"""`faqbot init DIR`: the bundled FAQ and an annotated config, ready to edit and to serve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from bot.cli import main
from bot.knowledge.base import default_knowledge_path
from bot.knowledge.config import load_config
from bot.maintainers.workspace import CONFIG_TEMPLATE, InitError, config_text


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_init_writes_the_whole_knowledge_folder_and_a_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "mybot"]) == 0
    out = capsys.readouterr().out
    assert "Wrote mybot/knowledge/" in out
    assert "faqbot run --config mybot/config.yaml" in out
    copied = files_of(tmp_path / "mybot" / "knowledge")
    assert copied == files_of(default_knowledge_path())
    assert "article.yaml" in copied
    assert "README.md" in copied
    assert any(name.startswith("faq/") for name in copied)
    config = load_config(tmp_path / "mybot" / "config.yaml", env={})
    assert config.knowledge == (tmp_path / "mybot" / "knowledge").resolve()
    assert main(["check", "--config", "mybot/config.yaml"]) == 0
    assert "in mybot/knowledge" in capsys.readouterr().out


def test_the_copy_is_the_faq_the_bot_serves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "mine")]) == 0
    faq = tmp_path / "mine" / "knowledge" / "faq"
    path = sorted(faq.glob("*.yaml"))[0]
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries[0]["answer"] = "Réponse modifiée par la rédaction."
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    capsys.readouterr()
    config = str(tmp_path / "mine" / "config.yaml")
    assert main(["ask", "--config", config, "--json", entries[0]["question"]]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["entry"] == entries[0]["id"]
    assert decision["answer"] == "Réponse modifiée par la rédaction."


def test_init_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "bot"
    target.mkdir()
    (target / "config.yaml").write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(target)]) == 2
    err = capsys.readouterr().err
    assert "config.yaml already exists: nothing was written" in err
    assert (target / "config.yaml").read_text(encoding="utf-8") == "# mine\n"
    assert not (target / "knowledge").exists()
    file = tmp_path / "a-file"
    file.write_text("x", encoding="utf-8")
    assert main(["init", str(file)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_the_template_is_the_example_config() -> None:
    assert CONFIG_TEMPLATE.read_text(encoding="utf-8") == (ROOT / "config.example.yaml").read_text(
        encoding="utf-8"
    )
    text = config_text(CONFIG_TEMPLATE.read_text(encoding="utf-8"))
    assert "\nknowledge: knowledge\n" in text
    assert text.startswith("# faqbot configuration, written by `faqbot init`")
    with pytest.raises(InitError, match="no 'knowledge: null' line"):
        config_text("telegram:\n  token: null\n")
