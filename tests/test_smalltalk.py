"""Small talk (issue 10, item 1): the real knowledge/smalltalk.yaml and the recogniser.

The recogniser is built from the real files, as the bot builds it. Small-talk messages
of every kind must get their kind; real questions about the article, every answerable
question of the development set included, must not be small talk.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from maintainer_bot import ADMIN_ID, copy_knowledge, maintained_bot

from bot.knowledge.base import (
    NO_SHRUG_KINDS,
    SMALLTALK_FILE,
    SMALLTALK_KINDS,
    KnowledgeBase,
    SmallTalk,
    SmallTalkKind,
    load_knowledge,
)
from bot.language.normalize import Normalizer
from bot.understanding.matching import Matcher, Status
from bot.understanding.pipeline import Understander
from bot.understanding.smalltalk import SmallTalkMatch, SmallTalkRecogniser, phrase_key

ROOT = Path(__file__).resolve().parent.parent
NNBSP = "\u202f"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="module")
def recogniser(kb: KnowledgeBase) -> SmallTalkRecogniser:
    return SmallTalkRecogniser.from_knowledge(kb)


def kind_of(recogniser: SmallTalkRecogniser, text: str) -> str | None:
    match = recogniser.recognise(text)
    return match.kind if match else None


# --- the real file -----------------------------------------------------------------------


def test_the_real_file_loads_with_every_kind(kb: KnowledgeBase) -> None:
    smalltalk = kb.smalltalk
    assert [k.name for k in smalltalk.kinds] == list(SMALLTALK_KINDS)
    assert smalltalk.file.endswith(SMALLTALK_FILE)
    assert ROOT / "knowledge" / SMALLTALK_FILE in kb.files  # hot reload watches it
    assert not [w for w in kb.warnings if SMALLTALK_FILE in w.file]
    for kind in smalltalk.kinds:
        assert len(kind.replies) >= 2, kind.name
        assert kind.line > 0
        # "several dozen" examples per kind; the three detected kinds need fewer.
        detected = ("other-language", "nonsense", "opinion")
        assert len(kind.examples) >= (25 if kind.name in detected else 40)
    with pytest.raises(AttributeError):
        smalltalk.kinds[0].replies = ()  # type: ignore[misc]
    assert {"allemand", "espagnol", "italien", "portugais", "neerlandais"} <= set(
        smalltalk.foreign_words
    )
    assert smalltalk.by_kind["greeting"].follow_with_help
    assert not smalltalk.by_kind["thanks"].follow_with_help


def test_every_example_is_recognised_as_its_own_kind(
    kb: KnowledgeBase, recogniser: SmallTalkRecogniser
) -> None:
    wrong = [
        (kind, example, kind_of(recogniser, example))
        for kind, example in kb.smalltalk.examples
        if kind_of(recogniser, example) != kind
    ]
    assert wrong == []


def _replies(kb: KnowledgeBase) -> list[tuple[str, str]]:
    return [(k.name, r) for k in kb.smalltalk.kinds for r in k.replies]


def test_replies_follow_french_typography(kb: KnowledgeBase) -> None:
    for kind, reply in _replies(kb):
        assert not re.search(r"[ \u00a0][;:!?»]", reply), (kind, reply)
        for match in re.finditer(r"[;:!?»]", reply):
            if reply[match.start() : match.start() + 3] == "://":
                continue
            assert reply[match.start() - 1] == NNBSP, (kind, reply)
        for match in re.finditer("«", reply):
            assert reply[match.end()] == NNBSP, (kind, reply)
        assert reply.count("«") == reply.count("»"), (kind, reply)
        assert "'" not in reply, (kind, reply)  # the typographic apostrophe ’
        assert "<" not in reply, (kind, reply)  # plain text, not HTML
        if kind in NO_SHRUG_KINDS:
            assert "🤷" not in reply, (kind, reply)


def test_replies_speak_as_je_and_say_how_to_get_help(kb: KnowledgeBase) -> None:
    for kind, reply in _replies(kb):
        assert "nous " not in reply.lower(), reply
        assert "ce bot" not in reply.lower(), reply
        assert re.search(r"\b(je|j’|me|m’|moi)\b", reply.lower()) or kind in (
            "ack",
            "goodbye",
            "greeting",
            "thanks",
            "how-are-you",
        ), (kind, reply)
    by_kind = kb.smalltalk.by_kind
    for reply in by_kind["insult"].replies:
        assert "/questions" in reply, reply
        assert "reformul" in reply.lower(), reply
    assert any("/aide" in r for r in by_kind["insult"].replies)
    for reply in by_kind["about-bot"].replies:
        assert "bot" in reply.lower() or "programme" in reply.lower(), reply
        assert "Grand Continent" in reply, reply
        assert "Corée du Nord" in reply, reply
        assert "/questions" in reply, reply
    for reply in by_kind["other-language"].replies:
        assert "français" in reply, reply
        assert "anglais" in reply, reply
        assert "I read French and English" in reply, reply
    for reply in by_kind["nonsense"].replies:
        assert "/questions" in reply, reply


# --- small talk is recognised --------------------------------------------------------------

# Messages as people type them; most of them are not literally examples of the file
# (typos, repeated letters, mixes, emoji, other spellings): see the generalisation test.
SMALL_TALK: dict[str, list[str]] = {
    "greeting": [
        "Bonjour Madame ou Monsieur, j'espère que vous allez bien.",  # s15: got an answer
        "salut, question rapide",  # a filler (session 13: it got "the article does not say")
        "salut jcomprends pas un truc",  # a filler (session 13: it got the G8's answer)
        "Bonjour à tous !",
        "bonjour bonjour !!",
        "salut 👋",
        "hello :)",
        "coucou toi 😊",
        "bonsoiiir",
        "BONJOUR",
        "bonjouuur",
        "Bjr",
        "slt !",
        "hey !",
        "Salut le bot",
        "bonjoru",
        "re !",
    ],
    "thanks": [
        "Je vous remercie infiniment pour votre patience.",  # session 15: "not in the article"
        "merci, c'était utile",  # session 13: suggestions about the munitions' use
        "mercii",
        "merci bcp !!",
        "merciiii 🙏🙏",
        "thanks a lot!",
        "merci infiniment, c'est très clair",
        "Merci, c’est gentil",
        "ok merci",
        "d'accord merci",
        "dac merci",
        "super merci !",
        "mreci",
        "merci beaucoup pour la réponse",
        "Merci beaucoup !",
        "thank u",
        "@faqbot merci !",  # addressed to the bot in a group
    ],
    "goodbye": [
        "bon ben je vais te laisser",  # session 13: "the article does not say"
        "allez bonne soirée",  # session 13: "the article does not say"
        "je file, merci",  # session 13: suggestions about what Korea gives
        "fin de la discussion",  # session 13: suggestions about the G8
        "à bientôt peut-être",
        "au revoir et merci",
        "bye !",
        "bonne soirée 🙂",
        "à plus",
        "a+",
        "merci, bonne journée",
        "merci beaucoup, bonne journée !",
        "Au revoir !",
        "bonne journée à vous",
        "ciao 👋",
    ],
    "ack": [
        "tkt c'est bon",  # "tkt", a filler (session 13: it got the shells' quality)
        "ok ok",
        "d’acc",
        "ah ok je vois",
        "mdr",
        "😂😂😂",
        "👍🏽",
        "ouais",
        "okkkk",
        "top",
        "génial",
        "ok 👍",
        "🦄",
        "ah bon ?",
        "Je vois.",
        "lol",
        "d'accord",
    ],
    "about-bot": [
        "Qui êtes-vous, et qui vous a programmé ?",  # session 15: the official programme
        "t'es un robot ?",
        "t'es un humain ou pas ?",
        "tu t’appelles comment ?",
        "bonjour, tu es un robot ?",
        "T'es un bot ??",
        "🤖",
        "tu es humain ?",
        "are you human?",
    ],
    "opinion": [
        "ton avis ?",
        "et toi, t'en penses quoi ?",
        "qu'est-ce que tu penses de Poutine ?",  # session 13: suggestions, the real purpose first
        "tu penses quoi de Kim Jong-un ?",
        "tu soutiens la Russie ?",  # session 13: answered with what Russia gives
        "Tu es pour ou contre la Russie ?",
        "tu soutiens la Russie ou l'Ukraine dans cette guerre ?",
        "What do you think of Putin?",
    ],
    "how-are-you": [
        "Comment vous portez-vous aujourd'hui ?",  # session 15
        "comment ça va ?",
        "ça va toi ?",
        "cv ?",
        "slt cv ?",
        "salut ça va",
        "bjr, ça va ?",
        "ca va ?",
        "sava ?",
        "How are you?",
    ],
    "insult": [
        "t'es nul",
        "t'es vraiment nul",
        "tes nul",
        "c nul",
        "tu sers à rien !!",
        "bot de merde",
        "n'importe quoi",
        "ptn",
        "ça marche pas",
        "c'est faux",
        "mdr t nul",
        "merde alors",
        "c'est nul ce bot",
        "😡",
    ],
    "other-language": [
        "Путин в Корее",
        "Почему Путин поехал в Пхеньян?",
        "Обама",
        "普京",
        "김정은 푸틴",
        "بوتين في كوريا",
        "Warum war Putin in Nordkorea?",
        "Wie alt ist Putin?",
        "Wo ist Kim?",
        "Was ist das?",
        "Qué pasa con Corea?",
        "Cómo estás?",
        "Tudo bem?",
        "Hoe gaat het?",
        "Wat is dat?",
        "¿Cuándo fue la visita de Putin?",
        "Perché Putin è andato da Kim?",
    ],
    "nonsense": [
        "1",
        "5",
        "12",
        "42",
        "2024",
        "?",
        "...",
        "!!!",
        "?!?",
        "ffffff",
        "hgfhgf",
        "qsdfghjkl",
        "jfkdls qmlkj",
        "x",
        "c",
    ],
}


def test_the_table_has_every_kind_and_enough_messages() -> None:
    assert set(SMALL_TALK) == set(SMALLTALK_KINDS)
    assert sum(len(m) for m in SMALL_TALK.values()) >= 80


def test_the_table_mostly_tests_generalisation(kb: KnowledgeBase) -> None:
    """Many messages of the table are not literally examples of the file (52 of 117)."""
    examples = {phrase_key(e) for _, e in kb.smalltalk.examples}
    messages = [m for ms in SMALL_TALK.values() for m in ms]
    unseen = [m for m in messages if phrase_key(m) not in examples]
    assert len(unseen) >= 0.4 * len(messages)


@pytest.mark.parametrize(("kind", "message"), [(k, m) for k, ms in SMALL_TALK.items() for m in ms])
def test_small_talk_gets_its_kind(
    recogniser: SmallTalkRecogniser, kb: KnowledgeBase, kind: str, message: str
) -> None:
    match = recogniser.recognise(message)
    assert match is not None, message
    assert match.kind == kind, (message, match)
    assert match.reply in kb.smalltalk.by_kind[kind].replies
    assert match.matched


def test_a_match_says_what_matched(recogniser: SmallTalkRecogniser) -> None:
    match = recogniser.recognise("Ok, merci beaucoup !")
    assert isinstance(match, SmallTalkMatch)
    assert match.kind == "thanks"
    assert match.matched == ("ok", "merci beaucoup")
    assert match.follow_with_help is False
    match = recogniser.recognise("Почему Путин поехал в Пхеньян?")
    assert match is not None
    assert match.matched == ("script CYRILLIC",)
    assert match.follow_with_help is True
    match = recogniser.recognise("Wann war Putin in Nordkorea?")
    assert match is not None
    assert match.matched == ("allemand: wann, nordkorea",)
    match = recogniser.recognise("42")
    assert match is not None
    assert match.matched == ("42",)
    match = recogniser.recognise("999")
    assert match is not None
    assert match.matched == ("a bare number",)


def test_the_reply_is_stable_per_message_and_varies_across_messages(
    recogniser: SmallTalkRecogniser, kb: KnowledgeBase
) -> None:
    first = recogniser.recognise("merci beaucoup")
    assert first is not None
    again = SmallTalkRecogniser.from_knowledge(kb).recognise("merci beaucoup")
    assert again == first
    # Case, accents and punctuation do not change the reply.
    same = recogniser.recognise("MERCI BEAUCOUP !!")
    assert same is not None
    assert same.reply == first.reply
    seen: Counter[str] = Counter()
    for message in SMALL_TALK["thanks"] + list(kb.smalltalk.by_kind["thanks"].examples):
        match = recogniser.recognise(message)
        assert match is not None
        seen[match.reply] += 1
    assert len(seen) == len(kb.smalltalk.by_kind["thanks"].replies)  # every reply is used


# --- questions are not small talk ------------------------------------------------------------

QUESTIONS = [
    "merci ! et pourquoi Poutine va en Corée ?",
    "bonjour, c'est quand la visite ?",
    "salut, combien d'obus ?",
    "ok et la CPI ?",
    "merci mais pourquoi ?",
    "obus ?",
    "CPI",
    "kim",
    "c quand",
    "poutine",
    "putin",
    "Kim Jong-un",
    "note 3",
    "aide",
    "pourquoi ?",
    "quand ?",
    "qui ?",
    "vrai ?",
    "How old is Putin?",
    "le kremlin veut quoi",
    "Why did Putin go to North Korea?",
    "G8 ?",
    "pk poutine va en coree du nord",
    "c koi l'histoire du g8 avec la russie",
    "bonjour, que dit l'article sur la russie de l'année 2000 ?",
    "ok donc la russie est isolée ?",
    "mandat d'arret",
    "7000 conteneurs",
    "5 millions d'obus",
    "merci, et les munitions ?",
    "Is Russia a pariah state?",
    "dis moi tout sur Kim",
    "salut poutine",
    "@faqbot pourquoi Poutine va en Corée ?",
    "Que pense von der Leyen de la visite ?",  # names are not German
    "Kim a rencontré Putin, und ?",
    "t'es qui ?",  # a phrasing of the FAQ: its answer is more useful
    "T’es qui ?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_questions_are_not_small_talk(recogniser: SmallTalkRecogniser, question: str) -> None:
    assert recogniser.recognise(question) is None


def test_at_most_one_percent_of_the_devset_answerable_questions_are_small_talk(
    recogniser: SmallTalkRecogniser,
) -> None:
    devset = yaml.safe_load((ROOT / "knowledge" / "devset.yaml").read_text(encoding="utf-8"))
    questions = [item["q"] for item in devset["answerable"]]
    assert len(questions) >= 700
    taken = [(q, m.kind) for q in questions if (m := recogniser.recognise(q)) is not None]
    assert len(taken) <= 0.01 * len(questions), taken
    # Today's figure, for the record: none. Raise the bar rather than let it slip.
    assert taken == []


def test_the_faq_phrasings_are_not_small_talk_even_without_leaving_them_to_the_faq(
    kb: KnowledgeBase,
) -> None:
    """Without `faq_phrasings`, nothing protects the FAQ's own phrasings: they still are
    questions, but for words only the FAQ knows (then taken for keyboard mashing)."""
    bare = SmallTalkRecogniser(kb.smalltalk, kb.normalizer())
    taken = [(p, m.kind) for e in kb.entries for p in e.phrasings if (m := bare.recognise(p))]
    assert all(kind == "nonsense" for _, kind in taken), taken
    assert len(taken) <= 2, taken
    with_faq = SmallTalkRecogniser.from_knowledge(kb)
    assert [p for p, _ in taken if with_faq.recognise(p) is not None] == []


def test_the_devset_small_talk_is_recognised(recogniser: SmallTalkRecogniser) -> None:
    """The development set's off-topic messages that are small talk get their kind."""
    devset = yaml.safe_load((ROOT / "knowledge" / "devset.yaml").read_text(encoding="utf-8"))
    kinds = {q: kind_of(recogniser, q) for q in devset["unanswerable"]}
    assert kinds["bonjour"] == "greeting"
    assert kinds["merci beaucoup"] == "thanks"
    assert kinds["ok"] == "ack"
    assert kinds["mdr t nul"] == "insult"
    assert kinds["Привет, как дела?"] == "other-language"
    assert kinds["hola que tal"] == "other-language"
    assert kinds["qsdlkfj qsdf mlkj"] == "nonsense"
    assert kinds["???"] == "nonsense"
    # Off-topic questions are not small talk: the FAQ side says it does not know.
    assert kinds["meteo lyon"] is None
    assert kinds["How old is Putin?"] is None
    # A request to the bot itself is small talk: the reply says what the bot does.
    assert kinds["raconte une blague"] == "about-bot"


