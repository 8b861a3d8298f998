"""Load the knowledge folder (see knowledge/README.md) into frozen dataclasses.

`load_knowledge(path)` reads everything once, validates it, and either returns a
`KnowledgeBase` or raises `KnowledgeError` carrying *every* problem found, each with
its file, line and what to do. Nothing else is ever raised for a bad file.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
from rapidfuzz import fuzz, process

from bot.knowledge.source import Node, Problem, Report, display_path, parse_file, suggest
from bot.language import markup
from bot.language.normalize import Normalizer, surface
from bot.language.phrases import phrase_key, phrase_tokens

__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_SENTENCES",
    "MIN_VARIANTS",
    "SINGLE_FILES",
    "Article",
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "SmallTalk",
    "SmallTalkKind",
    "Thresholds",
    "default_knowledge_path",
    "load_knowledge",
    "load_or_explain",
]

MAX_ANSWER_CHARS = 3500
"""Telegram allows 4096 characters a message; the rest is kept for the source line."""
MIN_VARIANTS = 5
"""Fewer variants make a draft: it loads (so `ask` and `chat` can try it) with a warning."""
MAX_SENTENCES = 4
"""Longer answers get a warning: people read them on a phone."""
OUT_OF_SCOPE_FILE = "out-of-scope.yaml"
SMALLTALK_FILE = "smalltalk.yaml"
SINGLE_FILES = (
    "article.yaml",
    "synonyms.yaml",
    "thresholds.yaml",
    OUT_OF_SCOPE_FILE,
    SMALLTALK_FILE,
)
"""The knowledge folder's files besides faq/*.yaml (all but article.yaml optional)."""
CONFUSABLE_SCORE = 92
"""Phrasings of two entries at least this similar (rapidfuzz ratio) are reported."""

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SOURCE_KEY = re.compile(r"^(?:§[1-9][0-9]*|note [1-9][0-9]*|article)$")
_ENTRY_KEYS = (
    "id",
    "question",
    "variants",
    "answer",
    "sources",
    "related",
    "followups",
    "tags",
    "gives",
)
_GIFT_KEYS = ("from", "to")
_REQUIRED_ENTRY_KEYS = ("id", "question", "variants", "answer", "sources")
_ARTICLE_KEYS = ("outlet", "url", "published", "title", "author", "sources")
_THRESHOLD_KEYS = ("phrasings", "answerable", "unanswerable")


BUNDLED_PACKAGE = "bundled_knowledge"
"""Where a wheel carries the FAQ: `bot/bundled_knowledge/` (see pyproject.toml)."""


def default_knowledge_path() -> Path:
    """The bundled FAQ, wherever faqbot is installed.

    An installed wheel (pip install ., pipx) carries it as `bot/bundled_knowledge/`; a
    checkout, an editable install or `PYTHONPATH=.` has no such folder and uses the
    checkout's `knowledge/`, beside the `bot` package.
    """
    package = Path(__file__).resolve().parents[1]  # the `bot` package (this is bot/knowledge/)
    installed = package / BUNDLED_PACKAGE
    return installed if installed.is_dir() else package.parent / "knowledge"


DEVSET_FILE = "devset.yaml"
"""The development set of a knowledge folder (`faqbot test`'s default question set)."""


def default_devset_path(knowledge: Path | None = None) -> Path:
    """The development set of a knowledge folder (default: the bundled FAQ's)."""
    return (knowledge if knowledge is not None else default_knowledge_path()) / DEVSET_FILE


@dataclass(frozen=True)
class Article:
    """What we know of the article: the same for every answer."""

    outlet: str
    url: str
    published: str
    title: str | None
    author: str | None
    sources: Mapping[str, str]
    """Citable keys (§1, note 1, article) and their short labels, in file order."""


