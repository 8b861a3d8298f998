"""`faqbot learn`: variants learned from what users did (active learning).

The question log knows which entry some questions meant:
- a suggestion the user picked ("Vouliez-vous dire… ?" → they chose an entry);
- an answer the user marked 👍 (the log keeps the question that got it);
- a related question the user clicked under an answer (a follow-up: the question that
  got the answer meant, perhaps, that other entry). This is the weakest sign: it is
  listed apart ("follow-up"), and it is not counted when the same question got a 👍
  for the entry it was answered with.

`faqbot learn` groups these questions by their content words (the matcher's
normalisation, synonyms and typo correction included), counts them, and proposes each
group's most frequent spelling as a new variant of the entry most users meant, unless:
- someone gave a 👎 to an answer for that question, or answered "none of these" to
  suggestions for it: such a question is never proposed;
- users disagree (as many meant one entry as another): nothing is proposed;
- the current FAQ already answers it with that entry, or it is already a phrasing;
- the entry no longer exists, or the question has no content word (unless it was asked
  as a follow-up: then its words, lead-ins aside, make the group).
A question users asked as a follow-up (the log keeps the entry whose answer it followed)
is proposed as a named follow-up of that entry (`followups:`), not as a variant: "et en
vrai ?" means the real purpose only after the official programme.

`--apply` writes the accepted proposals (`all`, numbers such as `1,3-5`, or, without a
value, chosen interactively) into the entries' YAML files: new lines are inserted at the
end of each entry's `variants:` list, with the list's indentation and quoting, and a
follow-up goes into the `followups:` of the entry it followed (into the list of the
entry it leads to, or a new `target: [...]` line, or a new `followups:` mapping at the
end of that entry), so that the file's comments and layout stay as they were (no YAML
dumper round trip). Then it
runs `faqbot check` and `faqbot test` on the knowledge folder; if either fails, every
file is restored to what it was, and the command says why and exits 1.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.conversation.questionlog import QuestionLogError, Signal
from bot.knowledge.base import (
    KnowledgeBase,
    KnowledgeError,
    default_devset_path,
    load_knowledge,
    load_or_explain,
)
from bot.knowledge.config import Config
from bot.knowledge.source import display_path
from bot.maintainers.evaluation import evaluate, load_question_set
from bot.understanding.matching import Decision, Matcher, Status
from bot.understanding.pipeline import Context, Understander, followup_key

__all__ = [
    "LearnError",
    "Proposal",
    "insert_variants",
    "learn",
    "parse_selection",
    "proposals",
]

_POSITIVE = ("picked", "good", "followup")
_NEGATIVE = ("bad", "none")
_KIND_NAMES = {"picked": "picked", "good": "👍", "followup": "follow-up"}


class LearnError(Exception):
    """A proposal cannot be written (the message says why)."""


@dataclass
class Proposal:
    """A question users meant for an entry, to add as one of its variants."""

    entry_id: str
    question: str
    """The group's most frequent spelling, on one line."""
    count: int
    kinds: Counter[str] = field(default_factory=Counter)
    """How many of each sign (picked, good, followup)."""
    spellings: list[str] = field(default_factory=list)
    """The other spellings of the group, most frequent first."""
    now: str = ""
    """What the current FAQ does with the question (status and entry)."""
    after: str | None = None
    """For a question users asked as a follow-up to this entry's answer: no variant, but
    a named follow-up of that entry (`followups:`)."""


def _one_line(text: str) -> str:
    """On one line, control characters replaced: what users typed cannot reach a terminal
    or a YAML file raw."""
    return "".join("?" if unicodedata.category(c) == "Cc" else c for c in " ".join(text.split()))


