"""`faqbot init DIR`: a maintainer's own copy of the bundled FAQ and a config, ready to edit.

It writes `DIR/knowledge/` (the whole bundled knowledge folder: article, synonyms,
thresholds, out-of-scope questions, faq/ and the format's README) and `DIR/config.yaml`
(the annotated config.example.yaml, with `knowledge: knowledge` so that the copy is the
FAQ the bot serves). `faqbot check --config DIR/config.yaml`, then
`faqbot run --config DIR/config.yaml` (or `cd DIR && faqbot run`) use them.

It never overwrites: if either already exists, nothing is written and the maintainer is
told what to move out of the way.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.base import default_knowledge_path

__all__ = ["CONFIG_TEMPLATE", "InitError", "Written", "config_text", "init_folder"]

CONFIG_TEMPLATE = Path(__file__).resolve().parents[1] / "config.example.yaml"
"""The annotated example config, shipped in the package (a symlink in the checkout)."""
_KNOWLEDGE_LINE = re.compile(r"^knowledge: null[ \t]*$", re.MULTILINE)
_HEADER = re.compile(r"\A# faqbot configuration:[^\n]*\n")


class InitError(Exception):
    """`faqbot init` cannot write there; the message says why and what to do."""


@dataclass(frozen=True)
class Written:
    """What `init_folder` wrote."""

    knowledge: Path
    config: Path
    files: int
    """Files copied into the knowledge folder."""


def config_text(template: str) -> str:
    """The example config, adapted to point at the copied `knowledge/` folder."""
    text, count = _KNOWLEDGE_LINE.subn("knowledge: knowledge", template)
    if count != 1:  # the example changed shape: better fail than write a config that lies
        raise InitError(f"{CONFIG_TEMPLATE}: no 'knowledge: null' line to point at the copy")
    header = (
        "# faqbot configuration, written by `faqbot init`: edit it, then\n"
        "# `faqbot check --config config.yaml` and `faqbot run --config config.yaml`.\n"
    )
    return _HEADER.sub(lambda _: header, text, count=1)


def init_folder(target: Path) -> Written:
    """Copy the bundled FAQ to `target/knowledge` and write `target/config.yaml`."""
    knowledge = target / "knowledge"
    config = target / "config.yaml"
    taken = [p for p in (knowledge, config) if p.exists() or p.is_symlink()]
    if taken:
        names = " and ".join(str(p) for p in taken)
        raise InitError(
            f"{names} already exist{'s' if len(taken) == 1 else ''}: nothing was written. "
            "Choose another folder, or move them away first."
        )
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} is a file, not a folder")
    text = config_text(CONFIG_TEMPLATE.read_text(encoding="utf-8"))
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        default_knowledge_path(),
        knowledge,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "__init__.py"),
    )
    config.write_text(text, encoding="utf-8")
    files = sum(1 for p in knowledge.rglob("*") if p.is_file())
    return Written(knowledge=knowledge, config=config, files=files)
