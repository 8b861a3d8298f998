"""How the bot reads a message: one pipeline, no Telegram here.

    understander = Understander(kb, matcher)          # built once per FAQ (and reload)
    decisions = understander.understand(text, context=previous, now=time.monotonic())

The steps, in order (`Understander.understand`):
0. **Follow-ups the FAQ names, then the previous answer.** Right after an answer, a
   message that is one of that entry's `followups:` ("et en vrai ?" after the official
   programme) gets the entry they lead to (`Understander._named_followup`). A message
   that asks about that answer itself ("c'est-à-dire ?", "tu peux développer ?", "t'es
   sûr ?", "selon qui ?") gets it again, with a lead saying why (`Understander._again`).
   A follow-up among sentences that ask nothing ("D'accord, merci. Et c'était à cause
   de quoi ?") is read as its one sentence that asks (`Understander._conversation_first`).
1. **Small talk.** A message that is small talk *as a whole* ("bonjour", "merci !",
   "t'es nul", "42", a question in German) gets status `smalltalk` and a reply from
   knowledge/smalltalk.yaml. "merci ! et pourquoi Poutine va en Corée ?" is a question.
2. **Follow-ups.** When the chat's previous answer is fresh (`CONTEXT_SECONDS`) and the
   message is elliptic ("et pourquoi ?", "c'était quand ?", "par qui ?", "et dans
   l'autre sens ?"), it is read together with the previous question: their words are
   pooled, the new question word wins, and "dans l'autre sens" swaps the direction.
   The result is then checked against the conversation (`Understander._in_context`):
   the previous answer again only for a reason, else the entries related to it; and
   not when the message on its own clearly asks for a related entry
   (`Understander._not_the_same_again`). A message that is a whole question on its
   own is read on its own.
3. **Long and multi-question messages.** A message of several sentences is also read
   sentence by sentence: a preamble ("Un pote m'a dit que…") does not drown its
   question, and a message that asks two things gets both answers (at most
   `MAX_ANSWERS`).
4. **Matching with a second opinion.** The lexical matcher (bot/understanding/matching.py) decides;
   the classifier (bot/understanding/classifier.py) gives its opinion, and `combine` settles it:
   an answer the classifier strongly disagrees with is held back (suggestions instead),
   unless the question says a direction the classifier cannot see ("à la Russie"), and
   a hesitation on which both agree becomes an answer.

5. **Who gives.** An answer with one of two mirrored entries (the FAQ's `gives:`, such
   as what the Corée gives and what the Russie gives) is turned to the other when the
   message says the other side gives (bot/language/exchange.py): "et la Russie, elle
   reçoit quoi ?"; a hesitation offers that entry first. The bag of words above cannot
   see it.
6. **Small talk after all.** A longer message the FAQ finds nothing for, with a clause
   of small talk and no other clause that asks anything ("Bonsoir, je m'appelle
   Gérard, je suis à la retraite…", "t'es nul, tu comprends jamais rien") gets that
   clause's small talk (`SmallTalkRecogniser.within`).
7. **What a message sets aside.** "et à part ça, elle y gagne quoi ?" is not answered
   with the previous answer again, nor "et à part les chars ?" with no previous answer
   with the entry about tanks: both are offered instead (`_not_what_it_sets_aside`).

The result is one `Decision` per question found in the message (usually one). The
callers (the terminal chat, Telegram, `faqbot ask`) turn decisions into replies with
bot/conversation/replies.py and remember the last answer as the next message's context.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from bot.knowledge.base import Entry, KnowledgeBase
from bot.language.exchange import ExchangeReader
from bot.language.names import PROPER_NOUNS
from bot.language.normalize import (
    QUESTION_PHRASE_WORDS,
    Analysis,
    answers_kind,
    asks_about_now,
    asks_after,
    asks_which_note,
    fold,
    surface,
    time_asked,
    time_shift,
)
from bot.understanding.classifier import Opinion, SecondOpinion
from bot.understanding.combination import (
    BOTH_AGREE,
    HELD_BACK,
    Combination,
    answered_with,
    combine,
    train_second_opinion,
)
from bot.understanding.matching import (
    MIN_INFORMATION,
    Candidate,
    Decision,
    Matcher,
    Status,
    rarity,
)
from bot.understanding.questions import (
    ASKING,
    checks_claim,
    questions_in,
    sentences,
    statements,
)
from bot.understanding.smalltalk import SmallTalkMatch, SmallTalkRecogniser

__all__ = [
    "ABOUT_THE_BOT",
    "ABOUT_THE_NOTES",
    "ABOUT_THE_PAST",
    "CONTEXT_SECONDS",
    "Context",
    "Understander",
    "asks_again",
    "is_elliptic",
]

ABOUT_SHARE = 0.3
ABOUT_RATIO = 3.0
"""A related entry is about a follow-up's new words when at least `ABOUT_SHARE` of its
phrasings have them, and `ABOUT_RATIO` times the share of the previous entry's."""
TIME_SHARE = 0.1
"""An entry is about the present (or the past) when this share of its phrasings say so."""
COVERS_BOTH = 0.6
"""Two answers to one message are one entry's answer instead when that entry's answer
has this share of their content words together, and more words than either
(`Understander._covering`). On the tunable sets (session 19): 8 more right answers, 8
wrong fewer ("Quel média a publié l'article ? Et à quelles dates a eu lieu la visite ?"
gets the article's reference; "où après 2014, et aujourd'hui ?" the change in Putin's
travels). At 0.55 with the lower share of the two, "the front, and the shells" became
the real purpose of the visit: 6 wrong more."""
FULLER_COVERAGE = 0.85
"""A related entry answers "tu peux développer ?", "c'est tout ?" better than the previous
answer again when its answer has at least this share of the previous answer's content
words, and more (`Understander._fuller`): "the deal as a whole" after "what Russia
gives". On the seventeen tunable sets: 3 more right answers and 3 fewer wrong ones (at
0.5, one more of each, through looser pairs such as the countries Putin can visit and
the CPI warrant)."""
NEW_WORD_RARITY = 0.5
"""A follow-up's word the previous answer's entry never uses keeps the pooled reading
from answering with it if some other entry uses it, or if it is at least this rare
(`rarity`: 0.5 is about as common as "plupart"). On the twelve tunable sets, when it
came: with 0 (every word counted, as before) 2,446 right and 75 wrong; with 0.5, 2,457
and 75."""
LIGHT_WORD_RARITY = 0.4
"""A follow-up's word more common than this (`rarity`) brings nothing new ("autre")."""
KINDS_IN_CONTEXT = frozenset({"quand", "combien", "qui", "ou", "pourquoi"})
"""Question words that pick, among related entries, the one answering that kind."""
CONTEXT_SECONDS = 600.0
"""How long a chat's last answer serves as context for a follow-up (ten minutes)."""
MAX_ANSWERS = 2
"""At most this many answers to one message (two questions in one message)."""
SURE_ALONE = 95.0
"""A follow-up read on its own and answered this surely with an entry related to the
previous answer is that entry's question, even if read in context it hesitates."""
RELATED_SURE = 0.9
"""An answer held back by the classifier for an entry related to it goes to that entry
when the classifier is this sure of it (`_held_for_related`; session 16: two right
answers more on the thirty-eight tunable sets, nothing else changed; at 80%, two wrong
answers more as well)."""
TURNED_CONFIDENCE = 0.3
"""A hesitation turned by who gives is answered when the classifier gives the turned
entry at least this (`_backs_turned`)."""
ELLIPTIC_WORDS = 3
"""A follow-up has at most this many content words the FAQ knows."""
SHORT_FOLLOWUP = 6
"""At most this many words for "dans l'autre sens", "développer"… to mean a follow-up."""
_CONTINUATIONS = frozenset(
    {"et", "alors", "donc", "mais", "puis", "ensuite", "and", "so", "but", "what", "ok", "ah"}
)
"""First words that mark a message as leaning on the previous one ("et pourquoi ?")."""
_NOT_YES_NO = _CONTINUATIONS | {"autre", "autres", "encore", "sinon"}
"""First words of a follow-up without a question word that is not a yes/no question on
the previous answer's subject ("et lui ?", "autre chose ?")."""
_LEANS_BACK = frozenset({"et", "alors", "donc", "mais", "puis", "ensuite"})
"""First words that make a message with little content meaningless without context."""
_LEANING = _CONTINUATIONS | {"elle", "elles", "il", "ils", "ca", "cela", "donc", "pour"}
"""First words of a message that leans on the previous answer even when it has content."""
_SAID_KINDS = frozenset({"combien", "quand"})
"""Question words a follow-up's answer must answer in so many words (`answers_kind`)."""
NAMED_BY_THE_FAQ = "one the FAQ names"
"""The start of the verdict of a follow-up the FAQ names (`Understander._named_followup`)."""
NAMED_FOLLOWUP = 88.0
"""How close (rapidfuzz `ratio`, 0-100) a message must be to one of the previous
answer's `followups:` to mean its entry: typos pass ("en vrais ?"), other words do not."""
_FOLLOWUP_LEAD_INS = _CONTINUATIONS | {"bon", "oui", "ouais", "hmm", "euh", "ouai"}
"""First words left out when a message is compared with a `followups:` text ("et en vrai
?", "ok mais en vrai ?" and "en vrai ?" are the same follow-up)."""


def followup_key(text: str) -> str:
    """A message as compared with the FAQ's `followups:`: its folded words, without the
    words it opens with to lean on the previous answer ("et", "mais", "ok"…).

    >>> followup_key("Et en vrai ?")
    'en vrai'
    """
    words = fold(text).split()
    while len(words) > 1 and words[0] in _FOLLOWUP_LEAD_INS:
        words = words[1:]
    return " ".join(words)


