"""Who gives to whom (bot/language/exchange.py), and the FAQ's mirrored entries
(`gives:`) answered the way a message says, on the real FAQ."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.language.exchange import ExchangeReader
from bot.understanding.matching import Decision, Status
from bot.understanding.pipeline import Context, Understander

KOREA = "ce-que-donne-la-coree"
RUSSIA = "ce-que-donne-la-russie"


@pytest.fixture(scope="module")
def reader(understander: Understander) -> ExchangeReader:
    assert understander.exchanges is not None
    return understander.exchanges


def side(reader: ExchangeReader, name: str) -> frozenset[str]:
    return next(s for s in reader.sides if name in s)


@pytest.mark.parametrize(
    ("message", "giver"),
    [
        ("La Russie donne quoi à la Corée du Nord ?", "russie"),
        ("que donne kim à poutine", "kim"),
        ("What does North Korea give Russia?", "kim"),
        ("et la Russie, elle reçoit quoi ?", "kim"),
        ("Qu'est-ce que la Corée du Nord obtient de Moscou ?", "russie"),
        ("la coree elle a besoin de la russie pour quoi ?", "russie"),
        ("les armes que la rpdc apporte aux russes", "kim"),
        ("elle les donne aux Russes ?", "kim"),
        ("que gagne la russsie dans l'affaire", "kim"),  # a typo, corrected
        ("et s'il donne des obus à la Russie ?", "kim"),  # "s'il" is no reflexive
        # A pronoun is the subject of the clause before it:
        ("Kim file des armes à Poutine, ok, mais lui il reçoit quoi en échange ?", "russie"),
        # The last clause that says who gives decides:
        ("La Russie reçoit des obus. Et la Corée du Nord, elle obtient quoi ?", "russie"),
        # "à la disposition de": for whom, not from whom
        ("qu'est-ce que Kim met à disposition des Russes ?", "kim"),
        ("la Russie met des chars à la disposition de Kim", "russie"),
        # A side named by an adjective after a noun keeps the marker before the noun:
        ("Que fournit le régime de Kim à l'armée russe ?", "kim"),
        ("Qu'est-ce que Moscou donne aux troupes nord-coréennes ?", "russie"),
        ("ya des chars russes ki partent en coree ?", "russie"),  # "des": an article
        # What interests a side is what it receives: the side after "intéresse" wants it
        ("Qu'est-ce que Kim garde dans ses entrepôts qui intéresse tant Moscou ?", "kim"),
        ("qu'est-ce qui intéresse Kim dans cet accord ?", "russie"),
        # What a side gains by giving: the one who gains receives (session 19)
        ("Qu'est-ce que la Russie gagne à aider la Corée du Nord ?", "kim"),
        ("la coree qu'est ce qu'elle a a gagner a filer ses armes a la russie", "russie"),
    ],
)
def test_who_gives(reader: ExchangeReader, message: str, giver: str) -> None:
    assert reader.giver(message) == side(reader, giver)


def test_a_huge_message_is_read_quickly(reader: ExchangeReader) -> None:
    """Only its start (`MAX_CHARS`) is read, as the matcher does."""
    huge = "La Russie donne quoi à la Corée ? " + "et encore, " * 5000 + "Kim donne quoi ?"
    assert reader.giver(huge) == side(reader, "russie")


def test_in_return_for_what_asks_what_the_giver_gets(reader: ExchangeReader) -> None:
    assert reader.giver("Kim donne des obus contre quoi ?") == side(reader, "russie")
    assert reader.giver("Kim donne quoi en échange ?") == side(reader, "kim")


def test_a_pronoun_stands_for_the_side_of_the_previous_question(reader: ExchangeReader) -> None:
    before = "Qu'est-ce qu'il y a dans les entrepôts de Kim ?"
    assert reader.giver("il les donne à qui ?") is None
    assert reader.giver("il les donne à qui ?", before=before) == side(reader, "kim")
    assert reader.giver("il les donne contre quoi ?", before=before) == side(reader, "russie")
    # the previous question gives a subject, never an answer of its own
    assert reader.giver("et en vrai ?", before="La Corée donne quoi à la Russie ?") is None


def test_a_pronoun_that_gives_back_is_the_other_side(reader: ExchangeReader) -> None:
    """After Kim's gifts, "il donne quoi en retour ?" asks what Russia gives back; "il
    reçoit quoi en retour ?" is still Kim, who receives."""
    before = "Qu'est-ce que Kim donne à Poutine ?"
    assert reader.giver("et lui, il donne quoi en retour ?", before=before) == side(
        reader, "russie"
    )
    assert reader.giver("il donne quoi en échange ?", before=before) == side(reader, "russie")
    assert reader.giver("et il reçoit quoi en retour ?", before=before) == side(reader, "russie")
    # A giver the message names keeps giving ("Kim donne quoi en échange ?").
    assert reader.giver("Kim donne quoi en échange ?", before=before) == side(reader, "kim")