def proposals(
    kb: KnowledgeBase,
    understander: Understander,
    signals: Sequence[Signal],
    followups: Mapping[str, Counter[str]] | None = None,
) -> list[Proposal]:
    """The variants to propose, by entry (FAQ order), most asked first within an entry.

    `followups` (`QuestionLog.followup_questions`) says which questions were read as
    follow-ups, after which answers: a group most of whose questions followed one
    entry's answer ("et en vrai ?") is proposed as a named follow-up of that entry, not
    as a variant (it would mean nothing on its own)."""
    followups = followups or {}
    matcher = understander.matcher
    groups: dict[tuple[str | None, str, tuple[str, ...]], list[Signal]] = {}
    for signal in signals:
        text = _one_line(signal.question)
        analysis = matcher.analyse(text)
        if analysis.text:  # same content words, question word and direction: same group
            groups.setdefault((analysis.kind, analysis.text, analysis.roles), []).append(signal)
        elif signal.question in followups:  # "et en vrai ?": no content word, its words
            groups.setdefault((None, followup_key(text), ()), []).append(signal)
    normalizer = kb.normalizer()
    phrasing_keys = {normalizer.key(p) for e in kb.entries for p in e.phrasings}
    order = {e.id: i for i, e in enumerate(kb.entries)}
    found: list[Proposal] = []
    for members in groups.values():
        if any(s.kind in _NEGATIVE for s in members):
            continue  # a 👎 or "none of these": never proposed
        good_for = {s.entry_id for s in members if s.kind == "good"}
        votes: Counter[str] = Counter()
        kinds: dict[str, Counter[str]] = {}
        for s in members:
            if s.kind not in _POSITIVE or s.entry_id is None:
                continue
            if s.kind == "followup" and s.answered_entry in good_for:
                continue  # the answer was right: the click was curiosity
            votes[s.entry_id] += 1
            kinds.setdefault(s.entry_id, Counter())[s.kind] += 1
        ranked = votes.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            continue  # nobody meant an entry, or users disagree
        entry_id, count = ranked[0]
        if entry_id not in kb.by_id:
            continue
        spellings = Counter(_one_line(s.question) for s in members if s.entry_id == entry_id)
        texts = [t for t, _ in sorted(spellings.items(), key=lambda item: -item[1])]
        question = texts[0]
        previous = _followed(members, followups, kb)
        if previous is None and normalizer.key(question) in phrasing_keys:
            continue
        decision = _current(question, previous, kb, understander)
        if decision.status is Status.ANSWER and decision.entry and decision.entry.id == entry_id:
            continue
        got = decision.entry.id if decision.entry is not None else "-"
        found.append(
            Proposal(
                entry_id=entry_id,
                question=question,
                count=count,
                kinds=kinds[entry_id],
                spellings=texts[1:],
                now=f"{decision.status} {got}" + (f" after {previous}" if previous else ""),
                after=previous,
            )
        )
    found.sort(key=lambda p: (order[p.entry_id], -p.count, p.question))
    return found


def _followed(
    members: Sequence[Signal], followups: Mapping[str, Counter[str]], kb: KnowledgeBase
) -> str | None:
    """The entry whose answer most of a group's questions were read as follow-ups to,
    when at least half of them were (None: a question of its own)."""
    after: Counter[str] = Counter()
    for signal in members:
        after.update(followups.get(signal.question, Counter()))
    asked = sum(1 for signal in members if signal.question in followups)
    if not after or 2 * asked < len(members):
        return None
    previous = after.most_common(1)[0][0]
    return previous if previous in kb.by_id else None


def _current(
    question: str, previous: str | None, kb: KnowledgeBase, understander: Understander
) -> Decision:
    """What the current FAQ does with a question: read right after `previous`'s answer
    when users asked it as a follow-up to it."""
    if previous is not None:
        context = Context(previous, kb.by_id[previous].question, 0.0)
        return understander.understand(question, context=context, now=0.0)[0]
    return (understander.understand(question) or [understander.matcher.match(question)])[0]


# --- writing variants into a YAML file, textually ---------------------------------------


