"""The markup an FAQ answer may use: a small subset of Telegram's HTML.

An answer is text in which a maintainer may write `<b>bold</b>`, `<i>italic</i>`,
`<u>`, `<s>`, `<code>` and `<a href="https://…">links</a>` (and the entities `&lt;`,
`&gt;`, `&amp;`, `&quot;`, `&#NN;`). Everything else is text: a `<` or `&` that cannot
be taken for markup ("A < B", "Tom & Jerry") is escaped when the answer is sent, so the
maintainer never has to. What would break is reported by `problems()` and refused by
`faqbot check`: a tag Telegram does not know, a tag left open or closed twice, a `<`
right before a letter that does not make a tag, an entity Telegram does not know
(`&nbsp;`). Questions and variants are plain text (they become buttons): never markup.

`to_html()` gives the Telegram HTML of a valid answer, `to_plain()` its visible text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["TAGS", "MarkupProblem", "problems", "sentence_count", "to_html", "to_plain"]

TAGS = ("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "a")
"""The tags an answer may use (Telegram supports them all)."""
_ENTITIES = ("lt", "gt", "amp", "quot")

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z-]+\s*=\s*\"[^\"<>]*\")*)\s*(/?)>")
_TAG_START = re.compile(r"</?[A-Za-z]")
_ATTRIBUTE = re.compile(r"([A-Za-z-]+)\s*=\s*\"([^\"<>]*)\"")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]*);")


@dataclass(frozen=True)
class MarkupProblem:
    """What would break in Telegram, where (offset in the text), and the fix."""

    offset: int
    message: str


@dataclass(frozen=True)
class _Token:
    kind: str  # "text", "open", "close", "entity"
    text: str
    name: str = ""


class _Scanner:
    """Splits an answer into text, tags and entities, noting every problem."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[_Token] = []
        self.found: list[MarkupProblem] = []
        self.stack: list[tuple[str, int]] = []
        self.plain_start = 0

    def flush(self, end: int) -> None:
        if end > self.plain_start:
            self.tokens.append(_Token("text", self.text[self.plain_start : end]))

    def problem(self, offset: int, message: str) -> None:
        self.found.append(MarkupProblem(offset, message))

    def tag(self, i: int) -> int:
        """Read the tag at `i` (a "<" before a letter or "/"); the offset after it."""
        match = _TAG.match(self.text, i)
        if match is None:
            snippet = self.text[i : i + 12].split(">")[0]
            self.problem(
                i,
                f"“{snippet}” starts a tag that is never finished: close it with > "
                "(like <b>), or write &lt; for a literal <",
            )
            return i + 1
        closing, name, attributes, self_closing = match.groups()
        name = name.lower()
        if name not in TAGS:
            self.problem(
                i,
                f"<{closing}{name}> is not a tag Telegram knows (use {', '.join(TAGS[:-1])} "
                f"or a); to show it as text, write &lt;{closing}{name}&gt;",
            )
            return match.end()
        if self_closing:
            self.problem(i, f"<{name}/> is not allowed: write <{name}>…</{name}>")
            return match.end()
        if closing:
            self.close(i, name)
        else:
            self.open(i, name, dict(_ATTRIBUTE.findall(attributes)))
        self.flush(i)
        self.tokens.append(_Token("close" if closing else "open", match.group(), name))
        self.plain_start = match.end()
        return match.end()

    def open(self, i: int, name: str, attrs: dict[str, str]) -> None:
        self.stack.append((name, i))
        if name == "a" and not attrs.get("href", "").startswith(("https://", "http://")):
            self.problem(i, '<a> needs an address: <a href="https://…">text</a>')
        elif name != "a" and attrs:
            self.problem(i, f"<{name}> takes no attribute: write <{name}>")

    def close(self, i: int, name: str) -> None:
        if not self.stack:
            self.problem(i, f"</{name}> closes a tag that is not open: remove it")
            return
        opened = self.stack.pop()[0]
        if opened != name:
            self.problem(
                i,
                f"</{name}> closes <{opened}>: close the tags in the reverse order of "
                f"opening (…</{opened}></{name}>)",
            )

    def entity(self, i: int) -> int:
        """Read a "&" at `i`; the offset after it."""
        match = _ENTITY.match(self.text, i)
        if match is None:
            return i + 1  # a literal &, escaped when sent
        body = match.group(1)
        if body.lower() in _ENTITIES or body.startswith("#"):
            self.flush(i)
            self.tokens.append(_Token("entity", match.group()))
            self.plain_start = match.end()
            return match.end()
        self.problem(
            i,
            f"{match.group()} is not an entity Telegram knows (only &lt; &gt; &amp; &quot; "
            "and &#NN;): write the character itself, or &amp; for a literal &",
        )
        return i + 1

    def run(self) -> tuple[list[_Token], list[MarkupProblem]]:
        i = 0
        while i < len(self.text):
            if self.text[i] == "<" and _TAG_START.match(self.text, i):
                i = self.tag(i)
            elif self.text[i] == "&":
                i = self.entity(i)
            else:
                i += 1
        self.flush(len(self.text))
        for name, offset in self.stack:
            self.problem(
                offset,
                f"<{name}> is never closed: add </{name}> where it should end, "
                f"or write &lt;{name}&gt; to show it as text",
            )
        self.found.sort(key=lambda p: p.offset)
        return self.tokens, self.found


def _scan(text: str) -> tuple[list[_Token], list[MarkupProblem]]:
    return _Scanner(text).run()


def problems(text: str) -> list[MarkupProblem]:
    """What Telegram would refuse or show broken in this answer (empty: fine)."""
    return _scan(text)[1]


def to_html(text: str) -> str:
    """The answer as Telegram HTML: its markup kept, every other <, > and & escaped.

    An answer with problems (which `faqbot check` refuses) is escaped whole, so that
    Telegram shows it as typed rather than refusing the message.
    """
    tokens, found = _scan(text)
    if found:
        return html.escape(text, quote=False)
    return "".join(html.escape(t.text, quote=False) if t.kind == "text" else t.text for t in tokens)


def to_plain(text: str) -> str:
    """The visible text of an answer (tags removed, entities decoded)."""
    tokens, found = _scan(text)
    if found:
        return text
    return "".join(
        html.unescape(t.text) if t.kind == "entity" else t.text
        for t in tokens
        if t.kind in ("text", "entity")
    )


_ABBREVIATION = re.compile(
    r"(?:\b(?:M|Mme|Mlle|MM|Dr|St|Ste|etc|cf|p|env|av|apr|J\.-C|n°|vol|art|no)|\b[A-Z])\.$"
)
_END = re.compile(r"[.!?…]+[»\")\]]*\s+(?=[«\"(]?\s*[A-ZÀ-ÖØ-Þ0-9])")


def sentence_count(text: str) -> int:
    """How many sentences an answer has (abbreviations such as "M." or "J.-C." do not end one)."""
    plain = " ".join(to_plain(text).split())
    if not plain:
        return 0
    count = 1
    for match in _END.finditer(plain):
        before = plain[: match.start() + 1]
        if _ABBREVIATION.search(before):
            continue
        count += 1
    return count
