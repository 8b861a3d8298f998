"""French-aware text normalisation, shared by the FAQ validator and the matcher.

`fold()` gives the comparable surface form of a text (lower case, no accents, one kind
of apostrophe, no punctuation, numbers written one way). `Normalizer.analyse()` goes
further and returns the *content* of a question: stemmed content words with the
maintainers' synonyms applied, plus the question word it starts with (quand, combien…),
which the matcher uses to tell "when" questions from "how many" questions.

Decisions (documented here because they shape matching):
- Elided articles and pronouns (l’, d’, qu’, j’…) are dropped; both ’ and ' work.
- "7 000", "7.000" and "7,000" all become "7000".
- Stemming is deliberately light: plural -s/-x, -aux → -al, and the feminine endings
  -enne, -elle, -euse, -ive, -ée. It is applied the same way to the FAQ and to questions,
  so it only has to be consistent, not linguistically perfect.
- Stop words (articles, pronouns, auxiliaries, politeness like "bonjour", "stp") are
  removed, in French and English. Question words are removed from the content too, but
  kept aside as the question's *kind*.
- Synonyms are applied after stemming, longest alias first, on whole words.
- Direction: the first content word after "à la/au/aux/chez/vers/to" is also kept as
  a *destination* role (">russie"), and the one after "par/by" as an *agent* role
  ("<coree"), so that "la Russie donne quoi à la Corée ?" and "la Corée donne quoi à
  la Russie ?" differ. A bare "a" counts only before an article or a name ("a la
  coree", "à Poutine", bot/language/names.py): without accents it is also "has" ("il a donné").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.language.names import JOINED_NAMES, PROPER_NOUNS

__all__ = [
    "QUESTION_PHRASE_WORDS",
    "STOP_WORDS",
    "Analysis",
    "Normalizer",
    "describe_roles",
    "fold",
    "split_words",
    "stem",
    "surface",
]

_SPECIAL_CHARACTERS = (
    *(("’", "'"), ("‘", "'"), ("`", "'"), ("´", "'"), ("ʼ", "'"), ("‛", "'")),  # apostrophes
    *(("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("Æ", "AE"), ("ß", "ss"), ("ẞ", "SS")),  # ligatures
)
_THOUSANDS = re.compile(r"(?<![\d])(\d{1,3})((?:[ .,\u00a0\u202f]\d{3})+)(?![\d])")
_ELISION = re.compile(
    r"\b(?:l|d|j|m|t|s|c|n|qu|q|jusqu|lorsqu|puisqu|quoiqu)'(?=[a-z])", flags=re.ASCII
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_NOT_FOLDED = re.compile(r"[^a-z0-9']+")
_DIGIT = re.compile(r"\d")

# Question words, recognised on the folded text. "ou" (or) and "où" (where) fold to the
# same word, so "où" is recognised before folding and "ou" only at the start.
_QUESTION_WORDS: dict[str, str] = {
    "quand": "quand",
    "when": "quand",
    "combien": "combien",
    "qui": "qui",
    "who": "qui",
    "whom": "qui",
    "pourquoi": "pourquoi",
    "why": "pourquoi",
    "where": "ou",
    "comment": "comment",
    # SMS and phonetic spellings people really type.
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "pourkoi": "pourquoi",
    "qd": "quand",
    "kan": "quand",
    "kand": "quand",
    "cb": "combien",
    "cbien": "combien",
    "cmb": "combien",
    "konben": "combien",  # Creole spellings (session 17)
    "konbyen": "combien",
    "kombien": "combien",
    "ki": "qui",
}
_QUESTION_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("how", "many"), "combien"),
    (("how", "much"), "combien"),
    (("what", "year"), "quand"),
    (("quelle", "date"), "quand"),
    (("quel", "jour"), "quand"),
    (("quel", "mois"), "quand"),
    (("what", "month"), "quand"),
    (("what", "date"), "quand"),
    (("quelle", "annee"), "quand"),
    (("en", "quelle", "annee"), "quand"),
    (("a", "quelle", "date"), "quand"),
    (("dans", "quel", "pays"), "ou"),
    (("dans", "quels", "pays"), "ou"),
    (("quel", "pays"), "ou"),
    (("quels", "pays"), "ou"),
    (("which", "countries"), "ou"),
    (("which", "country"), "ou"),
    # which court or body: who ("Quelle juridiction a émis le mandat ?"; session 15)
    (("quelle", "juridiction"), "qui"),
    (("quelle", "cour"), "qui"),
    (("quel", "tribunal"), "qui"),
    (("quelle", "institution"), "qui"),
    (("quelle", "instance"), "qui"),
    (("quel", "organisme"), "qui"),
    (("pour", "quelle", "raison"), "pourquoi"),
    (("pour", "quoi"), "pourquoi"),
    (("what", "for"), "pourquoi"),
)

_STOP_WORDS = frozenset(
    """
    a à au aux avec ce ces cet cette ceci cela ça ca de des du d en et est es etre être
    il ils elle elles on je j tu te t vous nous me m moi toi lui eux leur leurs se s sa son ses
    mon ma mes ton ta tes notre nos votre vos le la les l un une y ne n pas plus que qu quoi
    quel quelle quels quelles lequel laquelle lesquels dont ou où par pour sur dans sont
    ete été etait était etaient étaient sera seront serait fut a ai as avons avez ont
    avait avaient aura auraient eu eue eues eus fait faire fais font faut peut peux pouvez pourrait
    pourrais pourriez sait sais savez savoir dis dites donc alors bien tres très
    mais tout tous toute toutes si oui non ok okay bonjour bonsoir salut coucou hello hi hey
    merci stp svp plait plaît sil s'il aussi encore vraiment exactement genre
    truc chose choses cest c est-ce estce quelqu quelque quoi ya voila voilà bah ben euh
    hein bref question questions explique expliquer expliquez raconte racontez
    suis vais avais voulais voulait voudrais aimerais veux veut crois pense disent
    croyais croyait pensais pensait
    juste seulement uniquement trop attends attendez
    the an of to in on at for by with from and or is are was were be been being do does
    did have has had it its this that these those there their they he she his her
    him i you me my we us our your what which can could would should will shall may
    might please tell about know most anymore then back all honestly don doesn didn isn
    aren wasn someone told asked also any some every think
    """.split()
)

QUESTION_PHRASE_WORDS = (
    frozenset(w for phrase, _ in _QUESTION_PHRASES for w in phrase) - _STOP_WORDS
)
"""The words that make a phrase a question word ("quelle année", "quel pays"): in a
follow-up they ask, they bring nothing new ("c'était quelle année ?")."""

# Words whose feminine/plural folding would merge two different meanings.
_STEM_EXCEPTIONS = frozenset(
    {
        "armee",
        "armees",
        "coree",
        "coreee",
        "obus",
        "pays",
        "paris",
        "brics",
        "fois",
        "kiev",
        "portee",
        "portees",
        "crimee",  # Crimea is not a crime
    }
)


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, unify apostrophes and numbers.

    Cached (a pure function): loading the FAQ folds each phrasing several times, and a
    reload folds the same texts again.

    >>> fold("L’armée a reçu 7 000 conteneurs !")
    "l'armee a recu 7000 conteneurs"
    """
    if text.isascii():  # ASCII is its own NFKC form and has no accent or ligature
        text = text.replace("`", "'").lower()
    else:
        text = unicodedata.normalize("NFKC", text)
        for special, plain in _SPECIAL_CHARACTERS:
            if special in text:  # str.translate with a table is slow: a few replace()
                text = text.replace(special, plain)
        text = text.lower()
    if _DIGIT.search(text):
        text = _THOUSANDS.sub(lambda m: m.group(1) + re.sub(r"\D", "", m.group(2)), text)
    if not text.isascii():
        # Decompose accents, then drop what is not ASCII (accents, other alphabets, emoji).
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    # Keep apostrophes (for elisions) and letters/digits; everything else is a space.
    return _NOT_FOLDED.sub(" ", text).strip()


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light French plural and feminine folding (see the module docstring)."""
    if len(word) <= 3 or word.isdigit() or word in _STEM_EXCEPTIONS:
        return word
    if word.endswith("aux"):
        return word[:-3] + "al"
    if word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    for ending, replacement in (("enne", "en"), ("elle", "el"), ("euse", "eur"), ("ive", "if")):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + replacement
    if word.endswith("ee") and len(word) > 4:
        return word[:-1]
    return word


_VERB_ENDINGS = (
    "eraient", "erions", "erait", "erons", "eront", "aient", "erai", "erez", "erent",
    "ions", "ion", "iez", "ait", "ai",
)  # fmt: skip
"""Endings of -er verbs, once `stem` dropped a final s or x ("envoyais" → "envoyai")."""


def verb_infinitives(word: str) -> tuple[str, ...]:
    """The -er infinitives a (stemmed) word may be a form of ("voyageaient" →
    "voyager", "siegeait" → "sieger", "reclamaient" → "reclamer"); none for short
    words. Only a guess: the caller keeps one the FAQ or its synonyms know."""
    if len(word) < 5 or word.endswith("er"):
        return ()
    for ending in _VERB_ENDINGS:
        base = word[: -len(ending)]
        if word.endswith(ending) and len(base) >= 3:
            return (f"{base}r",) if base.endswith("e") else (f"{base}er",)
    return ()


# Fixed expressions of spoken French that carry no content, removed before anything
# else reads the words: "du coup" is not about a "coup", "quand même" does not ask
# "when", "au fond" (basically) is no "fond" unless a "de" follows, "sous la main" (at
# hand) is no "main" (English for principal), "si je comprends bien" is no G8 that
# "comprend" Russia, "bon" at the start of a message is not about quality, "d'accord"
# (OK, or "I agree") is no "accord" (a deal), unless they "se sont mis d'accord".
_FILLERS = re.compile(
    r"\b(?:(?:selon|d'apres|according to) (?:l'auteur|l'article|le texte|le journal|the author|"
    r"the article|the text)|la dessus|du coup|en fait|au fait|quand meme|tout a fait|"
    r"tout de suite|mais bon|bon ben|"
    r"ah bon|en fin de compte|de toute facon|a vrai dire|c'est a dire|pas mal|"
    r"a chaque fois|en gros|en vrai|tu vois|vite fait|je sais pas|jsp|j'sais pas|d'apres|"
    r"d'avance|par avance|en train de|en train d|entendu parler de|entendu parler d|"
    r"entendu parler|quelque part|qq part|au fond(?! d)|sous la main|"
    r"si je comprends bien|si j'ai bien (?:suivi|lu)|si je ne m'abuse|"
    r"(?<!mis )(?<!mettre )(?<!mettent )d'accord)\b"
)
_SIGHTS = re.compile(
    r"\b(?:visite|visiter|visites|visitait|visitent|visited|see|seen) (?:quoi|what)\b"
)
"""What someone visited or saw ("il a visité quoi là-bas ?"): the sights, spelled out as
"monuments", which no phrasing has (the article tells that visits took place, not what
was seen)."""
_DID_THERE = re.compile(
    r"\b(?:fait|fais|faire|font|faisait|fera) (?:quoi|koi)(?: \w+)? (?:la bas|la-bas|labas)\b"
)
"""What someone did or does there ("il a fait quoi poutine là-bas", "il va faire quoi
là-bas ?"): what he went there for, spelled out as "but visite" ("fait", "quoi" and
"là-bas" are stop words: alone, only the name was left). The writers of the dev sets
accept the visit's purpose, its programme or what to expect of it."""
_HOSTS = re.compile(
    r"(?<!\bque )(?<!\bqu'est-ce que )(?<!\bce que )\b(?:recoit|accueille) "
    r"(?=(?:le |son )?(\w+))"
)
"""To receive a person or a country's leader is to host him ("Quel dirigeant
nord-coréen reçoit Poutine ?", "Kim accueille le président russe"): spelled out as
"hote", not "recevoir", which asks what one side receives from the other ("Que reçoit
Kim de Poutine ?" keeps it: the name is its subject; "reçoit des armes" is goods)."""
_HOST_TITLES = frozenset({"president", "chef", "dirigeant", "homologue"})