def _quoted(text: str, style: str | None) -> str:
    """`text` as a YAML scalar in the list's style when that style can hold it (after a
    block scalar, `|` or `>`, a one-line text is written plain if it can be)."""
    if style not in ("'", '"'):
        try:
            plain_ok = yaml.safe_load(f"- {text}") == [text]
        except yaml.YAMLError:
            plain_ok = False
        if plain_ok:
            return text
        style = "'" if "'" not in text else '"'
    if style == "'" and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _entry_node(root: yaml.Node | None, entry_id: str) -> yaml.MappingNode:
    if not isinstance(root, yaml.SequenceNode):
        raise LearnError("the file is not a list of entries")
    for item in root.value:
        if isinstance(item, yaml.MappingNode) and any(
            isinstance(k, yaml.ScalarNode) and k.value == "id" and str(v.value) == entry_id
            for k, v in item.value
        ):
            return item
    raise LearnError(f'entry "{entry_id}" is not in the file')


def _variants_node(root: yaml.Node | None, entry_id: str) -> yaml.SequenceNode:
    entry = _entry_node(root, entry_id)
    fields = {k.value: v for k, v in entry.value if isinstance(k, yaml.ScalarNode)}
    variants = fields.get("variants")
    if not isinstance(variants, yaml.SequenceNode):
        raise LearnError(f'entry "{entry_id}" has no `variants:` list')
    return variants


def insert_variants(text: str, entry_id: str, variants: Sequence[str]) -> str:
    """`text` (a FAQ file) with `variants` added at the end of the entry's `variants:`
    list: nothing else in the file changes (comments, blank lines, quoting)."""
    if not variants:
        return text
    node = _variants_node(_compose(text), entry_id)
    items = node.value
    if node.flow_style or not items:
        # [a, b] (or []): insert before the closing bracket.
        style = items[-1].style if items else '"'
        close = text.rindex("]", node.start_mark.index, node.end_mark.index)
        before = text[:close].rstrip()
        glue = "" if before.endswith("[") else ", "
        joined = ", ".join(_quoted(v, style) for v in variants)
        result = f"{before}{glue}{joined}{text[close:]}"
    else:
        last = items[-1]
        lines = text.splitlines(keepends=True)
        # After the last item's last line (a block scalar ends at the start of the next one).
        end = last.end_mark.line + (1 if last.end_mark.column > 0 else 0)
        indent = " " * node.start_mark.column
        newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
        added = [f"{indent}- {_quoted(v, last.style)}{newline}" for v in variants]
        result = _insert_lines(lines, end, added)
    written = _variants_node(_compose(result), entry_id)
    if [n.value for n in written.value[-len(variants) :]] != list(variants):
        raise LearnError(f'could not add the variants of "{entry_id}" safely')
    return result


def _insert_lines(lines: list[str], end: int, added: Sequence[str]) -> str:
    """`lines` (kept ends) with `added` inserted before line `end`."""
    lines = list(lines)
    if end > 0 and not lines[end - 1].endswith(("\n", "\r")):
        lines[end - 1] += "\r\n" if lines[0].endswith("\r\n") else "\n"
    return "".join([*lines[:end], *added, *lines[end:]])


def _followups_of(text: str, entry_id: str, target: str) -> list[str]:
    """The named follow-ups leading to `target` under `entry_id` in a FAQ file's text."""
    entries = yaml.safe_load(text) or []
    entry = next((e for e in entries if isinstance(e, dict) and e.get("id") == entry_id), {})
    found = (entry.get("followups") or {}).get(target) or []
    return [str(q) for q in found]


