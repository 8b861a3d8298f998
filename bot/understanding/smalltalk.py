"""Recognise small talk: greetings, thanks, insults, other languages, nonsense…

`SmallTalkRecogniser(kb.smalltalk, kb.normalizer(), faq_phrasings=…)` is built once per
FAQ load (it is immutable); `recognise(text)` then says whether a message is small talk
and gives the reply to send, or None when the message is (or may be) a question. No
Telegram here. See knowledge/README.md for the file it reads (knowledge/smalltalk.yaml).

Decisions (documented here because they shape what the bot says):
- A message is small talk only when ALL of it is. Its words are covered, left to
  right, by the examples of the file (as whole phrases, in any sequence), the
  `fillers` and emoji; one word that is none of these ("pourquoi", "Poutine", "quand")
  and the message goes to the FAQ. "ok merci" is small talk, "merci ! et pourquoi
  Poutine va en Corée ?" is not. One exception, decided after the FAQ (`within`): a
  longer message the FAQ finds nothing for, with a clause of small talk and no other
  clause that asks anything ("Bonsoir, je m'appelle Gérard, je suis à la retraite…",
  "t'es nul, tu comprends jamais rien") is small talk of that clause's kind.
- When the covering phrases belong to several kinds, the first kind of
  `SMALLTALK_KINDS` wins (insult, about-bot, how-are-you, goodbye, thanks, greeting,
  ack): "ok merci" is thanks, "salut ça va" how-are-you, "merci, au revoir" goodbye.
- Spelling: case, accents, both apostrophes, punctuation and repeated letters
  ("mercii", "bonjouuur") do not matter; "c'est", "c est" and "cest" are one word; a
  plural -s is dropped ("bonjours"); a word that is no real French or English word and
  no word of the FAQ is corrected to a small-talk word one typo away (two from eight
  letters): "mreci", "bonjorr". Real words are never corrected ("salue" stays "salue").
- A message the FAQ has among its phrasings (same folded words, stop words included:
  "T’es qui ?" is the FAQ's "t'es qui ?") is never small talk: the FAQ's answer is more
  useful. `faqbot check` refuses a small-talk example that is a FAQ phrasing.
- Another language: a message mostly (`script_share`) in a non-Latin script
  (Cyrillic, CJK, Hangul, Arabic…), or with at least `foreign_min_words` function words
  of one of the `foreign_words` languages making `foreign_share` of its words, is
  kind "other-language", whatever names it contains ("Почему Путин…", "Warum besucht
  Putin Nordkorea?").
- Nonsense: punctuation only ("?", "..."), bare numbers ("1", "42"), single letters,
  and words that are neither French nor English dictionary words nor FAQ words nor
  typos of FAQ words (keyboard mashing: "qsdfgh jklm"). A short real question
  ("obus ?", "CPI", "kim", "c quand") is never nonsense.
- Telegram mentions ("@faqbot merci", in groups) are not words of the message.
- The bot's opinion: a message that asks it ("tu penses quoi de Poutine ?", "tu es
  pour ou contre la Russie ?", `ASKS_OPINION`) is kind "opinion" even with names in
  it, when what it is about is a few words: I give no opinion, only what the article
  says. "Qu'est-ce que tu penses de la qualité des obus nord-coréens ?" is a question.
- Emoji alone: the kind of a single-emoji example ("👍" ack, "🙏" thanks, "😡"
  insult…); any other emoji alone is an acknowledgement. Inside a message, emoji
  that are no example are fillers.
- The reply is chosen from the kind's replies by a CRC-32 of the message's folded
  words: the same message always gets the same reply (stable tests), different
  messages get different ones.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.knowledge.base import SMALLTALK_KINDS, KnowledgeBase, SmallTalk
from bot.language.names import PROPER_NOUNS
from bot.language.normalize import Normalizer, fold, stem, surface
from bot.language.phrases import EMOJI, EMOJI_MODIFIERS, analyse_phrase, phrase_key, phrase_tokens
from bot.understanding.questions import ASKING, clauses, sentences

__all__ = ["SmallTalkMatch", "SmallTalkRecogniser", "phrase_key", "phrase_tokens"]

_REPEATS = re.compile(r"([a-z])\1+")
_ABOUT = r"(?:\s+(?:de|du|des|d'|sur|of|about|on)\s*(?:\S+\s*){1,3})?"
"""What an opinion is asked about: a name or a few words ("de Poutine", "sur cette
visite"); a longer subject ("de la qualité des obus nord-coréens") is a question. Whom
one supports, or is for or against, is an opinion however it is put."""
ASKS_OPINION = re.compile(
    r"^(?:(?:et|mais|alors|bon|ok)\s+)?(?:toi\s+)?(?:"
    rf"(?:tu|t')\s*(?:en\s+)?penses?\s+(?:quoi|koi){_ABOUT}"
    rf"|qu'est\s+ce\s+que\s+tu\s+(?:en\s+)?penses?{_ABOUT}"
    rf"|que\s+penses\s+tu{_ABOUT}"
    rf"|(?:c'est\s+quoi\s+|quel\s+est\s+)?ton\s+(?:avis|opinion){_ABOUT}"
    r"|(?:tu|t')\s*(?:es|est)\s+pour\s+ou\s+contre(?:\s+\S+){0,8}"
    r"|tu\s+soutiens(?:\s+\S+){1,8}"
    rf"|what\s+do\s+you\s+think{_ABOUT}"
    r"|do\s+you\s+support(?:\s+\S+){1,8}"
    r")(?:\s+toi)?\s*$"
)
"""A message that asks the bot's own opinion ("tu penses quoi de Poutine ?", "tu
soutiens la Russie ?", "what do you think of Putin?"), on the folded text: kind
"opinion", whatever it is about, since I only report what the article says. Only
French and English phrasing here; the names are any."""
THANKS_FOR = re.compile(
    r"^(?:(?:ok|ah|bon|super|parfait|top|genial|great)\W+)?"
    r"(?:merci|mercii+|thanks|thank\s+you|thx)\W+(?:(?:beaucoup|bien|infiniment|a\s+toi|"
    r"a\s+vous|so\s+much|a\s+lot)\W+)?(?:pour|de|d'|for)\b"
)
"""Thanks for something, said in words of one's own ("Merci pour la précision sur les
dates.", "thanks for the info about the shells"), on the folded text: thanks, when
nothing in the message asks (no "?", no question word) and it is short (`max_words`);
its other words are the thing one thanks for, not a question ("précision" is no
question about the shells' accuracy)."""
_NOT_WITHIN = frozenset({"opinion", "other-language", "nonsense"})
"""Kinds a clause of a longer message is never taken for (see `within`)."""
_SCRIPT_SAMPLE = 500
"""Characters of a message whose scripts are counted (enough to tell a language)."""
_NON_LATIN = re.compile("[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f]")
"""Any character outside the Latin scripts and general punctuation."""


def _squeeze(word: str) -> str:
    """Every run of equal letters as one letter: "bonjouur" -> "bonjour", "cool" -> "col"."""
    return _REPEATS.sub(r"\1", word)


def _script(ch: str) -> str | None:
    """The script of a non-Latin letter ("CYRILLIC", "CJK", "HANGUL"…), None if Latin."""
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code < 0x1F00:
        return None
    return unicodedata.name(ch, "UNKNOWN").split()[0]


@dataclass(frozen=True)
class SmallTalkMatch:
    """A message recognised as small talk, and what to reply."""

    kind: str
    """One of `SMALLTALK_KINDS` ("greeting", "thanks", … "other-language", "nonsense")."""
    reply: str
    """The reply to send: plain text, French, French typography (escape it for HTML)."""
    matched: tuple[str, ...]
    """What matched: the examples' phrases and fillers ("merci", "+ beaucoup"), or the
    evidence for another language ("script CYRILLIC", "allemand: warum, ist") or for
    nonsense ("no word")."""
    follow_with_help: bool = False
    """The kind asks for a way into the questions after the reply (/questions)."""


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[str, ...]
    kind: str | None
    """None for a filler."""


def _phrases(smalltalk: SmallTalk) -> list[_Phrase]:
    """The examples (but other languages', matched by script, function words and
    exactly) and the fillers, as token sequences."""
    phrases: list[_Phrase] = []
    for kind in smalltalk.kinds:
        if kind.name == "other-language":
            continue
        for example in kind.examples:
            tokens = phrase_tokens(example)
            if tokens:
                phrases.append(_Phrase(tokens, kind.name))
    for filler in smalltalk.fillers:
        tokens = phrase_tokens(filler)
        if tokens:
            phrases.append(_Phrase(tokens, None))
    return phrases


class _Lexicon:
    """Words indexed by their first and by their second letter, so that a typo is only
    compared with the words that share one of them (a typo rarely changes both)."""

    def __init__(self, words: Iterable[str]) -> None:
        self._by: dict[tuple[int, str], list[str]] = {}
        for word in sorted(set(words)):
            for position in (0, 1):
                self._by.setdefault((position, word[position]), []).append(word)

    def candidates(self, word: str) -> tuple[list[str], list[str]]:
        """The words sharing the first letter, and those sharing the second."""
        return self._by.get((0, word[0]), []), self._by.get((1, word[1]), [])

    def closest(self, word: str, max_distance: int) -> str | None:
        """A word at most `max_distance` edits away (OSA: a swap counts as one)."""
        found: list[tuple[int, str]] = []
        for words in self.candidates(word):
            best = process.extractOne(
                word, words, scorer=OSA.distance, processor=None, score_cutoff=max_distance
            )
            if best is not None:
                found.append((int(best[1]), best[0]))
        return min(found)[1] if found else None

    def similar(self, word: str, min_score: float) -> bool:
        """Whether a word is at least `min_score` similar (rapidfuzz ratio) to one of them."""
        return any(
            process.extractOne(
                word, words, scorer=fuzz.ratio, processor=None, score_cutoff=min_score
            )
            for words in self.candidates(word)
        )


class SmallTalkRecogniser:
    """Tells small talk from questions; build it once per FAQ load (see the module doc)."""

    def __init__(
        self,
        smalltalk: SmallTalk,
        normalizer: Normalizer,
        *,
        faq_phrasings: Iterable[str] = (),
        dictionary: Mapping[str, int] | None = None,
        max_words: int = 12,
        script_share: float = 0.5,
        foreign_min_words: int = 2,
        foreign_share: float = 0.3,
        typo_min_length: int = 4,
        long_typo_length: int = 8,
        faq_typo_score: float = 80,
    ) -> None:
        """Index the small talk.

        normalizer: the FAQ's normaliser; its synonyms' words count as real words.
        faq_phrasings: the FAQ's questions and variants; a message that is one of them
            word for word (folded, stop words included) is left to the FAQ, and their
            words are real words.
        dictionary: stems of real French and English words (default: the matcher's
            `dictionary_words()`, pyspellchecker's lists); they are never corrected.
        max_words: longer messages are never small talk (other languages aside).
        script_share: share of a message's letters in non-Latin scripts that makes it
            another language.
        foreign_min_words, foreign_share: how many function words of one foreign
            language, and which share of the message's words, make it another language.
        typo_min_length, long_typo_length: words shorter than the first are never
            corrected; from the second on, two typos are allowed instead of one.
        faq_typo_score: a word this similar (rapidfuzz ratio) to a FAQ word is a typo
            of it, not keyboard mashing.
        """
        if dictionary is None:
            from bot.understanding.matching import dictionary_words

            dictionary = dictionary_words()
        self._dictionary = dictionary
        self._max_words = max_words
        self._script_share = script_share
        self._foreign_min_words = foreign_min_words
        self._foreign_share = foreign_share
        self._typo_min_length = typo_min_length
        self._long_typo_length = long_typo_length
        self._faq_typo_score = faq_typo_score
        self._kinds = smalltalk.by_kind
        self._priority = {kind: i for i, kind in enumerate(SMALLTALK_KINDS)}

        phrases = _phrases(smalltalk)
        self._by_first: dict[str, list[_Phrase]] = {}
        for phrase in sorted(phrases, key=lambda p: -len(p.tokens)):
            self._by_first.setdefault(phrase.tokens[0], []).append(phrase)
        self._emoji_kinds = {
            p.tokens[0]: p.kind for p in phrases if len(p.tokens) == 1 and EMOJI.match(p.tokens[0])
        }
        other = smalltalk.by_kind.get("other-language")
        self._exact_other = {phrase_key(e): e for e in (other.examples if other else ())}
        self._exact_other.pop("", None)

        words = {t for p in phrases for t in p.tokens if not EMOJI.match(t)}
        self._vocabulary = frozenset(words)
        self._fillers = frozenset(
            p.tokens[0] for p in phrases if p.kind is None and len(p.tokens) == 1
        )
        squeezed: dict[str, str] = {}
        for word in sorted(words):
            short = _squeeze(word)
            if len(short) >= 3:
                squeezed.setdefault(short, word)
        self._squeezed = squeezed
        self._typo_targets = _Lexicon(w for w in words if len(w) >= typo_min_length)

        phrasings = tuple(faq_phrasings)
        self._faq_surfaces = frozenset(surface(p) for p in phrasings) - {""}
        faq_words = {w for p in self._faq_surfaces for w in p.split()}
        for word in normalizer.alias_words:
            faq_words.add(word)
        faq_words |= {stem(w) for w in faq_words}
        self._faq_words = frozenset(faq_words)
        self._faq_lexicon = _Lexicon(w for w in faq_words if len(w) >= typo_min_length)
        self._proper_nouns = frozenset(stem(fold(n)) for n in PROPER_NOUNS)

        self._foreign: dict[str, list[str]] = {}
        """Word -> the languages whose function word it is."""
        for language, foreign in smalltalk.foreign_words.items():
            for word in foreign:
                self._foreign.setdefault(word, []).append(language)

    @classmethod
    def from_knowledge(
        cls, kb: KnowledgeBase, normalizer: Normalizer | None = None
    ) -> SmallTalkRecogniser:
        """The recogniser of a loaded FAQ, with the default knobs: its small talk,
        synonyms and phrasings. Pass the matcher's normalizer to save building one."""
        phrasings = [p for e in kb.entries for p in e.phrasings]
        return cls(kb.smalltalk, normalizer or kb.normalizer(), faq_phrasings=phrasings)

    # --- words ----------------------------------------------------------------------

    def _is_real(self, word: str) -> bool:
        """A French or English dictionary word, a FAQ or small-talk word, or a known name."""
        key = stem(word)
        return (
            word in self._vocabulary
            or key in self._dictionary
            or word in self._faq_words
            or key in self._faq_words
            or key in self._proper_nouns
        )

    def _known(self, token: str) -> str | None:
        """The small-talk word a token is, without typo correction: "" when it is none
        for sure (a real word, a number), None when a typo correction may tell."""
        if token in self._vocabulary or EMOJI.match(token):
            return token
        if token.endswith("s") and token[:-1] in self._vocabulary:
            return token[:-1]
        if token.isdigit() or self._is_real(token):
            return ""  # a real word that is no small talk: never corrected
        short = _squeeze(token)
        found = short if short in self._vocabulary else self._squeezed.get(short)
        if found is None and short.endswith("s"):
            found = self._squeezed.get(short[:-1])
        if found is None and len(token) < self._typo_min_length:
            return ""
        return found

    def _corrected(self, token: str) -> str | None:
        """The small-talk word one typo away (two from `long_typo_length` letters)."""
        limit = 2 if len(token) >= self._long_typo_length else 1
        return self._typo_targets.closest(_squeeze(token), limit)

    # --- the kinds ------------------------------------------------------------------

    def _match_phrase(self, tokens: list[str], start: int, phrase: tuple[str, ...]) -> int | None:
        """Where `phrase` ends if it starts at `start`; one-word fillers may come between
        its words ("t'es VRAIMENT nul")."""
        j = start
        for k, word in enumerate(phrase):
            while j < len(tokens) and tokens[j] != word and k > 0 and tokens[j] in self._fillers:
                j += 1
            if j >= len(tokens) or tokens[j] != word:
                return None
            j += 1
        return j

    def _steps(self, canonical: list[str], i: int) -> list[tuple[int, int, str]]:
        """The phrases that can start at token i: (end, kind priority, label)."""
        none = len(self._priority)
        steps: list[tuple[int, int, str]] = []
        token = canonical[i]
        for phrase in self._by_first.get(token, ()):
            end = self._match_phrase(canonical, i, phrase.tokens)
            if end is not None:
                label = " ".join(phrase.tokens)
                if phrase.kind is None:
                    steps.append((end, none, "+ " + label))
                else:
                    steps.append((end, self._priority[phrase.kind], label))
        if EMOJI.match(token):
            kind = self._emoji_kinds.get(token)
            priority = self._priority[kind] if kind is not None else none
            steps.append((i + 1, priority, token if kind else "+ " + token))
        return steps

    def _cover(
        self, tokens: tuple[str, ...], words: list[str]
    ) -> tuple[str, tuple[str, ...]] | None:
        """The winning kind and the phrases that cover all the tokens, if they can."""
        if not tokens or len(words) > self._max_words:
            return None
        # Cheap lookups first: one real word that is no small talk ends it, before any
        # typo is looked for.
        known = [self._known(token) for token in tokens]
        if "" in known:
            return None
        canonical: list[str] = []
        for token, word in zip(tokens, known, strict=True):
            found = word if word is not None else self._corrected(token)
            if found is None:
                return None
            canonical.append(found)
        n = len(canonical)
        none = len(self._priority)
        # best[i]: (priority of the best kind so far, `none` for no kind; the phrases used)
        best: list[tuple[int, tuple[str, ...]] | None] = [None] * (n + 1)
        best[0] = (none, ())
        for i in range(n):
            state = best[i]
            if state is None:
                continue
            for end, priority, label in self._steps(canonical, i):
                candidate = (min(state[0], priority), (*state[1], label))
                current = best[end]
                if current is None or candidate[0] < current[0]:
                    best[end] = candidate
        final = best[n]
        if final is None:
            return None
        if final[0] == none:
            if all(EMOJI.match(t) for t in canonical):
                return "ack", final[1]  # emoji alone: an acknowledgement
            return None  # only fillers ("et", "alors"): not enough to reply
        return SMALLTALK_KINDS[final[0]], final[1]

    def _other_language(self, text: str, words: list[str]) -> tuple[str, ...] | None:
        """Evidence that the message is written in neither French nor English."""
        sample = text[:_SCRIPT_SAMPLE]
        if not sample.isascii() and _NON_LATIN.search(sample):
            letters = foreign = 0
            scripts: dict[str, int] = {}
            for ch in sample:
                if ch.isalpha():
                    letters += 1
                    script = _script(ch)
                    if script is not None:
                        foreign += 1
                        scripts[script] = scripts.get(script, 0) + 1
            if letters and foreign / letters >= self._script_share:
                return (f"script {max(scripts, key=lambda s: scripts[s])}",)
        if not words:
            return None
        hits: dict[str, list[str]] = {}
        for word in words:
            for language in self._foreign.get(word, ()):
                hits.setdefault(language, []).append(word)
        if not hits:
            return None
        language, found = max(hits.items(), key=lambda item: len(item[1]))
        if len(found) >= self._foreign_min_words and len(found) / len(words) >= self._foreign_share:
            return (f"{language}: {', '.join(found)}",)
        return None

    def _nonsense(self, text: str, words: list[str]) -> tuple[str, ...] | None:
        """Evidence that the message has no word at all (see the module docstring)."""
        if not words:
            return None if EMOJI.search(EMOJI_MODIFIERS.sub("", text)) else ("no word",)
        if all(w.isdigit() for w in words):
            return ("a bare number",)
        long_words = [w for w in words if len(w) >= 2 and not w.isdigit()]
        if any(self._is_real(w) for w in long_words):
            return None
        if any(
            self._faq_lexicon.similar(w, self._faq_typo_score)
            for w in long_words
            if len(w) >= self._typo_min_length
        ):
            return None  # a typo of a FAQ word
        return ("no word",)

    def _match(self, kind: str, key: str, matched: tuple[str, ...]) -> SmallTalkMatch | None:
        found = self._kinds.get(kind)
        if found is None or not found.replies:
            return None
        reply = found.replies[zlib.crc32(key.encode("utf-8")) % len(found.replies)]
        return SmallTalkMatch(kind, reply, matched, found.follow_with_help)

    def within(self, text: str) -> SmallTalkMatch | None:
        """The small talk of a longer message whose other sentences and clauses ask
        nothing ("Bonsoir, je m'appelle Gérard, je suis ingénieur à la retraite…", "Super,
        merci ! Grâce à toi mon exposé est presque fini."), or None.

        Only for a message the FAQ found nothing for (the pipeline asks after the FAQ):
        a clause that asks something and is no small talk itself, and it is not small
        talk. The kind is the first of `SMALLTALK_KINDS` among its small-talk clauses;
        another language, nonsense and opinions are never found this way."""
        pieces = [c for sentence in sentences(text) for c in clauses(sentence)]
        if len(pieces) < 2:
            return None
        talk: list[SmallTalkMatch] = []
        for piece in pieces:
            found = self.recognise(piece)
            if found is not None and found.kind not in _NOT_WITHIN:
                talk.append(found)
            elif ASKING.search(piece):
                return None
        if not talk:
            return None
        first = min(talk, key=lambda m: self._priority[m.kind])
        key = " ".join(analyse_phrase(text)[0])
        return self._match(first.kind, key, tuple(p for m in talk for p in m.matched))

    def recognise(self, text: str) -> SmallTalkMatch | None:
        """The small talk a message is, with its reply; None for anything else."""
        text = text.strip()
        if not text:
            return None
        tokens, words = analyse_phrase(text)
        key = " ".join(tokens)
        if key in self._exact_other:
            return self._match("other-language", key, (self._exact_other[key],))
        foreign = self._other_language(text, words)
        if foreign is not None:
            return self._match("other-language", key or text, foreign)
        folded = fold(text)
        if ASKS_OPINION.match(folded) and " ".join(words) not in self._faq_surfaces:
            return self._match("opinion", key or folded, (folded,))
        if (
            THANKS_FOR.match(folded)
            and not ASKING.search(text)
            and len(words) <= self._max_words
            and " ".join(words) not in self._faq_surfaces
        ):
            return self._match("thanks", key or folded, (folded,))
        covered = self._cover(tokens, words)
        nonsense = None if covered is not None else self._nonsense(text, words)
        if covered is None and nonsense is None:
            return None
        if " ".join(words) in self._faq_surfaces:
            return None  # the FAQ has this very phrasing ("t'es qui ?")
        if covered is not None:
            return self._match(covered[0], key, covered[1])
        assert nonsense is not None
        return self._match("nonsense", key or text, nonsense)
