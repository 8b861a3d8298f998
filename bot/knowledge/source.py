"""Read YAML files while keeping the line of every value, for error messages.

The knowledge and config loaders both need to say *where* a mistake is
(`knowledge/faq/10-visite.yaml:42: ...`). PyYAML's composer keeps that
information on its nodes; this module turns a node tree into plain Python values
wrapped in `Node` objects that remember their line, and never raises anything but
`Problem` lists.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process

__all__ = [
    "MAX_DEPTH",
    "MAX_ERRORS_PER_FILE",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "Node",
    "Problem",
    "Report",
    "UnsafeYAML",
    "compose_safely",
    "display_path",
    "parse_file",
    "read_bounded",
    "suggest",
]


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


MAX_ERRORS_PER_FILE = 100
"""Errors listed per file (a 10,000-entry file of the same mistake gives 100 and a note)."""


@dataclass
class Report:
    """Collects every problem of a loading run, so that all are shown at once."""

    problems: list[Problem] = field(default_factory=list)
    _per_file: dict[str, int] = field(default_factory=dict, repr=False)

    def error(self, file: str, line: int | None, message: str) -> None:
        """Record an error (the file cannot be used); at most MAX_ERRORS_PER_FILE per file."""
        count = self._per_file[file] = self._per_file.get(file, 0) + 1
        if count <= MAX_ERRORS_PER_FILE:
            self.problems.append(Problem(file, line, message))
        elif count == MAX_ERRORS_PER_FILE + 1:
            self.problems.append(
                Problem(
                    file,
                    None,
                    f"more than {MAX_ERRORS_PER_FILE} errors in this file; the others are not "
                    "listed: fix these, then check again",
                )
            )

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
    except (yaml.YAMLError, ValueError) as exc:  # an invalid timestamp, an int of 5,000 digits
        report.error(file, line, f"cannot read this value: {exc}")
        value = None
    return Node(value, file, line, folded_line=_folded_line(node, lines))


def parse_file(path: Path, report: Report) -> Node | None:
    """Parse one YAML file into a `Node` tree; on failure, record why and return None."""
    file = display_path(path)
    try:
        text = read_bounded(path)
    except UnsafeYAML as exc:
        report.error(file, exc.line, exc.message)
        return None
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
        root = compose_safely(text)
    except UnsafeYAML as exc:
        report.error(file, exc.line, exc.message)
        return None
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
    except (RecursionError, MemoryError) as exc:  # bounded above; never a traceback anyway
        report.error(file, None, f"cannot read the file ({type(exc).__name__}): simplify it")
        return None
    if root is None:
        return Node(None, file, 1)
    return _convert(root, file, report, text.splitlines())


# --- bounded, safe reading (issue 11) -------------------------------------------------------
#
# A FAQ file is edited by hand and hot-reloaded by the running bot, so a hostile or
# broken file must cost little: an alias bomb ("billion laughs", 300 bytes that expand
# to gigabytes), a deeply nested `[[[[...]]]]` (RecursionError), or a 10 MB file must
# each give one error with its file and line, quickly, in bounded memory. Hence:
# - anchors (&name) and aliases (*name) are refused: the FAQ never needs them;
# - nesting deeper than MAX_DEPTH and more than MAX_NODES values per file are refused;
# - a file larger than MAX_FILE_BYTES is refused without being parsed (at most that
#   many bytes are ever read).
# The shipped files are far below each bound (largest: 25 KB, 1,707 values, depth 4).
# The composer below is PyYAML's, with the checks added.

MAX_FILE_BYTES = 512 * 1024
"""Largest YAML file read (the biggest shipped FAQ file is 25 KB)."""
MAX_NODES = 20_000
"""Most values (scalars, lists and mappings) in one file (synonyms.yaml has 1,707)."""
MAX_DEPTH = 32
"""Deepest nesting of lists and mappings in one file (the FAQ needs 4)."""


class UnsafeYAML(Exception):
    """A file refused by the safety bounds; `line` (1-based, or None) and `message`."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a regular UTF-8 file of at most `limit` bytes.

    Raises `UnsafeYAML` for a larger file (at the line where the limit is crossed) or
    for something that is not a regular file (a FIFO would block, /dev/zero never end),
    OSError when it cannot be read, UnicodeDecodeError when it is not UTF-8.
    """
    info = path.stat()  # before opening: opening a FIFO would block
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeYAML(None, "not a regular file: a FAQ file must be a plain text file")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        line = data[:limit].count(b"\n") + 1
        total = max(info.st_size, len(data))
        raise UnsafeYAML(
            line,
            f"the file is too large ({_size(total)}; at most {_size(limit)}, a limit crossed "
            "on this line): split it into several files",
        )
    return data.decode("utf-8")


_TOO_DEEP = (
    f"nested more than {MAX_DEPTH} levels deep: a FAQ file needs only a few "
    "(a list of entries, their fields, their lists)"
)


class _BoundedComposer(yaml.composer.Composer):
    """PyYAML's composer, refusing anchors and aliases, deep nesting and huge files."""

    _depth = 0
    _nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # from the parser mixed in
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise UnsafeYAML(
                line,
                "YAML anchors and aliases (&name, *name) are not allowed in these files: "
                "write the value out in full",
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise UnsafeYAML(
                line,
                f"more than {MAX_NODES:,} values in one file: split it into several files",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise UnsafeYAML(line, _TOO_DEEP)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        return node


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _BoundedComposer,
    yaml.resolver.Resolver,
):
    """yaml.SafeLoader's reader, scanner, parser and resolver, with the bounded composer.

    PyYAML's pure-Python parser: its error messages are the ones the maintainers see and
    the tests expect (libyaml words them differently and less precisely, "found character
    that cannot start any token" without the character). It reads a file only when the
    fast path below found an error in it, to word that error.
    """

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _BoundedComposer.__init__(self)
        yaml.resolver.Resolver.__init__(self)


_CParser: Any
try:  # the stubs do not re-export CParser, which yaml.cyaml imports from libyaml's binding
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]
except ImportError:  # PyYAML built without libyaml: the pure-Python parser reads every file
    _CParser = None