def _hosting(match: re.Match[str]) -> str:
    """ "hote " for a receiving verb whose object is a person (`_HOSTS`)."""
    person = match.group(1)
    return "hote " if person in PROPER_NOUNS or person in _HOST_TITLES else match.group(0)


_MISSED = re.compile(r"\bdu manquer\b")
"""Had to miss an event ("quel sommet a-t-il dû manquer ?"): cancelled, not lacked
("manquer" alone is to lack, as shells)."""
_FACTS = re.compile(r"\b(?:pour|de) quels faits\b")
"""For which acts ("pour quels faits la CPI poursuit-elle Poutine ?"): for which crimes
("faits" is the stop word "fait": alone, the question read as who issued the warrant)."""
_WHY = re.compile(r"\b(?:pourquoi|pk|pq|pkoi|pourkoi|why)\b")
"""A question asking why: "pk il peut plus aller nulle part" asks the reason, not where."""
_NOWHERE = re.compile(r"\bnulle part\b|\bnowhere\b")
"""Nowhere ("il peut plus aller nulle part ?"): it says where, as "quels pays" does (a
question about places, kind "ou"); not in a question asking why (`_WHY`: "pk il peut
plus aller nulle part" asks the reason; session 18)."""
_HOW_LONG = re.compile(
    r"\bhow long (?:did|does|will|would) ((?:the |his |this |that )?[\w']+(?: \w+)?) last\b"
    r"|\bhow long (?:was|is|were) ((?:the |his |this |that )?[\w']+(?: \w+)?)$"
)
"""How long something lasted ("How long did the visit last?", "how long was the trip"):
spelled out as "combien de temps a duré…", not "long" and "last" (the last visit)."""
_LASTED = re.compile(r"\bdur(?:e|er|ee|ait|era|ent)\b")
"""How long something lasted, said with "durer" ("ça a duré combien de temps ?",
"combien de temps a duré la visite ?"): "durer" says it; the "temps" of "combien de
temps" would make it a question of elapsed time ("depuis combien de temps…", the time
since Putin's previous visit), so it is read as "combien"."""
_QUANT = re.compile(r"\bquant est ce\b")
"""'Quant' for 'quand' before 'est-ce' (never 'quant à', "as for")."""
_USE = re.compile(
    r"\ben (?:faire|font|fait|fera|feront|faisait|faisaient|ont fait|a fait) quoi\b"
    r"|\bqu'(?:ils|elles|il|elle|on) en (?:font|fait|feront|fera|ont fait|a fait)\b"
)
"""'Faire quoi de' is 'use' ("ils en font quoi ?", "qu'est-ce qu'ils en font ?"): the
verb is spelled out as "utilisent", which every other word then reads as it does."""
_OPINION = re.compile(
    r"\b(?:qu'en pensent|qu'en pense|en pensent quoi|en pense quoi|que pensent|que pense|"
    r"pensent de (?:ce|cette|ces|la|le|l'|les)|pense de (?:ce|cette|ces|la|le|l'|les)|"
    r"thinks? (?:of|about))\b"
)
_THINK = re.compile(r"\b(?:do|does|did) ((?:the )?\w+) think\b")
_OWN_OPINION = re.compile(r"\b(?:article|auteur|grand continent|tu|toi|vous|you)\b")
"""Someone's opinion ("la Chine en pense quoi ?", "que pense Washington de…", "what does
China think"): spelled out as the word "avis", which no phrasing has, so that the name
alone does not answer (the article reports no one's opinion). The article's own view
("qu'en pense l'article ?") and the bot's ("t'en penses quoi ?") keep their words."""
_GOOD = re.compile(
    r"\b(sont|st|est|etaient|etait|c|c'est|(?<=\bil )son|(?<=\bils )son|(?<=\belle )son|"
    r"(?<=\belles )son) bien"
    r"(?= ou (?:pas|pa|non|nul|nuls|nulle|nulles|mauvais)\b|$)"
)
"""'Bien' as the adjective 'good' after 'être', when the question ends there or opposes
it ("ils sont bien ou pas ?", in SMS "il son bien ou pa"): the adverb ("c'est bien ça",
"bien sûr") stays a stop word."""
_LEADING_FILLER = re.compile(r"^(?:(?:bon|ben|bah|bref|enfin|voila|ok|okay|ah|oh|eh)\s+)+")