@pytest.mark.parametrize(
    "message",
    [
        "Quel arrangement entre la Russie et la Corée du Nord ?",  # no giving verb
        "la corée du sud donne quoi ?",  # not a side of the FAQ's
        "il donne quoi ?",  # no side named, no clause before
        "Qu'est-ce que la Russie et la Corée du Nord se donnent ?",  # both give
        "Kim donne des obus à Poutine. Mais ils se donnent quoi d'autre ?",
        "What do Russia and North Korea give each other?",
        "la Russie s'approvisionne-t-elle en obus chez Kim ?",  # gives to itself
        "chars avions assistance technologique Pyongyang",  # keywords: no grammar
    ],
)
def test_nobody_gives(reader: ExchangeReader, message: str) -> None:
    assert reader.giver(message) is None


def answer_of(decisions: list[Decision]) -> str | None:
    [decision] = decisions
    assert decision.status is Status.ANSWER, decision
    return decision.entry.id if decision.entry else None


def test_a_pronoun_in_a_part_stands_for_the_side_named_before_it(
    understander: Understander,
) -> None:
    """A long message read part by part: "elle" in its question is the side its first
    sentence named (session 19: the part alone had no side, and was not turned)."""
    message = (
        "Je ne comprends pas, la Corée du Nord est un pays pauvre. Qu'est-ce qu'elle a à "
        "gagner à filer ses armes à la Russie ?"
    )
    assert answer_of(understander.understand(message)) == RUSSIA


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Qu'est-ce que la Corée du Nord obtient de Moscou ?", RUSSIA),
        ("kim il récupère quoi dans l'affaire", RUSSIA),
        ("Qu'est-ce que Kim récupère de la Russie ?", RUSSIA),
        ("Que donne Kim à Poutine ?", KOREA),
    ],
)
def test_mirrored_entries_follow_who_gives(
    understander: Understander, message: str, expected: str
) -> None:
    assert answer_of(understander.understand(message)) == expected


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        ("Qu'est-ce que la Russie fournit à la Corée du Nord ?", "et la Corée, elle donne quoi ?",
         KOREA),
        ("La Russie donne quoi à la Corée du Nord ?", "et la Russie elle reçoit quoi ?", KOREA),
        ("la russie donne quoi a la coree du nord", "et Kim il donne quoi en échange ?", KOREA),
    ],
)  # fmt: skip
def test_followups_follow_who_gives(
    understander: Understander, first: str, then: str, expected: str
) -> None:
    [previous] = understander.understand(first)
    assert previous.entry is not None
    assert previous.entry.id == RUSSIA
    context = Context(previous.entry.id, first, 100.0)
    assert answer_of(understander.understand(then, context=context, now=105.0)) == expected


def test_a_followup_to_the_whole_deal_goes_to_the_givers_entry(
    understander: Understander,
) -> None:
    """After the deal as a whole, "la Russie reçoit quoi ?" is what the Corée gives (not
    Kim's trip to Russia, whose phrasings say Russia "received" him)."""
    first = "c'est quoi le deal entre Kim et Poutine ?"
    assert answer_of(understander.understand(first)) == "arrangement"
    context = Context("arrangement", first, 100.0)
    then = understander.understand("et la russie elle reçoit quoi ?", context=context, now=105.0)
    assert answer_of(then) == KOREA


def test_who_gives_what_to_whom_asks_about_the_deal_whatever_the_preamble_says(
    understander: Understander,
) -> None:
    """The preamble's "c'est Kim qui envoie des chars aux Russes" gets the answer; the
    message asks who gives what: the deal as a whole, not what Kim gives."""
    message = (
        "Un collègue dit que c'est Kim qui envoie des chars aux Russes. Moi je pense le "
        "contraire. Qui donne quoi à qui ?"
    )
    decisions = understander.understand(message)
    assert [d.entry.id for d in decisions if d.entry is not None][:1] == ["arrangement"]
    assert decisions[0].status is Status.ANSWER


def test_a_followup_pronoun_is_the_previous_question_s_side(understander: Understander) -> None:
    first = "Qu'est-ce qu'il y a dans les entrepôts de Kim ?"
    assert answer_of(understander.understand(first)) == KOREA
    context = Context(KOREA, first, 100.0)
    then = understander.understand("il les donne contre quoi ?", context=context, now=105.0)
    assert answer_of(then) == RUSSIA