@dataclass(frozen=True)
class Gift:
    """An entry's `gives:`: it asks what one side gives the other (knowledge/README.md).

    Each side is a list of names as people write them ("corée du nord", "kim"); the
    understanding reads who gives in a message (bot/language/exchange.py) and answers
    with the entry whose giver it is, when the FAQ has the entry for the other way too.
    """

    giver: tuple[str, ...]
    receiver: tuple[str, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Entry:
    """One curated question and its answer."""

    id: str
    question: str
    variants: tuple[str, ...]
    answer: str
    sources: tuple[str, ...]
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    gives: Gift | None = None
    file: str = ""
    line: int = 0
    phrasing_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    """The line of the question, then of each variant (for messages)."""
    related_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    followups: tuple[tuple[str, str], ...] = ()
    """(what a reader says right after this answer, the entry it asks for): the FAQ's
    `followups:` ("et en vrai ?" after the official programme means the real purpose)."""
    followup_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The canonical question followed by its variants."""
        return (self.question, *self.variants)

    @property
    def draft(self) -> bool:
        """Fewer than MIN_VARIANTS variants: it works, but is not finished."""
        return len(self.variants) < MIN_VARIANTS

    def phrasing_line(self, index: int) -> int:
        """The line of `phrasings[index]` (the entry's line when unknown)."""
        return self.phrasing_lines[index] if index < len(self.phrasing_lines) else self.line

    @property
    def plain_answer(self) -> str:
        """The answer as people read it (markup removed)."""
        return markup.to_plain(self.answer)


@dataclass(frozen=True)
class Thresholds:
    """Minimum rates (0-1) that `faqbot test` demands (knowledge/thresholds.yaml)."""

    phrasings: float = 1.0
    """Share of the FAQ's own phrasings that must reach their entry."""
    answerable: float = 0.9
    """Share of the development set's answerable questions answered correctly."""
    unanswerable: float = 0.9
    """Share of the development set's unanswerable questions not answered."""


SMALLTALK_KINDS = (
    "insult",
    "about-bot",
    "opinion",
    "how-are-you",
    "goodbye",
    "thanks",
    "greeting",
    "ack",
    "other-language",
    "nonsense",
)
"""The kinds of small talk, in priority order: when a message mixes several ("ok
merci", "salut ça va ?"), the first one of this list wins."""
NO_SHRUG_KINDS = frozenset({"thanks", "insult"})
"""Kinds whose replies must never carry 🤷 (thanking or angry people get no shrug)."""
_SMALLTALK_KEYS = ("fillers", "foreign_words", "kinds")
_SMALLTALK_KIND_KEYS = ("examples", "replies", "follow_with_help")


@dataclass(frozen=True)
class SmallTalkKind:
    """One kind of small talk (knowledge/smalltalk.yaml): what people type, what I answer."""

    name: str
    examples: tuple[str, ...]
    replies: tuple[str, ...]
    follow_with_help: bool = False
    """Whether the reply should be followed by a way into the questions (/questions)."""
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class SmallTalk:
    """The small-talk file: its kinds, filler words and other languages' function words.

    Empty (no kinds) when the knowledge folder has no smalltalk.yaml: nothing is then
    recognised as small talk.
    """

    kinds: tuple[SmallTalkKind, ...] = ()
    """In the priority order of `SMALLTALK_KINDS`, not in file order."""
    fillers: tuple[str, ...] = ()
    foreign_words: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Language name -> words of that language that French and English never use."""
    file: str = ""
    line: int = 0
    by_kind: Mapping[str, SmallTalkKind] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_kind", MappingProxyType({k.name: k for k in self.kinds}))

    @property
    def examples(self) -> tuple[tuple[str, str], ...]:
        """Every example with its kind: (kind, example)."""
        return tuple((k.name, e) for k in self.kinds for e in k.examples)


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole validated FAQ."""

    path: Path
    article: Article
    entries: tuple[Entry, ...]
    synonyms: Mapping[str, tuple[str, ...]]
    thresholds: Thresholds
    files: tuple[Path, ...]
    warnings: tuple[Problem, ...] = ()
    out_of_scope: tuple[str, ...] = ()
    """Questions on the article's theme that it does not answer (out-of-scope.yaml)."""
    smalltalk: SmallTalk = field(default_factory=SmallTalk)
    """Greetings, thanks, insults, other languages… (smalltalk.yaml; empty if absent)."""
    by_id: Mapping[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", MappingProxyType({e.id: e for e in self.entries}))

    @property
    def variant_count(self) -> int:
        """Number of variants over all entries."""
        return sum(len(e.variants) for e in self.entries)

    @property
    def drafts(self) -> tuple[Entry, ...]:
        """Entries with fewer than MIN_VARIANTS variants."""
        return tuple(e for e in self.entries if e.draft)

    def normalizer(self) -> Normalizer:
        """A normaliser that applies this FAQ's synonyms."""
        return Normalizer.for_synonyms(self.synonyms)


class KnowledgeError(Exception):
    """The knowledge folder has errors; `problems` lists all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- small typed readers --------------------------------------------------------------


def _text(node: Node | None, report: Report, what: str, *, required: bool = True) -> str | None:
    """A non-empty string value, or None (with an error when required)."""
    if node is None or node.value is None:
        return None
    if isinstance(node.value, bool) or not isinstance(node.value, str | int | float):
        report.error(node.file, node.line, f"{what} must be text, not a list or a mapping")
        return None
    text = str(node.value).strip()
    if not text and required:
        report.error(node.file, node.line, f"{what} is empty: write it, or remove the entry")
        return None
    return text or None


def _texts(node: Node | None, report: Report, what: str) -> list[tuple[str, Node]]:
    """A list of non-empty strings, with their nodes."""
    if node is None or node.value is None:
        return []
    items = node.value if isinstance(node.value, list) else None
    if items is None:
        if isinstance(node.value, str):
            report.error(
                node.file, node.line, f'{what} must be a list: write it as ["{node.value}"]'
            )
        else:
            report.error(node.file, node.line, f"{what} must be a list of texts")
        return []
    out: list[tuple[str, Node]] = []
    for index, item in enumerate(items):
        if item.folded_line is not None:
            above = items[index - 1].line if index else node.line
            report.error(
                item.file,
                item.folded_line,
                f"this `- ` item of {what} is indented more than the one on line {item.line}, "
                f'so YAML read them as one text ("{" ".join(str(item.value).split())[:60]}"); '
                f"put every `- ` of the list at the same column (as on line {above})",
            )
            continue
        text = _text(item, report, f"an item of {what}")
        if text is None and item.value is None:
            report.error(item.file, item.line, f"an item of {what} is empty: remove the line")
        if text is not None:
            out.append((text, item))
    return out


def _check_keys(node: Node, allowed: tuple[str, ...], report: Report, where: str) -> None:
    for key, _ in node.items():
        if key not in allowed:
            report.error(
                node.file,
                node.key_lines[key],
                f'{where}unknown key "{key}"{suggest(key, list(allowed))}; '
                f"allowed keys: {', '.join(allowed)}",
            )


# --- article.yaml ------------------------------------------------------------------------


def _load_article(path: Path, report: Report) -> Article | None:
    root = parse_file(path, report)
    if root is None or not isinstance(root.value, dict):
        if root is not None:
            what = "is empty" if root.value is None else "must be a mapping"
            report.error(
                root.file,
                root.line,
                f"article.yaml {what}: write outlet, url, published and sources",
            )
        return None
    _check_keys(root, _ARTICLE_KEYS, report, "")
    fields = root.value
    values: dict[str, str | None] = {}
    for key in ("outlet", "url", "published"):
        values[key] = _text(fields.get(key), report, key)
        if values[key] is None and (key not in fields or fields[key].value is None):
            report.error(root.file, root.line, f'missing "{key}": add `{key}: ...`')
    for key in ("title", "author"):
        values[key] = _text(fields.get(key), report, key, required=False)
    url = values["url"]
    if url is not None and not url.startswith(("https://", "http://")):
        report.error(fields["url"].file, fields["url"].line, "url must start with https://")
    sources: dict[str, str] = {}
    src = fields.get("sources")
    if src is None or not isinstance(src.value, dict) or not src.value:
        line = src.line if src else root.line
        report.error(root.file, line, 'missing "sources": map each key (§1, note 1) to a label')
    else:
        for key, label_node in src.items():
            if not _SOURCE_KEY.match(key):
                report.error(
                    src.file,
                    src.key_lines[key],
                    f'source key "{key}" is not of the form "§N", "note N" or "article"',
                )
                continue
            label = _text(label_node, report, f'the label of source "{key}"')
            if label is not None:
                sources[key] = label
    if any(values[k] is None for k in ("outlet", "url", "published")):
        return None
    return Article(
        outlet=str(values["outlet"]),
        url=str(values["url"]),
        published=str(values["published"]),
        title=values["title"],
        author=values["author"],
        sources=MappingProxyType(sources),
    )


# --- synonyms.yaml -----------------------------------------------------------------------


def _load_synonyms(path: Path, report: Report) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    root = parse_file(path, report)
    if root is None or root.value is None:
        return {}
    if not isinstance(root.value, dict):
        report.error(root.file, root.line, "synonyms.yaml must map a word to a list of aliases")
        return {}
    normalizer = Normalizer.for_synonyms()
    synonyms: dict[str, tuple[str, ...]] = {}
    owner: dict[str, tuple[str, int]] = {}  # alias key -> (canonical, line)
    canonical_keys = {normalizer.key(c): c for c in root.value}
    for canonical, node in root.items():
        line = root.key_lines[canonical]
        aliases = _texts(node, report, f'the aliases of "{canonical}"')
        if not aliases and (node.value is None or isinstance(node.value, list)):
            report.error(root.file, line, f'"{canonical}" has no aliases: add some or remove it')
        for alias, alias_node in aliases:
            line = alias_node.line
            key = normalizer.key(alias)
            if not key:
                report.error(
                    root.file,
                    line,
                    f'alias "{alias}" of "{canonical}" has no content word (only stop words)',
                )
                continue
            if key in canonical_keys and canonical_keys[key] != canonical:
                report.error(
                    root.file,
                    line,
                    f'alias "{alias}" of "{canonical}" is itself a canonical form '
                    f'("{canonical_keys[key]}"): merge the two lists',
                )
            elif key in owner and owner[key][0] != canonical:
                first, first_line = owner[key]
                report.error(
                    root.file,
                    line,
                    f'alias "{alias}" is listed under "{canonical}" and under "{first}" '
                    f"(line {first_line}): keep it under one only",
                )
            owner.setdefault(key, (canonical, line))
        synonyms[canonical] = tuple(alias for alias, _ in aliases)
    return synonyms


# --- thresholds.yaml ---------------------------------------------------------------------


def _load_thresholds(path: Path, report: Report) -> Thresholds:
    if not path.exists():
        return Thresholds()
    root = parse_file(path, report)
    if root is None or root.value is None:
        return Thresholds()
    if not isinstance(root.value, dict):
        report.error(root.file, root.line, "thresholds.yaml must be a mapping of rates")
        return Thresholds()
    _check_keys(root, _THRESHOLD_KEYS, report, "")
    values: dict[str, float] = {}
    for key, node in root.items():
        if key not in _THRESHOLD_KEYS:
            continue
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            report.error(node.file, node.line, f"{key} must be a rate between 0 and 1, like 0.9")
            continue
        values[key] = float(value)
    return Thresholds(**values)


# --- faq/*.yaml ----------------------------------------------------------------------------


def _load_entry(node: Node, report: Report, sources: Mapping[str, str] | None) -> Entry | None:
    """One entry; `sources` is None when article.yaml could not be read (not checked then)."""
    if not isinstance(node.value, dict):
        report.error(node.file, node.line, "each entry must be a mapping starting with `- id: ...`")
        return None
    fields = node.value
    entry_id = _text(fields.get("id"), report, "id")
    where = f'entry "{entry_id}": ' if entry_id else ""
    _check_keys(node, _ENTRY_KEYS, report, where)
    for key in _REQUIRED_ENTRY_KEYS:
        if key not in fields or fields[key].value is None:
            line = fields[key].line if key in fields else node.line
            report.error(node.file, line, f'{where}missing "{key}": add `{key}: ...`')
    if entry_id is not None and not _ID.match(entry_id):
        report.error(
            node.file,
            fields["id"].line,
            f'id "{entry_id}" must be kebab-case (lower-case letters, digits and dashes), '
            f'like "{re.sub(r"[^a-z0-9]+", "-", entry_id.lower()).strip("-")}"',
        )
    question = _text(fields.get("question"), report, f"{where}question")
    answer = _text(fields.get("answer"), report, f"{where}answer")
    variants_node = fields.get("variants")
    errors_before = len(report.errors)
    variants = _texts(variants_node, report, f"{where}variants")
    if (
        variants_node is not None
        and isinstance(variants_node.value, list)
        and len(variants) < MIN_VARIANTS
        and len(report.errors) == errors_before  # a folded list is already explained
    ):
        report.warn(
            node.file,
            node.key_lines.get("variants", variants_node.line),
            f"{where}draft: {len(variants)} variant(s); it loads and can be tried with "
            f"`faqbot ask`, but write at least {MIN_VARIANTS} other phrasings, the way people "
            "really ask, before it is done",
        )
    cited = _texts(fields.get("sources"), report, f"{where}sources")
    if "sources" in fields and isinstance(fields["sources"].value, list) and not cited:
        report.error(
            node.file, fields["sources"].line, f"{where}sources is empty: cite §N or note N"
        )
    known = _describe_keys(sources or {})
    for key, key_node in cited:
        if sources is not None and key not in sources:
            report.error(
                key_node.file,
                key_node.line,
                f'{where}unknown source "{key}" (known: {known})',
            )
    related = _texts(fields.get("related"), report, f"{where}related")
    followups = _load_followups(fields.get("followups"), report, where)
    tags = _texts(fields.get("tags"), report, f"{where}tags")
    gives = _load_gift(fields.get("gives"), report, where)
    if answer is not None and len(answer) > MAX_ANSWER_CHARS:
        report.error(
            node.file,
            fields["answer"].line,
            f"{where}answer is {len(answer)} characters, more than {MAX_ANSWER_CHARS}: it would "
            "not fit in one Telegram message with its source line; shorten it or split the entry",
        )
    if answer is not None:
        _check_answer(answer, fields["answer"], report, where)
    variant_list = variants_node is not None and isinstance(variants_node.value, list)
    if entry_id is None or question is None or answer is None or not variant_list or not cited:
        return None
    return Entry(
        id=entry_id,
        question=question,
        variants=tuple(text for text, _ in variants),
        answer=answer,
        sources=tuple(key for key, _ in cited),
        related=tuple(text for text, _ in related),
        tags=tuple(text for text, _ in tags),
        gives=gives,
        file=node.file,
        line=node.line,
        phrasing_lines=(fields["question"].line, *(item.line for _, item in variants)),
        related_lines=tuple(item.line for _, item in related),
        followups=tuple((text, target) for text, target, _ in followups),
        followup_lines=tuple(line for _, _, line in followups),
    )


def _load_followups(node: Node | None, report: Report, where: str) -> list[tuple[str, str, int]]:
    """`followups: {entry-id: [what a reader says next, ...]}`, as (text, id, line); the
    ids are checked with the others (`_check_cross_references`)."""
    if node is None or node.value is None:
        return []
    if not isinstance(node.value, dict):
        report.error(
            node.file,
            node.line,
            f"{where}followups must map an entry id to what a reader says next, like "
            '`followups: {but-reel: ["et en vrai ?"]}`',
        )
        return []
    out: list[tuple[str, str, int]] = []
    for target, texts in node.items():
        for text, item in _texts(texts, report, f"{where}followups of {target}"):
            out.append((text, target, item.line))
    return out


def _load_gift(node: Node | None, report: Report, where: str) -> Gift | None:
    """`gives: {from: [names], to: [names]}`, checked (the names are checked with the
    synonyms in `_check_gifts`)."""
    if node is None or node.value is None:
        return None
    example = "gives: {from: [corée du nord, kim], to: [russie, poutine]}"
    if not isinstance(node.value, dict) or set(node.value) != set(_GIFT_KEYS):
        report.error(
            node.file,
            node.line,
            f"{where}gives must map `from:` and `to:` to lists of names, like `{example}`",
        )
        return None
    errors_before = len(report.errors)
    giver = _texts(node.value["from"], report, f"{where}gives: from")
    receiver = _texts(node.value["to"], report, f"{where}gives: to")
    if len(report.errors) > errors_before:
        return None
    if not giver or not receiver:
        report.error(node.file, node.line, f"{where}gives needs names on both sides: `{example}`")
        return None
    return Gift(tuple(t for t, _ in giver), tuple(t for t, _ in receiver), node.line)


def _check_answer(answer: str, node: Node, report: Report, where: str) -> None:
    """Markup Telegram would refuse (an error) and answers too long to read (a warning)."""
    found = markup.problems(answer)
    if found:
        first = found[0]
        context = " ".join(answer[max(0, first.offset - 20) : first.offset + 20].split())
        more = f" ({len(found) - 1} more after it)" if len(found) > 1 else ""
        report.error(
            node.file,
            node.line,
            f'{where}answer, near "{context}": {first.message}{more}',
        )
    sentences = markup.sentence_count(answer)
    if sentences > MAX_SENTENCES:
        report.warn(
            node.file,
            node.line,
            f"{where}answer has {sentences} sentences; keep it to 1-{MAX_SENTENCES} "
            "(people read it on a phone): shorten it, or split the entry in two",
        )


def _describe_keys(sources: Mapping[str, str]) -> str:
    """'§1-§11, note 1-5, article': the known keys, compactly."""
    paragraphs = sorted(int(k[1:]) for k in sources if k.startswith("§"))
    notes = sorted(int(k[5:]) for k in sources if k.startswith("note "))
    parts = []
    if paragraphs:
        parts.append(f"§{paragraphs[0]}-§{paragraphs[-1]}")
    if notes:
        parts.append(f"note {notes[0]}-{notes[-1]}")
    parts.extend(k for k in sources if k == "article")
    return ", ".join(parts) or "none: add them to article.yaml"


def _load_entries(
    files: list[Path], report: Report, sources: Mapping[str, str] | None
) -> tuple[list[Entry], dict[str, Node], bool]:
    """The entries, their id nodes, and whether every file could be read (ids complete)."""
    entries: list[Entry] = []
    id_nodes: dict[str, Node] = {}
    complete = True
    for path in files:
        root = parse_file(path, report)
        if root is None:
            complete = False
            continue
        if root.value is None:
            report.error(
                root.file,
                root.line,
                "the file is empty: add entries (`- id: ...`, see knowledge/README.md) "
                "or delete the file",
            )
            continue
        if not isinstance(root.value, list):
            complete = False
            report.error(root.file, root.line, "a FAQ file must be a list of entries (`- id: ...`)")
            continue
        for item in root.value:
            entry = _load_entry(item, report, sources)
            if isinstance(item.value, dict) and "id" in item.value:
                id_node = item.value["id"]
                first = id_nodes.get(str(id_node.value))
                if first is not None:
                    report.error(
                        id_node.file,
                        id_node.line,
                        f'duplicate id "{id_node.value}" (first used at '
                        f"{first.file}:{first.line}): give this entry another id",
                    )
                    continue
                id_nodes[str(id_node.value)] = id_node
            if entry is not None:
                entries.append(entry)
    return entries, id_nodes, complete


def _check_cross_references(
    entries: list[Entry], report: Report, ids: set[str], *, complete: bool = True
) -> None:
    """`related` and `followups` ids must exist (not checked when a FAQ file could not be
    read: the missing ids may be in it, and its own error is the one to fix first)."""
    for entry in entries:
        for index, target in enumerate(entry.related):
            line = entry.related_lines[index] if index < len(entry.related_lines) else entry.line
            if target not in ids:
                if complete:
                    report.error(
                        entry.file,
                        line,
                        f'entry "{entry.id}": related id "{target}" does not exist'
                        f"{suggest(target, sorted(ids))}",
                    )
            elif target == entry.id:
                report.error(entry.file, line, f'entry "{entry.id}" is related to itself')
        for index, (_, target) in enumerate(entry.followups):
            line = entry.followup_lines[index] if index < len(entry.followup_lines) else entry.line
            if target not in ids and complete:
                report.error(
                    entry.file,
                    line,
                    f'entry "{entry.id}": followups lead to "{target}", which does not exist'
                    f"{suggest(target, sorted(ids))}",
                )


def _check_gifts(entries: list[Entry], report: Report, normalizer: Normalizer) -> None:
    """Each name of a `gives:` must say something once normalised, the two sides must
    differ, and an entry asking the other way round should exist (else a warning)."""
    ways: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    for entry in entries:
        gift = entry.gives
        if gift is None:
            continue
        for name in (*gift.giver, *gift.receiver):
            if not normalizer.key(name):
                report.error(
                    entry.file,
                    gift.line,
                    f'entry "{entry.id}": gives: the name "{name}" has no words once '
                    "normalised (only stop words?); write a name people use",
                )
        giver = frozenset(normalizer.key(n) for n in gift.giver)
        receiver = frozenset(normalizer.key(n) for n in gift.receiver)
        both = giver & receiver
        if both:
            report.error(
                entry.file,
                gift.line,
                f'entry "{entry.id}": gives: "{sorted(both)[0]}" is on both sides; '
                "a name belongs to the giver or to the receiver",
            )
        ways[entry.id] = (giver, receiver)
    for entry in entries:
        gift = entry.gives
        if gift is not None and ways[entry.id][::-1] not in ways.values():
            report.warn(
                entry.file,
                gift.line,
                f'entry "{entry.id}": gives: no entry asks the other way round (from '
                f"{', '.join(gift.receiver)} to {', '.join(gift.giver)}); "
                "`gives:` only tells apart two entries that mirror each other",
            )


def _check_phrasings(entries: list[Entry], report: Report, normalizer: Normalizer) -> None:
    """Same phrasing in two entries is an error; nearly the same is a warning."""
    owners: dict[str, tuple[Entry, int]] = {}
    keys: list[str] = []
    key_entries: list[Entry] = []
    key_lines: list[int] = []
    texts: list[str] = []
    for entry in entries:
        seen: set[str] = set()
        for index, phrasing in enumerate(entry.phrasings):
            line = entry.phrasing_line(index)
            key = normalizer.key(phrasing)
            if not key and surface(phrasing):
                # Only stop words ("t'es qui ?"): matched near-verbatim, see Matcher.
                key = f"= {surface(phrasing)}"
            if not key:
                report.warn(
                    entry.file,
                    line,
                    f'entry "{entry.id}": phrasing "{phrasing}" has no words; it cannot be matched',
                )
                continue
            owner = owners.get(key)
            if owner is not None and owner[0].id != entry.id:
                other, other_line = owner
                report.error(
                    entry.file,
                    line,
                    f'entry "{entry.id}": variant "{phrasing}" is the same, once normalised, '
                    f'as a phrasing of entry "{other.id}" ({other.file}:{other_line}): '
                    "reword it or remove it from one of them",
                )
                continue
            if key in seen:
                report.warn(
                    entry.file,
                    line,
                    f'entry "{entry.id}": variant "{phrasing}" repeats another phrasing '
                    "of the same entry once normalised; it adds nothing",
                )
                continue
            seen.add(key)
            owners[key] = (entry, line)
            keys.append(key)
            key_entries.append(entry)
            key_lines.append(line)
            texts.append(phrasing)
    # Every pair by blocks of rows (rapidfuzz's cdist, in C on every core, memory bounded
    # by the block): a loop of extract() calls took a third of a reload at 2,000 phrasings.
    # Each block is compared with itself and the keys after it (each pair once).
    block = 512
    for start in range(0, len(keys), block):
        scores = process.cdist(
            keys[start : start + block], keys[start:], scorer=fuzz.ratio, processor=None,
            score_cutoff=CONFUSABLE_SCORE, dtype=np.float32, workers=-1,
        )  # fmt: skip
        for row, column in zip(*np.nonzero(scores), strict=True):
            i, j = start + int(row), start + int(column)
            if j > i and key_entries[j].id != key_entries[i].id:
                a, b = key_entries[i], key_entries[j]
                report.warn(
                    a.file,
                    key_lines[i],
                    f'confusable phrasings ({scores[row, column]:.0f}%): "{texts[i]}" (entry '
                    f'"{a.id}") and "{texts[j]}" (entry "{b.id}", {b.file}:{key_lines[j]}); '
                    "make them more distinct",
                )


def _load_out_of_scope(
    path: Path, report: Report, entries: list[Entry], normalizer: Normalizer
) -> tuple[str, ...]:
    """The negative examples: near misses that must not take an entry's answer."""
    if not path.exists():
        return ()
    root = parse_file(path, report)
    if root is None or root.value is None:
        return ()
    if not isinstance(root.value, list):
        report.error(
            root.file,
            root.line,
            f"{path.name} must be a list of questions the article does not answer "
            '(one "- question" per line)',
        )
        return ()
    owners = {
        normalizer.key(p): (e, e.phrasing_line(i))
        for e in entries
        for i, p in enumerate(e.phrasings)
    }
    seen: set[str] = set()
    out: list[str] = []
    for text, node in _texts(root, report, "the out-of-scope questions"):
        key = normalizer.key(text)
        if not key:
            report.warn(node.file, node.line, f'"{text}" has no content word; it cannot match')
        elif key in owners:
            entry, line = owners[key]
            report.error(
                node.file,
                node.line,
                f'"{text}" is, once normalised, a phrasing of entry "{entry.id}" '
                f"({entry.file}:{line}): if the article answers it, remove it from "
                f"{path.name}; if not, remove the variant from the entry",
            )
        elif key in seen:
            report.warn(node.file, node.line, f'"{text}" repeats another out-of-scope question')
        else:
            seen.add(key)
            out.append(text)
    return tuple(out)


# --- smalltalk.yaml ------------------------------------------------------------------------

NARROW_NBSP = "\u202f"
_SPACE_AFTER_GUILLEMET = re.compile(r"«(?!\u202f)")
_PLAIN_SPACE_BEFORE = re.compile(r"[ \u00a0]([;:!?»])")


def smalltalk_key(text: str) -> str:
    """How the small-talk loader compares two examples: folded words, repeated letters
    squeezed, emoji kept ("Mercii !" and "merci" are the same example)."""
    return phrase_key(text)


def _typography_problem(reply: str) -> str | None:
    """What is wrong with a reply's French typography, with the fix; None if nothing."""
    match = _PLAIN_SPACE_BEFORE.search(reply)
    if match:
        return (
            f'a plain space before "{match.group(1)}": use a narrow no-break space (U+202F) instead'
        )
    for match in re.finditer(r"(?<=\S)([;:!?»])", reply):
        mark = match.group(1)
        if mark == ":" and reply[match.end() : match.end() + 2] == "//":
            continue  # a URL
        if reply[match.start() - 1] != NARROW_NBSP:
            return f'no narrow no-break space (U+202F) before "{mark}": add one'
    if _SPACE_AFTER_GUILLEMET.search(reply):
        return 'no narrow no-break space (U+202F) after "«": add one'
    return None


def _smalltalk_kind(name: str, node: Node, report: Report, root: Node) -> SmallTalkKind | None:
    where = f'small-talk kind "{name}": '
    line = root.key_lines.get(name, node.line)
    if not isinstance(node.value, dict):
        report.error(node.file, line, f"{where}must be a mapping with examples: and replies: lists")
        return None
    _check_keys(node, _SMALLTALK_KIND_KEYS, report, where)
    fields = node.value
    for key in ("examples", "replies"):
        if key not in fields or fields[key].value in (None, []):
            at = fields[key].line if key in fields else line
            report.error(node.file, at, f'{where}no "{key}": add `{key}:` with at least one item')
    examples = _texts(fields.get("examples"), report, f"{where}examples")
    replies = _texts(fields.get("replies"), report, f"{where}replies")
    for reply, reply_node in replies:
        problem = _typography_problem(reply)
        if problem is not None:
            report.error(reply_node.file, reply_node.line, f"{where}reply: {problem}")
        if name in NO_SHRUG_KINDS and "🤷" in reply:
            report.error(
                reply_node.file,
                reply_node.line,
                f"{where}a reply to {name} never shrugs: remove the 🤷",
            )
    follow = fields.get("follow_with_help")
    follow_with_help = False
    if follow is not None:
        if not isinstance(follow.value, bool):
            report.error(follow.file, follow.line, f"{where}follow_with_help must be true or false")
        else:
            follow_with_help = follow.value
    return SmallTalkKind(
        name=name,
        examples=tuple(e for e, _ in examples),
        replies=tuple(r for r, _ in replies),
        follow_with_help=follow_with_help,
        file=node.file,
        line=line,
    )


def _word_list(node: Node | None, report: Report, what: str) -> list[tuple[str, Node]]:
    """A list of words or short phrases, each folded (case and accents do not matter)."""
    return [(" ".join(surface(w).split()), n) for w, n in _texts(node, report, what)]


def _load_foreign_words(
    node: Node | None, report: Report, normalizer: Normalizer
) -> dict[str, tuple[str, ...]]:
    if node is None or node.value is None:
        return {}
    if not isinstance(node.value, dict):
        report.error(
            node.file, node.line, "foreign_words must map a language to a list of its words"
        )
        return {}
    languages: dict[str, tuple[str, ...]] = {}
    for language, words_node in node.items():
        words: list[str] = []
        for word, word_node in _word_list(words_node, report, f'the words of "{language}"'):
            if len(word.split()) != 1:
                report.error(
                    word_node.file,
                    word_node.line,
                    f'"{word}" ({language}) is not one word: list single words only',
                )
            elif not normalizer.key(word):
                report.error(
                    word_node.file,
                    word_node.line,
                    f'"{word}" ({language}) is also a French or English function word: '
                    "remove it, or French messages would be taken for another language",
                )
            else:
                words.append(word)
        languages[str(language)] = tuple(words)
    return languages


def _load_smalltalk(
    path: Path, report: Report, entries: list[Entry], normalizer: Normalizer
) -> SmallTalk:
    """The small talk (see knowledge/README.md); an empty `SmallTalk` if the file is absent."""
    if not path.exists():
        return SmallTalk()
    root = parse_file(path, report)
    if root is None or root.value is None:
        return SmallTalk()
    if not isinstance(root.value, dict):
        report.error(
            root.file,
            root.line,
            f"{path.name} must be a mapping with `kinds:` (and optionally `fillers:` and "
            "`foreign_words:`)",
        )
        return SmallTalk()
    _check_keys(root, _SMALLTALK_KEYS, report, "")
    # Cut as the recogniser cuts messages (`phrase_tokens`), not as the matcher does:
    # "stp", "lol", "quand même" are no words for the matcher, but fillers here.
    cut = (phrase_tokens(w) for w, _ in _texts(root.value.get("fillers"), report, "fillers"))
    fillers = tuple(" ".join(tokens) for tokens in cut if tokens)
    foreign = _load_foreign_words(root.value.get("foreign_words"), report, normalizer)
    kinds_node = root.value.get("kinds")
    if kinds_node is None or not isinstance(kinds_node.value, dict) or not kinds_node.value:
        line = kinds_node.line if kinds_node is not None else root.line
        report.error(
            root.file,
            line,
            f"no `kinds:`: map each kind ({', '.join(SMALLTALK_KINDS)}) to its examples "
            "and replies",
        )
        return SmallTalk(fillers=fillers, foreign_words=MappingProxyType(foreign))
    loaded: dict[str, SmallTalkKind] = {}
    for name, node in kinds_node.items():
        if name not in SMALLTALK_KINDS:
            report.error(
                kinds_node.file,
                kinds_node.key_lines[name],
                f'unknown small-talk kind "{name}"{suggest(name, list(SMALLTALK_KINDS))}; '
                f"known kinds: {', '.join(SMALLTALK_KINDS)}",
            )
            continue
        kind = _smalltalk_kind(name, node, report, kinds_node)
        if kind is not None:
            loaded[name] = kind
    _check_smalltalk_examples(kinds_node, report, entries, normalizer)
    return SmallTalk(
        kinds=tuple(loaded[k] for k in SMALLTALK_KINDS if k in loaded),
        fillers=fillers,
        foreign_words=MappingProxyType(foreign),
        file=root.file,
        line=root.line,
    )


def _check_smalltalk_examples(
    kinds_node: Node, report: Report, entries: list[Entry], normalizer: Normalizer
) -> None:
    """An example is neither a FAQ phrasing nor an example of another kind.

    A FAQ phrasing is compared by its folded words, stop words included (`surface`), not
    by the matcher's key: the key drops "merci", "bonjour" or "ok", so "merci pour ta
    réponse" would be the FAQ's "tu peux répondre à quoi ?". The recogniser leaves
    exactly these messages to the FAQ.
    """
    owners = {surface(p): e for e in entries for p in e.phrasings}
    seen: dict[str, tuple[str, Node]] = {}
    for name, node in kinds_node.items():
        if name not in SMALLTALK_KINDS or not isinstance(node.value, dict):
            continue
        for example, example_node in _texts(node.value.get("examples"), Report(), ""):
            folded = surface(example)
            entry = owners.get(folded) if folded else None
            if entry is not None:
                report.error(
                    example_node.file,
                    example_node.line,
                    f'small-talk example "{example}" ({name}) is, once folded, a phrasing '
                    f'of entry "{entry.id}" ({entry.file}:{entry.line}): the FAQ answers it; '
                    "remove it from one of them",
                )
                continue
            key = smalltalk_key(example)
            if not key:
                continue
            first = seen.get(key)
            if first is None:
                seen[key] = (name, example_node)
            elif first[0] != name:
                report.error(
                    example_node.file,
                    example_node.line,
                    f'small-talk example "{example}" ({name}) is also an example of '
                    f'"{first[0]}" (line {first[1].line}): keep it in one kind only',
                )
            else:
                report.warn(
                    example_node.file,
                    example_node.line,
                    f'small-talk example "{example}" repeats another example of "{name}" '
                    f"(line {first[1].line}) once normalised; it adds nothing",
                )


def faq_files(path: Path) -> list[Path]:
    """The entry files of a knowledge folder, in name order."""
    return sorted((path / "faq").glob("*.yaml")) + sorted((path / "faq").glob("*.yml"))


def load_knowledge(path: Path | str | None = None) -> KnowledgeBase:
    """Load and validate a knowledge folder; raise `KnowledgeError` listing every problem."""
    root = Path(path) if path is not None else default_knowledge_path()
    report = Report()
    if not root.is_dir():
        hint = "pass the folder that holds article.yaml and faq/, e.g. --knowledge knowledge"
        raise KnowledgeError([Problem(display_path(root), None, f"not a folder: {hint}")])
    article = _load_article(root / "article.yaml", report)
    synonyms = _load_synonyms(root / "synonyms.yaml", report)
    thresholds = _load_thresholds(root / "thresholds.yaml", report)
    files = faq_files(root)
    if not files:
        report.error(display_path(root / "faq"), None, "no FAQ file: add faq/*.yaml with entries")
    # Without a readable article.yaml, every citation would be "unknown": not checked.
    sources = article.sources if article else None
    entries, id_nodes, complete = _load_entries(files, report, sources)
    _check_cross_references(entries, report, set(id_nodes), complete=complete)
    normalizer = Normalizer.for_synonyms(synonyms)
    _check_phrasings(entries, report, normalizer)
    _check_gifts(entries, report, normalizer)
    out_of_scope = _load_out_of_scope(root / OUT_OF_SCOPE_FILE, report, entries, normalizer)
    smalltalk = _load_smalltalk(root / SMALLTALK_FILE, report, entries, normalizer)
    if report.errors:
        raise KnowledgeError(report.errors + report.warnings)
    assert article is not None
    all_files = [*(root / name for name in SINGLE_FILES), *files]
    return KnowledgeBase(
        path=root,
        article=article,
        entries=tuple(entries),
        synonyms=MappingProxyType(synonyms),
        thresholds=thresholds,
        files=tuple(p for p in all_files if p.exists()),
        warnings=tuple(report.warnings),
        out_of_scope=out_of_scope,
        smalltalk=smalltalk,
    )


def load_or_explain(path: Path, *, advice: str) -> KnowledgeBase | None:
    """Load the FAQ for a command, or print every problem and `advice` to stderr (None).

    Commands share this so that a broken FAQ reads the same everywhere: each problem on
    its own line with file and line, then one sentence saying what to do.
    """
    try:
        return load_knowledge(path)
    except KnowledgeError as exc:
        errors = [p for p in exc.problems if not p.warning]
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            f"{len(errors)} error(s) in {display_path(path)}: the FAQ was not loaded. {advice}",
            file=sys.stderr,
        )
        return None