if _CParser is not None:
    # The ignore below: _CParser is Any to mypy (libyaml's binding has no stubs).
    class _FastLoader(_CParser, _BoundedComposer, yaml.resolver.Resolver):  # type: ignore[misc]
        """libyaml's scanner and parser (C, ~10x faster) under the same bounded composer.

        The nodes are composed in Python by `_BoundedComposer` (libyaml's own composer
        is bypassed), so the bounds above hold exactly as on the pure-Python path, and
        the nodes carry the same marks (lines) and resolved tags.
        """

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def compose_scalar_node(self, anchor: Any) -> yaml.ScalarNode:
            """As PyYAML's, with plain scalars' style None as the pure-Python parser says
            (libyaml says "")."""
            node: yaml.ScalarNode = super().compose_scalar_node(anchor)
            if node.style == "":
                node.style = None
            return node


def compose_safely(text: str) -> yaml.Node | None:
    """`yaml.compose(text)` within the bounds above; raises `UnsafeYAML` or `yaml.YAMLError`.

    Decision (issue 10, reload under a second at 2,000 phrasings): a file is read by
    libyaml's C parser when PyYAML has it, which parses the FAQ about ten times faster
    than the pure-Python parser. When libyaml finds a syntax error, the file is read
    again by the pure-Python parser, whose error (line, column, wording, hints) is the
    one reported: maintainers see the same messages either way, and a valid file costs
    one fast read.
    """
    if _CParser is not None:
        fast = _FastLoader(text)
        try:
            return _BoundedComposer.get_single_node(fast)
        except yaml.YAMLError:
            pass  # worded below by the pure-Python parser
        finally:
            fast.dispose()
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _is_item(text: str, line: int) -> bool:
    """Whether the 0-based `line` of `text` is a list item ("- ...")."""
    lines = text.splitlines()
    return 0 <= line < len(lines) and lines[line].lstrip().startswith("-")