def test_it_stands_for_a_country_in_english(understander: Understander) -> None:
    """ "What does North Korea send to Russia?" then "and what does it get back?": "it"
    is North Korea, which receives."""
    first = "What does North Korea send to Russia?"
    assert answer_of(understander.understand(first)) == KOREA
    context = Context(KOREA, first, 100.0)
    then = understander.understand("and what does it get back?", context=context, now=105.0)
    assert answer_of(then) == RUSSIA


def test_why_is_not_turned(understander: Understander) -> None:
    """ "Pourquoi Kim aide Poutine ?" asks what Kim gets, not what he gives."""
    [decision] = understander.understand("Pourquoi Kim Jong-un aide Poutine ?")
    assert decision.entry is not None
    assert decision.entry.id != KOREA


def test_explain_says_the_answer_was_turned(understander: Understander) -> None:
    [decision] = understander.understand("Qu'est-ce que la Corée du Nord obtient de Moscou ?")
    assert decision.verdict.endswith("turned by who gives")


def test_without_gives_nothing_is_turned(kb: KnowledgeBase, understander: Understander) -> None:
    plain = replace(kb, entries=tuple(replace(e, gives=None) for e in kb.entries))
    bare = Understander(plain, understander.matcher, opinion=understander.second_opinion)
    assert bare.exchanges is None
    [decision] = bare.understand("Qu'est-ce que la Corée du Nord obtient de Moscou ?")
    assert not decision.verdict.endswith("turned by who gives")


def test_suggestions_follow_who_gives(kb: KnowledgeBase, understander: Understander) -> None:
    """A hesitation between the mirrored entries offers first the one the message asks
    for: the Corée that gains something receives, so what the Russie gives comes first
    (the matcher alone, without the classifier's opinion)."""
    alone = Understander(kb, understander.matcher, opinion=None)
    [decision] = alone.understand("la corée du nord elle gagne koi dans lhistoire")
    assert decision.status is Status.SUGGEST
    ids = [c.entry.id for c in decision.suggestions]
    assert ids[0] == RUSSIA
    assert KOREA in ids
    assert decision.entry is not None
    assert decision.entry.id == RUSSIA


@pytest.mark.parametrize(
    "message",
    [
        "la corée du nord elle gagne koi dans lhistoire",
        "la coree elle y gagne koi ds cette histoire",
        "la corée elle gagne koi ds l'affaire",
    ],
)
def test_a_turned_hesitation_the_classifier_backs_is_answered(
    understander: Understander, message: str
) -> None:
    """The matcher's best phrasing is "que gagne la Russie dans l'affaire" (what Korea
    gives); the message says Korea gains, and the classifier picks what Russia gives:
    both point to it, so it is answered rather than offered."""
    [decision] = understander.understand(message)
    assert decision.status is Status.ANSWER
    assert answer_of([decision]) == RUSSIA
    assert decision.verdict.endswith("suggestions turned by who gives; both agree")


@pytest.mark.parametrize(
    ("message", "both"),
    [
        ("la Russie et la Corée du Nord s’échangent des armes.", True),
        ("un troc armes contre technologie entre Moscou et Pyongyang", True),
        ("qui donne quoi à qui entre la Russie et la Corée ?", True),
        ("Qu'est-ce que la Russie et la Corée du Nord se donnent ?", True),
        ("la Corée du Nord file des obus et la Russie fournit de la techno", True),
        ("What do Russia and North Korea give each other?", True),
        ("Qu'est-ce que la Russie obtient dans cet échange ?", False),  # one side receives
        ("Kim donne quoi en échange ?", False),  # what he gets back: one side gives
        ("Que donne la Russie à la Corée du Nord ?", False),
        ("Quel arrangement entre la Russie et la Corée du Nord ?", False),  # no giving said
    ],
)
def test_both_give(reader: ExchangeReader, message: str, both: bool) -> None:
    assert reader.both_give(message) is both


@pytest.mark.parametrize(
    "message",
    [
        "la Russie et la Corée du Nord s’échangent des armes.",
        "qui donne quoi à qui entre la Russie et la Corée ?",
        "en gros la Corée du Nord file des obus et la Russie file de la techno",
    ],
)
def test_when_both_give_the_answer_is_the_deal_as_a_whole(
    understander: Understander, message: str
) -> None:
    """Not what one side gives: the entry that says it in full, and more (the deal)."""
    [decision] = understander.understand(message)
    assert decision.status is Status.ANSWER
    assert decision.entry is not None
    assert decision.entry.id == "arrangement"
    assert decision.suggestions[0].entry.id == "arrangement"
    assert decision.verdict.endswith("both sides give: the deal as a whole")