# --- the recogniser's rules, on a small hand-made file -------------------------------------


def small(**knobs: float) -> SmallTalkRecogniser:
    smalltalk = SmallTalk(
        kinds=(
            SmallTalkKind("thanks", ("merci", "merci beaucoup"), ("De rien\u202f!",)),
            SmallTalkKind("greeting", ("bonjour",), ("Bonjour\u202f!", "Salut\u202f!")),
            SmallTalkKind("ack", ("ok", "👍"), ("D’accord.",)),
            SmallTalkKind("opinion", ("ton avis ?",), ("Je ne prends pas parti.",)),
            SmallTalkKind("other-language", ("danke",), ("Je lis le français.",)),
            SmallTalkKind("nonsense", ("azerty",), ("Pardon\u202f?",), follow_with_help=True),
        ),
        fillers=("et", "vraiment"),
        foreign_words={"allemand": ("warum", "ist", "der")},
    )
    return SmallTalkRecogniser(
        smalltalk,
        Normalizer(),
        faq_phrasings=["merci pour tout ?", "Qui est Kim ?", "tu penses quoi de la CPI ?"],
        dictionary={"merci": 1000, "bonjour": 1000, "tout": 1000, "pour": 1000},
        **knobs,  # type: ignore[arg-type]
    )


def test_all_of_the_message_must_be_small_talk() -> None:
    r = small()
    assert kind_of(r, "merci") == "thanks"
    assert kind_of(r, "ok merci") == "thanks"  # thanks comes before ack
    assert kind_of(r, "bonjour et merci") == "thanks"
    assert kind_of(r, "merci vraiment beaucoup") == "thanks"  # a filler inside a phrase
    assert kind_of(r, "merci kim") is None
    assert kind_of(r, "et") is None  # fillers alone say nothing