# SMS spellings of everyday French words (not of this article's words: those are the
# maintainers' synonyms in knowledge/synonyms.yaml), spelled out before anything else.
_SMS: dict[str, tuple[str, ...]] = {
    "koi": ("quoi",), "kwa": ("quoi",), "koa": ("quoi",), "kel": ("quel",),
    "kelle": ("quelle",), "kels": ("quels",), "kelles": ("quelles",),
    "keske": ("qu", "est", "ce", "que"), "kesk": ("qu", "est", "ce", "que"),
    "kesako": ("quoi",), "cmt": ("comment",), "cmnt": ("comment",), "kom": ("comment",),
    "pr": ("pour",), "ds": ("dans",), "vs": ("vous",), "tt": ("tout",), "ts": ("tous",),
    "bcp": ("beaucoup",), "mm": ("meme",), "ya": ("il", "y", "a"), "yen": ("il", "y", "en"),
    "ct": ("c", "etait"), "cetait": ("c", "etait"), "g": ("j", "ai"), "jai": ("j", "ai"),
    "chui": ("je", "suis"),
    "jsuis": ("je", "suis"), "jpeux": ("je", "peux"), "jveux": ("je", "veux"),
    "jcomprend": ("je", "comprends"), "jcomprends": ("je", "comprends"), "jsp": (),
    "dc": ("donc",), "qq": ("quelque",), "qqch": ("quelque", "chose"), "ac": ("avec",),
    "avc": ("avec",), "tjr": ("toujours",), "tjrs": ("toujours",), "tjs": ("toujours",),
    "mtn": ("maintenant",), "mnt": ("maintenant",), "ajd": ("aujourd", "hui"),
    "auj": ("aujourd", "hui"), "pcq": ("parce", "que"), "pck": ("parce", "que"),
    "psk": ("parce", "que"), "jms": ("jamais",), "nn": ("non",), "pa": ("pas",),
    "dla": ("de", "la"), "ke": ("que",), "ptet": ("peut", "etre"), "pt": ("peut", "etre"),
    "bi1": ("bien",), "rien2": ("rien",), "oqp": ("occupe",), "svp": (), "stp": (),
    "avt": ("avant",), "pdt": ("pendant",), "ms": ("mais",), "tps": ("temps",),
    "vrmt": ("vraiment",), "dsl": (), "ptdr": (), "mdr": (), "lol": (), "jpense": ("je", "pense"),
    "jcrois": ("je", "crois"), "jsais": ("je", "sais"), "tu sais": (), "cad": (),
    "px": ("peux",), "kil": ("qu", "il"), "kils": ("qu", "ils"),
    "fe": ("fait",), "o": ("au",), "tkt": (), "mdrr": (), "ptdrr": (),
    "quest": ("qu", "est"), "quesqu": ("qu", "est", "ce", "qu"),
    "quesque": ("qu", "est", "ce", "que"), "kesque": ("qu", "est", "ce", "que"),
    "st": ("sont",), "quells": ("quels",), "quell": ("quel",),
    "etai": ("etait",), "dj": ("deja",), "tro": ("trop",), "jrv": (),
    "lesquel": ("lesquels",), "dise": ("disent",), "plu": ("plus",), "bsr": ("bonsoir",),
    "quan": ("quand",), "combi1": ("combien",), "cmbien": ("combien",),
    "komen": ("comment",), "koman": ("comment",), "coman": ("comment",),
    "kmt": ("comment",), "ns": ("nous",), "qqn": ("quelqu", "un"), "qlqn": ("quelqu", "un"),
    "kelkun": ("quelqu", "un"), "qlq": ("quelque",), "tlm": ("tout", "le", "monde"),
    "tte": ("toute",), "ttes": ("toutes",), "pti": ("petit",), "jvais": ("je", "vais"),
    "jme": ("je", "me"), "jte": ("je", "te"), "jle": ("je", "le"), "jvx": ("je", "veux"),
    "jsui": ("je", "suis"), "jsai": ("je", "sais"), "dou": ("ou",), "jamé": ("jamais",),
    "jame": ("jamais",), "b1": ("bien",), "pb": ("probleme",), "frr": (), "ptn": (),
    "wtf": (), "omg": (), "idk": (), "tbh": (), "btw": (), "pls": (), "plz": (),
    "u": ("you",), "ur": ("your",),
}  # fmt: skip


