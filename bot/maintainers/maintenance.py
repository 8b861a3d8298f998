"""`faqbot unanswered` and `faqbot stats`: what the question log tells maintainers.

`unanswered` lists the questions that got a suggestion or no answer (and the "none of
these" choices), grouped by similarity, largest groups first. Each group shows how
many times it was asked, a few phrasings, and what the *current* FAQ (the config's, or
`--knowledge PATH`) makes of it: already answered, close to an entry (a missing
variant), or far from everything (a missing entry).

A question the bot read as a follow-up to an answer is logged with that answer's entry
(the log's `after_entry`): "et en vrai ?" means nothing without it. A group of which at
least half followed the same entry's answer is shown as such, with the advice to add a
named follow-up (`followups:`, knowledge/README.md) under that entry rather than a new
entry; `--format yaml` prints that advice as comments instead of a skeleton entry.

`--format yaml` prints skeleton entries to paste into knowledge/faq/*.yaml, for the
groups the FAQ still does not answer: the most frequent question, one variant per
other set of content words (spellings with the same words would add nothing to the
matcher, and `faqbot check` would say so: they are listed as comments), an empty
answer and empty sources, each with a TODO comment. The output is valid YAML.

Grouping (`cluster`): each question becomes the matcher's content words (stemmed,
synonyms applied, typos corrected against the FAQ's vocabulary); identical keys are
merged at once. Then greedy leader clustering: the most frequent key not yet grouped
leads a new group, one batch `process.extract` call (rapidfuzz token-set ratio)
finds the candidates close to it, and `similar()` keeps those whose content words
really overlap: a Dice coefficient on words, a typo counting as the same word, each
word weighted by its rarity in the FAQ (`word_weights`). Words found in most entries
(Poutine, Corée du Nord) weigh little, so "Poutine va-t-il aller au Vietnam après
Pyongyang ?" does not join "Poutine est allé à Pyongyang ?", while "traité signé" and
"Poutine a signé quel traité" share a group.

`--since DATE` counts from midnight UTC (the log's clock). Grouping costs about a
second per thousand distinct questions, more beyond: `--since` narrows a big log.
Questions are printed on one line each, control characters (a terminal's escape
sequences, say) replaced by "?": what users typed cannot play tricks on the terminal.

Exit statuses: 0 done (including "nothing logged yet"); 1 the log cannot be read or
the FAQ has errors; 2 bad usage (a malformed --since) or the log is disabled in the
config (`log: database: null`): the command cannot do what was asked, which a cron job
should notice.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.conversation.questionlog import QuestionLog, QuestionLogError, UnansweredQuestion
from bot.knowledge.base import KnowledgeBase, load_or_explain
from bot.knowledge.config import Config
from bot.knowledge.source import display_path
from bot.language.normalize import fold
from bot.understanding.matching import Matcher, Status

__all__ = [
    "SIMILARITY",
    "Group",
    "cluster",
    "group_questions",
    "judge",
    "similar",
    "stats",
    "unanswered",
]

SIMILARITY = 0.8
"""Weighted Dice coefficient on content words from which two questions are grouped."""
UNKNOWN_SHARE = 0.6
"""Weight of a word the FAQ never uses, relative to the weight of the rarest one."""
MIN_WEIGHT = 0.1
"""The weight of a word found in every FAQ entry (never quite nothing)."""
PREFILTER = 50
"""rapidfuzz token-set ratio below which two questions are not even compared."""
TYPO = 80
"""rapidfuzz ratio above which two words (5 letters or more) count as one."""
TEXT_EXAMPLES = 5
YAML_VARIANTS = 12
MIN_VARIANTS = 5


# --- grouping -------------------------------------------------------------------------


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) < 5 or len(b) < 5 or a.isdigit() or b.isdigit():
        return False
    return fuzz.ratio(a, b) >= TYPO


WordWeight = Callable[[str], float]


def _uniform(word: str) -> float:
    return 1.0


def word_weights(kb: KnowledgeBase) -> WordWeight:
    """How much a word tells questions apart: its rarity over the FAQ's entries (IDF).

    "poutine" or "corée du nord", in most entries, weigh little; a word of one entry
    weighs most. A word the FAQ never uses ("vietnam", "traité") is often what a
    missing entry is about, but may be a filler ("chaque") or a typo: it weighs a bit
    less (UNKNOWN_SHARE of the most, like the matcher's unknown words).
    """
    normalizer = kb.normalizer()
    df: Counter[str] = Counter()
    for entry in kb.entries:
        df.update({t for p in entry.phrasings for t in normalizer.analyse(p).tokens})
    n = len(kb.entries)

    unknown = UNKNOWN_SHARE * math.log((n + 1) / 0.5)

    def weight(word: str) -> float:
        if word not in df:
            return unknown
        return max(MIN_WEIGHT, math.log((n + 1) / (df[word] + 0.5)))

    return weight


def similar(a: Sequence[str], b: Sequence[str], weight: WordWeight = _uniform) -> float:
    """Weighted Dice coefficient of two word lists (0-1), a typo counting as the same word.

    The weight of the words found on the other side, over the weight of all the words.
    With equal weights and SIMILARITY 0.8, a question may add one word to another of
    two words or more ("traité signé", "Poutine a signé quel traité"), but a short
    question is not swallowed by every longer one that contains it.
    """
    if not a or not b:
        return 1.0 if list(a) == list(b) else 0.0
    found = sum(weight(w) for w in a if any(_same_word(w, v) for v in b))
    found += sum(weight(w) for w in b if any(_same_word(w, v) for v in a))
    return found / (sum(weight(w) for w in a) + sum(weight(w) for w in b))


def cluster(
    keys: Sequence[Sequence[str]],
    counts: Sequence[int] | None = None,
    *,
    weight: WordWeight = _uniform,
) -> list[list[int]]:
    """Group word lists by similarity; the indices of each group, largest groups first.

    `counts` (default 1 each) say how many questions each key stands for: heavier keys
    lead groups, and group size is the sum of counts. Equal keys always share a group.
    `weight` gives each word its weight in `similar()`.
    """
    n = len(keys)
    weights = list(counts) if counts is not None else [1] * n
    texts = [" ".join(sorted(set(k))) for k in keys]
    order = sorted(range(n), key=lambda i: (-weights[i], i))
    grouped: set[int] = set()
    groups: list[list[int]] = []
    # The candidates, in one list for rapidfuzz; weeded of grouped keys now and then.
    pool, pool_texts = list(range(n)), texts
    for leader in order:
        if leader in grouped:
            continue
        members = [leader]
        grouped.add(leader)
        if 2 * len(grouped) > len(pool):
            pool = [i for i in pool if i not in grouped]
            pool_texts = [texts[i] for i in pool]
        for _, _, position in process.extract(
            texts[leader],
            pool_texts,
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=PREFILTER,
            limit=None,
        ):
            i = pool[position]
            if i in grouped:
                continue
            if texts[i] == texts[leader] or similar(keys[leader], keys[i], weight) >= SIMILARITY:
                grouped.add(i)
                members.append(i)
        members.sort(key=lambda i: (-weights[i], i))
        groups.append(members)
    rank = {i: r for r, i in enumerate(order)}
    groups.sort(key=lambda g: (-sum(weights[i] for i in g), rank[g[0]]))
    return groups


def _one_line(text: str) -> str:
    """The text on one line, without control characters."""
    return "".join("?" if unicodedata.category(c) == "Cc" else c for c in " ".join(text.split()))


def _spellings(rows: Iterable[UnansweredQuestion]) -> list[tuple[str, int]]:
    """Distinct questions (case, accents and punctuation aside), most frequent first.

    Each is shown as its most frequent spelling; ties go to the earliest asked.
    """
    asked = Counter(row.question for row in rows)  # each distinct text cleaned once
    by_form: dict[str, Counter[str]] = {}
    for question, times in asked.items():
        text = _one_line(question)
        by_form.setdefault(fold(text) or text, Counter())[text] += times
    spellings = [(c.most_common(1)[0][0], c.total()) for c in by_form.values()]
    spellings.sort(key=lambda s: -s[1])  # stable: earliest first among equals
    return spellings


@dataclass
class Phrasing:
    """The questions of the log that share one key (the same content words)."""

    key: tuple[str, ...]
    rows: list[UnansweredQuestion] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The most frequent spelling."""
        return _spellings(self.rows)[0][0]


@dataclass
class Verdict:
    """What the current FAQ makes of a group: its best match over the group's questions."""

    entry_id: str | None
    score: float
    status: Status
    answered: int
    """How many of the group's questions the current FAQ now answers directly."""


@dataclass
class Group:
    """Similar unanswered questions; `phrasings` heaviest first."""

    phrasings: list[Phrasing]
    verdict: Verdict | None = None

    @property
    def rows(self) -> list[UnansweredQuestion]:
        """Every logged question of the group, oldest first."""
        return sorted((r for p in self.phrasings for r in p.rows), key=lambda r: r.asked_at)

    @property
    def count(self) -> int:
        """How many times the group was asked."""
        return sum(len(p.rows) for p in self.phrasings)

    @property
    def spellings(self) -> list[tuple[str, int]]:
        """The group's distinct questions with their counts, most frequent first."""
        return _spellings(self.rows)

    @property
    def question(self) -> str:
        """The most frequent question."""
        return self.spellings[0][0]

    @property
    def follows(self) -> tuple[str, int] | None:
        """The entry whose answer most of the group's questions were read as follow-ups
        to, and how many were, when at least half were ("et en vrai ?" after the
        official programme): what a named follow-up would fix, not a new entry."""
        counts = Counter(r.after for r in self.rows if r.after)
        if not counts:
            return None
        entry, count = counts.most_common(1)[0]
        return (entry, count) if 2 * count >= self.count else None


def _key(matcher: Matcher, question: str) -> tuple[str, ...]:
    tokens = tuple(dict.fromkeys(matcher.analyse(question).tokens))
    # Greetings and the like have no content word: group them by their plain text.
    return tokens or tuple(fold(question).split()) or (question.strip(),)


def group_questions(rows: Iterable[UnansweredQuestion], matcher: Matcher) -> list[Group]:
    """Group logged questions by similarity (`matcher` only normalises them)."""
    keys: dict[str, tuple[str, ...]] = {}
    phrasings: dict[tuple[str, ...], Phrasing] = {}
    for row in rows:
        if row.question not in keys:
            keys[row.question] = _key(matcher, row.question)
        key = keys[row.question]
        phrasings.setdefault(key, Phrasing(key)).rows.append(row)
    unique = list(phrasings.values())
    weight = word_weights(matcher.kb)
    return [
        Group([unique[i] for i in members])
        for members in cluster(
            [p.key for p in unique], [len(p.rows) for p in unique], weight=weight
        )
    ]


_JUDGED = 20
"""At most this many distinct questions of a group are matched again."""


def judge(group: Group, matcher: Matcher) -> Verdict:
    """The current FAQ's best match over the group's questions, and how many it answers."""
    best: Verdict = Verdict(None, 0.0, Status.UNKNOWN, 0)
    answered = 0
    for text, count in group.spellings[:_JUDGED]:
        decision = matcher.match(text)
        if decision.status is Status.ANSWER:
            answered += count
        if decision.entry is not None and (best.entry_id is None or decision.score > best.score):
            best = Verdict(decision.entry.id, decision.score, decision.status, 0)
    return Verdict(best.entry_id, best.score, best.status, answered)


# --- shared helpers -------------------------------------------------------------------


def _parse_since(value: str | None) -> datetime | None:
    """--since as midnight UTC; ValueError with the message to show."""
    if value is None:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(
            f"--since must be a date written YYYY-MM-DD, like 2024-06-19, not {value!r}"
        ) from None


def _open_log(config: Config, command: str) -> QuestionLog | None:
    """The log to read, or None after printing why not."""
    if config.log_database is None:
        where = f"in {config.source}" if config.source else "in the config"
        print(
            f"faqbot {command}: the question log is disabled (log: database: null {where}), "
            "so there is nothing to read. Set log.database in the config (or FAQBOT_LOG_DB) "
            "and let the bot log questions first.",
            file=sys.stderr,
        )
        return None
    return QuestionLog(config.log_database)


def _since_text(since: datetime | None) -> str:
    return f"since {since:%Y-%m-%d} (UTC)" if since else "all time"


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _load_faq(config: Config) -> KnowledgeBase | None:
    return load_or_explain(
        config.knowledge,
        advice="`unanswered` needs it to group questions: fix them (see `faqbot check`) "
        "or pass another folder with --knowledge.",
    )


# --- faqbot unanswered --------------------------------------------------------------


def unanswered(args: argparse.Namespace, config: Config) -> int:
    """`faqbot unanswered`: see the module docstring."""
    fmt: str = getattr(args, "format", "text") or "text"
    min_count = max(1, int(getattr(args, "min_count", 1) or 1))
    try:
        since = _parse_since(getattr(args, "since", None))
    except ValueError as exc:
        print(f"faqbot unanswered: {exc}", file=sys.stderr)
        return 2
    questions_log = _open_log(config, "unanswered")
    if questions_log is None:
        return 2
    try:
        rows = questions_log.unanswered(since)
    except QuestionLogError as exc:
        print(f"faqbot unanswered: {exc}", file=sys.stderr)
        return 1
    comment = "# " if fmt == "yaml" else ""
    if not rows:
        when = f"since {since:%Y-%m-%d}" if since else "yet"
        print(f"{comment}No unanswered questions logged {when} (log: {questions_log.where}).")
        return 0
    kb = _load_faq(config)
    if kb is None:
        return 1
    matcher = Matcher.from_config(kb, config.matching)
    groups = group_questions(rows, matcher)
    shown = [g for g in groups if g.count >= min_count]
    for group in shown:
        group.verdict = judge(group, matcher)
    if not shown:
        print(
            f"{comment}{len(rows)} unanswered question(s) in {len(groups)} group(s) "
            f"{_since_text(since)}, none asked {min_count} times or more (--min-count "
            f"{min_count}; log: {questions_log.where})."
        )
        return 0
    if fmt == "yaml":
        print(_as_yaml(shown, kb, questions_log.where, since), end="")
    else:
        text = _as_text(
            shown, groups, rows=rows, kb=kb, matcher=matcher, where=questions_log.where, since=since
        )
        print(text, end="")
    return 0


def _verdict_text(group: Group, matcher: Matcher) -> str:
    verdict = group.verdict
    if verdict is None or verdict.entry_id is None:
        return "no FAQ entry comes close: probably a missing entry"
    closest = f"{verdict.entry_id} (score {verdict.score:.1f}, {verdict.status.value})"
    if verdict.answered == group.count:
        return f"now answered by the FAQ: {closest}"
    if verdict.answered:
        return f"closest entry now: {closest}; {verdict.answered} of {group.count} now answered"
    if verdict.score >= matcher.answer_threshold:
        return f"closest entry now: {closest}: perhaps a missing variant of it"
    if verdict.score >= matcher.suggest_threshold:
        return f"closest entry now: {closest}: a missing variant of it, or a missing entry?"
    if verdict.score >= matcher.suggest_threshold / 2:
        return f"closest entry now: {closest}: probably a missing entry"
    return f"no FAQ entry comes close (best: {closest}): probably a missing entry"


def _as_text(
    shown: list[Group],
    groups: list[Group],
    *,
    rows: list[UnansweredQuestion],
    kb: KnowledgeBase,
    matcher: Matcher,
    where: str,
    since: datetime | None,
) -> str:
    lines = [
        f"Unanswered questions in {where}, {_since_text(since)}: {len(rows)} in "
        f"{len(groups)} group(s); FAQ: {display_path(kb.path)}.",
    ]
    if len(shown) < len(groups):
        lines.append(f"Showing the {len(shown)} group(s) asked at least {shown[-1].count} times.")
    width = len(str(shown[0].count))
    for number, group in enumerate(shown, 1):
        lines.append("")
        first, times = group.spellings[0]
        also = f"  ({times}×)" if times > 1 and times < group.count else ""
        lines.append(f"{number:>3}. {group.count:>{width}} × {first}{also}")
        indent = " " * (7 + width)
        spellings = group.spellings
        for text, count in spellings[1:TEXT_EXAMPLES]:
            lines.append(f"{indent}{text}" + (f"  ({count}×)" if count > 1 else ""))
        hidden = len(spellings) - TEXT_EXAMPLES
        if hidden > 0:
            lines.append(f"{indent}… and {hidden} other phrasing(s)")
        statuses = Counter(r.status.value for r in group.rows if r.status is not None)
        logged = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        details = [f"logged: {logged}"] if logged else []
        picked = Counter(r.picked for r in group.rows if r.picked)
        if picked:
            details.append(
                "users picked "
                + ", ".join(f"{_one_line(e)} {_times(n)}" for e, n in picked.most_common())
            )
        rejected = sum(1 for r in group.rows if r.rejected)
        if rejected:
            details.append(f"“none of these” {_times(rejected)}")
        after = Counter(r.after for r in group.rows if r.after)
        if after:
            details.append(
                "read as a follow-up to "
                + ", ".join(f"{_one_line(e)} {_times(n)}" for e, n in after.most_common())
            )
        if details:
            lines.append(f"{indent}{'; '.join(details)}")
        lines.append(f"{indent}{_verdict_text(group, matcher)}")
        follows = group.follows
        if follows is not None:
            lines.append(
                f"{indent}a follow-up to {_one_line(follows[0])}'s answer: if it means "
                f"another entry there, add it to {_one_line(follows[0])}'s `followups:`"
            )
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (escapes whatever needs escaping)."""
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=10**9)
    return dumped.strip().removesuffix("...").strip()


_SLUG_WORDS = 8


def _slug(question: str, taken: set[str]) -> str:
    """A kebab-case id from a question, not yet in `taken` (which it joins)."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(question)).split()[:_SLUG_WORDS]
    base = "-".join(words)[:60].strip("-") or "question"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


_NOT_YAML = re.compile(r"[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What a YAML file may not hold, even in a comment (PyYAML's reader refuses it)."""


def _comment(text: str) -> str:
    return _NOT_YAML.sub("?", _one_line(text))


def _as_yaml(shown: list[Group], kb: KnowledgeBase, where: str, since: datetime | None) -> str:
    todo = [g for g in shown if g.verdict is None or g.verdict.answered < g.count]
    lines = [
        f"# Skeleton FAQ entries from {len(todo)} group(s) of unanswered questions in {where}",
        f"# ({_since_text(since)}). Keep the useful ones, paste them into knowledge/faq/*.yaml,",
        "# write each answer from the article, cite its sources, add variants (at least "
        f"{MIN_VARIANTS}),",
        "# then run `faqbot check` and `faqbot test`. When a group is close to an existing",
        "# entry, adding its questions to that entry's variants may be all it needs.",
    ]
    if len(todo) < len(shown):
        lines.append(
            f"# Left out: {len(shown) - len(todo)} group(s) that {display_path(kb.path)} "
            "now answers."
        )
    taken = set(kb.by_id)
    for group in todo:
        verdict = group.verdict
        lines.append("")
        about = f"# asked {_times(group.count)}"
        if verdict is not None and verdict.entry_id is not None:
            about += (
                f"; closest entry now: {verdict.entry_id} "
                f"(score {verdict.score:.1f}, {verdict.status.value})"
            )
        follows = group.follows
        if follows is not None:
            lines.append(about + "; " + _followup_hint(group, follows, kb))
            continue
        lines.append(about)
        lines.append(f"- id: {_slug(group.question, taken)}")
        lines.append(f"  question: {_quote(group.question)}")
        # One variant per other key (the same content words again would add nothing to
        # the matcher, and `faqbot check` would say so); the rest as comments.
        own = fold(group.question)
        variants: list[str] = []
        same: list[str] = []
        for phrasing in group.phrasings:
            spellings = [text for text, _ in _spellings(phrasing.rows)]
            if any(fold(text) == own for text in spellings):
                same.extend(t for t in spellings if fold(t) != own)
            elif len(variants) < YAML_VARIANTS:
                variants.append(spellings[0])
                same.extend(spellings[1:])
        if variants:
            lines.append("  variants:")
            lines.extend(f"    - {_quote(v)}" for v in variants)
            if len(variants) < MIN_VARIANTS:
                lines.append(f"    # TODO: at least {MIN_VARIANTS} variants")
        else:
            lines.append(f"  variants: []  # TODO: at least {MIN_VARIANTS} other phrasings")
        if same:
            lines.append("  # also asked, with the same content words as a phrasing above:")
            lines.extend(f"  #   {_comment(text)}" for text in same[:TEXT_EXAMPLES])
        lines.append('  answer: ""  # TODO: à rédiger à partir de l’article')
        lines.append('  sources: []  # TODO: the keys of article.yaml it relies on, like ["§1"]')
    return "\n".join(lines) + "\n"


def _followup_hint(group: Group, follows: tuple[str, int], kb: KnowledgeBase) -> str:
    """YAML comments for a group of follow-ups: a named follow-up, not a new entry."""
    entry_id, count = follows
    entry = kb.by_id.get(entry_id)
    where = f" ({display_path(Path(entry.file))}:{entry.line})" if entry is not None else ""
    texts = ", ".join(_quote(text) for text, _ in group.spellings[:TEXT_EXAMPLES])
    return "\n".join(
        [
            f"read as a follow-up to {_comment(entry_id)} {_times(count)}:",
            "# not a new entry; if it means another entry right after that answer, add under",
            f"# {_comment(entry_id)}{where}:",
            "#   followups:",
            f"#     TODO-the-entry-it-means: [{_comment(texts)}]",
        ]
    )


# --- faqbot stats -----------------------------------------------------------------------


def stats(args: argparse.Namespace, config: Config) -> int:
    """`faqbot stats`: counts, top entries, feedback and choices from the log."""
    try:
        since = _parse_since(getattr(args, "since", None))
    except ValueError as exc:
        print(f"faqbot stats: {exc}", file=sys.stderr)
        return 2
    questions_log = _open_log(config, "stats")
    if questions_log is None:
        return 2
    try:
        counts = questions_log.counts(since)
        channels = questions_log.channels(since)
        top = questions_log.top_entries(since, limit=10)
        feedback = questions_log.feedback(since)
        choices = questions_log.choices(since)
        lost = questions_log.lost_rows(since)
    except QuestionLogError as exc:
        print(f"faqbot stats: {exc}", file=sys.stderr)
        return 1
    if not counts.total and not counts.smalltalk and not feedback and not choices and not lost:
        when = f"since {since:%Y-%m-%d}" if since else "yet"
        print(f"No questions logged {when} (log: {questions_log.where}).")
        return 0
    lines = [f"Question log: {questions_log.where}, {_since_text(since)}"]
    by_channel = ", ".join(f"{c} {n}" for c, n in channels.items())
    lines.append(f"Questions: {counts.total}" + (f" ({by_channel})" if by_channel else ""))
    for label, n in (
        ("answered", counts.answered),
        ("suggested", counts.suggested),
        ("unknown", counts.unknown),
    ):
        share = f"{100 * n / counts.total:5.1f}%" if counts.total else "    -"
        lines.append(f"  {label:<10} {n:>6}  {share}")
    if counts.smalltalk:
        lines.append(f"Small talk (greetings, thanks…; not counted above): {counts.smalltalk}")
    if lost:
        lines.append(
            f"Not logged: {lost} row(s) (questions, choices or feedback) the bot could not "
            "write: the figures here undercount by that much"
        )
    lines.append("")
    lines.append("Top entries (answered directly + picked among suggestions):")
    # Entry ids come from Telegram callbacks, which a client can forge: print them safely.
    top = [dataclasses.replace(u, entry_id=_one_line(u.entry_id)) for u in top]
    feedback = [dataclasses.replace(f, entry_id=_one_line(f.entry_id)) for f in feedback]
    width = max((len(u.entry_id) for u in top), default=0)
    lines.extend(
        f"  {u.entry_id:<{width}}  {u.total:>5}  ({u.answered} answered, {u.picked} picked)"
        for u in top
    )
    if not top:
        lines.append("  none yet")
    lines.append("")
    lines.append("Feedback per entry (👍 useful / 👎 not useful):")
    width = max((len(f.entry_id) for f in feedback), default=0)
    lines.extend(f"  {f.entry_id:<{width}}  👍 {f.good:>4}  👎 {f.bad:>4}" for f in feedback)
    if not feedback:
        lines.append("  none yet")
    lines.append("")
    total_choices = sum(n for _, n in choices)
    lines.append(f"Choices among suggestions: {total_choices}")
    names = [(_one_line(e) if e is not None else "none of these", n) for e, n in choices]
    width = max((len(name) for name, _ in names), default=0)
    lines.extend(f"  {name:<{width}}  {n:>5}" for name, n in names)
    print("\n".join(lines))
    return 0