def test_a_faq_phrasing_is_left_to_the_faq() -> None:
    r = small()
    assert r.recognise("Merci pour tout ?") is None
    assert kind_of(r, "merci ! bonjour") == "thanks"
    # A request for my opinion too, when the FAQ has it among its phrasings.
    assert r.recognise("Tu penses quoi de la CPI ?") is None
    assert kind_of(r, "tu penses quoi de Kim ?") == "opinion"


def test_knobs_change_the_decisions() -> None:
    assert kind_of(small(), "merci " * 12) == "thanks"
    assert kind_of(small(max_words=11), "merci " * 12) is None
    assert kind_of(small(), "warum ist kim") == "other-language"
    assert kind_of(small(foreign_share=0.9), "warum ist kim") is None
    assert kind_of(small(foreign_min_words=3), "warum ist kim") is None
    assert kind_of(small(), "mercu") == "thanks"  # one typo
    assert kind_of(small(typo_min_length=6), "mercu") != "thanks"
    assert kind_of(small(), "Путин и Ким") == "other-language"
    assert kind_of(small(script_share=0.9), "Путин and Kim") is None


def test_real_words_are_never_corrected_into_small_talk() -> None:
    r = small()
    # "mercis" is a plural; "mercy" is one typo away from "merci" but a real English
    # word here (in the dictionary): it is left alone.
    assert kind_of(r, "mercis") == "thanks"
    r = SmallTalkRecogniser(
        SmallTalk(kinds=(SmallTalkKind("thanks", ("merci",), ("De rien\u202f!",)),)),
        Normalizer(),
        dictionary={"mercy": 1000},
    )
    assert r.recognise("mercy") is None
    assert kind_of(r, "mercu") == "thanks"


