"""`faqbot chat`: the terminal conversation, piped and interactive."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.conversation.questionlog import QuestionLog
from bot.knowledge.base import KnowledgeBase
from bot.maintainers.chat import Chat, run_chat
from bot.understanding.matching import Matcher
from bot.understanding.pipeline import Understander


def pipeline(kb: KnowledgeBase) -> Understander:
    return Understander.build(kb, Matcher(kb))


def faqbot(
    *args: str, stdin: str, tmp_path: Path, command: str = "chat", json: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FAQBOT_LOG_DB": str(tmp_path / "log.sqlite3")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", command, *(["--json"] if json else []), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=60,
    )


def test_piped_question_gets_the_answer_with_its_source(tmp_path: Path) -> None:
    result = faqbot(stdin="7000 conteneurs\n", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "§11" in result.stdout
    assert (
        "Source\u202f: Le Grand Continent (https://legrandcontinent.eu/fr/?p=234028)"
        in result.stdout
    )
    assert "vous ›" not in result.stdout  # no prompt when piped
    assert "<b>" not in result.stdout
    assert "&amp;" not in result.stdout


def test_unknown_question_is_politely_declined(tmp_path: Path) -> None:
    result = faqbot(stdin="Quelle est la recette des crêpes ?\n", tmp_path=tmp_path)
    assert "l’article ne dit rien" in result.stdout
    assert "1. 📚 Toutes les questions" in result.stdout


def test_typing_a_number_picks_a_suggestion_and_is_logged(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    log = QuestionLog(tmp_path / "log.sqlite3")
    chat = Chat(kb, pipeline(kb), log)
    reply = chat.respond("obus")
    assert reply is not None
    shown = chat.render(reply)
    assert "Vouliez-vous dire" in shown
    assert "  1. " in shown
    assert "Aucune de ces questions" in shown
    first = reply.buttons[0][0]
    answer = chat.respond("1")
    assert answer is not None
    assert kb.by_id[first.data.split(":")[1]].answer.split()[0] in answer.plain  # type: ignore[union-attr]
    log.close()
    with sqlite3.connect(tmp_path / "log.sqlite3") as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        assert tables
        dump = "\n".join(db.iterdump())
    assert "obus" in dump


def test_commands_work_in_the_terminal(kb: KnowledgeBase) -> None:
    chat = Chat(kb, pipeline(kb), QuestionLog(None))
    for command, needle in [
        ("/start", "Bonjour"),
        ("/aide", "Commandes"),
        ("/questions", "page 1/"),
        ("/sources", "note 4"),
    ]:
        reply = chat.respond(command)
        assert reply is not None
        assert needle in chat.render(reply)
    assert chat.respond("   ") is None


def test_number_without_choices_gets_a_short_help(kb: KnowledgeBase) -> None:
    """A bare number with no choices on screen is no question: small talk (nonsense)
    answers it with a short help and the list of questions, never an FAQ answer."""
    chat = Chat(kb, pipeline(kb), QuestionLog(None))
    reply = chat.respond("7")
    assert reply is not None
    assert "Source" not in reply.plain
    assert [b.data for row in reply.buttons for b in row] == ["p:1"]


def test_ctrl_d_and_ctrl_c_exit_cleanly(kb: KnowledgeBase) -> None:
    out = io.StringIO()
    assert (
        run_chat(
            kb,
            pipeline(kb),
            QuestionLog(None),
            stdin=io.StringIO(""),
            stdout=out,
        )
        == 0
    )

    class Interrupting(io.StringIO):
        def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
            raise KeyboardInterrupt

    assert (
        run_chat(
            kb,
            pipeline(kb),
            QuestionLog(None),
            stdin=Interrupting(),
            stdout=out,
        )
        == 0
    )


def test_interactive_mode_greets_and_prompts(kb: KnowledgeBase) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = io.StringIO()
    run_chat(
        kb,
        pipeline(kb),
        QuestionLog(None),
        stdin=Terminal("mandat cpi\n"),
        stdout=out,
    )
    text = out.getvalue()
    assert text.startswith("Bonjour")
    assert "vous › " in text
    assert "CPI" in text or "Cour pénale" in text
    assert text.rstrip().endswith("Au revoir !")


def test_long_message_is_refused_politely(tmp_path: Path) -> None:
    result = faqbot(stdin="a" * 10_000 + "\n", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "Votre message est très long (10000 caractères)" in result.stdout


def test_piped_followup_is_read_in_context(tmp_path: Path) -> None:
    result = faqbot(
        stdin="La Corée du Nord donne quoi à la Russie ?\net dans l'autre sens ?\n",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("📄 Source") == 2
    assert "Que donne la Russie à la Corée du Nord en échange" in result.stdout


def test_piped_followup_says_who_gives(tmp_path: Path) -> None:
    """ "et la Russie, elle reçoit quoi ?" after what Russia gives: what the Corée gives
    (the FAQ's `gives:`, bot/language/exchange.py)."""
    result = faqbot(
        stdin="Que donne la Russie à la Corée du Nord ?\net la Russie, elle reçoit quoi ?\n",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.split("📄 Source")[:2]
    assert "Que donne la Russie à la Corée du Nord en échange" in first
    assert "Qu’est-ce que la Corée du Nord fournit à la Russie" in second


def test_chat_remembers_context_for_ten_minutes(kb: KnowledgeBase) -> None:
    now = [1000.0]
    chat = Chat(kb, pipeline(kb), QuestionLog(None), clock=lambda: now[0])
    first = chat.respond("La Corée du Nord donne quoi à la Russie ?")
    assert first is not None
    assert kb.by_id["ce-que-donne-la-coree"].question.split()[0] in first.plain
    now[0] += 30
    second = chat.respond("et dans l'autre sens ?")
    assert second is not None
    assert second.plain.startswith(kb.by_id["ce-que-donne-la-russie"].question[:15])
    now[0] += 601
    late = chat.respond("et dans l'autre sens ?")
    assert late is not None
    assert not late.plain.startswith(kb.by_id["ce-que-donne-la-coree"].question[:15])


def test_chat_gives_the_previous_answer_again_when_asked_about_it(kb: KnowledgeBase) -> None:
    """ "t'es sûr ?" right after an answer: the same answer, its lead first, as on
    Telegram; later than ten minutes, small talk (no answer to give again)."""
    now = [1000.0]
    chat = Chat(kb, pipeline(kb), QuestionLog(None), clock=lambda: now[0])
    chat.respond("Combien d'obus la Corée du Nord a-t-elle envoyés ?")
    now[0] += 30
    again = chat.respond("t'es sûr ?")
    assert again is not None
    lead, question = again.plain.splitlines()[0], again.plain.splitlines()[2]
    assert lead == "Je m’en tiens à ce que dit l’article, source à l’appui\u202f:"
    assert question == kb.by_id["nombre-obus"].question
    now[0] += 601
    late = chat.respond("t'es sûr ?")
    assert late is not None
    assert "Je m’en tiens" not in late.plain


def test_ask_json_gives_small_talk_with_its_reply(tmp_path: Path) -> None:
    result = faqbot("merci beaucoup !", stdin="", tmp_path=tmp_path, command="ask", json=True)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "smalltalk"
    assert data["smalltalk"] == "thanks"
    assert data["answer"]
    assert data["entry"] is None


def test_chat_replies_to_small_talk(kb: KnowledgeBase) -> None:
    chat = Chat(kb, pipeline(kb), QuestionLog(None))
    reply = chat.respond("bonjour")
    assert reply is not None
    assert "Source" not in reply.plain
    assert "ne dit rien" not in reply.plain