def split_words(text: str) -> list[str]:
    """The words of a text as the analysis reads them (see `_words`), stop words kept."""
    return _words(text)


def _words(text: str) -> list[str]:
    """Folded words with elisions and spoken fillers ("du coup", a leading "bon") removed,
    SMS spellings of everyday words spelled out ("koi" → "quoi", "ya" → "il y a"), and a
    few fixed phrases read for what they mean: "ils en font quoi" (`_USE`), "ils sont
    bien ou pas" (`_GOOD`), "quant est-ce que" (`_QUANT`), "nulle part" (`_NOWHERE`),
    "ça a duré combien de temps" (`_LASTED`)."""
    return list(_word_tuple(text))


_JOINED_FIRST = frozenset(first for first, _ in JOINED_NAMES)


def _phrases_read(folded: str) -> str:
    """The fixed phrases of a folded text read for what they mean (see `_words`)."""
    if "en " in folded:  # before the fillers: "ils en font quoi", "la Russie en fait quoi"
        folded = _USE.sub(" utilisent ", folded)
    if ("pens" in folded or "think" in folded) and not _OWN_OPINION.search(folded):
        folded = _THINK.sub(r"\1 avis", _OPINION.sub(" avis ", folded))
    if "bien" in folded:  # "ils sont bien ou pas ?": good, not the adverb
        folded = _GOOD.sub(r"\1 bons", folded)
    if " quoi" in folded or " koi" in folded or " what" in folded:
        folded = _DID_THERE.sub("but visite", _SIGHTS.sub("visite monuments", folded))
    if ("nulle part" in folded or "nowhere" in folded) and not _WHY.search(folded):
        folded = _NOWHERE.sub("quels pays", folded)
    if "how long" in folded:
        folded = _HOW_LONG.sub(
            lambda m: f"combien de temps a dure {m.group(1) or m.group(2)}", folded.rstrip(" ?")
        )
    if "recoit" in folded or "accueille" in folded:
        folded = _HOSTS.sub(_hosting, folded)
    folded = _MISSED.sub("annuler", folded)  # cached: once per text
    folded = _FACTS.sub("pour quels crimes", folded)
    if "combien de temps" in folded and _LASTED.search(folded):
        folded = folded.replace("combien de temps", "combien")
    folded = _LEADING_FILLER.sub("", _FILLERS.sub(" ", folded))
    if "quant " in folded:
        folded = _QUANT.sub("quand est ce", folded)
    return folded