def test_a_missing_kind_is_never_recognised() -> None:
    r = SmallTalkRecogniser(SmallTalk(), Normalizer(), dictionary={})
    for message in ("merci", "?", "42", "Привет", "👍"):
        assert r.recognise(message) is None
    assert r.recognise("") is None
    assert r.recognise("   ") is None


def test_a_folder_without_smalltalk_yaml_loads(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    (root / SMALLTALK_FILE).unlink()
    kb = load_knowledge(root)
    assert kb.smalltalk == SmallTalk()
    assert SmallTalkRecogniser.from_knowledge(kb).recognise("merci") is None


def test_phrase_key_folds_spelling() -> None:
    assert phrase_key("C’est   NUL !!") == phrase_key("c est nul") == "cest nul"
    assert phrase_key("merciiiii 👍🏽") == "mercii 👍"
    assert phrase_key("à+") == phrase_key("a +") == "a plus"
    assert phrase_key("...") == ""


# --- hot reload ---------------------------------------------------------------------------


async def _until(condition: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - the state is set by a JobQueue job
            await asyncio.sleep(0.02)


async def test_an_edit_to_smalltalk_yaml_is_reloaded(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path / "knowledge")
    async with maintained_bot(root, reload_interval=0.2) as bench:
        assert "wesh wesh" not in bench.kb.smalltalk.by_kind["greeting"].examples
        path = root / SMALLTALK_FILE
        text = path.read_text(encoding="utf-8")
        edited = text.replace("      - wesh\n", "      - wesh\n      - wesh wesh\n", 1)
        assert edited != text
        path.write_text(edited, encoding="utf-8")
        # A reload loads and checks the whole FAQ and rebuilds the matcher: seconds on a
        # busy 2-core machine, hence the generous wait.
        await _until(
            lambda: "wesh wesh" in bench.kb.smalltalk.by_kind["greeting"].examples, timeout=30
        )
        assert bench.api.sent(ADMIN_ID) == []  # a valid edit: nothing to report


@pytest.mark.parametrize("message", ["merci lol", "ok merci stp", "merci mdr", "ok quand même"])
def test_fillers_the_matcher_drops_are_still_fillers(
    recogniser: SmallTalkRecogniser, message: str
) -> None:
    """ "stp", "lol", "mdr", "quand même" say nothing to the matcher (its normaliser drops
    them), but the file lists them as small talk's fillers: they must stay fillers."""
    match = recogniser.recognise(message)
    assert match is not None
    assert match.kind in ("thanks", "ack")


@pytest.mark.parametrize(
    "question",
    [
        "Qu'est-ce que tu penses de la qualité des obus nord-coréens ?",
        "qu'est-ce que tu penses que Poutine va obtenir ?",
        "Que pense l'article de la visite ?",
        "tu penses que Poutine va revenir ?",
    ],
)
def test_a_question_about_the_article_is_no_request_for_my_opinion(
    recogniser: SmallTalkRecogniser, question: str
) -> None:
    """Only a request for the bot's own opinion on a name or a few words is small talk;
    a longer subject, a "que" clause or the article's view is a question."""
    match = recogniser.recognise(question)
    assert match is None or match.kind != "opinion", (question, match)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        (
            "Bonsoir, je m'appelle Gérard, je suis ingénieur à la retraite et je viens de "
            "découvrir ce bot grâce à mon petit-fils. Ravi de faire votre connaissance.",
            "greeting",
        ),
        (
            "Super, merci ! Grâce à toi mon exposé est presque fini, il ne me reste plus "
            "qu'à faire les diapos.",
            "thanks",
        ),
        ("bot débile, tu comprends jamais rien", "insult"),
        ("D'accord, c'est noté. Je vais relire tout ça tranquillement ce soir.", "ack"),
    ],
)
def test_a_longer_message_of_small_talk_and_chatter_is_small_talk(
    kb: KnowledgeBase, message: str, kind: str
) -> None:
    """Decision (`SmallTalkRecogniser.within`): a message the FAQ finds nothing for,
    with a clause of small talk and no other clause that asks anything, gets that
    clause's small talk, through the whole pipeline."""
    understander = Understander.build(kb, Matcher(kb))
    [decision] = understander.understand(message)
    assert decision.status is Status.SMALLTALK
    assert decision.smalltalk == kind


