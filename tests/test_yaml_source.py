"""bot.knowledge.source: libyaml reads valid files, the pure-Python parser words errors.

The error messages themselves are tested in test_knowledge_errors.py and the safety
bounds in test_reload_hostile.py, both through the real loader; here, that the fast path
builds exactly the nodes the pure-Python parser builds, and that a file libyaml rejects
still gets the pure-Python wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from bot.knowledge import source
from bot.knowledge.source import Report, UnsafeYAML, compose_safely, parse_file

SHIPPED = sorted((ROOT / "knowledge").rglob("*.yaml")) + sorted((ROOT / "tests").glob("*.yaml"))


def shape(node: yaml.Node | None) -> object:
    """Everything the loader reads from a node: kind, tag, style, marks and values."""
    if node is None:
        return None
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line)
    head = (type(node).__name__, node.tag, getattr(node, "style", None), marks)
    if isinstance(node, yaml.ScalarNode):
        return (*head, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*head, [shape(item) for item in node.value])
    return (*head, [(shape(k), shape(v)) for k, v in node.value])


def pure_python(text: str) -> yaml.Node | None:
    loader = source._Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def test_pyyaml_here_has_libyaml() -> None:
    """The fast path is the one the shipped install takes (PyYAML's wheels bundle libyaml)."""
    assert source._CParser is not None


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_fast_path_builds_the_same_nodes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert shape(compose_safely(text)) == shape(pure_python(text))


def test_plain_scalars_keep_no_style() -> None:
    """The loader tells plain from quoted scalars by `style` (None for plain, as PyYAML)."""
    node = compose_safely('a: plain\nb: "quoted"\nc: |\n  block\n')
    assert isinstance(node, yaml.MappingNode)
    assert [value.style for _, value in node.value] == [None, '"', "|"]


def test_a_file_libyaml_rejects_gets_the_pure_python_message(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("- id: a\n  answer: [unclosed\n- id: b\n", encoding="utf-8")
    report = Report()
    assert parse_file(path, report) is None
    (problem,) = report.problems
    with pytest.raises(yaml.MarkedYAMLError) as pure:
        pure_python(path.read_text(encoding="utf-8"))
    assert pure.value.problem is not None
    assert pure.value.problem in problem.message
    assert "YAML syntax error, column" in problem.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("a: " + "[" * 40 + "]" * 40 + "\n", "nested more than"),
    ],
)
def test_the_bounds_hold_on_the_fast_path(text: str, words: str) -> None:
    with pytest.raises(UnsafeYAML) as refused:
        compose_safely(text)
    assert words in refused.value.message
    assert refused.value.line == 1


def test_without_libyaml_the_pure_python_parser_reads_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (ROOT / "knowledge" / "synonyms.yaml").read_text(encoding="utf-8")
    fast = shape(compose_safely(text))
    monkeypatch.setattr(source, "_CParser", None)
    assert shape(compose_safely(text)) == fast
