"""A strict checker of Telegram's HTML parse mode, independent of the fake server.

Telegram accepts a small set of tags, the four named entities and numeric ones; every
other `<`, `>` or `&` must be escaped. `check_html` raises `ValueError` where Telegram
would answer "can't parse entities", and returns the visible text otherwise.
"""

from __future__ import annotations

import html
import re

__all__ = ["check_html"]

ALLOWED_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_TAG = re.compile(r'<(/?)([a-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"<>]*)"')


def check_html(text: str) -> str:
    """Validate Telegram HTML; return the visible text (entities decoded, tags removed)."""
    visible: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            match = _ENTITY.match(text, i)
            if match is None:
                raise ValueError(f"unescaped & at {i}: {text[i : i + 20]!r}")
            visible.append(html.unescape(match.group()))
            i = match.end()
        elif char == "<":
            match = _TAG.match(text, i)
            if match is None:
                raise ValueError(f"unescaped < or malformed tag at {i}: {text[i : i + 20]!r}")
            closing, name, attributes = match.groups()
            if name not in ALLOWED_TAGS:
                raise ValueError(f"unsupported tag <{name}> at {i}")
            if closing:
                if not stack or stack[-1] != name:
                    raise ValueError(f"unexpected </{name}> at {i} (open: {stack})")
                stack.pop()
            else:
                attrs = dict(_ATTRIBUTE.findall(attributes))
                if name == "a" and not attrs.get("href"):
                    raise ValueError(f"<a> without href at {i}")
                stack.append(name)
            i = match.end()
        elif char == ">":
            raise ValueError(f"unescaped > at {i}")
        else:
            visible.append(char)
            i += 1
    if stack:
        raise ValueError(f"unclosed tags: {stack}")
    return "".join(visible)