@functools.lru_cache(maxsize=1 << 16)
def _word_tuple(text: str) -> tuple[str, ...]:
    """`_words`, cached (a pure function of the text)."""
    folded = _ELISION.sub("", _phrases_read(fold(text)))
    words: list[str] = []
    for word in _NON_WORD.split(folded):
        if word:
            words.extend(_SMS.get(word, (word,)))
    for i in range(len(words) - 1) if _JOINED_FIRST.intersection(words) else ():
        joined = JOINED_NAMES.get((words[i], words[i + 1]))
        if joined is not None:  # "Jong-il" (bot/language/names.py)
            words[i : i + 2] = [joined, ""]
    return tuple(w for w in words if w)


def surface(text: str) -> str:
    """The folded words of a text, stop words included ("T’es qui ?" -> "es qui")."""
    return " ".join(_words(text))


_PHRASES_BY_FIRST_WORD: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _kind in _QUESTION_PHRASES:
    _PHRASES_BY_FIRST_WORD.setdefault(_phrase[0], []).append((_phrase, _kind))

# "qui" after these words asks "who" ("c'est qui", "par qui", "à qui"); after a noun
# it is a relative pronoun ("les munitions qui ont explosé"), and after "ce" it means
# "what" ("qu'est-ce qui pousse…").
_QUI_ASKS_AFTER = frozenset({"est", "c", "a", "par", "pour", "de", "avec", "sont", "etait", "and"})


_LEAD_INS = frozenset({"et", "mais", "alors", "donc", "ok", "ah", "bon"})
"""First words before a question word that still asks ("et qui l'a écrit ?")."""
_NON_WORD_OR_ACCENT = re.compile(r"[^\wù]+")
_DETERMINERS = frozenset({"le", "la", "les", "l", "un", "une", "ce", "cette", "au", "du", "des"})


_AFTER_TRAILING_OU = frozenset(
    {"maintenant", "mtn", "ca", "exactement", "alors", "donc", "la", "en", "fait", "du", "coup",
     "now", "aujourd", "hui", "actuellement", "desormais"}
)  # fmt: skip


_OR_FIRST = re.compile(r"ou (?:c'|bien\b|alors\b|plutot\b|sinon\b|pas\b|non\b)")
"""A first "ou" that is "or": "Ou c'est toujours lui qui voyage ?", "ou bien…"."""


def _trailing_ou(words: list[str]) -> bool:
    """Unaccented "ou" that asks "where" at the end of a message, as people type it: "il
    peut aller ou maintenant", "ils sont ou ?" ("ou" as "or" is followed by its other
    choice: "oui ou non", "ou pas" are not)."""
    if "ou" not in words:
        return False
    last = len(words) - 1 - words[::-1].index("ou")
    return last > 0 and all(w in _AFTER_TRAILING_OU for w in words[last + 1 :])


def _asks_where(words: list[str]) -> bool:
    """Whether "où" asks "where": not after a determiner and a noun ("le passage où",
    "au point où", "la fois où"), where it is a relative pronoun."""
    for i, word in enumerate(words):
        if word == "où" and not (i >= 2 and words[i - 2] in _DETERMINERS):
            return True
    return False


_LONG_QUESTION_WORDS = ("quand", "pourquoi", "combien", "comment")
_NEAR_QUESTION_WORDS = frozenset(
    {"comme", "commen", "quando", "quant", "quanto", "quants", "combine", "combines",
     "commence", "commente", "comments", "commet", "commets", "quanta"}
)  # fmt: skip
"""Real words close to a question word: never taken for its typo."""


@functools.lru_cache(maxsize=8192)
def _question_word_typo(word: str) -> str | None:
    """The question word a word of 5+ letters is a typo of ("qaund", "pourqoi"), if any."""
    if len(word) < 5 or word in _STOP_WORDS or word in _NEAR_QUESTION_WORDS:
        return None
    for candidate in _LONG_QUESTION_WORDS:
        same_start = (
            word[:2] == candidate[:2]
            or (  # or two letters swapped: "qaund"
                word[0] == candidate[0] and sorted(word[1:3]) == sorted(candidate[1:3])
            )
        )
        if same_start and fuzz.ratio(word, candidate) >= 80:
            return candidate
    return None


