"""Small talk's tokens: how the small-talk recogniser and its loader cut a message.

Lives in the language layer because both `bot.knowledge` (the loader compares examples
with `phrase_key`) and `bot.understanding.smalltalk` (the recogniser) use it.
"""

from __future__ import annotations

import re

from bot.language.normalize import fold

__all__ = ["EMOJI", "EMOJI_MODIFIERS", "analyse_phrase", "phrase_key", "phrase_tokens"]

# Emoji and pictographs (one token each); skin tones, joiners and variation selectors
# are dropped first, so "👍🏽" is "👍".
EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\u200d\ufe0e\ufe0f\u20e3]")
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u2190-\u21ff\u3030\u303d]"
)
_MENTION = re.compile(r"(?<!\w)@\w+")  # "@faqbot merci": the mention is no word
_A_PLUS = re.compile(r"(?<!\w)([aà])\s?\+")  # "a+", "à +": "à plus"
_ELIDABLE = frozenset("ctjmsnld") | {"qu"}
_VOWELS = frozenset("aeiouyh")
# As bot/language/normalize.py's surface(): elided articles and pronouns dropped, then words.
_ELISION = re.compile(
    r"\b(?:l|d|j|m|t|s|c|n|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=[a-z])", flags=re.ASCII
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_TRIPLES = re.compile(r"([a-z])\1\1+")


def analyse_phrase(text: str) -> tuple[tuple[str, ...], list[str]]:
    """The recogniser's tokens (see `phrase_tokens`) and the folded words with elisions
    removed (as `bot.language.normalize.surface` gives them), from one pass of `fold()`."""
    emoji: list[str] = []
    if "@" in text:
        text = _MENTION.sub(" ", text)
    if not text.isascii():
        text = EMOJI_MODIFIERS.sub("", text)
        emoji = EMOJI.findall(text)
    if "+" in text:
        text = _A_PLUS.sub(r"\1 plus", text)
    folded = fold(text)
    words = [w for w in _NON_WORD.split(_ELISION.sub("", folded)) if w]
    tokens: list[str] = []
    for word in _TRIPLES.sub(r"\1\1", folded.replace("'", "")).split():
        if tokens and tokens[-1] in _ELIDABLE and word[0] in _VOWELS:
            tokens[-1] += word
        else:
            tokens.append(word)
    return (*tokens, *emoji), words


def phrase_tokens(text: str) -> tuple[str, ...]:
    """The tokens the recogniser compares: folded words, then the emoji.

    Apostrophes join a word ("c'est" -> "cest"), and so does a lone elidable letter
    before a vowel ("c est" -> "cest"); "a+" is "a plus"; runs of three or more equal
    letters become two ("merciii" -> "mercii").
    """
    return analyse_phrase(text)[0]


def phrase_key(text: str) -> str:
    """Two small-talk examples with the same key are the same example ("" for punctuation)."""
    return " ".join(phrase_tokens(text))
