"""`faqbot chat`: the conversation in a terminal, no token needed.

It says exactly what the Telegram bot says (the texts come from `bot.conversation.replies`, the
understanding from `bot.understanding.pipeline`), shown as plain text. Buttons become numbered
choices: typing `1`, `2` or `3` picks one. The commands /start, /aide, /questions and
/sources work too. Like a Telegram chat, it remembers its last answer for ten minutes,
so "et pourquoi ?" is read as a follow-up. When standard input is not a terminal
(`echo "question" | faqbot chat`), it answers each line without prompts. Ctrl-D or
Ctrl-C end the conversation cleanly.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from bot.conversation import replies
from bot.conversation.questionlog import QuestionLog
from bot.conversation.replies import Reply
from bot.knowledge.base import KnowledgeBase
from bot.understanding.matching import Status
from bot.understanding.pipeline import Context, Understander

__all__ = ["Chat", "run_chat"]

_CHANNEL = "chat"


class Chat:
    """One terminal conversation: turns each line typed into a reply."""

    def __init__(
        self,
        kb: KnowledgeBase,
        understander: Understander,
        log: QuestionLog,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.kb = kb
        self.understander = understander
        self.log = log
        self.clock = clock
        self._choices: list[str] = []  # callback data of the last reply's buttons
        self._last_question = ""
        self._answered: tuple[str, str] | None = None  # (question, entry) of the last answer
        self._context: Context | None = None  # the last answer, for follow-ups

    def _button(self, data: str) -> Reply | None:
        """What pressing a button does (same callback data as on Telegram)."""
        press = replies.parse_callback(data)
        entry = self.kb.by_id.get(press.entry_id)
        if press.kind == "a" and entry is not None:
            if self._last_question:
                self.log.record_choice(self._last_question, entry.id, channel=_CHANNEL)
                self._answered = (self._last_question, entry.id)
                self._last_question = ""
            elif self._answered is not None:
                if self._answered[1] != entry.id:  # a follow-up under an answer
                    question, shown = self._answered
                    self.log.record_followup(question, shown, entry.id, channel=_CHANNEL)
                self._answered = None
            self._context = Context(entry.id, entry.question, self.clock())
            return replies.answer(entry, self.kb)
        if press.kind == "p":
            return replies.questions_page(self.kb, press.page)
        if press.kind == "n":
            if self._last_question:
                self.log.record_choice(self._last_question, None, channel=_CHANNEL)
                self._last_question = ""
            return replies.none_of_these()
        if press.kind == "f" and entry is not None:
            asked = self._answered
            voted = asked[0] if asked is not None and asked[1] == entry.id else None
            self.log.record_feedback(entry.id, press.good, channel=_CHANNEL, question=voted)
            return Reply(replies.feedback_thanks(press.good).text)
        return None

    def respond(self, line: str) -> Reply | None:
        """The reply to one line typed by the user (None: nothing to say)."""
        text = line.strip()
        if not text:
            return None
        if text.isdigit() and 1 <= int(text) <= len(self._choices):
            return self._button(self._choices[int(text) - 1])
        command = text.split()[0].lower() if text.startswith("/") else ""
        if command == "/start":
            return replies.welcome(self.kb)
        if command in ("/aide", "/help"):
            return replies.help_text()
        if command == "/questions":
            return replies.questions_page(self.kb, 1)
        if command == "/sources":
            return replies.sources(self.kb)
        if len(text) > replies.MAX_QUESTION_CHARS:
            return replies.too_long(len(text))
        now = self.clock()
        previous = self._context
        decisions = self.understander.understand(text, context=previous, now=now)
        self._answered = None
        for decision in decisions:
            after = previous.entry_id if previous is not None and decision.context else None
            self.log.record_question(decision, channel=_CHANNEL, after=after)
            if decision.status is Status.ANSWER and decision.entry is not None:
                self._context = Context(decision.entry.id, decision.question, now)
                # The question a 👍/👎 or a related question picked next is about.
                self._answered = (decision.question, decision.entry.id)
        last = decisions[-1]
        self._last_question = last.question if last.status is Status.SUGGEST else ""
        return replies.merge([replies.decision_reply(d, self.kb) for d in decisions])

    def render(self, reply: Reply) -> str:
        """The reply as terminal text, buttons numbered (and remembered for `1`, `2`…)."""
        self._choices = [b.data for row in reply.buttons for b in row if b.data and b.data != "x"]
        lines = [reply.plain]
        number = 0
        for row in reply.buttons:
            for button in row:
                if button.data and button.data != "x":
                    number += 1
                    lines.append(f"  {number}. {button.text}")
        return "\n".join(lines)


def run_chat(
    kb: KnowledgeBase,
    understander: Understander,
    log: QuestionLog,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run the conversation until end of input; returns the exit status."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    chat = Chat(kb, understander, log)

    def show(reply: Reply | None) -> None:
        if reply is not None:
            print(chat.render(reply), end="\n\n", file=stdout, flush=True)

    if interactive:
        show(replies.welcome(kb))
        print(
            "(Tapez votre question ; un numéro pour choisir ; Ctrl-D pour quitter.)\n", file=stdout
        )
    try:
        while True:
            if interactive:
                print("vous › ", end="", file=stdout, flush=True)
            line = stdin.readline()
            if not line:
                break
            show(chat.respond(line))
    except KeyboardInterrupt:
        pass
    finally:
        log.close()
    if interactive:
        print("\nAu revoir !", file=stdout)
    return 0