def _is_relative(words: list[str], i: int) -> bool:
    """Whether words[i] is "qui" used as a relative pronoun, or "quand" as a conjunction
    ("sur quoi s'appuie l'article quand il parle de…"), not as a question word."""
    if words[i] in ("quand", "kan", "qd") and 0 < i < len(words) - 1:
        return words[i + 1] in _SUBJECTS and words[i - 1] not in _QUAND_ASKS_AFTER
    if words[i] not in ("qui", "ki") or i == 0 or i == len(words) - 1:
        return False
    if i == 1 and words[0] in _LEAD_INS:
        return False  # "et qui l'a écrit ?"
    if i >= 2 and words[i - 2] in _AUXILIARIES and words[i - 1] not in _DETERMINERS:
        return False  # "il a reçu qui en 2000 ?", "Poutine a rencontré qui là-bas ?"
    return words[i - 1] not in _QUI_ASKS_AFTER


_SUBJECTS = frozenset({"il", "elle", "ils", "elles", "on", "je", "j", "tu", "nous", "vous"})
_QUAND_ASKS_AFTER = frozenset({"depuis", "jusqu", "c", "est", "etait", "de", "pour", "a", "et"})
"""Before "quand" + a subject, words that keep it a question ("depuis quand il…", "c'est
quand il revient ?", "et quand il y va ?")."""
_AUXILIARIES = frozenset({"a", "ai", "as", "avait", "ont", "avaient", "aurait", "va", "vont"})
"""Before a verb then "qui", the question asks who ("il a reçu qui ?", "il va voir qui ?")."""


_DESTINATION_MARKERS = frozenset({"au", "aux", "chez", "vers", "to"})
_AGENT_MARKERS = frozenset({"par", "by"})
_ARTICLES = frozenset({"la", "le", "les", "un", "une"})  # "l'" is gone with the elisions
_ROLE_SPAN = 5
"""Words after a marker searched for the content word it introduces."""

_IGNORED = _STOP_WORDS | {*_QUESTION_WORDS, "ou", "how", "many", "much"}
STOP_WORDS = frozenset(w for w in _STOP_WORDS if w.isascii() and "'" not in w)
"""The folded stop words (for the matcher's typo corrector)."""


def _content(text: str) -> tuple[str, ...]:
    """Stemmed words of a text, without stop words and question words."""
    return tuple(stem(w) for w in _words(text) if w not in _IGNORED)


@dataclass(frozen=True)
class Analysis:
    """What a text means to the matcher."""

    tokens: tuple[str, ...]
    """Stemmed content words, synonyms applied, in order."""
    kind: str | None
    """The question word: quand, combien, qui, ou, pourquoi, comment; None if none."""
    unknown: tuple[str, ...] = ()
    """Content words that the corrector could not relate to the FAQ's vocabulary."""
    roles: tuple[str, ...] = ()
    """Direction pseudo-words: ">x" for a destination or recipient, "<x" for an agent."""

    @property
    def text(self) -> str:
        """The content words joined by spaces (what string scorers compare)."""
        return " ".join(self.tokens)


def describe_roles(roles: Sequence[str], *, to: str, by: str) -> str:
    """Direction pseudo-words for people: (">russie", "<coree") -> "to russie; by coree"."""
    return "; ".join(f"{to if r[0] == '>' else by} {r[1:]}" for r in roles)