def insert_followups(text: str, entry_id: str, target: str, questions: Sequence[str]) -> str:
    """`text` (a FAQ file) with `questions` added to the entry's named follow-ups that
    lead to `target` (`followups:` → `target: [...]`), the key or the whole mapping
    created if missing: nothing else in the file changes (comments, quoting)."""
    if not questions:
        return text
    entry = _entry_node(_compose(text), entry_id)
    fields = {k.value: (k, v) for k, v in entry.value if isinstance(k, yaml.ScalarNode)}
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    joined = ", ".join(_quoted(q, '"') for q in questions)

    def after(node: yaml.Node) -> int:
        """The line after a node's last line (a block collection ends where the next
        token starts: its last item says where it really ends)."""
        while isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
            last = node.value[-1]
            node = last[1] if isinstance(last, tuple) else last
        return node.end_mark.line + (1 if node.end_mark.column > 0 else 0)

    if "followups" not in fields:
        key, _ = fields["id"]
        indent = " " * key.start_mark.column
        last = entry.value[-1][1]
        added = [f"{indent}followups:{newline}", f"{indent}  {target}: [{joined}]{newline}"]
        result = _insert_lines(lines, after(last), added)
    else:
        _, mapping = fields["followups"]
        if not isinstance(mapping, yaml.MappingNode) or mapping.flow_style:
            raise LearnError(f'entry "{entry_id}" has a `followups:` this cannot extend')
        targets = {k.value: v for k, v in mapping.value if isinstance(k, yaml.ScalarNode)}
        found = targets.get(target)
        if found is None:
            indent = " " * mapping.value[0][0].start_mark.column
            added = [f"{indent}{target}: [{joined}]{newline}"]
            result = _insert_lines(lines, after(mapping), added)
        elif isinstance(found, yaml.SequenceNode) and found.flow_style:
            close = text.rindex("]", found.start_mark.index, found.end_mark.index)
            before = text[:close].rstrip()
            glue = "" if before.endswith("[") else ", "
            result = f"{before}{glue}{joined}{text[close:]}"
        elif isinstance(found, yaml.SequenceNode) and found.value:
            indent = " " * found.start_mark.column
            style = found.value[-1].style
            added = [f"{indent}- {_quoted(q, style)}{newline}" for q in questions]
            result = _insert_lines(lines, after(found), added)
        else:
            raise LearnError(f'entry "{entry_id}": `followups: {target}` is not a list')
    if _followups_of(result, entry_id, target)[-len(questions) :] != list(questions):
        raise LearnError(f'could not add the follow-ups of "{entry_id}" safely')
    return result


# --- choosing -----------------------------------------------------------------------------


def parse_selection(text: str, count: int) -> list[int]:
    """`all`, `none`, or numbers and ranges (`1,3 5-7`) as 0-based indexes; ValueError."""
    text = text.strip().lower()
    if text in ("all", "a", "tout", "*"):
        return list(range(count))
    if text in ("", "none", "n", "q"):
        return []
    chosen: list[int] = []
    for part in re.split(r"[,\s]+", text):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if match is None:
            raise ValueError(f"{part!r} is not a number or a range like 2-4")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if not 1 <= first <= last <= count:
            raise ValueError(f"{part} is not between 1 and {count}")
        chosen += [i - 1 for i in range(first, last + 1) if i - 1 not in chosen]
    return sorted(chosen)


# --- the command --------------------------------------------------------------------------


def _print(found: Sequence[Proposal], kb: KnowledgeBase, where: str) -> None:
    print(f"{len(found)} variant(s) learned from users, in {where}:")
    current = ""
    for number, proposal in enumerate(found, 1):
        if proposal.entry_id != current:
            current = proposal.entry_id
            entry = kb.by_id[current]
            print(f"\n[{entry.id}] {entry.question}  ({entry.file})")
        signs = ", ".join(f"{_KIND_NAMES[k]} {n}" for k, n in sorted(proposal.kinds.items()))
        also = f"; also typed {len(proposal.spellings)} other way(s)" if proposal.spellings else ""
        print(
            f"  {number:3}. {proposal.question!r} ×{proposal.count} ({signs}; now: "
            f"{proposal.now}{also})"
        )
        if proposal.after is not None:
            print(
                f"       a follow-up to {proposal.after}'s answer, not a variant: "
                f"it goes under {proposal.after}'s `followups:`"
            )


def _checks_pass(root: Path, matcher_config: Config) -> str | None:
    """None when `faqbot check` and `faqbot test` pass on `root`, else why not."""
    from bot.maintainers import testreport

    try:
        kb = load_knowledge(root)
    except KnowledgeError as exc:
        errors = [str(p) for p in exc.problems if not p.warning]
        return "faqbot check fails:\n" + "\n".join(errors)
    understander = Understander.build(kb, Matcher.from_config(kb, matcher_config.matching))
    devset = default_devset_path(root)
    try:
        questions = load_question_set(devset, kb) if devset.is_file() else None
    except ValueError as exc:
        return f"faqbot test cannot read {display_path(devset)}:\n{exc}"
    result = evaluate(understander, questions)
    failed = [g for g in testreport.gates(kb, result, questions) if not g.ok]
    if failed:
        misses = [
            f"  {o.question!r} ({o.expected}) -> {o.decision.status} {o.got or '-'}"
            for o in result.outcomes
            if o.kind == "phrasing" and not o.right
        ]
        return "faqbot test fails:\n" + "\n".join(
            [f"  {g.label}: {g.rate:.1%} (minimum {g.minimum:.0%})" for g in failed] + misses
        )
    return None


