"""The package layout is the architecture: each layer imports only from the layers below.

    language < knowledge < understanding < conversation < telegram | maintainers < cli

`bot/language` reads French text, `bot/knowledge` loads the YAML files, `bot/understanding`
decides what a message means (no Telegram), `bot/conversation` says it (replies) and logs
it, `bot/telegram` and `bot/maintainers` are two front ends that never import each other,
and `bot/cli.py` wires everything. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

BOT = ROOT / "bot"
RANK = {"language": 0, "knowledge": 1, "understanding": 2, "conversation": 3}
FRONT_ENDS = {"telegram": 4, "maintainers": 4}
LAYERS = {**RANK, **FRONT_ENDS}
MODULES = sorted(p for p in BOT.rglob("*.py") if p.parent != BOT and "bundled" not in str(p))


def bot_imports(path: Path) -> list[tuple[int, str]]:
    """(line, `bot.x...` module) for every import of the bot package in a file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
            names = [node.module] if node.module != "bot" else [f"bot.{a.name}" for a in node.names]
            found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("bot.")]
    return found


def test_every_module_sits_in_a_layer() -> None:
    flat = sorted(p.name for p in BOT.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "cli.py"]
    assert {p.parent.name for p in MODULES} == set(LAYERS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(BOT)))
def test_imports_run_down_the_layers_only(path: Path) -> None:
    layer = path.parent.name
    wrong = []
    for line, module in bot_imports(path):
        parts = module.split(".")
        target = parts[1] if len(parts) > 1 else ""
        if target in {"__init__", layer}:
            continue
        allowed = target in RANK and RANK[target] < LAYERS[layer]
        if not allowed:
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert wrong == []


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The test above would notice: an upward import inside a function is found."""
    module = tmp_path / "x.py"
    module.write_text("def f():\n    from bot.telegram import io\n    return io\n")
    assert bot_imports(module) == [(2, "bot.telegram")]
