"""`faqbot learn`: variants learned from what users did, end to end through the fake
Bot API, and the pieces (grouping, exclusions, textual YAML insertion) on their own."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import button_data, harness, sent_messages
from fake_bot_api import callback_query, text_message

from bot.cli import main
from bot.conversation.questionlog import QuestionLog, Signal
from bot.knowledge.base import default_knowledge_path, load_knowledge
from bot.maintainers.learn import (
    LearnError,
    insert_followups,
    insert_variants,
    parse_selection,
    proposals,
)
from bot.telegram.context import set_log
from bot.understanding.matching import Matcher, Status
from bot.understanding.pipeline import Context, Understander

# Questions the shipped FAQ hesitates on (checked below, so a matcher change shows here).
MEANT = "munitions neuves ou vieilles et efficaces ?"  # users pick qualite-munitions, like it
MEANT_ENTRY = "qualite-munitions"
DISLIKED = "obus"  # a user picks an entry, then gives its answer a 👎
REFUSED = "munitions"  # a user answers "none of these"
TAKEN = "poutine coree du nord pourquoi"  # another entry's question, in keywords


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working directory: no config or log but the test's."""
    for name in ("FAQBOT_CONFIG", "FAQBOT_LOG_DB", "FAQBOT_KNOWLEDGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FAQBOT_LOG_DB", str(tmp_path / "q.sqlite3"))
    return tmp_path


def copy_faq(home: Path) -> Path:
    root = home / "knowledge"
    shutil.copytree(default_knowledge_path(), root)
    return root


def who(user_id: int) -> dict[str, Any]:
    return {"user_id": user_id, "first_name": f"U{user_id}"}


async def _pick(bench: Any, question: str, entry_id: str | None, user_id: int) -> dict[str, Any]:
    """Ask `question`, press the suggestion `entry_id` (None: "none of these")."""
    [suggestion] = sent_messages(await bench.process(text_message(question, **who(user_id))))
    data = "n" if entry_id is None else f"a:{entry_id}"
    assert data in button_data(suggestion), (question, button_data(suggestion))
    calls = await bench.process(callback_query(data, message=suggestion, user_id=user_id))
    messages = sent_messages(calls)
    return messages[-1] if messages else {}