_SETS_ASIDE = re.compile(
    r"^(?:et |mais )?(?:a part|en dehors|hormis|sauf|besides|apart from|other than)\b"
)
"""A message that starts by setting something aside: "et à part les chars ?"."""
_ONLY = re.compile(
    r"^(?:et |mais )?(?:(?:il )?(?:n')?y ?a |c'est |c'etait |ce sont |there (?:is|are) )?"
    r"(?:que|seulement|juste|uniquement|only|just) "
    r"(?:des|du|de|les|la|le|d|un|une)\b"
    rf"|{_SETS_ASIDE.pattern}"
)
"""A follow-up asking whether there is more than one thing ("que des obus ?", "juste des
obus ?", "y a que des obus ?", "c'est seulement des obus ?", "en dehors des armes ?"):
the previous answer, which gave the whole list. ("à part des obus ?" is a question of
its own: "part" is a word the FAQ knows.)"""
_ASKS_WHAT = re.compile(
    r"\b(?:quoi|koi|what|que|qu|quel|quelle|quels|quelles|lequel|laquelle|lesquels|lesquelles|"
    r"comment|how|which)\b"
)
"""Question words that ask for what an answer says, whatever it is about."""
_REVERSE = re.compile(r"\b(?:autre sens|inverse|l'inverse|reciproque|other way|vice versa)\b")
_MORE_WORDS = (
    r"developper|developpe|developpez|detaille|detailler|details?|precise|preciser|precisez|"
    r"en dire plus|c'est a dire|tell me more|more details?|explain"
)
"""Asking for more: found anywhere in a follow-up (`_MORE`: "tu peux développer sur
les obus ?" is elliptic, and offers the related entries when nothing answers better),
or as the whole message (`_AGAIN`'s "more": the previous answer again)."""
_MORE = re.compile(rf"\b(?:{_MORE_WORDS})\b")

_COMES = r"(?:vient|viennent|sort|sortent|provient|proviennent)"
_THAT = (
    r"(?:ca|cela|cette (?:info|information|affirmation|citation|estimation|idee|phrase)|"
    r"ce (?:chiffre|passage|nombre)|ces (?:chiffres|infos|informations)|l'info|l'information)"
)
"""Where "that" comes from ("d'où sort cette info ?", "ça vient d'où, cette affirmation
?"): a request for the previous answer's source."""
_POLITE = r"(?: stp| svp| s'il te plait| s'il vous plait| please| un peu| plus| mieux| moi)*"
_AGAIN = {
    "more": re.compile(
        rf"(?:(?:et|mais|ah|ok|euh|hmm|donc|oui|bon) )*(?:{_MORE_WORDS}|c a d|cad|"
        r"ca veut dire quoi|ca veut dire|genre|genre quoi|comment ca|explique|expliques|"
        r"expliquez|(?:tu peux|vous pouvez|tu pourrais|vous pourriez|peux tu|pouvez vous) "
        rf"(?:m'|me |nous )?(?:expliquer|{_MORE_WORDS})|plus de details|dis m'en plus|"
        r"dites m'en plus|what do you mean|meaning|c'est tout|c tout|rien d'autre|"
        r"rien de plus|that's all|is that all)" + _POLITE
    ),
    "check": re.compile(
        r"(?:(?:et|mais|ah|ok|euh|hmm|donc|oui|bon) )*(?:t'es sur|tu es sur|vous etes sur|sur|"
        r"t'es sur de toi|tu es sur de toi|vous etes sur de vous|t'es certain|vraiment|"
        r"ah bon|serieux|serieusement|c'est vrai|c'est sur|c'est certain|source|sources|"
        r"ta source|tes sources|votre source|vos sources|quelle source|quelles sources|"
        r"selon qui|d'apres qui|qui le dit|qui dit ca|qui a dit ca|d'ou tu sors ca|"
        r"d'ou ca vient|ca vient d'ou|tu tiens ca d'ou|are you sure|really|says who|"
        r"sure|what source|source please|who says that|who said that|who says so|"
        r"according to whom|according to who|how do you know|c'est qui qui le dit|"
        r"c'est qui qui dit ca|comment tu sais|comment tu le sais|comment tu sais ca|"
        r"d'ou ca sort|ca sort d'ou|"
        rf"d'ou (?:ca |cela )?{_COMES}(?: {_THAT})?|{_THAT} {_COMES} d'ou(?: {_THAT})?)" + _POLITE
    ),
}
"""Whole messages that ask about the previous answer itself, to explain ("c'est-à-dire
?", "tu peux développer ?") or to vouch for it ("t'es sûr ?", "selon qui ?")."""


AGAIN_COMMENT_WORDS = 5
"""At most this many words of comment after a first sentence that asks about the previous
answer ("t'es sûr ? ça paraît énorme")."""


def asks_again(text: str) -> str | None:
    """ "more" or "check" when the message asks about the previous answer itself
    (`_AGAIN`), else None: the whole message, or its first sentence followed by a short
    comment that asks nothing ("t'es sûr ? ça paraît énorme", "sérieux ? c'est
    beaucoup"); "t'es sûr ? c'était pas en 2019 ?" asks something new."""
    readings = [text]
    parts = re.split(r"(?<=[?!])\s+", text.strip(), maxsplit=1)
    if len(parts) == 2 and "?" not in parts[1] and len(parts[1].split()) <= AGAIN_COMMENT_WORDS:
        readings.append(parts[0])
    for reading in readings:
        folded = fold(reading).strip()
        for kind, pattern in _AGAIN.items():
            if pattern.fullmatch(folded):
                return kind
    return None


@dataclass(frozen=True)
class Context:
    """What a chat remembers of its last answer, for follow-ups (in memory only)."""

    entry_id: str
    question: str
    """The question as the user asked it (or the entry's question, for a button)."""
    at: float
    """When it was answered (`time.monotonic()` seconds)."""


_SEVERAL_HINT = re.compile(r"[.!?…]\s*\S|\n|\bet\b|\band\b", re.IGNORECASE)
"""What may join two questions in one message: a second sentence, a line break, "et"."""
SURE_WHOLE = 75.0
"""A one-sentence message answered whole at this score is not read part by part: its
parts would add nothing (measured when it came, in session 5: the p99 per message fell
by a sixth, and not one answer of the development sets changed)."""
ABOUT_THE_BOT = "bot"
"""The tag of FAQ entries about the bot itself (knowledge/faq/90-a-propos.yaml's
`bot-presentation`): in a message that also asks about the article, a part that reads
as a question about the bot ("c'est la première fois que j'utilise ce bot") is dropped."""
ABOUT_THE_PAST = "passé"
"""The tag of FAQ entries about a time long past (knowledge/faq/10-visite-2000.yaml: the
2000 visit, the Russia of then): a question that asks about today alone ("Quel est le
PIB par habitant de la Russie aujourd'hui ?", `asks_about_now`) is not answered with one
of them, only offered it (`Understander._not_now`)."""
ABOUT_THE_NOTES = "notes"
"""The tag of the FAQ entry that says which note goes with which passage
(knowledge/faq/90-a-propos.yaml's `notes-article`): a question that asks which note a
passage rests on gets it, whatever passage it names (`asks_which_note`)."""
NAMES_ITS_SOURCE = "source"
"""The tag of FAQ entries whose answer says who gives the figure (the South Korean
ministry's estimate of the containers and shells): a question asking
for its *source*, not its note ("Sur quelle source repose l'estimation des 5 millions
d'obus ?"), gets that entry, which names it; one that names a note ("sur quelle note…",
"quelle référence…") still gets the notes' entry (session 19: the writers of the
tunable sets expect the estimate there, 3 wrong answers fewer)."""
_NAMES_A_NOTE = re.compile(r"\b(?:notes?|references?|renvois?|footnotes?)\b")
WHICH_NOTE = "asks which note"
"""The verdict of the answer with that entry (`Understander.decide`)."""
SURE_RELATED = 70.0
"""A follow-up on its own pointing this surely to an entry related to the previous
answer gets it rather than the previous answer again (`_not_the_same_again`)."""
CLOSE_SECOND = 5.0
"""…unless the previous entry comes within this many points of it."""
SURE_SECOND = 75.0
"""Of several answers to one message, those under this score are dropped, unless both
opinions give them (when none is that sure, the first stays alone)."""
SELF_CONTAINED = 3
"""A part of a message with this many words the FAQ knows may be answered even when the
whole message points elsewhere (two different questions in one message)…"""
PART_DOUBT = 0.1
PART_DOUBT_PICK = 0.3
"""…unless the classifier gives the part's entry under `PART_DOUBT` and its own pick at
least `PART_DOUBT_PICK` (`_doubted`). On the thirty-four tunable sets (session 16): four
wrong answers fewer, two right answers more, nothing else changed; requiring both
opinions to agree instead lost four right answers for five wrong ones."""


def is_elliptic(text: str, analysis: Analysis, known: Sequence[str]) -> bool:
    """Whether a message leans on the previous one: few words the FAQ knows, and either
    a continuation word or a subject pronoun first ("et", "alors", "elles", "il":
    `_LEANING`), a question word, or no content at all. (The pronoun: +2 right, -1 wrong
    on the nineteen tunable sets, session 12: "il s'est passé quoi à ce moment-là ?"
    after the date Putin began to travel less.)"""
    words = surface(text).split()
    if not words or len(words) > 10:
        return False
    if len(known) > ELLIPTIC_WORDS:
        return False
    return (
        words[0] in _LEANING
        or analysis.kind is not None
        or len(known) <= 1
        or bool(_REVERSE.search(surface(text)))
        or bool(_MORE.search(surface(text)))
    )