@pytest.mark.parametrize(
    "message",
    [
        "Bonjour, pourquoi Poutine va en Corée du Nord ?",
        "Salut, je suis Léa, je me demande quand Kim est allé en Russie",
        "Merci, et qui a émis le mandat contre lui, au juste ?",
        "Bonjour, je m'appelle Paul, c'est quoi la météo à Moscou ?",
    ],
)
def test_small_talk_beside_a_question_leaves_the_question(
    kb: KnowledgeBase, recogniser: SmallTalkRecogniser, message: str
) -> None:
    """A clause that asks something, and that is no small talk itself, keeps the whole
    message a question, answered or not."""
    assert recogniser.within(message) is None
    understander = Understander.build(kb, Matcher(kb))
    assert all(d.status is not Status.SMALLTALK for d in understander.understand(message))


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Merci pour la précision sur les dates.", "thanks"),
        ("super, merci beaucoup pour les précisions sur les sources", "thanks"),
        ("thanks for the info about the shells", "thanks"),
        ("Merci pour la réponse, et les obus ?", None),
        ("merci de me dire combien d'obus la Corée a envoyés", None),
    ],
)
def test_thanks_for_something_is_thanks_when_nothing_asks(
    recogniser: SmallTalkRecogniser, message: str, kind: str | None
) -> None:
    """ "Merci pour la précision sur les dates." thanks for something in words of its own
    ("précision" is no question about the shells' accuracy); a "?" or a question word
    makes it a question (session 18)."""
    assert kind_of(recogniser, message) == kind