async def test_learn_from_picks_and_thumbs_up_then_apply(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_faq(home)
    kb = load_knowledge(root)
    understander = Understander.build(kb, Matcher(kb))
    for question in (MEANT, DISLIKED, REFUSED):
        assert understander.understand(question)[0].status is Status.SUGGEST, question
    disliked_entry = next(c.entry.id for c in understander.understand(DISLIKED)[0].suggestions)
    log = QuestionLog(home / "q.sqlite3")
    try:
        async with harness(kb) as bench:
            set_log(bench.app.bot_data, log)
            # Two users pick the same suggestion; the first also finds the answer useful.
            answer = await _pick(bench, MEANT, MEANT_ENTRY, 101)
            assert f"f:+:{MEANT_ENTRY}" in button_data(answer)
            await bench.process(callback_query(f"f:+:{MEANT_ENTRY}", message=answer, user_id=101))
            await _pick(bench, MEANT.capitalize(), MEANT_ENTRY, 102)
            # A pick followed by 👎, and a "none of these": never proposed.
            answer = await _pick(bench, DISLIKED, disliked_entry, 103)
            await bench.process(
                callback_query(f"f:-:{disliked_entry}", message=answer, user_id=103)
            )
            await _pick(bench, REFUSED, None, 104)
        assert await asyncio.to_thread(log.flush)
    finally:
        log.close()

    # The log knows the question behind the 👍 and the 👎.
    kinds = {(s.kind, s.question, s.entry_id) for s in QuestionLog(home / "q.sqlite3").signals()}
    assert ("good", MEANT, MEANT_ENTRY) in kinds
    assert ("bad", DISLIKED, disliked_entry) in kinds

    assert main(["learn", "--knowledge", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"[{MEANT_ENTRY}]" in out
    proposed = next(line for line in out.splitlines() if MEANT in line)
    assert "×3" in proposed  # two picks and a 👍
    assert "picked 2" in proposed
    assert "👍 1" in proposed
    assert "also typed 1 other way" in proposed
    assert f"'{DISLIKED}'" not in out
    assert f"'{REFUSED}'" not in out

    faq_file = root / "faq" / "50-munitions.yaml"
    before = faq_file.read_text(encoding="utf-8")
    assert main(["learn", "--knowledge", str(root), "--apply", "all"]) == 0
    out = capsys.readouterr().out
    assert "faqbot check and faqbot test pass" in out
    after = faq_file.read_text(encoding="utf-8")
    # Only the new line was added: every comment and every other line is as it was.
    assert sorted(after.splitlines()) == sorted([*before.splitlines(), f"    - {MEANT}"])
    assert [c for c in before.splitlines() if c.lstrip().startswith("#")] == [
        c for c in after.splitlines() if c.lstrip().startswith("#")
    ]
    entry = load_knowledge(root).by_id[MEANT_ENTRY]
    assert entry.variants[-1] == MEANT
    assert main(["check", "--knowledge", str(root)]) == 0
    assert main(["test", "--knowledge", str(root)]) == 0
    capsys.readouterr()
    assert main(["ask", "--knowledge", str(root), "--json", MEANT]) == 0
    assert f'"entry": "{MEANT_ENTRY}"' in capsys.readouterr().out
    # Learned: nothing left to propose.
    assert main(["learn", "--knowledge", str(root)]) == 0
    assert "Nothing to learn" in capsys.readouterr().out


def test_apply_restores_the_files_when_test_fails(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_faq(home)
    log = QuestionLog(home / "q.sqlite3")
    # Another entry's question in keywords: as a variant of nombre-obus, it cannot be
    # answered with it (the phrasings' gate), and `faqbot test` fails.
    log.record_choice(TAKEN, "nombre-obus", channel="telegram")
    log.close()
    before = {p: p.read_bytes() for p in (root / "faq").iterdir()}
    assert main(["learn", "--knowledge", str(root), "--apply", "1"]) == 1
    err = capsys.readouterr().err
    assert "faqbot test fails" in err
    assert f"{TAKEN!r} (nombre-obus) -> suggest" in err
    assert "Nothing was changed" in err
    assert {p: p.read_bytes() for p in (root / "faq").iterdir()} == before


def test_apply_asks_which_ones(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_faq(home)
    log = QuestionLog(home / "q.sqlite3")
    log.record_choice(MEANT, MEANT_ENTRY, channel="chat")
    log.close()
    answers = iter([""])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    before = (root / "faq" / "50-munitions.yaml").read_bytes()
    assert main(["learn", "--knowledge", str(root), "--apply"]) == 0
    assert "Nothing added." in capsys.readouterr().out
    assert (root / "faq" / "50-munitions.yaml").read_bytes() == before
    assert main(["learn", "--knowledge", str(root), "--apply", "7"]) == 2
    assert "7 is not between 1 and 1" in capsys.readouterr().err


def test_learn_without_a_log(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["learn"]) == 0
    assert "Nothing to learn" in capsys.readouterr().out


def _signal(kind: str, question: str, entry: str | None, origin: str | None = None) -> Signal:
    return Signal(kind, datetime(2024, 6, 19, tzinfo=UTC), question, entry, origin)


def test_grouping_votes_and_exclusions(kb: Any, matcher: Matcher) -> None:
    understander = Understander.build(kb, matcher)
    signals = [
        _signal("picked", MEANT, MEANT_ENTRY),
        _signal("picked", "Munitions neuves ou vieilles et efficaces", MEANT_ENTRY),
        # Users disagree: as many for one entry as for another, nothing proposed.
        _signal("picked", "ces obus sont vieux ou neufs", "qualite-munitions"),
        _signal("picked", "ces obus sont vieux ou neufs", "nombre-obus"),
        # A follow-up clicked under an answer that was 👍: curiosity, not a meaning.
        _signal("good", "les obus sont-ils fiables selon l'article", "qualite-munitions"),
        _signal(
            "followup",
            "les obus sont-ils fiables selon l'article",
            "nombre-obus",
            "qualite-munitions",
        ),
        # A follow-up alone is a (weak) sign.
        _signal("followup", "combien ça fait en tout ce trafic", "nombre-obus", "arrangement"),
        # A "none of these" cancels a pick of the same question by someone else.
        _signal("picked", "munitions", "usage-munitions"),
        _signal("none", "Munitions ?", None),
        # Already a phrasing of the FAQ, or an entry that no longer exists.
        _signal("picked", kb.entries[0].variants[0], kb.entries[0].id),
        _signal("picked", "une question sur une entrée disparue", "entree-supprimee"),
    ]
    found = {(p.entry_id, p.question): p for p in proposals(kb, understander, signals)}
    meant = found[(MEANT_ENTRY, MEANT)]
    assert meant.count == 2
    assert meant.spellings == ["Munitions neuves ou vieilles et efficaces"]
    assert ("nombre-obus", "combien ça fait en tout ce trafic") in found
    assert found[("nombre-obus", "combien ça fait en tout ce trafic")].kinds["followup"] == 1
    texts = {q for _, q in found}
    assert "ces obus sont vieux ou neufs" not in texts
    assert ("nombre-obus", "les obus sont-ils fiables selon l'article") not in found
    assert "munitions" not in texts
    assert kb.entries[0].variants[0] not in texts
    assert "une question sur une entrée disparue" not in texts


FILE = """\
# Comment at the top.
- id: un
  question: Première ?
  variants:
    - premier plain
    # a comment inside the list
    - 'second quoted'
  answer: >-
    Réponse.
  sources: ["§1"]

# Between entries.
- id: deux
  question: Deuxième ?
  variants: ["a", "b"]
  answer: Deux.
  sources: ["§1"]
- id: trois
  question: Troisième ?
  variants:
  - plain at column 2
  - >-
    folded
    text
  answer: Trois.
  sources: ["§1"]
"""


@pytest.mark.parametrize(
    ("entry_id", "added", "expected_line"),
    [
        ("un", "c'est quoi: ça", "    - 'c''est quoi: ça'"),  # the list's quotes, ' doubled
        ("un", "simple", "    - 'simple'"),
        ("deux", "x # y", ', "x # y"]'),
        ("trois", "- tiret", "  - '- tiret'"),
        ("trois", "ordinaire", "  - ordinaire"),
    ],
)
def test_insert_variants_keeps_the_file_and_matches_its_style(
    entry_id: str, added: str, expected_line: str
) -> None:
    result = insert_variants(FILE, entry_id, [added])
    assert expected_line in result
    data = yaml.safe_load(result)
    entry = next(e for e in data if e["id"] == entry_id)
    assert entry["variants"][-1] == added
    # Nothing else changed: the old lines are all there, in order.
    kept = [line for line in result.splitlines() if line in FILE.splitlines()]
    assert kept == FILE.splitlines() or entry_id == "deux"
    assert "# a comment inside the list" in result


def test_insert_variants_after_a_block_scalar_and_with_crlf() -> None:
    result = insert_variants(FILE.replace("\n", "\r\n"), "trois", ["après"])
    assert "\r\n  - après\r\n  answer: Trois." in result
    assert yaml.safe_load(result)[2]["variants"] == ["plain at column 2", "folded text", "après"]


def test_insert_variants_refuses_what_it_cannot_do() -> None:
    with pytest.raises(LearnError, match='"quatre" is not in the file'):
        insert_variants(FILE, "quatre", ["x"])
    with pytest.raises(LearnError, match="no `variants:` list"):
        insert_variants("- id: a\n  variants: x\n", "a", ["y"])


def test_parse_selection() -> None:
    assert parse_selection("all", 3) == [0, 1, 2]
    assert parse_selection("", 3) == []
    assert parse_selection("1,3", 3) == [0, 2]
    assert parse_selection("2-3 1", 3) == [0, 1, 2]
    with pytest.raises(ValueError, match="not between 1 and 3"):
        parse_selection("4", 3)
    with pytest.raises(ValueError, match="not a number"):
        parse_selection("deux", 3)


def test_a_question_asked_as_a_follow_up_is_proposed_as_a_named_follow_up(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Users who asked "et ils disent vrai ?" right after the official programme, then
    picked the real purpose, meant it only there: `learn` proposes it under the
    programme's `followups:`, not as a variant of the real purpose (alone it means
    nothing), and `--apply` writes it there."""
    root = copy_faq(home)
    kb = load_knowledge(root)
    understander = Understander.build(kb, Matcher(kb))
    question = "et ils disent vrai ?"
    context = Context("programme-officiel", kb.by_id["programme-officiel"].question, 0.0)
    decision = understander.understand(question, context=context, now=1.0)[0]
    assert decision.status is Status.SUGGEST
    assert decision.context is not None
    log = QuestionLog(home / "q.sqlite3")
    for _ in range(2):
        log.record_question(decision, channel="telegram", after="programme-officiel")
        log.record_choice(question, "but-reel", channel="telegram")
    log.close()
    assert main(["learn", "--knowledge", str(root)]) == 0
    out = capsys.readouterr().out
    assert "[but-reel]" in out
    assert (
        f"{question!r} ×2 (picked 2; now: suggest programme-officiel after programme-officiel)"
        in out
    )
    assert "a follow-up to programme-officiel's answer, not a variant" in out
    assert main(["learn", "--knowledge", str(root), "--apply", "all"]) == 0
    out = capsys.readouterr().out
    assert "added 0 variant(s) and 1 named follow-up(s) to" in out
    kb = load_knowledge(root)
    assert (question, "but-reel") in kb.by_id["programme-officiel"].followups
    assert question not in kb.by_id["but-reel"].phrasings
    # Now the FAQ names it: right after the programme, it gets the real purpose.
    understander = Understander.build(kb, Matcher(kb))
    [decision] = understander.understand(question, context=context, now=1.0)
    assert (decision.status, decision.entry.id if decision.entry else None) == (
        Status.ANSWER,
        "but-reel",
    )


FAQ = """\
# a comment that must stay
- id: a
  question: Question A ?
  variants:
    - une variante
  followups:
    b: ["et b ?", 'et bé ?']
    c:
      - et c ?
  tags: [x]

- id: b
  question: Question B ?
  variants: [vb]
  answer: Réponse B.
"""


@pytest.mark.parametrize(
    ("entry", "target", "expected"),
    [
        ("a", "b", ["et b ?", "et bé ?", "et encore ?"]),  # a flow list: before "]"
        ("a", "c", ["et c ?", "et encore ?"]),  # a block list: after its last item
        ("a", "d", ["et encore ?"]),  # a new target in the mapping
        ("b", "a", ["et encore ?"]),  # no `followups:` yet: a new mapping
    ],
)
def test_insert_followups_keeps_the_file_as_it_was(
    entry: str, target: str, expected: list[str]
) -> None:
    """Only the new follow-up is added; comments, quoting and the other entries stay."""
    result = insert_followups(FAQ, entry, target, ["et encore ?"])
    data = yaml.safe_load(result)
    by_id = {e["id"]: e for e in data}
    assert by_id[entry]["followups"][target] == expected
    assert "# a comment that must stay" in result
    assert "'et bé ?'" in result
    removed = [line for line in FAQ.splitlines() if line not in result.splitlines()]
    assert removed == [] or (entry == "a" and target == "b")
    others = {k: v for k, v in by_id.items() if k != entry}
    assert others == {
        k: v for k, v in {e["id"]: e for e in yaml.safe_load(FAQ)}.items() if k != entry
    }


def test_insert_followups_refuses_what_it_cannot_extend() -> None:
    with pytest.raises(LearnError, match='"zz" is not in the file'):
        insert_followups(FAQ, "zz", "b", ["x ?"])
    flow = FAQ.replace(
        "  followups:\n    b: [\"et b ?\", 'et bé ?']\n    c:\n      - et c ?\n",
        "  followups: {b: [x]}\n",
    )
    assert flow != FAQ
    with pytest.raises(LearnError, match="cannot extend"):
        insert_followups(flow, "a", "b", ["y ?"])
