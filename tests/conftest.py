"""Shared fixtures: knowledge bases for reply tests, and the bot running against a fake API."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import pytest
from test_knowledge_errors import ENTRY_A, ENTRY_B, make_knowledge

from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge

ROOT = Path(__file__).resolve().parent.parent

# An entry whose every field is full of HTML-significant characters: replies must escape
# them, or the fake server (like Telegram) refuses the message.
NASTY_ENTRY = """\
- id: balises-html
  question: Que signifie <b>gras</b> & « <script>alert(1)</script> » ?
  variants:
    - balise b et script
    - que veut dire le & commercial
    - les chevrons < et > dans une question
    - du code html <i>italique</i>
    - a &amp; b &lt;c&gt;
  answer: >-
    Rien de <b>spécial</b> : A & B < C > D, "guillemets" et 'apostrophes' &amp; &#39;.
  sources: ["§1", "note 1"]
"""

NASTY_ARTICLE = """\
outlet: Le <Grand> & "Continent"
url: https://example.org/?a=1&b=<2>&c="3"
published: juin 2024 <b>
title: Titre <i>non fermé & bizarre
author: Auteur & <co>
sources:
  "§1": La visite de 2000
  "§2": L’État paria
  "note 1": Note 1 de l’article
  article: L’article
"""


def _bundled_committed() -> bool:
    result = subprocess.run(
        ["git", "ls-files", "--error-unmatch", "knowledge/article.yaml"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


@functools.cache
def bundled_or_none() -> KnowledgeBase | None:
    """The bundled FAQ; None while it is being written (not committed and not loadable).

    Once knowledge/article.yaml is committed, a FAQ that fails to load is an error.
    """
    if _bundled_committed():
        return load_knowledge()
    try:
        return load_knowledge()
    except KnowledgeError:
        return None


@pytest.fixture(scope="session")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The two-entry FAQ of tests/test_knowledge_errors.py."""
    return load_knowledge(make_knowledge(tmp_path_factory.mktemp("small")))


@pytest.fixture(scope="session")
def nasty_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """A FAQ whose texts (article included) are full of <, > and &."""
    root = make_knowledge(
        tmp_path_factory.mktemp("nasty"), ENTRY_A + ENTRY_B + NASTY_ENTRY, article=NASTY_ARTICLE
    )
    return load_knowledge(root)


@pytest.fixture(scope="session")
def bundled_kb() -> KnowledgeBase:
    """The real FAQ in knowledge/ (skips until it has been committed)."""
    value = bundled_or_none()
    if value is None:
        pytest.skip("the bundled FAQ (knowledge/) is not written yet")
    return value


@pytest.fixture(scope="session")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The FAQ end-to-end tests run on: the bundled one, or the small one until it exists."""
    value = bundled_or_none()
    return value or load_knowledge(make_knowledge(tmp_path_factory.mktemp("kb")))


@pytest.fixture(params=["bundled", "small", "nasty"])
def any_kb(request: pytest.FixtureRequest) -> KnowledgeBase:
    """Each FAQ in turn, for properties every reply must have."""
    value = request.getfixturevalue(f"{request.param}_kb")
    assert isinstance(value, KnowledgeBase)
    return value