class Normalizer:
    """Turns questions into `Analysis` objects, applying the maintainers' synonyms.

    Analyses without a corrector are cached (at most `CACHE_SIZE`): loading the FAQ
    analyses each phrasing in several places (duplicate check, matcher, second opinion).
    `Normalizer.for_synonyms` gives one shared normaliser per set of synonyms, so that a
    reload that did not change the synonyms reuses the analyses of unchanged phrasings.
    """

    CACHE_SIZE = 50_000

    @classmethod
    def for_synonyms(cls, synonyms: Mapping[str, Sequence[str]] | None = None) -> Normalizer:
        """The shared normaliser of these synonyms (a new one when they changed)."""
        frozen = tuple(
            (canonical, tuple(aliases)) for canonical, aliases in (synonyms or {}).items()
        )
        return _shared_normalizer(frozen)

    def __init__(self, synonyms: Mapping[str, Sequence[str]] | None = None) -> None:
        self._analyses: dict[str, Analysis] = {}
        self._aliases: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canonical, aliases in (synonyms or {}).items():
            target = _content(canonical)
            for alias in aliases:
                key = _content(alias)
                if key and key != target:
                    self._aliases[key] = target
        self._sizes: dict[str, list[int]] = {}
        """For each first word of an alias, the alias lengths to try, longest first."""
        for key in self._aliases:
            self._sizes.setdefault(key[0], []).append(len(key))
        for sizes in self._sizes.values():
            sizes.sort(reverse=True)
        self.alias_words = frozenset(w for key in self._aliases for w in key)
        """Every stemmed word that takes part in an alias (the corrector knows them)."""

    @staticmethod
    def kind(text: str, words: list[str] | None = None) -> str | None:
        """The question word of a text, if it has one (`words`: its `_words`, if known)."""
        lowered = text.lower()
        words = _words(text) if words is None else words
        first = _QUESTION_WORDS.get(words[0]) if words else None
        # A question that starts with its question word keeps it: in "pourquoi ne
        # peut-il plus voyager où il veut ?", "où" is not what it asks.
        if (
            first in (None, "ou")
            and "où" in lowered
            and _asks_where(_NON_WORD_OR_ACCENT.split(lowered))
        ):
            return "ou"
        for i, word in enumerate(words):
            for phrase, kind in _PHRASES_BY_FIRST_WORD.get(word, ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    return kind
            if word in _QUESTION_WORDS:
                if not _is_relative(words, i):
                    return _QUESTION_WORDS[word]
                continue
            typo = _question_word_typo(word)
            if typo is not None:
                return typo
        if words and (
            (words[0] == "ou" and not _OR_FIRST.match(fold(text))) or _trailing_ou(words)
        ):
            return "ou"
        return None

    def _apply_synonyms(self, words: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(words):
            for size in self._sizes.get(words[i], ()):
                target = self._aliases.get(tuple(words[i : i + size]))
                if target is not None:
                    out.extend(target)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def _content_tokens(
        self, words: list[str], correct: Callable[[str], str | None] | None
    ) -> tuple[list[str], set[str]]:
        """Stemmed, corrected content words with synonyms applied; and the unknown ones."""
        stemmed: list[str] = []
        unknown: set[str] = set()
        for word in (stem(w) for w in words if w not in _IGNORED and not _question_word_typo(w)):
            token: str | None = word
            if correct is not None and word not in self.alias_words:
                token = correct(word)
                if token is None:
                    # "ils voyageaient": a form of a verb the FAQ or its synonyms know
                    token = next(
                        (
                            v
                            for v in verb_infinitives(word)
                            if v in self.alias_words or correct(v) == v
                        ),
                        None,
                    )
                if token is None:
                    unknown.add(word)
                elif not token:  # a typo of a stop word: dropped like it
                    continue
            stemmed.append(token or word)
        return [t for t in self._apply_synonyms(stemmed) if t not in _IGNORED], unknown

    def content(
        self, words: Sequence[str], correct: Callable[[str], str | None] | None = None
    ) -> list[str]:
        """The content tokens of a few words (from `split_words()`): stemmed, corrected, with
        the synonyms applied; [] for stop words."""
        return self._content_tokens(list(words), correct)[0]

    def _roles(
        self, words: list[str], correct: Callable[[str], str | None] | None
    ) -> tuple[str, ...]:
        """The direction pseudo-words of a text (see the module docstring)."""
        roles: list[str] = []
        for i, word in enumerate(words):
            following = words[i + 1] if i + 1 < len(words) else ""
            if word in _DESTINATION_MARKERS or (
                word == "a" and (following in _ARTICLES or following in PROPER_NOUNS)
            ):
                prefix = ">"
            elif word in _AGENT_MARKERS:
                prefix = "<"
            else:
                continue
            tokens, _ = self._content_tokens(words[i + 1 : i + 1 + _ROLE_SPAN], correct)
            if tokens:
                roles.append(prefix + tokens[0])
        return tuple(roles)

    def analyse(self, text: str, *, correct: Callable[[str], str | None] | None = None) -> Analysis:
        """Analyse a text; `correct` maps a word the FAQ does not know to one it knows.

        `correct` is called on stemmed words that are neither stop words nor known
        aliases; it returns the corrected word, or None when nothing is close enough.
        """
        if correct is None:
            cached = self._analyses.get(text)
            if cached is not None:
                return cached
        words = _words(text)
        tokens, unknown = self._content_tokens(words, correct)
        analysis = Analysis(
            tuple(tokens),
            self.kind(text, words),
            tuple(t for t in tokens if t in unknown),
            self._roles(words, correct),
        )
        if correct is None:
            if len(self._analyses) >= self.CACHE_SIZE:
                self._analyses.clear()
            self._analyses[text] = analysis
        return analysis

    def key(self, text: str) -> str:
        """A comparison key: two phrasings with the same key are the same question.

        The question word counts: "quand X ?" and "pourquoi X ?" are different questions.
        """
        analysis = self.analyse(text)
        if not analysis.tokens:
            return ""
        return f"{analysis.kind}: {analysis.text}" if analysis.kind else analysis.text


@functools.lru_cache(maxsize=4)
def _shared_normalizer(synonyms: tuple[tuple[str, tuple[str, ...]], ...]) -> Normalizer:
    """One normaliser per set of synonyms (see `Normalizer.for_synonyms`)."""
    return Normalizer(dict(synonyms))


def clear_caches() -> None:
    """Forget every cached fold, word list and shared normaliser (benchmarks of a cold load)."""
    for cached in (fold, _word_tuple, stem, _shared_normalizer):
        cached.cache_clear()


# What an answer's text must contain to answer a kind of question on its own: a place
# after a preposition for "où", a number for "combien", a year, a month or "depuis" for
# "quand" (plain French, whatever the article). "qui" and "pourquoi" cannot be told
# from the text this way.
_ANSWERS_KIND = {
    "ou": re.compile(r"\b(?:en|à|au|aux|dans|vers)\s+(?:l['’])?[A-ZÉÈ]"),
    "combien": re.compile(
        r"\d|\b(?:millions?|milliers?|milliards?|centaines?|dizaines?|deux|trois|quatre|cinq|"
        r"six|sept|huit|neuf|dix|vingt|cent|mille)\b",
        re.IGNORECASE,
    ),
    "quand": re.compile(
        r"\b(?:1[89]\d\d|20\d\d|janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
        r"octobre|novembre|décembre|depuis)\b",
        re.IGNORECASE,
    ),
}


def answers_kind(answer: str, kind: str) -> bool:
    """Whether an answer's text gives what a kind of question asks ("ou": a place,
    "combien": a number, "quand": a date); False for kinds it cannot tell."""
    pattern = _ANSWERS_KIND.get(kind)
    return pattern is not None and pattern.search(answer) is not None


# Words that move a question to another time ("et aujourd'hui ?" after an answer about
# 2000): the present, or before. Plain French and English, whatever the article.
_PRESENT = re.compile(
    r"\b(?:aujourd'?hui|aujourd hui|ajd|auj|maintenant|mtn|mnt|actuellement|desormais|"
    r"de nos jours|a present|en ce moment|cette fois ci|now|today|nowadays|currently|this time)\b"
)
_BEFORE = re.compile(
    r"\b(?:avant|autrefois|a l'epoque|a cette epoque|jadis|before|back then|at the time)\b"
)
_TIME_SHIFTS = (("present", _PRESENT), ("before", _BEFORE))


_OTHER_TIME = re.compile(
    r"\b(?:(?:19|20)\d\d|entre|depuis|epoque|premiere|1ere|il y a|since|between|first)\b"
)
"""Words that set a question about today beside another time ("entre 2000 et
aujourd'hui", "depuis sa première visite", "il y a 25 ans … et maintenant ?")."""


def asks_about_now(text: str) -> bool:
    """Whether a question asks about today alone ("Quel est le PIB par habitant de la
    Russie aujourd'hui ?", "et maintenant il est à combien ?"), with no other time beside
    it (`_BEFORE`, a year, "entre", "depuis", "première"…)."""
    folded = fold(text)
    return bool(
        _PRESENT.search(folded) and not _BEFORE.search(folded) and not _OTHER_TIME.search(folded)
    )


_STILL = re.compile(
    r"\b(?:encore|toujours|desormais|ne\s+\w+\s+plus|n'\w+\s+plus|peu[tx]\s+plus)\b"
)
"""What a question about the present says without naming it ("peut-il encore aller",
"ne peut plus voyager")."""


def time_shift(text: str) -> str | None:
    """ "present" or "before" when a text asks about another time ("et aujourd'hui ?",
    "et avant la guerre ?"), None otherwise."""
    folded = fold(text)
    return next((name for name, pattern in _TIME_SHIFTS if pattern.search(folded)), None)


def time_asked(text: str) -> str | None:
    """The time a whole question asks about: `time_shift`, or "present" for one about
    what still holds or no longer does ("où peut-il encore aller ?")."""
    return time_shift(text) or ("present" if _STILL.search(fold(text)) else None)


_AFTER = re.compile(
    r"\b(?:(?:depuis|apres|after|since) (?:cette|la|sa|ce|son|the|this|his) "
    r"(?:visite|venue|voyage|rencontre|sejour|deplacement|visit|trip|meeting)|"
    r"(?:va|vont|allait) (?:y )?(?:revenir|retourner|repartir)|reviendra|reviendront|"
    r"retournera|retourneront|prochaine (?:visite|fois|rencontre)|prochain (?:voyage|sommet)|"
    r"next (?:visit|time|trip)|will (?:\w+ )?(?:return|go back|come back)|"
    r"(?:juste|tout de suite|aussitot|directement) apres(?: ca| cela)?\s*$|"
    r"\b(?:est|sont) (?:alle|allee|alles|parti|partie|partis) ou (?:ensuite|apres)\s*$)"
)
"""What a question asks about the time after the article (written during the visit):
what happened since, what comes next ("depuis cette visite", "va revenir",
"reviendra", "la prochaine visite", and where he went "juste après" or "ensuite", session
19). Plain French and English, whatever the article."""


_WHICH_NOTE = re.compile(
    r"\b(?:quelles? (?:notes?|note de bas de page)|(?:which|what) (?:foot)?notes?|"
    r"quel numero de note|numero de (?:la )?note|"
    r"sur quoi s'appuie (?:l'article|l'auteur|le texte|il|elle)|"
    r"sur quoi (?:l'article|l'auteur|le texte|il|elle) s'appuie|"
    r"sur quelles? (?:sources?|references?) (?:s'appuie|se base|se fonde|repose)|"
    r"sur quelle (?:source|reference) (?:l'article|l'auteur|le texte|il|elle)|"
    r"quels? renvois?|(?:est|sont)(?:-| )(?:il|elle|ils|elles) sourcee?s?|"
    r"quelle est la source (?:de l'article|du texte|de l'auteur)|"
    r"quelle (?:source|reference) (?:l'article|l'auteur|le texte) (?:donne|cite|indique|fournit)|"
    r"d'ou (?:l'article|l'auteur|le texte) tient|"
    r"sur quoi repose (?:l'|cette |cet |ce )?(?:affirmation|idee|estimation|chiffre|info))\b"
)
"""A question that asks which of an article's notes, or what source, a passage rests on
("sur quelle note repose…", "c'est quelle note pour…", "which footnote…", "sur quoi
s'appuie l'article pour dire que…", "est-elle sourcée ?", "quel renvoi étaye…", "sur
quoi repose l'affirmation selon laquelle…", session 17; "quelle est la source de l'article
quand il affirme que…", "d'où l'auteur tient que…", "quelle référence l'article
donne-t-il…", session 19: +4 right, −2 wrong; "la
source du chiffre" is left out, as the estimate's own answer names its source). Plain
French and English. "Sur quoi repose la coopération ?" is no such question: a subject
other than the article, its author or a pronoun does not count."""


def asks_which_note(text: str) -> bool:
    """Whether a text asks which note or source a passage rests on ("À quelle note
    renvoie l'estimation des conteneurs ?"), not what a note says ("Que dit la note 3
    ?")."""
    return _WHICH_NOTE.search(fold(text)) is not None


def asks_after(text: str) -> bool:
    """Whether a text asks about what came after the visit the article reports
    ("Poutine est-il retourné en Corée du Nord depuis cette visite ?", "et Kim va revenir
    en Russie quand ?")."""
    return _AFTER.search(fold(text)) is not None
