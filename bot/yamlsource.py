"""Read YAML files while keeping the line of every value, for error messages.

The knowledge and config loaders both need to say *where* a mistake is
(`knowledge/faq/10-visite.yaml:42: ...`). PyYAML's composer keeps that
information on its nodes; this module turns a node tree into plain Python values
wrapped in `Node` objects that remember their line, and never raises anything but
`Problem` lists.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process

__all__ = ["Node", "Problem", "Report", "display_path", "parse_file", "suggest"]


def display_path(path: Path) -> str:
    """The path as a maintainer would type it: relative to the working directory if inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


@dataclass(frozen=True)
class Problem:
    """One mistake in a file: where it is and what to do about it."""

    file: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}"


@dataclass
class Report:
    """Collects every problem of a loading run, so that all are shown at once."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, file: str, line: int | None, message: str) -> None:
        """Record an error (the file cannot be used)."""
        self.problems.append(Problem(file, line, message))

    def warn(self, file: str, line: int | None, message: str) -> None:
        """Record a warning (the file works, but a maintainer should look)."""
        self.problems.append(Problem(file, line, message, warning=True))

    @property
    def errors(self) -> list[Problem]:
        """Only the errors."""
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        """Only the warnings."""
        return [p for p in self.problems if p.warning]


@dataclass(frozen=True)
class Node:
    """A YAML value with the file and line it comes from.

    `value` is a `str`, `int`, `float`, `bool`, `None`, a `list[Node]` or a
    `dict[str, Node]` (mapping keys are always turned into strings).
    """

    value: Any
    file: str
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    folded_line: int | None = None
    """For a plain text spanning several lines, the first continuation line that starts
    with "- ": list items indented unevenly, which YAML read as one text."""

    def items(self) -> Iterator[tuple[str, Node]]:
        """Key/value pairs of a mapping node."""
        assert isinstance(self.value, dict)
        yield from self.value.items()


def suggest(word: str, choices: list[str]) -> str:
    """' (did you mean "x"?)' when a close choice exists, else ''."""
    best = process.extractOne(word, choices, score_cutoff=70)
    return f' (did you mean "{best[0]}"?)' if best else ""


_constructor = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.ScalarNode) -> Any:
    return _constructor.construct_object(node, deep=True)


def _folded_line(node: yaml.ScalarNode, lines: list[str]) -> int | None:
    """The first continuation line of a plain multi-line text that starts with "- "."""
    if node.style is not None or node.end_mark.line <= node.start_mark.line:
        return None
    for number in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(lines))):
        if lines[number].lstrip().startswith("- "):
            return number + 1
    return None


def _convert(node: yaml.Node, file: str, report: Report, lines: list[str]) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        values: dict[str, Node] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                report.error(file, key_line, "a key must be plain text, not a list or a mapping")
                continue
            key = str(_scalar(key_node))
            if key in values:
                report.error(
                    file,
                    key_line,
                    f'key "{key}" appears twice in the same mapping (first on line '
                    f"{key_lines[key]}): keep only one",
                )
                continue
            values[key] = _convert(value_node, file, report, lines)
            key_lines[key] = key_line
        return Node(values, file, line, key_lines)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(item, file, report, lines) for item in node.value], file, line)
    assert isinstance(node, yaml.ScalarNode)
    try:
        value = _scalar(node)
    except yaml.YAMLError as exc:  # e.g. an invalid timestamp
        report.error(file, line, f"cannot read this value: {exc}")
        value = None
    return Node(value, file, line, folded_line=_folded_line(node, lines))


def parse_file(path: Path, report: Report) -> Node | None:
    """Parse one YAML file into a `Node` tree; on failure, record why and return None."""
    file = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        report.error(file, None, "file not found")
        return None
    except UnicodeDecodeError as exc:
        report.error(
            file, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start}): save it as UTF-8"
        )
        return None
    except OSError as exc:
        report.error(file, None, f"cannot read the file: {exc.strerror}")
        return None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        start = exc.context_mark
        if exc.context and start is not None and start.line + 1 != line:
            what += f" ({exc.context} started on line {start.line + 1})"
        hint = "; check the indentation, close brackets and quotes, and quote text with ': '"
        if "'\\t'" in what:
            what = "a tab character"
            hint = (
                ": YAML indents with spaces only; replace the tab with spaces "
                "(as many as the lines around it use)"
            )
        elif "expected <block end>" in what and mark is not None and _is_item(text, mark.line):
            what = "this `- ` item is not aligned with the items above it"
            hint = ": put every `- ` of the list at the same column (same number of spaces)"
        report.error(file, line, f"YAML syntax error{column}: {what}{hint}")
        return None
    except yaml.YAMLError as exc:
        report.error(file, None, f"YAML syntax error: {exc}")
        return None
    if root is None:
        return Node(None, file, 1)
    return _convert(root, file, report, text.splitlines())


def _is_item(text: str, line: int) -> bool:
    """Whether the 0-based `line` of `text` is a list item ("- ...")."""
    lines = text.splitlines()
    return 0 <= line < len(lines) and lines[line].lstrip().startswith("-")
