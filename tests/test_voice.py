"""One voice: the bot speaks as « je », with French typography, everywhere (issue 10)."""

from __future__ import annotations

import re

from telegram_html import check_html
from test_replies import every_reply

from bot.conversation import replies
from bot.knowledge.base import KnowledgeBase
from bot.understanding.matching import Status
from bot.understanding.pipeline import Understander

BAD_SPACE = re.compile(r"[ \u00a0][;:!?»]|«[ \u00a0]")
"""A plain or wide no-break space where French typography wants U+202F."""
NOT_ONE_VOICE = re.compile(r"\b(?:[Nn]ous|[Nn]os|[Nn]otre|ce bot|[Cc]e robot)\b")


def visible(reply: replies.Reply) -> str:
    """What the user sees: the text without markup, and the buttons' labels."""
    labels = [b.text for row in reply.buttons for b in row]
    return "\n".join([check_html(reply.html), *labels])


def test_every_reply_has_french_typography_and_one_voice(kb: KnowledgeBase) -> None:
    questions = [e.question for e in kb.entries]  # asked in the user's voice ("ce bot")
    for name, reply in every_reply(kb):
        shown = visible(reply)
        shown = re.sub(r"https?://\S+", "", shown)  # addresses keep their colons
        for question in questions:
            shown = shown.replace(replies.typeset(question), "")
        assert not BAD_SPACE.search(shown), (name, BAD_SPACE.search(shown))
        assert not NOT_ONE_VOICE.search(shown), (name, NOT_ONE_VOICE.search(shown))


def test_small_talk_replies_have_one_voice(kb: KnowledgeBase) -> None:
    for kind in kb.smalltalk.kinds:
        for text in kind.replies:
            assert not BAD_SPACE.search(text), (kind.name, text)
            assert not NOT_ONE_VOICE.search(text), (kind.name, text)


def test_welcome_names_the_outlet_with_the_right_article(kb: KnowledgeBase) -> None:
    text = check_html(replies.welcome(kb).html)
    assert "un article du Grand Continent" in text
    assert "du Le " not in text


def test_typeset_leaves_addresses_and_times_alone() -> None:
    assert replies.typeset("Adresse : https://x.eu/?p=1 à 10:30 !") == (
        "Adresse\u202f: https://x.eu/?p=1 à 10:30\u202f!"
    )
    assert replies.typeset("« oui »") == "«\u202foui\u202f»"


def test_thanks_and_anger_get_no_shrug(understander: Understander) -> None:
    for text in ("merci beaucoup", "mrc", "t'es nul", "n'importe quoi !", "bot de merde"):
        [decision] = understander.understand(text)
        assert decision.status is Status.SMALLTALK, text
        assert "🤷" not in visible(replies.decision_reply(decision, understander.kb)), text
