"""What the running bot knows, kept in `application.bot_data` behind one typed accessor.

The FAQ and the pipeline built from it (bot/understanding/pipeline.py) always travel together in
one frozen `Knowledge` object. Handlers read it once per update (`knowledge(context)`) and
use that snapshot to
the end, so a reload (issue 5: `set_knowledge(application.bot_data, new)`) swaps both at
once, atomically, and never mixes an old FAQ with a new matcher within one reply.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from telegram.ext import CallbackContext

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.config import MatchingConfig
from bot.understanding.matching import Matcher
from bot.understanding.pipeline import Understander

__all__ = ["Knowledge", "get_knowledge", "knowledge", "set_knowledge"]

_KEY = "faqbot.knowledge"


@dataclass(frozen=True)
class Knowledge:
    """A FAQ and the pipeline built from it (matcher, classifier), replaced together."""

    kb: KnowledgeBase
    understander: Understander

    @property
    def matcher(self) -> Matcher:
        """The lexical matcher of the pipeline."""
        return self.understander.matcher

    @classmethod
    def build(cls, kb: KnowledgeBase, matching: MatchingConfig) -> Knowledge:
        """Index `kb` with the thresholds of `matching` and train the second opinion."""
        return cls(kb, Understander.build(kb, Matcher.from_config(kb, matching)))


def set_knowledge(bot_data: MutableMapping[Any, Any], value: Knowledge) -> None:
    """Install (or atomically replace) the knowledge that handlers will use next."""
    bot_data[_KEY] = value


def get_knowledge(bot_data: MutableMapping[Any, Any]) -> Knowledge:
    """The current knowledge; raises if `build_application` did not install one."""
    value = bot_data.get(_KEY)
    if not isinstance(value, Knowledge):
        raise RuntimeError("no Knowledge in bot_data: build the app with build_application()")
    return value


def knowledge(context: CallbackContext[Any, Any, Any, Any]) -> Knowledge:
    """The current knowledge, from a handler's context (read it once per update)."""
    return get_knowledge(context.bot_data)
