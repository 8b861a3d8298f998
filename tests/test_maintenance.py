"""`faqbot unanswered` and `faqbot stats`, through `bot.cli.main` on real SQLite logs.

Decisions come from the real matcher on the real bundled FAQ (or, until the FAQ is
written, on the small folder of tests/test_knowledge_errors.py). The config file of
each test points `log: database:` into tmp_path.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from test_knowledge_errors import make_knowledge

from bot.cli import main
from bot.conversation.questionlog import QuestionLog, UnansweredQuestion
from bot.knowledge.base import (
    KnowledgeBase,
)
from bot.maintainers.maintenance import SIMILARITY, cluster, group_questions, similar, word_weights
from bot.understanding.matching import Decision, Matcher, Status

TREATY = [
    "pk poutine a signé un traité",
    "poutine a signe quel traite ?",
    "pk poutine a signé un traité",
    "quel traité ont-ils signé ?",
]
KIM = ["Quel âge a Kim Jong-un ?", "kim jong un a quel age"]
SINGLES = ["recette de la tartiflette", "horoscope balance"]
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working directory and environment: no config or log but the test's."""
    for name in ("FAQBOT_CONFIG", "FAQBOT_LOG_DB", "FAQBOT_KNOWLEDGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_config(home: Path, kb: KnowledgeBase, database: str | None = "var/q.sqlite3") -> str:
    """A config file with the log in `home` (None: the log disabled) and the test FAQ."""
    value = "null" if database is None else database
    path = home / "faqbot.yaml"
    path.write_text(f"knowledge: {kb.path}\nlog:\n  database: {value}\n", encoding="utf-8")
    return str(path)


def not_answered(matcher: Matcher, question: str) -> Decision:
    """The matcher's decision, as an unanswered one (the log keeps what it is told).

    These tests need rows that `unanswered` lists whatever the FAQ of the day answers.
    """
    decision = matcher.match(question)
    if decision.status is Status.ANSWER:
        decision = dataclasses.replace(decision, status=Status.SUGGEST)
    return decision


def log_questions(
    path: Path,
    matcher: Matcher,
    questions: Iterable[str],
    *,
    at: datetime | None = None,
    channel: str = "telegram",
) -> None:
    question_log = QuestionLog(path) if at is None else QuestionLog(path, clock=lambda: at)
    for question in questions:
        question_log.record_question(not_answered(matcher, question), channel=channel)
    question_log.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def groups_of(out: str) -> list[tuple[int, str]]:
    """(count, question) of each group of the text output, in order."""
    return [
        (int(m.group(1)), m.group(2).split("  (")[0])
        for m in re.finditer(r"^\s+\d+\. +(\d+) × (.+)$", out, flags=re.MULTILINE)
    ]


# --- grouping ---------------------------------------------------------------------------


def test_near_duplicates_are_grouped_and_unrelated_ones_kept_apart(matcher: Matcher) -> None:
    rows = _rows(matcher, [*TREATY, *KIM, *SINGLES, "bonjour", "Bonjour !"])
    groups = group_questions(rows, matcher)
    contents = [sorted({r.question for r in g.rows}) for g in groups]
    assert contents[0] == sorted(set(TREATY))
    assert sorted(KIM) in contents
    assert ["Bonjour !", "bonjour"] in contents
    for single in SINGLES:
        assert [single] in contents
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
    assert groups[0].question == "pk poutine a signé un traité"  # the most frequent


def test_similarity_tells_close_questions_from_neighbours() -> None:
    assert similar(["poutine", "signe", "traite"], ["traite", "signe"]) >= SIMILARITY
    assert similar(["poutine", "signe", "traite"], ["poutinne", "signe", "traites"]) >= SIMILARITY
    assert (
        similar(["poutine", "alle", "coree", "sud"], ["poutine", "alle", "coree", "nord"])
        < SIMILARITY
    )
    assert similar(["poutine"], ["poutine", "elu"]) < SIMILARITY
    assert similar(["visite", "2000"], ["visite", "2024"]) < SIMILARITY
    # Words found everywhere in the FAQ weigh little: a new word makes a new question.
    common = {"poutine", "visite", "coree", "nord"}

    def weight(word: str) -> float:
        return 0.5 if word in common else 3.0

    asked = ["poutine", "visite", "vietnam", "coree", "nord"]
    assert similar(asked, ["poutine", "visite", "coree", "nord"]) >= SIMILARITY
    assert similar(asked, ["poutine", "visite", "coree", "nord"], weight) < SIMILARITY
    assert similar(["poutine", "traite"], ["traite"], weight) >= SIMILARITY
    keys = [["age", "kim"], ["recette", "tartiflette"], ["kim", "age"], ["poutine"], ["age", "kim"]]
    assert cluster(keys, [1, 1, 1, 1, 3]) == [[4, 0, 2], [1], [3]]


def _rows(matcher: Matcher, questions: list[str]) -> list[UnansweredQuestion]:
    """Rows as the log returns them, without a database."""
    return [
        UnansweredQuestion(
            asked_at=datetime.now(UTC),
            channel="chat",
            question=q,
            status=d.status,
            entry_id=d.entry.id if d.entry else None,
            score=d.score,
        )
        for q in questions
        for d in [not_answered(matcher, q)]
    ]


# --- faqbot unanswered ------------------------------------------------------------------


def test_unanswered_lists_groups_largest_first(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(home, kb)
    log_questions(home / "var" / "q.sqlite3", matcher, [*TREATY, *SINGLES, *KIM])
    # Answered questions are logged too, but are not "unanswered".
    answered = QuestionLog(home / "var" / "q.sqlite3")
    answer = matcher.match(kb.entries[0].question)
    assert answer.status is Status.ANSWER
    answered.record_question(answer, channel="chat")
    answered.record_choice(TREATY[1], None, channel="telegram")
    answered.close()

    status, out, err = run(capsys, "--config", config, "unanswered")
    assert status == 0, err
    assert "8 in 4 group(s)" in out
    groups = groups_of(out)
    assert groups[0] == (4, "pk poutine a signé un traité")
    assert groups[1] == (2, KIM[0])
    assert sorted(groups[2:]) == [(1, SINGLES[1]), (1, SINGLES[0])]
    first = out.split(" 2. ")[0]
    for example in TREATY[1:]:
        assert example in first
    assert "“none of these” once" in first
    assert re.search(r"closest entry now: [a-z0-9-]+ \(score|no FAQ entry comes close", first)
    assert kb.entries[0].question not in out


def test_min_count_hides_small_groups(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(home, kb)
    log_questions(home / "var" / "q.sqlite3", matcher, [*TREATY, *SINGLES, *KIM])
    status, out, _ = run(capsys, "--config", config, "unanswered", "--min-count", "2")
    assert status == 0
    assert [count for count, _ in groups_of(out)] == [4, 2]
    assert SINGLES[0] not in out
    status, out, _ = run(capsys, "--config", config, "unanswered", "--min-count", "5")
    assert status == 0
    assert "none asked 5 times or more" in out


def test_since_keeps_recent_questions(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(home, kb)
    path = home / "var" / "q.sqlite3"
    log_questions(path, matcher, TREATY, at=datetime(2024, 6, 1, 9, tzinfo=UTC))
    log_questions(path, matcher, KIM, at=datetime(2024, 6, 20, 23, 59, tzinfo=UTC))
    status, out, _ = run(capsys, "--config", config, "unanswered", "--since", "2024-06-20")
    assert status == 0
    assert groups_of(out) == [(2, KIM[0])]
    assert "since 2024-06-20" in out
    status, out, _ = run(capsys, "--config", config, "unanswered", "--since", "2024-06-21")
    assert status == 0
    assert out.strip() == "No unanswered questions logged since 2024-06-21 (log: var/q.sqlite3)."


@pytest.mark.parametrize("command", ["unanswered", "stats"])
@pytest.mark.parametrize("date", ["20/06/2024", "2024-13-01", "yesterday"])
def test_a_bad_date_is_refused(
    home: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str], command: str, date: str
) -> None:
    status, out, err = run(capsys, "--config", write_config(home, kb), command, "--since", date)
    assert status == 2
    assert "YYYY-MM-DD" in err
    assert date in err
    assert not out


def test_yaml_skeletons_parse_and_hold_the_group(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(home, kb)
    nasty = ["âge de Kim Jong-un\u2028\ufffe ?", 'a "b": # c\x85- d: [e']
    log_questions(home / "var" / "q.sqlite3", matcher, [*TREATY, *SINGLES, *KIM, *nasty])
    status, out, err = run(capsys, "--config", config, "unanswered", "--format", "yaml")
    assert status == 0, err
    entries = yaml.safe_load(out)
    assert isinstance(entries, list)
    assert len(entries) == 5
    for entry in entries:
        assert set(entry) == {"id", "question", "variants", "answer", "sources"}
        assert ID.match(entry["id"]), entry["id"]
        assert entry["id"] not in kb.by_id
        assert isinstance(entry["question"], str)
        assert entry["question"]
        assert isinstance(entry["variants"], list)
        assert entry["answer"] == ""
        assert entry["sources"] == []
    assert len({e["id"] for e in entries}) == len(entries)
    treaty = entries[0]
    assert treaty["id"] == "pk-poutine-a-signe-un-traite"
    assert treaty["question"] == "pk poutine a signé un traité"
    # "poutine a signe quel traite ?" has the same words as the question: not repeated.
    assert treaty["variants"] == ["quel traité ont-ils signé ?"]
    assert "  #   poutine a signe quel traite ?\n" in out  # kept as a comment
    kim = entries[1]
    assert kim["question"] == KIM[0]
    assert kim["variants"] == [KIM[1]]
    assert "  #   âge de Kim Jong-un ? ?\n" in out  # same words as the question
    assert 'a "b": # c - d: [e' in {e["question"] for e in entries}  # on one line
    assert "# TODO: à rédiger à partir de l’article" in out


def test_followups_are_shown_with_the_answer_they_followed(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    """Questions read as follow-ups to one entry's answer: `unanswered` says so, and
    `--format yaml` proposes a named follow-up under that entry (comments), not a new
    entry; the output stays valid YAML."""
    config = write_config(home, kb)
    entry = kb.entries[0]
    question_log = QuestionLog(home / "var" / "q.sqlite3")
    for text in ["et en vrai alors ?", "et en vrai alors ?", "et en vrai alors"]:
        question_log.record_question(not_answered(matcher, text), channel="chat", after=entry.id)
    for text in TREATY:
        question_log.record_question(not_answered(matcher, text), channel="chat")
    question_log.close()
    status, out, err = run(capsys, "--config", config, "unanswered")
    assert status == 0, err
    assert f"read as a follow-up to {entry.id} 3 times" in out
    assert f"a follow-up to {entry.id}'s answer: if it means another entry there" in out
    assert out.count("read as a follow-up") == 1  # not the treaty's group
    status, out, err = run(capsys, "--config", config, "unanswered", "--format", "yaml")
    assert status == 0, err
    entries = yaml.safe_load(out)
    assert [e["question"] for e in entries] == [TREATY[0]]  # no skeleton for the follow-ups
    assert f"# asked 3 times; read as a follow-up to {entry.id} 3 times:" in out
    assert f"# {entry.id} (" in out
    assert f"{Path(entry.file).name}:{entry.line}):" in out
    assert '#     TODO-the-entry-it-means: ["et en vrai alors ?"' in out


def test_a_version_3_log_is_read_without_follow_ups(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    """A log written before follow-ups were logged (schema 3, no `after_entry`) is still
    read by `unanswered`, which never upgrades a file."""
    from bot.conversation.questionlog import _MIGRATIONS

    path = home / "var" / "q.sqlite3"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as connection:
        for step in _MIGRATIONS[:3]:
            for statement in step:
                connection.execute(statement)
        connection.execute("PRAGMA user_version = 3")
        connection.execute(
            "INSERT INTO questions (asked_at, channel, question, status, entry_id, score) "
            "VALUES ('2024-06-19T10:00:00.000000Z', 'chat', 'et en vrai ?', 'unknown', NULL, 0)"
        )
    [row] = QuestionLog(path).unanswered()
    assert (row.question, row.after) == ("et en vrai ?", None)
    status, out, err = run(capsys, "--config", write_config(home, kb), "unanswered")
    assert status == 0, err
    assert "et en vrai ?" in out
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 3


def test_no_log_yet_is_a_friendly_line(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(home, kb)
    status, out, _ = run(capsys, "--config", config, "unanswered")
    assert (status, out) == (0, "No unanswered questions logged yet (log: var/q.sqlite3).\n")
    status, out, _ = run(capsys, "--config", config, "unanswered", "--format", "yaml")
    assert status == 0
    assert yaml.safe_load(out) is None  # a comment: still valid YAML
    status, out, _ = run(capsys, "--config", config, "stats")
    assert (status, out) == (0, "No questions logged yet (log: var/q.sqlite3).\n")
    assert not (home / "var").exists()  # reading never creates the log

    answered = QuestionLog(home / "var" / "q.sqlite3")
    answered.record_question(matcher.match(kb.entries[0].question), channel="chat")
    answered.close()
    status, out, _ = run(capsys, "--config", config, "unanswered")
    assert (status, out) == (0, "No unanswered questions logged yet (log: var/q.sqlite3).\n")


@pytest.mark.parametrize("command", ["unanswered", "stats"])
def test_disabled_log_says_so(
    home: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    status, out, err = run(capsys, "--config", write_config(home, kb, None), command)
    assert status == 2
    assert "disabled" in err
    assert "FAQBOT_LOG_DB" in err
    assert not out


def test_log_from_the_environment(
    home: Path,
    kb: KnowledgeBase,
    matcher: Matcher,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = home / "elsewhere.sqlite3"
    log_questions(path, matcher, KIM)
    monkeypatch.setenv("FAQBOT_LOG_DB", str(path))
    status, out, err = run(capsys, "unanswered", "--knowledge", str(kb.path))
    assert status == 0, err
    assert groups_of(out) == [(2, KIM[0])]


def test_knowledge_option_judges_with_an_edited_faq(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(home, kb)
    log_questions(home / "var" / "q.sqlite3", matcher, KIM)
    edited = make_knowledge(
        home / "edited",
        """\
- id: age-de-kim
  question: Quel âge a Kim Jong-un ?
  variants:
    - kim jong un a quel age
    - age de kim jong un
    - il a quel age kim
    - How old is Kim Jong-un?
    - kim jong-un est né quand
  answer: L’article ne le dit pas.
  sources: ["§1"]
""",
    )
    status, out, err = run(capsys, "--config", config, "unanswered", "--knowledge", str(edited))
    assert status == 0, err
    assert "now answered by the FAQ: age-de-kim" in out
    status, out, err = run(
        capsys, "--config", config, "unanswered", "--knowledge", str(edited), "--format", "yaml"
    )
    assert status == 0, err
    assert yaml.safe_load(out) is None  # nothing left to write
    assert "Left out: 1 group(s)" in out

    broken = home / "broken"
    broken.mkdir()
    status, out, err = run(capsys, "--config", config, "unanswered", "--knowledge", str(broken))
    assert status == 1
    assert "the FAQ was not loaded" in err


# --- faqbot stats -----------------------------------------------------------------------


def test_stats_numbers(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(home, kb)
    first, second = kb.entries[0], kb.entries[1]
    question_log = QuestionLog(home / "var" / "q.sqlite3")
    for question, channel in [
        (first.question, "telegram"),
        (first.question, "telegram"),
        (first.question, "inline"),
        (second.question, "chat"),
    ]:
        decision = matcher.match(question)
        assert decision.status is Status.ANSWER
        question_log.record_question(decision, channel=channel)
    question_log.record_question(not_answered(matcher, TREATY[1]), channel="telegram")
    for question in SINGLES:
        decision = matcher.match(question)
        assert decision.status is Status.UNKNOWN
        question_log.record_question(decision, channel="telegram")
    suggested = 1 if not_answered(matcher, TREATY[1]).status is Status.SUGGEST else 0
    question_log.record_choice(TREATY[1], first.id, channel="telegram")
    question_log.record_choice("autre", None, channel="telegram")
    question_log.record_feedback(first.id, True, channel="telegram")
    question_log.record_feedback(first.id, True, channel="chat")
    question_log.record_feedback(first.id, False, channel="telegram")
    question_log.record_feedback(second.id, False, channel="telegram")
    question_log.close()

    status, out, err = run(capsys, "--config", config, "stats")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "Question log: var/q.sqlite3, all time"
    assert lines[1] == "Questions: 7 (telegram 5, inline 1, chat 1)"
    unknown = 3 - suggested
    assert re.search(r"^  answered +4 +57\.1%$", out, re.MULTILINE)
    assert re.search(rf"^  suggested +{suggested} +{100 * suggested / 7:.1f}%$", out, re.M)
    assert re.search(rf"^  unknown +{unknown} +{100 * unknown / 7:.1f}%$", out, re.M)
    assert re.search(rf"^  {first.id} +4  \(3 answered, 1 picked\)$", out, re.M)
    assert re.search(rf"^  {second.id} +1  \(1 answered, 0 picked\)$", out, re.M)
    assert re.search(rf"^  {first.id} +👍 +2  👎 +1$", out, re.M)
    assert re.search(rf"^  {second.id} +👍 +0  👎 +1$", out, re.M)
    assert "Choices among suggestions: 2" in out
    assert re.search(r"^  none of these +1$", out, re.M)
    assert re.search(rf"^  {first.id} +1$", out, re.M)


def test_stats_since(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(home, kb)
    path = home / "var" / "q.sqlite3"
    log_questions(path, matcher, SINGLES, at=datetime(2024, 6, 1, tzinfo=UTC))
    log_questions(path, matcher, KIM, at=datetime(2024, 6, 25, tzinfo=UTC))
    status, out, _ = run(capsys, "--config", config, "stats", "--since", "2024-06-19")
    assert status == 0
    assert "since 2024-06-19 (UTC)" in out
    assert "Questions: 2 (telegram 2)" in out
    status, out, _ = run(capsys, "--config", config, "stats", "--since", "2024-07-01")
    assert (status, out) == (0, "No questions logged since 2024-07-01 (log: var/q.sqlite3).\n")


@pytest.mark.parametrize("command", ["unanswered", "stats"])
def test_unreadable_log_is_an_error_with_the_path(
    home: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    config = write_config(home, kb)
    (home / "var").mkdir()
    (home / "var" / "q.sqlite3").write_bytes(b"garbage, not SQLite" * 200)
    status, out, err = run(capsys, "--config", config, command)
    assert status == 1
    assert "var/q.sqlite3" in err
    assert not out


def test_what_users_typed_cannot_reach_the_terminal_raw(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(home, kb)
    path = home / "var" / "q.sqlite3"
    log_questions(path, matcher, ["horoscope\x1b[2J\x1b]0;pwned\x07 balance\nsur deux lignes"])
    question_log = QuestionLog(path)
    question_log.record_feedback("fake\x1b[31m-id", True, channel="telegram")
    question_log.close()
    for command in ("unanswered", "stats"):
        status, out, _ = run(capsys, "--config", config, command)
        assert status == 0
        assert "\x1b" not in out
        assert "\x07" not in out
    status, out, _ = run(capsys, "--config", config, "unanswered")
    assert "horoscope?[2J?]0;pwned? balance sur deux lignes" in out


def test_word_weights_follow_rarity_in_the_faq(kb: KnowledgeBase) -> None:
    normalizer = kb.normalizer()
    df: Counter[str] = Counter()
    for entry in kb.entries:
        df.update({t for p in entry.phrasings for t in normalizer.analyse(p).tokens})
    weight = word_weights(kb)
    by_rarity = sorted(df, key=lambda w: -df[w])  # most common first
    weights = [weight(w) for w in by_rarity]
    assert weights == sorted(weights)
    assert weight(by_rarity[0]) < weight("tartiflette")
    if len(kb.entries) >= 10:  # the bundled FAQ: a word of one entry says the most
        assert weight("tartiflette") < weight(by_rarity[-1])


def test_stats_shows_rows_the_bot_could_not_log(
    home: Path, kb: KnowledgeBase, matcher: Matcher, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lock held past the retry queue's room loses rows: counted, and `stats` says so."""
    config = write_config(home, kb)
    path = home / "var" / "q.sqlite3"
    question = kb.entries[0].question
    question_log = QuestionLog(path, busy_timeout=0.05, max_pending=3)
    try:
        question_log.record_question(matcher.match(question), channel="telegram")
        assert question_log.flush()
        status, out, _ = run(capsys, "--config", config, "stats")
        assert status == 0
        assert "Not logged" not in out
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            for _ in range(10):
                question_log.record_question(matcher.match(question), channel="telegram")
                assert question_log.flush()  # tried: 3 kept for a retry, the rest lost
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert question_log.lost == 7
        assert question_log.flush()  # the retry writes the 3 rows and the count of 7
    finally:
        question_log.close()
    status, out, err = run(capsys, "--config", config, "stats")
    assert status == 0, err
    assert "Questions: 4 (telegram 4)" in out
    assert "Not logged: 7 row(s)" in out
    assert "undercount" in out
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    status, out, err = run(capsys, "--config", config, "stats", "--since", tomorrow)
    assert "Not logged" not in out


def test_small_talk_is_logged_apart_and_never_unanswered(
    home: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.understanding.pipeline import Understander

    config = write_config(home, kb)
    understander = Understander.build(kb, Matcher(kb))
    question_log = QuestionLog(home / "var" / "q.sqlite3")
    for text in ("bonjour", "merci !", "ok", "t'es nul", *SINGLES):
        for decision in understander.understand(text):
            question_log.record_question(decision, channel="chat")
    question_log.close()
    status, out, err = run(capsys, "--config", config, "unanswered")
    assert status == 0, err
    for text in ("bonjour", "merci", "t'es nul"):
        assert text not in out
    assert SINGLES[0] in out
    status, out, err = run(capsys, "--config", config, "stats")
    assert status == 0, err
    assert f"Questions: {len(SINGLES)}" in out
    assert "Small talk (greetings, thanks…; not counted above): 4" in out