def _apply(chosen: Sequence[Proposal], kb: KnowledgeBase, config: Config) -> int:
    # file -> (entry, None for variants or the entry a follow-up leads to) -> questions
    by_file: dict[Path, dict[tuple[str, str | None], list[str]]] = {}
    for proposal in chosen:
        if proposal.after is None:
            entry, target = kb.by_id[proposal.entry_id], None
        else:
            entry, target = kb.by_id[proposal.after], proposal.entry_id
        path = Path(entry.file)
        by_file.setdefault(path, {}).setdefault((entry.id, target), []).append(proposal.question)
    originals: dict[Path, bytes] = {}
    try:
        for path, entries in by_file.items():
            originals[path] = path.read_bytes()
            text = originals[path].decode("utf-8")
            for (entry_id, target), questions in entries.items():
                if target is None:
                    text = insert_variants(text, entry_id, questions)
                else:
                    text = insert_followups(text, entry_id, target, questions)
            path.write_bytes(text.encode("utf-8"))
        why = _checks_pass(kb.path, config)
    except (LearnError, OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        why = f"could not write the proposals: {exc}"
    if why is not None:
        for path, content in originals.items():
            path.write_bytes(content)
        print(why, file=sys.stderr)
        print(
            "Nothing was changed: the files are as they were. Add fewer variants (the ones "
            "above are the trouble), or reword them by hand.",
            file=sys.stderr,
        )
        return 1
    files = ", ".join(display_path(p) for p in by_file)
    followups = sum(1 for p in chosen if p.after is not None)
    print(
        f"added {len(chosen) - followups} variant(s) and {followups} named follow-up(s) to "
        f"{files}; faqbot check and faqbot test pass"
    )
    return 0


def learn(args: argparse.Namespace, config: Config) -> int:
    """`faqbot learn`: see the module docstring."""
    from bot.maintainers.maintenance import _open_log, _parse_since

    try:
        since = _parse_since(getattr(args, "since", None))
    except ValueError as exc:
        print(f"faqbot learn: {exc}", file=sys.stderr)
        return 2
    log = _open_log(config, "learn")
    if log is None:
        return 2
    kb = load_or_explain(
        config.knowledge,
        advice="`learn` needs the FAQ: fix them (see `faqbot check`) first.",
    )
    if kb is None:
        return 1
    try:
        signals = log.signals(since)
        followups = log.followup_questions(since)
    except QuestionLogError as exc:
        print(f"faqbot learn: {exc}", file=sys.stderr)
        return 1
    understander = Understander.build(kb, Matcher.from_config(kb, config.matching))
    found = [
        p for p in proposals(kb, understander, signals, followups) if p.count >= args.min_count
    ]
    if not found:
        print(
            f"Nothing to learn in {log.where}: no question that users meant for an entry "
            "is missing from the FAQ."
        )
        return 0
    _print(found, kb, log.where)
    selection: str | None = args.apply
    if selection is None:
        print("\nAdd them with `faqbot learn --apply` (asks), `--apply all` or `--apply 1,3-5`.")
        return 0
    if selection == "ask":
        try:
            selection = input(
                "\nVariants to add (numbers like 1,3 or 2-4, `all`, or nothing to cancel): "
            )
        except EOFError:
            selection = ""
    try:
        indexes = parse_selection(selection, len(found))
    except ValueError as exc:
        print(f"faqbot learn: --apply: {exc}", file=sys.stderr)
        return 2
    if not indexes:
        print("Nothing added.")
        return 0
    return _apply([found[i] for i in indexes], kb, config)