class Understander:
    """The pipeline of the module docstring, over one FAQ (rebuilt on reload)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: Matcher,
        *,
        opinion: SecondOpinion | None = None,
        knobs: Combination | None = None,
        smalltalk: SmallTalkRecogniser | None = None,
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self.second_opinion = opinion
        self.knobs = knobs or Combination()
        self.smalltalk = smalltalk
        self._gifts = {
            entry.id: (self._side(entry.gives.giver), self._side(entry.gives.receiver))
            for entry in kb.entries
            if entry.gives is not None
        }
        back: dict[str, list[str]] = {}
        themes: dict[str, list[str]] = {}
        for entry in kb.entries:
            for target in entry.related:
                back.setdefault(target, []).append(entry.id)
            themes.setdefault(entry.file, []).append(entry.id)
        self._neighbours = {
            entry.id: tuple(
                e
                for e in dict.fromkeys(
                    [*entry.related, *back.get(entry.id, ()), *themes[entry.file]]
                )
                if e != entry.id
            )
            for entry in kb.entries
        }
        """Where a follow-up with new words may go from each entry (`_related_pick`): its
        related entries, those relating back to it, those of its theme (faq/*.yaml file)."""
        self._named_followups = {
            entry.id: (
                [followup_key(text) for text, _ in entry.followups],
                [target for _, target in entry.followups],
            )
            for entry in kb.entries
            if entry.followups
        }
        """Per entry, its `followups:` (`_named_followup`): their keys, and their entries."""
        self._asking = frozenset(
            t for word in QUESTION_PHRASE_WORDS for t in matcher.normalizer.analyse(word).tokens
        )
        """The tokens of "quelle année", "quel pays"…: a follow-up's question word."""
        self._fuller = self._fuller_entries()
        """For each entry, the related entry whose answer says all it says and more, if
        one does (`FULLER_COVERAGE`): what a request for more gets (`_again`)."""
        sides = {side for pair in self._gifts.values() for side in pair}
        self.exchanges = (
            ExchangeReader(matcher.normalizer, sorted(sides, key=sorted), correct=matcher.correct)
            if self._gifts
            else None
        )

    def _side(self, names: Sequence[str]) -> frozenset[str]:
        """The content tokens of one side of a `gives:` ("corée du nord", "kim")."""
        return frozenset(t for name in names for t in self.matcher.normalizer.analyse(name).tokens)

    def _fuller_entries(self) -> dict[str, Entry]:
        """See `self._fuller`: per entry, the related entry covering the most of its
        answer's content words, when that is `FULLER_COVERAGE` or more and it says more."""
        words = self._answer_words
        fuller: dict[str, Entry] = {}
        for entry in self.kb.entries:
            own = words[entry.id]
            best, best_share = None, FULLER_COVERAGE
            for other in (self.kb.by_id[r] for r in entry.related if r in self.kb.by_id):
                share = len(own & words[other.id]) / len(own) if own else 0.0
                if share >= best_share and len(words[other.id]) > len(own):
                    best, best_share = other, share
            if best is not None:
                fuller[entry.id] = best
        return fuller

    @classmethod
    def build(cls, kb: KnowledgeBase, matcher: Matcher) -> Understander:
        """The full pipeline: the classifier is trained on the FAQ's phrasings here, and
        the small talk of knowledge/smalltalk.yaml indexed."""
        return cls(
            kb,
            matcher,
            opinion=train_second_opinion(kb, matcher),
            smalltalk=SmallTalkRecogniser.from_knowledge(kb, matcher.normalizer),
        )

    # --- the steps ---------------------------------------------------------------------

    def _opinion(self, question: str, analysis: Analysis) -> Opinion | None:
        if self.second_opinion is None:
            return None
        return self.second_opinion.opinion(question, analysis.tokens)

    def decide(self, question: str, analysis: Analysis | None = None) -> Decision:
        """Matcher and second opinion on one question (no small talk, no context)."""
        if analysis is None:
            analysis = self.matcher.analyse(question)
        decision = self.matcher.decide(question, analysis)
        notes = self._notes
        if (
            notes is not None
            and asks_which_note(question)
            and not _cites_no_note(decision)
            and not _names_its_source(decision, question)
        ):
            # "Sur quelle note repose le passage sur les obus ?": the passage's words
            # point to its entry, the question to the one that says which note is which.
            # A passage that rests on no note ("Sur quoi l'auteur s'appuie-t-il pour
            # parler d'État paria ?") is answered by its entry: its reasons.
            return replace(
                decision,
                status=Status.ANSWER,
                entry=notes,
                suggestions=(
                    Candidate(notes, decision.score, notes.question),
                    *[c for c in decision.suggestions if c.entry != notes][:2],
                ),
                near_miss=None,
                verdict=WHICH_NOTE,
            )
        if decision.status is not Status.ANSWER and all(
            c.score < self.knobs.agree_floor for c in decision.suggestions
        ):
            return decision  # nothing the second opinion could change (see `combine`)
        opinion = self._opinion(question, analysis)
        combined = combine(decision, opinion, self.knobs)
        if (
            decision.status is Status.ANSWER
            and opinion is not None
            and combined.entry != decision.entry
            and self._directed(decision, opinion.label, analysis)
        ):
            # The classifier does not see directions: "la Corée donne quoi à la Russie
            # ?" and "la Russie donne quoi à la Corée ?" have the same words.
            return replace(decision, opinion=opinion, verdict="matcher (direction)")
        related = self._held_for_related(combined, analysis)
        if related is not None:
            return related
        if combined.verdict == "matcher" and self._one_word(combined):
            return replace(combined, status=Status.SUGGEST, verdict="held back: one word in common")
        return combined

    def _held_for_related(self, decision: Decision, analysis: Analysis) -> Decision | None:
        """An answer the classifier held back for an entry the FAQ relates to it
        (`related:`), when the classifier is `RELATED_SURE` of it and the matcher scores
        it at `agree_floor` or more: that entry, answered ("…en 2000 quand poutine est
        allé en coree la russie allait comment ?": the matcher reads the date of the last
        visit, the classifier what Russia was like then). None otherwise."""
        opinion, entry = decision.opinion, decision.entry
        if (
            opinion is None
            or entry is None
            or not decision.verdict.startswith(HELD_BACK)
            or opinion.confidence < RELATED_SURE
            or opinion.label not in entry.related
            or analysis.unknown
        ):
            return None
        pick = next((c for c in self.matcher.scores(analysis) if c.entry.id == opinion.label), None)
        if pick is None or pick.score < self.knobs.agree_floor:
            return None
        return answered_with(decision, pick, f"{BOTH_AGREE} (an entry related to the matcher's)")

    @functools.cached_property
    def _notes(self) -> Entry | None:
        """The entry tagged `ABOUT_THE_NOTES`, if the FAQ has one."""
        return next((e for e in self.kb.entries if ABOUT_THE_NOTES in e.tags), None)

    def _one_word(self, decision: Decision) -> bool:
        """Whether an answer the classifier does not back rests on one word: its matched
        phrasing shares one content word only with a question of three or more, and the
        classifier gives its entry less than `Combination.hold_one_word`."""
        opinion, entry, matched = decision.opinion, decision.entry, decision.matched
        if opinion is None or entry is None or matched is None:
            return False
        asked = set(decision.analysis.tokens)
        shared = asked & set(self.matcher.analyse(matched).tokens)
        return (
            len(asked) >= 3
            and len(shared) <= 1
            and opinion.confidence_of(entry.id) < self.knobs.hold_one_word
        )

    def _directed(self, decision: Decision, label: str, analysis: Analysis) -> bool:
        """Whether the question says where something goes or who does it, toward or by
        one of the names the FAQ knows ("à la Russie", "par Kim"), as the matcher's
        answer's phrasings do and those of the classifier's pick do not."""
        mine = decision.entry.id if decision.entry is not None else ""
        return any(
            role[1:] in PROPER_NOUNS
            and self.matcher.entry_knows(mine, role)
            and not self.matcher.entry_knows(label, role)
            for role in analysis.roles
        )

    def _followup(self, text: str, analysis: Analysis, context: Context) -> Decision | None:
        """The message read together with the previous question, if it is elliptic."""
        known = [t for t in analysis.tokens if self.matcher.knows(t)]
        if not is_elliptic(text, analysis, known):
            return None
        previous = self.matcher.analyse(context.question)
        folded = surface(text)
        tokens = list(previous.tokens)
        roles = list(analysis.roles or previous.roles)
        reverse = bool(_REVERSE.search(folded))
        if reverse:  # the message's own words ("autre", "sens") say only that
            tokens, roles = self.matcher.reverse(previous)
        else:
            tokens += [t for t in analysis.tokens if t not in tokens]
        pooled = Analysis(
            tuple(tokens),
            analysis.kind or previous.kind,
            tuple(t for t in analysis.unknown if t not in previous.tokens),
            tuple(roles),
        )
        decision = self.decide(f"{context.question} {text}", pooled)
        entry = decision.entry
        new_words = [] if reverse else [t for t in analysis.tokens if t not in previous.tokens]
        if analysis.kind is not None:  # "c'était quelle année ?": "année" asks, no more
            new_words = [t for t in new_words if t not in self._asking]
        if (
            decision.status is Status.ANSWER
            and entry is not None
            and any(
                not self.matcher.entry_knows(entry.id, t)
                and (self.matcher.knows(t) or rarity(t) >= NEW_WORD_RARITY)
                for t in new_words
            )
        ):
            # The follow-up brings words this entry never uses ("et qui est allé à sa
            # place ?"): the previous question's words alone must not make it an answer.
            # Common words the FAQ never uses ("la plupart ?", "eux-mêmes", "plutôt")
            # do not count: they rarely change what is asked.
            decision = replace(decision, status=Status.SUGGEST, verdict="follow-up: new words")
        if not reverse:
            # Everyday words ("autre", "disent", "fait") do not change what is asked.
            new_words = [t for t in new_words if rarity(t) >= LIGHT_WORD_RARITY]
            decision = self._in_context(
                text,
                decision,
                pooled=pooled,
                analysis=analysis,
                new_words=new_words,
                context=context,
            )
        decision = self._says_what_is_asked(decision, analysis)
        return replace(decision, question=text, context=context.question)

    def _says_what_is_asked(self, decision: Decision, analysis: Analysis) -> Decision:
        """A follow-up asking "combien ?" or "quand ?" is answered only with an entry
        that gives a number or a date (in its answer, or asked so in its phrasings)."""
        entry, kind = decision.entry, analysis.kind
        if (
            decision.status is not Status.ANSWER
            or entry is None
            or kind not in _SAID_KINDS
            or self.matcher.entry_knows(entry.id, f"?{kind}")
            or answers_kind(entry.answer, kind)
        ):
            return decision
        return replace(decision, status=Status.SUGGEST, verdict=f"follow-up: no {kind} in it")

    def _in_context(
        self,
        text: str,
        decision: Decision,
        *,
        pooled: Analysis,
        analysis: Analysis,
        new_words: Sequence[str],
        context: Context,
    ) -> Decision:
        """The pooled reading of a follow-up, checked against the conversation.

        Decisions (issue 10, follow-ups), for a message read with the previous question:
        - The previous answer again is given only for a reason: the follow-up asks a
          question word that answer answers ("où ça ?" after an answer naming the
          place; "c'était quand ?" after one giving the year), or brings words of its
          own that it answers. "et aujourd'hui ?", "autre chose ?", "et lui ?" bring
          nothing that answer says: the reply offers it and the related entries.
        - Otherwise the follow-up is looked for among the entries the FAQ relates to
          the previous one (`related`: where a conversation goes next; 52 of the 60
          follow-ups of tests/devset-conversation.yaml ask for the previous entry or
          a related one): the one that knows the words the follow-up brings, when
          those words say enough (`MIN_INFORMATION`) and the pooled words score it
          at least at the suggestion threshold, or the only one asked with the
          follow-up's question word ("combien ?" after an answer without a number), or
          the one whose phrasings ask about the time the follow-up moves to ("et
          aujourd'hui ?", `_at_another_time`). When the pooled words give the previous
          answer for new words another entry is far more about ("et Kim ?"), that
          entry answers if the pooled words point to it at least at the suggestion
          threshold; otherwise neither does, both are offered (`_check_answer`,
          `_more_about`; "et avant 2000 ?" after the date of Putin's last visit).
        - "tu peux développer ?" that nothing answers better offers the related
          entries, saying the article goes no further (`_nothing_more`).
        A follow-up with a word the FAQ does not know is never answered here.
        """
        previous = self.kb.by_id.get(context.entry_id)
        if previous is None:
            return decision
        kind = analysis.kind if analysis.kind in KINDS_IN_CONTEXT else None
        if kind is None:  # "pour faire quoi ?", "il y a quoi dedans ?": what it said
            folded = surface(text)
            # …and a yes/no question on the same subject ("elle en manque ?", "il en a
            # beaucoup ?"), unless it starts like "et lui ?", "autre chose ?".
            words = folded.split()
            yes_no = analysis.kind is None and bool(words) and words[0] not in _NOT_YES_NO
            answers_it = bool(_ASKS_WHAT.search(folded)) or yes_no
        else:
            answers_it = self.matcher.entry_knows(previous.id, f"?{kind}") or answers_kind(
                previous.answer, kind
            )
        if decision.status is Status.ANSWER:
            checked = self._check_answer(
                decision,
                previous,
                new_words,
                pooled,
                answers_it=answers_it,
                asks=analysis.kind is not None,
                only=bool(_ONLY.search(fold(text))),
            )
            if checked.status is Status.ANSWER:
                return checked
            decision = checked
        if analysis.unknown or (decision.near_miss is not None and analysis.tokens):
            return self._nothing_more(text, decision, previous.id, previous.related)
        shift = time_shift(text)
        if shift is not None and not new_words and time_shift(context.question) != shift:
            pick = self._at_another_time(shift, previous.related, pooled)
        elif answers_it and not new_words:
            pick = next((c for c in self.matcher.scores(pooled) if c.entry.id == previous.id), None)
        else:
            pick = self._related_pick(
                pooled, new_words, kind, previous, text=text, context=context.question
            )
        opinion = decision.opinion if decision.verdict.startswith(HELD_BACK) else None
        if pick is None or (opinion is not None and opinion.label != pick.entry.id):
            # No pick, or one the second opinion held back for another entry: "et il avait
            # rencontré qui à l'époque ?" after the 2000 visit asks whom Putin met in
            # North Korea, which the article does not say; the related entry about
            # Clinton at the Kremlin is offered, not answered (session 19: 8 more near
            # misses declined on the tunable sets, 1 wrong answer fewer).
            return self._nothing_more(text, decision, previous.id, previous.related)
        return answered_with(decision, pick, "follow-up: the previous answer or a related entry")

    def _check_answer(
        self,
        decision: Decision,
        previous: Entry,
        new_words: Sequence[str],
        pooled: Analysis,
        *,
        answers_it: bool,
        asks: bool,
        only: bool,
    ) -> Decision:
        """The pooled words' answer to a follow-up, kept, moved or demoted (see
        `_in_context`). `asks`: the follow-up has a question word of its own; `only`: it
        asks whether there is more than what it names (`_ONLY`: the previous answer
        stays, not the entry about that thing, even when the follow-up brings no word of
        its own: "et à part ceux-là ?" after the countries Putin can still visit; session
        17: +1 right)."""
        entry = decision.entry
        if entry is None:
            return decision
        if entry.id == previous.id and new_words and not only:
            near = [*previous.related, *(c.entry.id for c in decision.suggestions)]
            moved = self._more_about(new_words, previous.id, near, pooled)
            if moved is not None and moved.score >= self.matcher.suggest_threshold:
                return answered_with(
                    decision, moved, "follow-up: the related entry about its new words"
                )
            if moved is not None:
                # Its new words belong to another entry, which the pooled words barely
                # point to ("et avant 2000 ?" after the last visit): neither answers.
                return replace(
                    decision,
                    status=Status.SUGGEST,
                    suggestions=(
                        *(c for c in decision.suggestions[:2] if c.entry.id != moved.entry.id),
                        moved,
                    ),
                    verdict="follow-up: its new words belong elsewhere",
                )
        if (
            entry.id != previous.id
            and not new_words
            and (answers_it or not asks)
            and entry.id not in previous.related
        ):
            # "où ça ?" brings nothing but a question word that the previous answer
            # answers, "autre chose ?" nothing but an everyday word: an unrelated entry
            # gets it only from the previous question's words.
            return replace(decision, status=Status.SUGGEST, verdict="follow-up: elsewhere")
        if entry.id != previous.id or new_words or answers_it or only:
            return decision
        return replace(decision, status=Status.SUGGEST, verdict="follow-up: nothing new")

    def _nothing_more(
        self, text: str, decision: Decision, previous: str, related: Sequence[str]
    ) -> Decision:
        """A request for more ("tu peux développer ?") that nothing answers better: the
        reply says the article goes no further and offers the related entries."""
        if not _MORE.search(surface(text)) or not related:
            return decision
        entries = [self.kb.by_id[e] for e in related if e in self.kb.by_id and e != previous]
        offered = tuple(Candidate(e, 0.0, e.question) for e in entries[:3])
        if not offered:
            return decision
        return replace(
            decision,
            status=Status.SUGGEST,
            entry=offered[0].entry,
            score=0.0,
            suggestions=offered,
            more=True,
            verdict="follow-up: nothing more than the previous answer",
        )

    def _more_about(
        self, new_words: Sequence[str], previous: str, related: Sequence[str], pooled: Analysis
    ) -> Candidate | None:
        """The entry, related or suggested, that is about the follow-up's new words when
        the previous one barely is ("et Kim ?" after the date of Putin's last visit: Kim's
        own trip), or None. "About" is the share of an entry's phrasings with those words
        (`Matcher.share`): at least `ABOUT_SHARE`, and `ABOUT_RATIO` times the
        previous entry's."""

        def about(entry_id: str) -> float:
            return min(self.matcher.share(entry_id, t) for t in new_words)

        before = about(previous)
        best = max(related, key=about, default=None)
        if best is None or about(best) < max(ABOUT_SHARE, ABOUT_RATIO * before):
            return None
        scored = {c.entry.id: c for c in self.matcher.scores(pooled)}
        entry = self.kb.by_id[best]
        return scored.get(best) or Candidate(entry, 0.0, entry.question)

    def _at_another_time(
        self, shift: str, related: Sequence[str], pooled: Analysis
    ) -> Candidate | None:
        """The related entry a follow-up like "et aujourd'hui ?" asks for: the one whose
        phrasings ask about that time most often ("la Russie aujourd'hui ?"), if any does
        in at least `TIME_SHARE` of them."""
        share = {
            e: sum(time_asked(p) == shift for p in self.kb.by_id[e].phrasings)
            / len(self.kb.by_id[e].phrasings)
            for e in related
            if e in self.kb.by_id
        }
        best = max(share, key=lambda e: share[e], default=None)
        if best is None or share[best] < TIME_SHARE:
            return None
        scored = {c.entry.id: c for c in self.matcher.scores(pooled)}
        entry = self.kb.by_id[best]
        return scored.get(best) or Candidate(entry, 0.0, entry.question)

    def _related_pick(
        self,
        pooled: Analysis,
        new_words: Sequence[str],
        kind: str | None,
        previous_entry: Entry,
        *,
        text: str,
        context: str,
    ) -> Candidate | None:
        """The related entry a follow-up asks for (see `_in_context`), or None.

        A follow-up bringing new words ("et la Douma ?", "et les Ukrainiens ?") may go
        one step further than the buttons (`related`, three at most): to an entry
        relating back to the previous one, or on the same theme (the same faq/*.yaml
        file), if it knows every new word; on the tunable sets when it came (session
        8), 6 more right answers and 1 more wrong one than `related` alone. A bare
        question word ("combien ?") keeps to `related`. Among mirrored entries
        (`gives:`), the one of the side the message says gives ("et la Russie, elle
        reçoit quoi ?" after the deal as a whole: what the Corée gives, not Kim's trip,
        where Russia "received" him).
        """
        previous, related = previous_entry.id, previous_entry.related
        scored = {c.entry.id: c for c in self.matcher.scores(pooled)}
        if new_words:
            asked = [f"?{kind}"] if kind is not None else []
            fitting = [
                e
                for e in (previous, *self._neighbours[previous])
                if all(self.matcher.entry_knows(e, t) for t in new_words)
                and (kind is None or self.matcher.entry_knows(e, f"?{kind}"))
            ]
            givers = {e: self._gifts[e][0] for e in fitting if e in self._gifts}
            said = self.exchanges.giver(text, before=context) if givers and self.exchanges else None
            if said is not None and said in givers.values():
                # "et la Russie, elle reçoit quoi ?": the entry of the side that gives
                # (the verb says enough, however many entries use it)
                fitting = [e for e in fitting if givers.get(e) == said]
            elif self.matcher.information([*new_words, *asked]) < MIN_INFORMATION:
                return self._about_pick(new_words, kind, previous, text)
            best = max(
                fitting, key=lambda e: scored[e].score if e in scored else -1.0, default=None
            )
            candidate = scored.get(best) if best is not None else None
            if candidate is None or candidate.score < self.matcher.suggest_threshold:
                return None
            return candidate
        if kind is None:
            return None
        asked = [e for e in related if self.matcher.entry_knows(e, f"?{kind}")]
        candidate = scored.get(asked[0]) if len(asked) == 1 else None
        if candidate is None or candidate.score < self.matcher.suggest_threshold:
            return None
        return candidate

    def _about_pick(
        self, new_words: Sequence[str], kind: str | None, previous: str, text: str
    ) -> Candidate | None:
        """The neighbour a follow-up's one common new word is about, or None ("ils
        servent à quoi ?" after the number of shells: their use, though "utiliser" is in
        nine entries' phrasings and says too little for `_related_pick`).

        Only for a message that leans on the previous one by its first word ("et",
        "ils"…: "qui dirige la Corée du Nord ?" is a question of its own), with one new
        word; the neighbour (see `_neighbours`) must have it in at least `ABOUT_SHARE` of
        its phrasings and in `ABOUT_RATIO` times the share of any other, answer the
        question word if there is one, and be scored by the message alone at least at the
        suggestion threshold (the previous question's words point elsewhere). On the
        seventeen tunable sets (session 10): 2 more right answers, no more wrong ones.
        """
        words = surface(text).split()
        if len(new_words) != 1 or not words or words[0] not in _LEANING:
            return None
        word = new_words[0]
        about = {
            e: self.matcher.share(e, word)
            for e in (previous, *self._neighbours[previous])
            if e == previous or kind is None or self.matcher.entry_knows(e, f"?{kind}")
        }
        best, *others = sorted(about, key=lambda e: about[e], reverse=True)
        runner_up = max((about[e] for e in others), default=0.0)
        if best == previous or about[best] < max(ABOUT_SHARE, ABOUT_RATIO * runner_up):
            return None
        alone = {c.entry.id: c for c in self.matcher.scores(self.matcher.analyse(text))}
        candidate = alone.get(best)
        if candidate is None or candidate.score < self.matcher.suggest_threshold:
            return None
        return candidate

    def _needs_context(self, text: str, analysis: Analysis) -> bool:
        """Whether a message only makes sense after an answer: never answered on its own.
        That is a short message asking for the other direction or more ("et dans l'autre
        sens ?", "tu peux développer ?"), or one that starts with "et", "alors"… and has
        at most one word the FAQ knows ("et alors ?"). "ce que Pyongyang ne peut pas
        développer seul" is a whole question."""
        folded = surface(text)
        words = folded.split()
        if not words:
            return False
        if len(words) <= SHORT_FOLLOWUP and (_REVERSE.search(folded) or _MORE.search(folded)):
            return True
        known = [t for t in analysis.tokens if self.matcher.knows(t)]
        return words[0] in _LEANS_BACK and len(known) <= 1

    def _prefer_followup(
        self, alone: Decision, followup: Decision, analysis: Analysis, context: Context
    ) -> bool:
        """Whether the follow-up reading wins over the message read on its own: it must
        say something, and the message alone must not be a full question of its own
        (an answer from at least two words the FAQ knows), nor an answer with an entry
        related to the previous one when the follow-up reading only hesitates, about
        that entry, with the answer at `SURE_ALONE` or more ("et après la Crimée ?"
        after the countries Putin can still visit), or with both opinions agreeing on
        it from two words the FAQ knows ("et ils sont de bonne qualité ?" after the
        number of containers: +4 right, +1 wrong on the eighteen tunable sets). Nor
        when the message alone is such a question, answered at `SURE_ALONE` or more
        with both opinions agreeing, and the follow-up reading answers another entry
        less surely ("et la Russie, elle était comment à l'époque ?" after the 2000
        visit; session 19: +2 right, −2 wrong on the tunable sets)."""
        if followup.status is Status.UNKNOWN:
            return False
        folded = surface(followup.question)
        if alone.status is not Status.ANSWER or _REVERSE.search(folded):
            return True
        # a question of its own (from two words the FAQ knows, "déjà" aside)
        whole = sum(self.matcher.knows(t) and t not in _ADVERBS for t in analysis.tokens) >= 2
        if (
            followup.status is not Status.ANSWER
            and self._related(context.entry_id, alone)
            and (
                followup.entry == alone.entry
                or alone.score >= SURE_ALONE
                or (whole and alone.verdict.startswith(BOTH_AGREE))
            )
        ):
            return False
        if (
            whole
            and alone.score >= SURE_ALONE
            and alone.verdict.startswith(BOTH_AGREE)
            and followup.entry != alone.entry
            and followup.score < alone.score
        ):
            return False
        if folded.split()[:1] and folded.split()[0] in _LEANING:
            return True  # "elles viennent d'où ?", "donc elles servent à rien ?"
        return not whole

    def understand(
        self, text: str, *, context: Context | None = None, now: float = 0.0
    ) -> list[Decision]:
        """Every decision a message calls for (see the module docstring), usually one."""
        decisions = [
            _not_what_it_sets_aside(
                self._not_now(self._not_after(self._given_way(d, text))), _fresh(context, now)
            )
            for d in self._understand(text, context=context, now=now)
        ]
        # Turned the way the message says, a second answer may be the first one again.
        return [
            d
            for i, d in enumerate(decisions)
            if d.entry is None or all(e.entry != d.entry for e in decisions[:i])
        ]

    def _not_after(self, decision: Decision) -> Decision:
        """An answer to a question about what came after the visit ("… depuis cette
        visite ?", "Kim va revenir quand ?", `asks_after`) with an entry none of whose
        phrasings asks about that time: offered, not answered. The article was written
        during the visit; its writers file such questions as ones it does not answer.
        A follow-up the FAQ names is the maintainers' choice and stands."""
        entry = decision.entry
        if (
            decision.status is not Status.ANSWER
            or entry is None
            or decision.verdict.startswith(NAMED_BY_THE_FAQ)
            or not asks_after(decision.question)
            or entry.id in self._about_after
        ):
            return decision
        return replace(
            _offered(decision),
            verdict=f"{decision.verdict}; held back: asks what came after",
            another_time=True,
        )

    @staticmethod
    def _not_now(decision: Decision) -> Decision:
        """An answer about a time long past (an entry tagged `ABOUT_THE_PAST`) to a
        sentence that asks about today alone ("C'est combien le PIB par habitant en
        Russie aujourd'hui ?", `asks_about_now`): offered, not answered. The writers of
        the tunable sets file such questions as ones the article does not answer (nine
        of them got the GDP of 2000). A sentence that only comments ("Ça paraît
        lointain aujourd'hui.") does not count, nor a follow-up the FAQ names."""
        entry = decision.entry
        if (
            decision.status is not Status.ANSWER
            or entry is None
            or ABOUT_THE_PAST not in entry.tags
            or decision.verdict.startswith(NAMED_BY_THE_FAQ)
            or not any(ASKING.search(s) and asks_about_now(s) for s in sentences(decision.question))
        ):
            return decision
        return replace(
            _offered(decision),
            verdict=f"{decision.verdict}; held back: asks about today",
            another_time=True,
        )

    @functools.cached_property
    def _about_after(self) -> frozenset[str]:
        """The entries one of whose phrasings asks about what came after the visit."""
        return frozenset(e.id for e in self.kb.entries if any(asks_after(p) for p in e.phrasings))

    def _given_way(self, decision: Decision, message: str) -> Decision:
        """The answer about what one side gives, turned the way the message says
        (`_turned`), or to the deal as a whole when the message says both sides give
        ("la Russie et la Corée s'échangent des armes", "qui donne quoi ?"): the entry
        that says in full what one side gives, and more (`_fuller`). A `message` that
        says so in so many words ("… Qui donne quoi à qui ?") does for each of its
        parts: "Un collègue dit que c'est Kim qui envoie des chars aux Russes" is only
        what it asks about (session 17: +2 right, −2 wrong on the tunable sets)."""
        entry, deal = decision.entry, self._deal
        if (
            decision.status in (Status.ANSWER, Status.SUGGEST)
            and entry is not None
            and entry.id in self._gifts
            and deal is not None
            and self.exchanges is not None
            and (
                self.exchanges.both_give(decision.question)
                or self.exchanges.asks_both_ways(message)
            )
        ):
            held_for_it = decision.opinion is not None and decision.opinion.label == deal.id
            if decision.status is Status.ANSWER or held_for_it:
                # held back for the deal by the second opinion: both point to it
                why = "the second opinion's pick" if held_for_it else decision.verdict
                first = next(
                    (c for c in decision.suggestions if c.entry.id == deal.id),
                    Candidate(deal, decision.score, deal.question),
                )
                others = tuple(c for c in decision.suggestions if c.entry.id != deal.id)
                return replace(
                    answered_with(decision, first, f"{why}; both sides give: the deal as a whole"),
                    suggestions=(first, *others)[:3],
                )
        return self._turned(decision, _said_before(decision, message))

    @functools.cached_property
    def _deal(self) -> Entry | None:
        """The entry that says in full what one side gives, and more (the deal as a
        whole), when the `gives:` entries have exactly one such entry."""
        deals = {self._fuller[e] for e in self._gifts if e in self._fuller}
        return deals.pop() if len(deals) == 1 else None

    def _turned(self, decision: Decision, before: str) -> Decision:
        """An answer about what one side gives the other, turned the way the message
        says ("et la Russie, elle reçoit quoi ?": what the Corée gives); likewise the
        first of the suggestions ("la Corée elle gagne quoi ?" offers what the Russie
        gives first). Not for "why": "pourquoi Kim aide Poutine ?" asks what Kim gets in
        return."""
        if decision.status is Status.ANSWER and decision.entry is not None:
            mirror = self._mirror(decision.entry.id, decision, before)
            if mirror is None:
                return decision
            scores = {c.entry.id: c.score for c in decision.suggestions}
            return replace(
                decision,
                entry=self.kb.by_id[mirror],
                score=scores.get(mirror, decision.score),
                matched=None,
                verdict=f"{decision.verdict}; turned by who gives",
            )
        if decision.status is Status.SUGGEST and decision.suggestions:
            settled = self._settled_by_who_gives(decision)
            if settled is not None:
                return settled
            first = decision.suggestions[0]
            mirror = self._mirror(first.entry.id, decision, before)
            if mirror is None:
                return decision
            entry = self.kb.by_id[mirror]
            turned = Candidate(entry, first.score, entry.question)
            others = tuple(c for c in decision.suggestions if c.entry.id != mirror)
            offered = replace(
                decision,
                entry=entry,
                suggestions=(turned, *others)[: max(len(decision.suggestions), 2)],
                verdict=f"{decision.verdict}; suggestions turned by who gives".lstrip("; "),
            )
            if self._backs_turned(decision, mirror):
                return answered_with(offered, turned, f"{offered.verdict}; {BOTH_AGREE}")
            return offered
        return decision

    def _backs_turned(self, decision: Decision, mirror: str) -> bool:
        """The classifier's own pick is the entry a hesitation was turned to by who
        gives ("la Corée elle y gagne quoi ?": the matcher's best phrasing is "que gagne
        la Russie dans l'affaire", the classifier reads what Russia gives): both point
        to it, so it is answered. Only above the matcher's answer threshold, with no
        out-of-scope question resembling the message and no word the FAQ does not know."""
        opinion = decision.opinion
        return (
            opinion is not None
            and opinion.label == mirror
            and opinion.confidence >= TURNED_CONFIDENCE
            and decision.near_miss is None
            and not decision.analysis.unknown
            and decision.suggestions[0].score >= self.matcher.answer_threshold
        )

    def _settled_by_who_gives(self, decision: Decision) -> Decision | None:
        """A hesitation between the two mirrored entries alone ("Que reçoit la Corée du
        Nord de la Russie ?": what Russia gives 98.8, what Korea gives 98.2, the same
        words), which the message settles by saying who gives: that entry, answered.
        Only above the matcher's answer threshold, with no out-of-scope question
        resembling the message."""
        first, *others = decision.suggestions
        if (
            decision.near_miss is not None
            or not others
            or first.score < self.matcher.answer_threshold
            or first.entry.id not in self._gifts
            or self._gifts.get(others[0].entry.id) != self._gifts[first.entry.id][::-1]
            or self.exchanges is None
            or self._asks_why(decision)
        ):
            return None
        said = self.exchanges.giver(decision.question, before=decision.context or "")
        pick = next((c for c in (first, others[0]) if self._gifts[c.entry.id][0] == said), None)
        if pick is None:
            return None
        verdict = f"{decision.verdict}; settled by who gives".lstrip("; ")
        return answered_with(decision, pick, verdict)

    def _asks_why(self, decision: Decision) -> bool:
        """ "pourquoi Kim aide Poutine ?" asks what Kim gets in return: who gives does
        not turn it (`_turned`, `_settled_by_who_gives`)."""
        return self.matcher.analyse(decision.question).kind == "pourquoi"

    def _mirror(self, entry_id: str, decision: Decision, before: str) -> str | None:
        """The mirrored entry of a `gives:` entry when the message says the other side
        gives, else None."""
        if entry_id not in self._gifts or self.exchanges is None:
            return None
        if self._asks_why(decision):
            return None
        giver = self._gifts[entry_id][0]
        said = self.exchanges.giver(decision.question, before=before)
        if said is None or said == giver:
            return None
        return next((e for e, way in self._gifts.items() if way == (said, giver)), None)

    def _understand(self, text: str, *, context: Context | None, now: float) -> list[Decision]:
        text = text.strip()
        if not text:
            return []
        context = _fresh(context, now)
        if context is not None:
            first = self._conversation_first(text, context, now)
            if first:
                return first
        talk = self.smalltalk.recognise(text) if self.smalltalk is not None else None
        if talk is not None:
            return [_small_talk(text, talk)]
        analysis = self.matcher.analyse(text)
        alone = self._offered_if_long(text, analysis, self.decide(text, analysis))
        if (
            context is None
            and alone.status is Status.ANSWER
            and self._needs_context(text, analysis)
        ):
            alone = replace(alone, status=Status.SUGGEST, verdict="a follow-up without context")
        if context is not None:
            followup = self._followup(text, analysis, context)
            if followup is not None and self._prefer_followup(alone, followup, analysis, context):
                return [self._not_the_same_again(followup, alone, context)]
            named = self._names_related(text, analysis, alone, context)
            if named is not None:
                return [named]
        if (
            alone.status is Status.ANSWER
            and alone.score >= SURE_WHOLE
            and not _SEVERAL_HINT.search(text)
        ):
            return [alone]  # one sentence, answered surely whole: its parts would add nothing
        if alone.verdict == WHICH_NOTE and len(sentences(text)) == 1:
            # "Sur quoi s'appuie l'auteur quand il dit que la Corée teste ses armes ?":
            # the passage it names is no question of its own.
            return [alone]
        decisions = self._long(text, analysis, alone)
        if decisions[0].status is Status.UNKNOWN and self.smalltalk is not None:
            # "Bonsoir, je m'appelle Gérard, je suis à la retraite…": nothing for the
            # FAQ, and its other clauses ask nothing: small talk after all.
            talk = self.smalltalk.within(text)
            if talk is not None:
                return [_small_talk(text, talk)]
        return decisions

    def _conversation_first(self, text: str, context: Context, now: float) -> list[Decision]:
        """What the conversation decides before anything else, right after an answer:
        a follow-up the FAQ names, a question about that answer, or such a follow-up
        as the one sentence that asks in a message of several ("D'accord, merci. Et
        c'était à cause de quoi ?": read as that sentence, `_the_question`)."""
        core = _the_question(text)
        if core is not None:
            inner = self._understand(core, context=context, now=now)
            if inner and inner[0].context is not None:
                return [replace(d, question=text) for d in inner]
        named = self._named_followup(text, context)
        if named is not None:
            return [named]
        again = self._again(text, context)
        return [again] if again is not None else []

    def _offered_if_long(self, text: str, analysis: Analysis, alone: Decision) -> Decision:
        """A long message the matcher finds nothing good enough for, while both opinions
        pick the same entry: that entry offered, not "the article does not say" (the
        knobs `agree_long_*` of `Combination`). Only the message as sent counts, never
        one pooled with the previous question."""
        knobs, top = self.knobs, alone.suggestions[0] if alone.suggestions else None
        if (
            alone.status is not Status.UNKNOWN
            or top is None
            or alone.near_miss is not None
            or len(text.split()) < knobs.agree_long_words
            or top.score < knobs.agree_long_floor
        ):
            return alone
        opinion = alone.opinion or self._opinion(text, analysis)
        if (
            opinion is None
            or opinion.label != top.entry.id
            or opinion.confidence < knobs.agree_long_confidence
        ):
            return alone
        verdict = f"{BOTH_AGREE} (a long message): offered"
        return replace(alone, status=Status.SUGGEST, opinion=opinion, verdict=verdict)

    def _not_the_same_again(
        self, followup: Decision, alone: Decision, context: Context
    ) -> Decision:
        """The follow-up reading, unless it gives the previous answer again while the
        message on its own points to an entry related to it, at `SURE_RELATED` or more,
        `CLOSE_SECOND` points above the previous entry, and among the first three of the
        pooled reading: people rarely ask the same thing twice in a row ("et il y
        retourne quand ?" after the date of Putin's last visit: the date of this one;
        "officiellement ?" after its real purpose: the official programme). A follow-up
        that asks whether there is more than one thing (`_ONLY`: "et à part le matos ?")
        keeps the previous answer, which gave the whole list (session 17: +1 right, −1
        wrong on the tunable sets, nothing else changed)."""
        entry = alone.entry
        if (
            followup.status is not Status.ANSWER
            or followup.entry is None
            or followup.entry.id != context.entry_id
            or entry is None
            or entry.id == context.entry_id
            or alone.status not in (Status.ANSWER, Status.SUGGEST)
            or alone.score < SURE_RELATED
            or not self._related(context.entry_id, alone)
            or _ONLY.search(fold(followup.question))
        ):
            return followup
        if entry.id not in [c.entry.id for c in followup.suggestions[:3]]:
            return followup  # read with the previous question, it is not even a candidate
        previous = next((c for c in alone.suggestions if c.entry.id == context.entry_id), None)
        if previous is not None and alone.score - previous.score < CLOSE_SECOND:
            return followup  # alone, it hesitates: the conversation settles it ("il en a plein ?")
        return replace(
            alone,
            status=Status.ANSWER,
            verdict="follow-up: not the same again",
            question=followup.question,
            context=context.question,
        )

    def _related(self, previous_id: str, decision: Decision) -> bool:
        """Whether a decision's entry and the previous answer's are related, one way or
        the other (the FAQ's `related`)."""
        previous, entry = self.kb.by_id.get(previous_id), decision.entry
        if previous is None or entry is None:
            return False
        return entry.id in previous.related or previous.id in entry.related

    def _names_related(
        self, text: str, analysis: Analysis, alone: Decision, context: Context
    ) -> Decision | None:
        """A short follow-up whose own words point, without certainty, to an entry
        related to the previous answer, one way or the other ("et en Afrique du Sud ?"
        after the countries Putin can still visit): the conversation settles it, that
        entry answers.
        Only for a message of a few words with no word the FAQ does not know, and no
        out-of-scope question resembling it."""
        if (
            alone.status is not Status.SUGGEST
            or alone.near_miss is not None
            or analysis.unknown
            or not self._related(context.entry_id, alone)
            or len(surface(text).split()) > SHORT_FOLLOWUP
        ):
            return None
        return replace(
            answered_with(alone, alone.suggestions[0], "follow-up: the related entry it names"),
            context=context.question,
        )

    def _long(self, text: str, analysis: Analysis, alone: Decision) -> list[Decision]:
        """A message read whole (`alone`) and, if it has several sentences or a
        preamble, question by question (`_several`, `_focused`)."""
        parts = questions_in(text)
        hesitations: list[Decision] = []
        if len(parts) > 1 or (parts and parts[0] != text):
            several = self._several(parts, alone, hesitations)
            if several:
                return several
        if alone.status is not Status.ANSWER:
            focused = self._focused(text, analysis)
            if focused is not None:
                return [focused]
        if alone.status is Status.UNKNOWN and hesitations:
            # Nothing for the whole long message, but one of its questions is close to
            # some entries: offer them rather than say the article does not answer.
            return [max(hesitations, key=lambda d: d.score)]
        return [alone]

    def _named_followup(self, text: str, context: Context) -> Decision | None:
        """The entry the FAQ names for this follow-up to the previous answer (the
        previous entry's `followups:`), when the message is one of them, typos aside.

        Decision (issue 10, follow-ups): some follow-ups mean another entry only after
        a given answer, and say nothing of it in their words: "et en vrai ?" after the
        official programme asks for the real purpose; "autre chose ?" after what Korea
        gains asks for the rest of the deal. The maintainer writes them under the entry
        they follow (like Azure's follow-up prompts, or "context-only" questions); they
        come first, before anything the bot would guess, and only right after that
        entry's answer. The whole message must be one of them (`NAMED_FOLLOWUP`)."""
        named = self._named_followups.get(context.entry_id)
        key = followup_key(text)
        if named is None or not key:
            return None
        keys, targets = named
        best = process.extractOne(
            key, keys, scorer=fuzz.ratio, processor=None, score_cutoff=NAMED_FOLLOWUP
        )
        entry = self.kb.by_id.get(targets[best[2]]) if best is not None else None
        if best is None or entry is None:
            return None
        verdict = f'{NAMED_BY_THE_FAQ} after {context.entry_id} ("{keys[best[2]]}")'
        return _in_conversation(text, entry, verdict, context)

    def _again(self, text: str, context: Context) -> Decision | None:
        """The previous answer again, for a message that asks about it ("c'est-à-dire ?",
        "tu peux développer ?", "t'es sûr ?", "selon qui ?"), or None.

        Decision (issue 10, follow-ups): such a message has no subject of its own; the
        writers of the dev sets, asked what it should get, expect the previous answer.
        The bot gives it again with its source, saying first that the article goes no
        further (`Decision.again` "more") or that this is what the article says, source
        below ("check"); the related questions come as buttons. It comes before small
        talk: after an answer, "ah bon ?" and "sérieux ?" doubt it.
        A request for more after an answer that a related entry says in full, and more
        (`_fuller`: what Russia gives, then the deal as a whole), gets that entry.
        """
        kind = asks_again(text)
        entry = self.kb.by_id.get(context.entry_id)
        if kind is None or entry is None:
            return None
        fuller = self._fuller.get(entry.id) if kind == "more" else None
        if fuller is not None:
            # A related entry says all the previous answer said, and more: it answers.
            entry, verdict, again = fuller, "a related entry that says more", None
        else:
            verdict, again = f"the previous answer again ({kind})", kind
        return _in_conversation(text, entry, verdict, context, again=again)

    def _focused(self, text: str, analysis: Analysis) -> Decision | None:
        """A message of several sentences read without the everyday words its preamble
        has and the FAQ does not ("On en parlait au boulot : … C'était quand ?"): an
        answer only, None otherwise.

        Decision (issue 10, long messages): words the FAQ does not know weigh against
        every entry, which is right for a question ("combien coûte un obus ?") but drowns
        a question in the chatter of its preamble. The words of the sentences that ask
        nothing are dropped, however rare (session 14: dropping only common ones, as
        before, left 7 more long messages unanswered on the tunable sets, for one wrong
        answer fewer); a claim that the next sentence checks ("J'ai lu que Poutine a
        offert une limousine à Kim. C'est vrai ?") is the question, and keeps its words.
        """
        parts = sentences(text)
        asking = [
            p
            for i, p in enumerate(parts)
            if ASKING.search(p) or (i + 1 < len(parts) and checks_claim(parts[i + 1]))
        ]
        if len(parts) < 2 or not asking or len(asking) == len(parts):
            return None
        own = {t for p in asking for t in self.matcher.analyse(p).unknown}
        dropped = {t for t in analysis.unknown if t not in own}
        if not dropped:
            return None
        focused = replace(
            analysis,
            tokens=tuple(t for t in analysis.tokens if t not in dropped),
            unknown=tuple(t for t in analysis.unknown if t not in dropped),
        )
        decision = self.decide(text, focused)
        if decision.status is not Status.ANSWER:
            return None
        return replace(decision, verdict=f"{decision.verdict}; preamble's chatter left out")

    def _several(
        self, parts: list[str], whole: Decision, hesitations: list[Decision]
    ) -> list[Decision]:
        """The answers a message of several questions, or with a preamble, calls for.

        Each question found in the message (`questions_in`) is read on its own, in
        order (`_part_answer`); the distinct answers are kept (two at most), those of
        sentences that ask something when there are such answers (on the tunable sets:
        4 more right answers and 4 fewer wrong ones than keeping every part's). The whole
        message's answer is kept first when no part gives it. No part answered: [] (the
        whole message's decision stands). The parts that only get suggestions (with no
        out-of-scope question explaining them) are added to `hesitations`. Two answers
        whose content one larger entry mostly says are that entry, in one reply
        (`_covering`).
        """
        close = {c.entry.id for c in whole.suggestions}
        if whole.entry is not None:  # the whole message's best entry, however weak
            close.add(whole.entry.id)
        answers: list[Decision] = []
        for index in range(len(parts)):
            decision = self._part_answer(parts, index, whole, close)
            if decision is None:
                continue
            if decision.status is Status.ANSWER and _new_entry(decision, answers):
                answers.append(decision)
            elif decision.status is Status.SUGGEST and decision.near_miss is None:
                hesitations.append(decision)
        if not answers:
            return []
        if whole.near_miss is not None and (
            len(answers) < 2
            or any(d.score < SURE_WHOLE or not d.verdict.startswith(BOTH_AGREE) for d in answers)
        ):
            # The whole message resembles a question the article does not answer, and it
            # is not two questions that both opinions answer surely, each on its own.
            return []
        # "Kim est venu quand ? Je crois que c'était l'an dernier.": a sentence that
        # asks nothing adds no answer of its own beside one to a sentence that asks,
        # nor beside the whole message's when that stands for a sentence that asks
        # ("… Entre nous, c'est de la com. Mais c'était quoi, la liste des sujets ?";
        # session 18: 3 more right answers, 3 wrong fewer on the tunable sets).
        asking = [d for d in answers if ASKING.search(d.question)]
        if not asking and whole.status is Status.ANSWER and any(ASKING.search(p) for p in parts):
            return [whole]
        answers = asking or answers
        said = statements(whole.question)
        answers = [d for d in answers if not _stated(d.question, said)] or answers
        if whole.status is Status.ANSWER and _new_entry(whole, answers):
            answers.insert(0, whole)
        sure = [d for d in answers if _sure_enough(d)]
        # "c'est la première fois que j'utilise ce bot…" before a question is no
        # question about the bot: its presentation goes when something else answers.
        about_article = [d for d in sure if d.entry and ABOUT_THE_BOT not in d.entry.tags]
        first, *others = (about_article or sure or answers[:1])[:MAX_ANSWERS]
        if others and others[0].score >= SURE_SECOND:
            both = self._covering(first, others[0], whole)
            if both is not None:
                return [both]
        return [first, *(_offered(d) if d.score < SURE_SECOND else d for d in others)]

    def _covering(self, first: Decision, second: Decision, whole: Decision) -> Decision | None:
        """One entry whose answer says most of both answers' content words
        (`COVERS_BOTH` of them together): "Dans quel média l'article est-il paru, et à quelles
        dates a eu lieu la visite ?" gets the article's reference rather than the outlet and
        the dates in two replies (session 19)."""
        if first.entry is None or second.entry is None:
            return None
        words = self._answer_words
        a, b = words[first.entry.id], words[second.entry.id]
        if not a or not b:
            return None
        best, best_share = None, COVERS_BOTH
        for entry in self.kb.entries:
            if entry.id in (first.entry.id, second.entry.id):
                continue
            own = words[entry.id]
            share = len((a | b) & own) / len(a | b)
            if share >= best_share and len(own) > max(len(a), len(b)):
                best, best_share = entry, share
        if best is None:
            return None
        verdict = f"one answer says both ({first.entry.id}, {second.entry.id})"
        return replace(
            answered_with(
                first, Candidate(best, min(first.score, second.score), best.question), verdict
            ),
            question=whole.question,
        )

    @functools.cached_property
    def _answer_words(self) -> dict[str, frozenset[str]]:
        """Each entry's answer as content words (`_fuller_entries`, `_covering`)."""
        return {
            e.id: frozenset(self.matcher.normalizer.analyse(e.answer).tokens)
            for e in self.kb.entries
        }

    def _part_answer(
        self, parts: Sequence[str], index: int, whole: Decision, close: set[str]
    ) -> Decision | None:
        """One part of a long message read on its own (see `_several`): its answer, its
        suggestions, or None. `close` holds the entries the whole message points to."""
        part = parts[index]
        if self.smalltalk is not None and self.smalltalk.recognise(part) is not None:
            return None  # "ah d'accord." before a question asks nothing ("accord": a deal)
        analysis = self.matcher.analyse(part)
        decision = self.decide(part, analysis)
        fits = (
            decision.status is Status.ANSWER
            and decision.entry is not None
            and decision.entry.id in close
        )
        if analysis.unknown:
            # A part with words the FAQ does not know is answered only when the whole
            # message points to the same entry (two readings agree).
            if fits:
                return replace(decision, question=part)
            if decision.status is Status.UNKNOWN or not decision.suggestions:
                return None
            return replace(decision, status=Status.SUGGEST, question=part)
        known = [t for t in analysis.tokens if self.matcher.knows(t)]
        if len(known) < 2 and index > 0 and not fits:
            # "pourquoi il y est pas allé": read with the part before; the unknown
            # words of that part (a preamble's "prof", "grand-mère") do not count.
            part = f"{parts[index - 1]} {part}"
            analysis = self.matcher.analyse(part)
            if analysis == whole.analysis:  # the antecedent and the part are the message
                decision = replace(whole, question=part)
            else:
                decision = self.decide(part, analysis)
        entry = decision.entry
        if decision.status is Status.SUGGEST:
            agreed = self._agreed_with_whole(decision, whole)
            if agreed is not None:
                return replace(agreed, question=part)
            return replace(decision, question=part)
        if decision.status is not Status.ANSWER or entry is None:
            return None
        known = [t for t in analysis.tokens if self.matcher.knows(t)]
        if entry.id not in close and (len(known) < SELF_CONTAINED or _doubted(decision, entry.id)):
            # "l'article dit quoi là-dessus ?" alone is about the article; within a
            # message about shells, it is not: a part's answer must fit the whole
            # message, unless the part says enough on its own and the classifier does
            # not read it elsewhere.
            return None
        return replace(decision, question=part)

    def _agreed_with_whole(self, decision: Decision, whole: Decision) -> Decision | None:
        """A part held back by the second opinion, whose pick is also what the whole
        message points to (the matcher's best entry and the classifier's): three readings
        agree on it, so it is the answer ("Mon oncle dit que les obus sont super
        efficaces… Qu'est-ce que l'article dit de leur qualité ?")."""
        opinion, top = decision.opinion, whole.suggestions[0] if whole.suggestions else None
        if (
            opinion is None
            or top is None
            or whole.opinion is None
            or not decision.verdict.startswith(HELD_BACK)
            or top.entry.id != opinion.label
            or whole.opinion.label != opinion.label
        ):
            return None
        candidate = next((c for c in decision.suggestions if c.entry.id == opinion.label), None)
        if candidate is None or candidate.score < self.knobs.agree_floor:
            return None
        return answered_with(decision, candidate, f"{BOTH_AGREE} (the part and the whole message)")


_ADVERBS = frozenset({"deja"})
"""Adverbs the FAQ knows ("Poutine était-il déjà allé…") that a follow-up adds to its
question word ("c'était en quelle année déjà ?"): they do not make it a question of its
own. ("encore" and "toujours" are stop words already.)"""


def _the_question(text: str) -> str | None:
    """The one sentence of a message of several that asks something ("Ok pour le
    matériel. Elle y gagne autre chose ?", "Ah ok. Et c'était en quelle année ? Je
    pensais que c'était il y a dix ans"), or None. A guess after it asks too ("Moscou ?",
    "visio ?": what the article does not say, often)."""
    parts = sentences(text)
    asking = [p for p in parts if ASKING.search(p)]
    if len(parts) < 2 or len(asking) != 1:
        return None
    return asking[0]


def _small_talk(text: str, talk: SmallTalkMatch) -> Decision:
    """The decision for a message recognised as small talk."""
    return Decision(
        text,
        Status.SMALLTALK,
        None,
        0.0,
        (),
        Analysis((), None),
        smalltalk=talk.kind,
        reply=talk.reply,
        browse=talk.follow_with_help,
    )


def _in_conversation(
    text: str, entry: Entry, verdict: str, context: Context, *, again: str | None = None
) -> Decision:
    """An answer with `entry` that the conversation decided, not the words' scores: a
    follow-up the FAQ names, or a message about the previous answer (`again`)."""
    candidate = Candidate(entry, 100.0, entry.question)
    return Decision(
        text,
        Status.ANSWER,
        entry,
        candidate.score,
        (candidate,),
        Analysis((), None),
        entry.question,
        verdict=f"follow-up: {verdict}",
        context=context.question,
        again=again,
    )


def _stated(part: str, said: Sequence[str]) -> bool:
    """Whether a part of a message lies within one of its sentences that state (`statements`)."""
    return any(part.strip() in sentence for sentence in said)


def _doubted(decision: Decision, entry_id: str) -> bool:
    """The classifier reads a part of a long message elsewhere: it gives the matcher's
    entry under `PART_DOUBT` and its own pick at least `PART_DOUBT_PICK` ("Qu'est-ce qui
    a changé entre les deux pour les voyages de Poutine ?" matched "qu'est-ce que cette
    visite peut changer pour la guerre ?"; the classifier reads how his travels
    changed). Such a part answers only when the whole message points to its entry."""
    opinion = decision.opinion
    return (
        opinion is not None
        and opinion.label != entry_id
        and opinion.confidence_of(entry_id) < PART_DOUBT
        and opinion.confidence >= PART_DOUBT_PICK
    )


def _cites_no_note(decision: Decision) -> bool:
    """Whether a decision's entry, its answer or only its best guess, has sources that
    name no note (a long message about the pariah state that asks "sur quoi l'auteur
    s'appuie-t-il ?" is read whole too weakly to be answered, and still asks for the
    author's reasons; session 17: +1 right, −1 wrong on the tunable sets)."""
    entry = decision.entry
    return (
        entry is not None
        and not any(source.startswith("note ") for source in entry.sources)
        and ABOUT_THE_NOTES not in entry.tags
    )


def _names_its_source(decision: Decision, question: str) -> bool:
    """Whether a question about a source gets the passage's own entry, whose answer names
    it (`NAMES_ITS_SOURCE`), rather than the notes' entry."""
    entry = decision.entry
    return (
        entry is not None
        and NAMES_ITS_SOURCE in entry.tags
        and _NAMES_A_NOTE.search(fold(question)) is None
    )


def _sure_enough(decision: Decision) -> bool:
    """Whether an answer may stand beside another in a reply: at `SURE_SECOND` or more,
    or one both opinions give on their own. A weak answer beside a sure one, in a long
    message, is more often a misreading than a second question."""
    return decision.score >= SURE_SECOND or decision.verdict == BOTH_AGREE


_BESIDES_THAT = re.compile(
    r"\b(?:a part|en dehors de|hormis|mis a part|besides|apart from|other than|aside from) "
    r"(?:ca|cela|that|this)\b"
)
"""A follow-up that asks beyond the previous answer: "et à part ça, elle y gagne quoi ?"."""
BESIDES_WORDS = 8
"""A message that sets something aside (`_SETS_ASIDE`) and names only that ("et à part
les chars et la techno ?") has this many words at most, no comma and no question word
(beyond that, it asks a question of its own: "À part des armes, quel genre d'aide la
Russie apporte ?")."""


def _said_before(decision: Decision, message: str) -> str:
    """What came before a decision's question: the previous question of the conversation,
    or, for a part of a longer message, the message up to that part (its subject, for a
    pronoun: "la Corée du Nord est pauvre, qu'est-ce qu'elle a à gagner à filer ses
    armes ?"; session 19)."""
    if decision.context:
        return decision.context
    start = message.find(decision.question) if decision.question != message else -1
    return message[:start] if start > 0 else ""


def _fresh(context: Context | None, now: float) -> Context | None:
    """The previous answer, if it is recent enough to lean on (`CONTEXT_SECONDS`)."""
    if context is not None and 0 <= now - context.at <= CONTEXT_SECONDS:
        return context
    return None


def _not_what_it_sets_aside(decision: Decision, context: Context | None) -> Decision:
    """An answer with what the message sets aside, offered instead ("Vouliez-vous
    dire… ?"): the previous answer again for "à part ça, …" (`_BESIDES_THAT`; its
    suggestions come first), or, with no previous answer to lean on, the entry about
    the things a message like "et à part les chars ?" names (`_SETS_ASIDE`). With a fresh
    previous answer, the latter is the conversation's (`_ONLY`: the previous answer,
    which gave the whole list). Session 17: −2 wrong on the tunable sets, nothing else
    changed."""
    entry = decision.entry
    if decision.status is not Status.ANSWER or entry is None:
        return decision
    folded = fold(decision.question)
    if context is not None and entry.id == context.entry_id and _BESIDES_THAT.search(folded):
        others = tuple(c for c in decision.suggestions if c.entry.id != entry.id)
        again = Candidate(entry, decision.score, decision.matched or entry.question)
        return replace(
            decision,
            status=Status.SUGGEST,
            suggestions=(*others, again)[:3],
            verdict=f"{decision.verdict}; held back: asks beyond the previous answer",
        )
    if (
        context is None
        and _SETS_ASIDE.search(folded)
        and "," not in folded
        and decision.analysis.kind is None
        and len(folded.split()) <= BESIDES_WORDS
    ):
        return replace(
            decision,
            status=Status.SUGGEST,
            verdict=f"{decision.verdict}; held back: names only what it sets aside",
        )
    return decision


def _offered(decision: Decision) -> Decision:
    """A second answer given by agreement only (under `SURE_SECOND`), offered instead:
    "Vouliez-vous dire… ?" with its entry first. Beside a sure answer, such a reading of
    a part of a long message is as often talk as a second question (on the tunable sets,
    when it came: 5 of 8 right); a wrong answer costs more than a tap."""
    entry = decision.entry
    if entry is None:
        return decision
    first = Candidate(entry, decision.score, decision.matched or entry.question)
    others = tuple(c for c in decision.suggestions if c.entry.id != entry.id)
    return replace(
        decision,
        status=Status.SUGGEST,
        suggestions=(first, *others)[:3],
        verdict=f"{decision.verdict}; offered beside a surer answer",
    )


def _new_entry(decision: Decision, answers: Sequence[Decision]) -> bool:
    """Whether a decision answers with an entry none of the answers gives yet."""
    entry = decision.entry
    return entry is not None and all(d.entry is None or d.entry.id != entry.id for d in answers)
