"""Who gives to whom in a message: "la Russie reçoit quoi ?" means the Corée gives.

The FAQ marks the entries that ask what one side gives the other (`gives:`, see
knowledge/README.md), such as "what North Korea gives Russia" and "what Russia gives
North Korea". Their words are the same in both directions, and so are most questions'
("la Corée donne quoi à la Russie ?" / "la Russie donne quoi à la Corée ?"); what tells
them apart is the grammar, which a bag of words does not see:

- a *giving* verb (donner, fournir, envoyer…): its subject gives, the side after "à",
  "aux", "chez" or "pour" receives, the side after "par" or "de" gives ("les obus de
  Kim");
- a *receiving* verb (recevoir, obtenir, gagner, avoir besoin…): its subject receives,
  the side after "de", "du" or "par" gives ("la Corée obtient quoi de Moscou ?");
- "intéresse": the side after it receives ("ce que Kim garde qui intéresse tant
  Moscou": Moscow wants it; session 17, +2 right, −2 wrong on the tunable sets);
- a pronoun subject ("il", "elle", "lui"…) is the subject of the clause before it ("Kim
  file des armes à Poutine, mais lui il reçoit quoi ?": Kim receives);
- "contre quoi ?", "en échange de quoi ?" ask what the giver gets: the other side gives;
- a clause where both give ("qu'est-ce qu'ils se donnent ?") or one gives to itself ("la
  Russie s'approvisionne chez Kim") says nobody in particular.

A message is read clause by clause (split at sentence ends and at "et", "mais"); the last
clause that says who gives decides. The verbs are general French and English, kept here;
they are compared after the normaliser's synonyms, so "file", "refile" or "apporte" count
when the synonyms make them "fournir". Sides are the FAQ's: a mention is one to three
words whose tokens all belong to one side ("corée du nord", "Pyongyang", "les Russes").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.language.normalize import STOP_WORDS, Normalizer, fold, split_words

__all__ = ["ExchangeReader"]

GIVING_VERBS = (
    "donner donne donnent donné donnés fournir fournit fournissent fourni fournis envoyer "
    "envoie envoient envoyé envoyés livrer livre livrent livré vendre vend vendent vendu "
    "apporter apporte apportent offrir offre offrent filer file filent refile céder cède "
    "transférer transfère aider aide aident give gives gave send sends sent provide "
    "provides supply supplies sell sells"
)
RECEIVING_VERBS = (
    "recevoir reçoit reçoivent reçu obtenir obtient obtiennent obtenu récupérer récupère "
    "récupèrent gagner gagne gagnent toucher touche touchent acheter achète achètent "
    "besoin receive receives received get gets got obtain obtains gain gains buy buys need "
    "needs"
)
PRONOUNS = frozenset({"il", "elle", "ils", "elles", "lui", "eux", "he", "she", "it", "they"})
_MUTUAL = re.compile(r"\b(?:se|mutuellement|reciproquement|each other|one another)\b")
"""A clause where both sides give ("qu'est-ce qu'ils se donnent ?", "each other"), or
where one gives to itself ("la Russie s'approvisionne chez Kim": it receives): either
way no side gives the other in it."""
_REFLEXIVE = re.compile(r"\bs'(?!ils?\b)")
"""The elided "se" ("s'approvisionne"), gone from the words: seen on the raw clause."""
KEYWORDS = 4
"""A clause of this many words or more, none of them a stop word, is a list of keywords:
it says nothing of who gives ("chars avions assistance technologique Pyongyang")."""
MAX_CHARS = 1000
"""Only the start of a text is read (as the matcher does: longer texts are no question)."""
_DESTINATION = frozenset({"a", "au", "aux", "chez", "vers", "pour", "to", "for"})
_ORIGIN = frozenset({"de", "du", "des", "d", "par", "from", "by", "of"})
_BEFORE_A_NOUN = (_DESTINATION | _ORIGIN) - {"des", "du", "d", "of"}
"""Markers that still mark a side named by an adjective after a noun ("à l'armée russe",
"par le régime nord-coréen"); "des" and "du" there are articles ("des chars russes")."""
_FOR_WHOM = frozenset({"disposition", "profit", "faveur", "service", "intention", "benefice"})
"""Nouns after which "de" names who receives ("à la disposition de", "au profit de")."""
_ARTICLES = frozenset({"la", "le", "les", "l", "un", "une", "the", "ses", "son", "sa"})
_CLAUSES = re.compile(r"[.?!;:]+|\b(?:et|mais|and|but)\b", flags=re.IGNORECASE)
_IN_RETURN_FOR = re.compile(
    r"\b(?:contre quoi|en echange de quoi|in exchange for what|in return for what)\b"
)
"""A clause asking what the giver gets for it: the other side gives."""
_GAIN_BY = re.compile(r"\b(gagn(?:e|es|ent|er|é))\s+[àa]\s.*", re.IGNORECASE)
"""What a side gains by doing ("que gagne Kim à aider Poutine ?", "qu'est-ce qu'elle a à
gagner à filer ses armes à la Russie ?"): the gift after "à" is the means, and the one
who gains receives (session 19)."""
_BACK = re.compile(r"\b(?:en retour|en echange|in return|back)$")
"""A clause ending "in return" whose subject is a pronoun for the previous question's
giver ("Qu'est-ce que Kim donne à Poutine ?" then "et lui, il donne quoi en retour ?"):
the pronoun is the other side, the one that gives back."""
_BOTH_WAYS = re.compile(
    r"\beach other\b|\bone another\b|\bmutuel|\breciproque|\bwho gives what\b"
    r"|\bqui (?:\w+ )?(?:donne|fournit|envoie|apporte|file|offre|livre)\w* quoi\b"
    r"|\bse (?:donne|fourni|envoie|file|livre|vende|aide)"
)
"""Words that say both sides give ("qui donne quoi ?", "ils se fournissent",
"mutuellement"), whoever else the message names."""
_EXCHANGE = re.compile(r"(?<!en )\bechang|\btroc")
"""An exchange named ("ils s'échangent des armes", "un troc"): both sides give, unless
the message says one side gives ("la Russie obtient quoi dans cet échange ?"); "en
échange" asks what one side gets back (`_BACK`, `_IN_RETURN_FOR`)."""
_INTERESTS = frozenset({"interesse", "interessent", "interessait", "interessaient", "interests"})
"""A verb whose object receives: "ce que Kim garde qui intéresse tant Moscou" (Moscow
wants it: the Corée gives), "qu'est-ce qui intéresse Kim ?" (Kim gains). The synonyms
make it a receiving verb ("bénéfice"), whose subject would receive."""
_Side = frozenset[str]
"""One side of an exchange: the content tokens of its names ("coree", "nord", "kim")."""
_Mention = tuple[_Side, str | None]
"""A side named in a clause, with the marker before it ("a", "de"…) or None."""
_MENTION_SPAN = 3
"""The longest name, in words ("corée du nord", "north korea")."""


class ExchangeReader:
    """Reads which side gives in a message, for the sides the FAQ's `gives:` names."""

    def __init__(
        self,
        normalizer: Normalizer,
        sides: Sequence[frozenset[str]],
        *,
        correct: Callable[[str], str | None] | None = None,
    ) -> None:
        """`sides`: the content tokens of each side's names (disjoint sets)."""
        self.normalizer = normalizer
        self.sides = tuple(sides)
        self._correct = correct
        self._giving = self._tokens(GIVING_VERBS)
        self._receiving = self._tokens(RECEIVING_VERBS)

    def _tokens(self, verbs: str) -> frozenset[str]:
        return frozenset(t for verb in split_words(verbs) for t in self._content([verb]))

    def _content(self, words: Sequence[str]) -> list[str]:
        return self.normalizer.content(words, self._correct)

    def giver(self, text: str, *, before: str = "") -> frozenset[str] | None:
        """The side that gives in the message's last clause that says so, or None.

        `before` is the previous question of the conversation: its last subject is the
        one a pronoun of the message's first clause stands for ("Qu'y a-t-il dans les
        hangars de Kim ?" then "il les donne contre quoi ?"); it says nothing more.
        """
        found: frozenset[str] | None = None
        subject = self._subject(before[:MAX_CHARS]) if before else None
        for clause in _CLAUSES.split(text[:MAX_CHARS]):
            words, tokens, mentions, subjects = self._read(_GAIN_BY.sub(r"\1", clause))
            if not words or (len(words) >= KEYWORDS and STOP_WORDS.isdisjoint(words)):
                continue  # keywords ("chars avions assistance Pyongyang") have no grammar
            said = {t for ts in tokens for t in ts}
            giving, receiving = bool(said & self._giving), bool(said & self._receiving)
            if not subjects and subject is not None and PRONOUNS.intersection(words):
                back = _BACK.search(" ".join(words)) and bool(said & self._giving)
                subjects = [(self._other(subject) or subject) if back else subject]
            if subjects:
                subject = subjects[0]
            if _MUTUAL.search(" ".join(words)) or _REFLEXIVE.search(fold(clause)):
                found = None
                continue
            if giving == receiving:  # no verb of either kind, or both ("donnant-donnant")
                continue
            gives = self._clause_giver(giving, subjects, mentions)
            interest = next((i for i, w in enumerate(words) if w in _INTERESTS), None)
            if interest is not None and not giving:
                wanted = self._read(" ".join(words[interest + 1 :]))[3]
                if wanted:  # the side after the verb wants it: it receives
                    gives = self._other(wanted[0])
            if gives is not None and _IN_RETURN_FOR.search(" ".join(words)):
                gives = self._other(gives)  # "il les donne contre quoi ?": he receives
            if gives is not None:
                found = gives
        return found

    def both_give(self, text: str) -> bool:
        """Whether the message is about both sides giving: said as such ("qui donne
        quoi ?", `_BOTH_WAYS`), an exchange named with no side said to give ("la Russie
        et la Corée s'échangent des armes", `_EXCHANGE`), or two clauses with different
        givers ("la Corée file des obus et la Russie de la techno")."""
        text = text[:MAX_CHARS]
        folded = fold(text)
        if _BOTH_WAYS.search(folded) or (_EXCHANGE.search(folded) and self.giver(text) is None):
            return True
        givers = {self.giver(clause) for clause in _CLAUSES.split(text)} - {None}
        return len(givers) > 1

    def asks_both_ways(self, text: str) -> bool:
        """Whether the message says in so many words that both sides give ("qui donne
        quoi à qui ?", "each other", `_BOTH_WAYS`), whatever its clauses say."""
        return bool(_BOTH_WAYS.search(fold(text[:MAX_CHARS])))

    def _subject(self, text: str) -> frozenset[str] | None:
        """The side last named as a subject in a text (for the pronouns after it)."""
        subject = None
        for clause in _CLAUSES.split(text):
            _, _, mentions, subjects = self._read(clause)
            if not subjects and len({side for side, _ in mentions}) == 1:
                subjects = [mentions[0][0]]  # "les hangars de Kim": the only side named
            if subjects:
                subject = subjects[0]
        return subject

    def _read(self, clause: str) -> tuple[list[str], list[list[str]], list[_Mention], list[_Side]]:
        """A clause's words, each word's content tokens, the sides it mentions (with the
        marker before each) and its subjects (the sides named without a marker)."""
        words = split_words(clause)
        tokens = [self._content([w]) for w in words]
        mentions = self._mentions(words, tokens)
        return words, tokens, mentions, [side for side, marker in mentions if marker is None]

    def _other(self, side: frozenset[str]) -> frozenset[str] | None:
        """The other side, when there are two."""
        if len(self.sides) != 2:
            return None
        return self.sides[1] if side == self.sides[0] else self.sides[0]

    def _clause_giver(
        self,
        giving: bool,
        subjects: list[frozenset[str]],
        mentions: list[_Mention],
    ) -> frozenset[str] | None:
        """Who gives in one clause with one kind of verb."""
        giver: frozenset[str] | None = None
        receiver: frozenset[str] | None = None
        for side, marker in mentions:
            if marker in _ORIGIN:
                giver = giver or side
            elif marker in _DESTINATION and giving:
                receiver = side
        if subjects:
            if giving:
                giver = subjects[0]
                if receiver is None and len(subjects) > 1:  # "Kim aide Poutine"
                    receiver = subjects[1]
            else:
                receiver = subjects[0]
        if giver is None and receiver is not None:
            giver = self._other(receiver)
        return None if giver is None or giver == receiver else giver

    def _mentions(self, words: list[str], tokens: list[list[str]]) -> list[_Mention]:
        """Each mention of a side, with the marker before it ("à", "de"…) or None."""
        out: list[_Mention] = []
        i = 0
        while i < len(words):
            side, span = (None, 1) if not tokens[i] else self._side_at(words, i)
            after = i + span
            if side is not None and words[after : after + 1] in (["du"], ["de"], ["des"]):
                # "la Corée du Sud" is not "la Corée": a name goes on with "du <word>"
                following = tokens[after + 1] if after + 1 < len(words) else []
                if following and not set(following) <= side:
                    side = None
            if side is None:
                i += span
                continue
            before = i - 1
            while before >= 0 and words[before] in _ARTICLES:
                before -= 1
            marker = words[before] if before >= 0 else ""
            if (
                marker not in _DESTINATION
                and marker not in _ORIGIN
                and before > 0
                and tokens[before]
            ):
                # "à l'armée russe", "par le régime nord-coréen": the side is an adjective
                # of a noun, and the marker comes before that noun and its article (an
                # elided "l'" is gone from the words)
                ahead = before - 1
                while ahead >= 0 and words[ahead] in _ARTICLES:
                    ahead -= 1
                if ahead >= 0 and words[ahead] in _BEFORE_A_NOUN:
                    marker = words[ahead]
            if marker in _ORIGIN and before > 0 and words[before - 1] in _FOR_WHOM:
                marker = "pour"  # "à (la) disposition des Russes": for them
            known = marker in _DESTINATION or marker in _ORIGIN
            out.append((side, marker if known else None))
            i += span
        return out

    def _side_at(self, words: list[str], i: int) -> tuple[frozenset[str] | None, int]:
        """The side named by the words from `i` (longest first), and how many words."""
        for span in range(min(_MENTION_SPAN, len(words) - i), 0, -1):
            if span > 1 and not self._content(words[i + span - 1 : i + span]):
                continue  # "corée du" is "corée"
            said = set(self._content(words[i : i + span]))
            for side in self.sides:
                if said and said <= side:
                    return side, span
        return None, 1
