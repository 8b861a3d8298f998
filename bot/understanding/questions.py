"""Where the questions of a message are: its sentences, its clauses that ask, the claim
a "c'est vrai ?" asks about (no Telegram, nothing specific to this article).

`questions_in` is what the pipeline (bot/understanding/pipeline.py) reads one by one in
a long message; `sentences` splits a message at its sentence ends and at "et" + a
question word.
"""

from __future__ import annotations

import re

__all__ = ["ASKING", "checks_claim", "clauses", "questions_in", "sentences", "statements"]


_CLAUSE = re.compile(
    r",?\s+(?:et|and)\s+(?=(?:pourquoi|quand|combien|qui|où|ou|comment|que|qu['’]|quel|quelle|"
    r"quels|quelles|est-ce|why|when|how|what|who|where)\b"
    r"|c['’](?:est|était|etait)\s+(?:quoi|qui|quand|où|combien|comment)\b"
    r"|(?:il|elle|ils|elles)\s+(?:\w+\s+){1,2}(?:quoi|qui|où|quand|combien|comment)\b)",
    flags=re.IGNORECASE,
)


def _sentence_ends(text: str) -> list[str]:
    """A message split after . ! ? … and at line breaks only."""
    return re.split(r"(?<=[.!?…])\s+|\n+", text.strip())


def sentences(text: str) -> list[str]:
    """The questions of a message: its sentences (split after . ! ? … and line breaks),
    and within a sentence the clauses joined by "et" + a question word ("combien
    d'obus, et pourquoi ?")."""
    out: list[str] = []
    for part in _sentence_ends(text):
        out += [c.strip() for c in _CLAUSE.split(part) if c.strip()]
    return out


_CLAUSE_BREAK = re.compile(r"\s*[,;:]\s+|\s+(?:mais|parce que|car|du coup)\s+", re.IGNORECASE)


def clauses(sentence: str) -> list[str]:
    """A sentence's clauses: split at , ; : and at "mais", "parce que", "car", "du coup"."""
    return [c for c in _CLAUSE_BREAK.split(sentence) if c.strip()]


ASKING = re.compile(
    r"\?|\b(?:pourquoi|pk|quand(?! m[eê]me\b)|combien|qui|(?<!pays )(?<!moment )(?<!endroit )"
    r"(?<!passage )(?<!époque )(?<!epoque )(?<!lieu )(?<!là )où|comment|quel|quelle|quels|"
    r"quelles|quoi|est-ce|oui ou non|c'est vrai|c'est ça|si|why|when|how|what|who|where|"
    r"which|is it|does|did|can)\b|\w-(?:t-)?(?:il|elle|ils|elles|on)\b|"
    r"^\W*que\s+(?!(?:je|tu|il|elle|on|nous|vous|ils|elles|la|le|les|ce|cette|ces|"
    r"mon|ma|mes)\b)\w",
    re.IGNORECASE,
)
"""A text that asks something: a "?", a question word, a verb and its pronoun inverted
("Kim s'était-il rendu en Russie"), or "que" and a verb first ("Que met Kim à la
disposition de Poutine, et qu'obtient-il ?": the "?" ends the other clause). Not "quand
même", nor a "où" that a noun before it makes relative ("un des rares pays où Poutine ne
craint rien"; session 19)."""
HEARSAY_WORDS = 8
"""A hearsay preamble ("Mon collègue de bureau m'a dit que…") starts a sentence or a
clause: its verb comes within this many words of that start ("… dans quels pays il peut
aller vu qu'il a le mandat ma fille me dit qu'il peut aller en Chine" keeps its question)."""
_HEARSAY = re.compile(
    rf"^(?:[^?]*?[,;:]\s+)?(?:\S+\s+){{0,{HEARSAY_WORDS}}}?"
    r"(?:m['’]a dit|m['’]a raconté|dit|disent|disait|disaient|prétend|prétendait|"
    r"affirme|affirmait|raconte|racontait|explique|expliquait|pense|pensent|croit|croient|"
    r"croyais|croyait|j['’]ai lu|j['’]ai vu|j['’]ai entendu|j['’]ai cru lire|"
    r"j['’]ai cru comprendre|on m['’]a dit|il paraît|il parait"
    r")(?:\s+[^\s,;:?]+){0,4}?\s+(?:que\b|qu['’])\s*",
    re.IGNORECASE,
)
_VERIFY = re.compile(
    r"^\W*(?:(?:et|alors|mais|donc)\s+)?(?:qui a raison|c['’]est vrai|c['’]est juste|"
    r"c['’]est exact|c['’]est ça|c['’]est bien ça|vrai ou faux|"
    r"c['’]est (?:bien )?(?:ce que dit|ce qu['’](?:écrit|explique|affirme)|ce qui est écrit dans) "
    r"(?:le texte|l['’]article|l['’]auteur)|(?:le texte|l['’]auteur) le dit|"
    r"(?:il a|elle a|ils ont|elles ont|j['’]ai|tu as|t['’]as) raison|"
    r"c['’]est dans l['’]article|l['’]article le dit|is that (?:true|right)|true or false|right|"
    r"(?:qu['’]est-ce que |que )?(?:dit )?l['’]article (?:en )?(?:dit )?(?:quoi )?"
    r"(?:là-dessus|la dessus|à ce sujet|sur ce point|de ça)?|"
    r"(?:tu peux|vous pouvez|tu pourrais|vous pourriez) m['’](?:expliquer|aider|éclairer)"
    r"(?: simplement| svp| stp)?|tu en penses quoi|t['’]en penses quoi|"
    r"(?:l['’]article )?(?:le )?confirme|tu confirmes|c['’]est confirmé|"
    r"(?:qu['’]est-ce que )?(?:ça|ca|cela) (?:veut dire|signifie)(?: quoi)?"
    r"(?: concrètement| exactement| au juste)?)"
    r"(?:\s+ou\s+(?:pas|non|il\s+\w+|elle\s+\w+|je\s+\w+))?(?:\s+(?:ça|ca|là))?\W*$",
    re.IGNORECASE,
)
"""A clause that only asks about what comes before it: whether it is true ("c'est vrai
?", "qui a raison ?", "il a raison ou il mélange ?"), what the article says of it
("l'article dit quoi là-dessus ?"), or to explain it ("tu peux m'expliquer ?"): what
comes before is the question."""


def checks_claim(sentence: str) -> bool:
    """Whether a sentence only asks about the one before it ("C'est vrai ?", "Qui a
    raison ?", "L'article le confirme ?"): that one is the question."""
    return _VERIFY.match(sentence) is not None


_PRONOUN = re.compile(
    r"^\W*(?:\w+\s+)?(?:il|elle|ils|elles|y|ça|ca|lui|leur)\b|"
    r"^\W*c['’](?:est|était|etait)\W+(?:\w+\W*){0,3}$",
    re.IGNORECASE,
)
"""A question clause whose subject is a pronoun ("pourquoi il y est pas allé ?"), or a
short one on "c'est" ("…, c'était quand exactement ?"), leans on the clause before it."""
_COMPLEMENT = re.compile(
    r"^\W*(?:de|du|des|d['’](?!o[uù]\b)|sur|à propos|au sujet|selon|according\s+to)\b",
    re.IGNORECASE,
)
"""A clause that starts as a complement ("Qu'en pense la Chine, de ce rapprochement ?",
"…, according to the article?") finishes the clause before it."""
_DISLOCATED = re.compile(
    r"^\W*(?:ce|cet|cette|ces|son|sa|ses|leur|leurs|le|la|les|l['’])\s*[^\s,;:?]+"
    r"(?:\s+(?!(?:i|il|elle|on|ils|elles|y|en|se|s['’]|ne|n['’])\b)[^\s,;:?]+){0,4}\s*\?\W*$",
    re.IGNORECASE,
)
"""A noun phrase that ends a question after a comma ("Ça s'est passé quand, ce voyage
de Kim ?", "Il a duré combien de temps, le séjour ?"): what the clause before asks
about, read with it, in place of it (session 18). A clause with a subject pronoun after
its first word ("l'article il donne un chiffre ?") is a question of its own."""
_LEAD_IN = re.compile(r"^\W*(?:et|mais|ou|and)\s+", re.IGNORECASE)
"""The conjunction a clause may open with: not one of its words ("C'était quel sommet,
et dans quel pays ?": "dans quel pays" leans on the clause before)."""
_WORD = re.compile(r"[\w'’-]+")
MIN_CLAUSE_WORDS = 4
"""A question clause shorter than this ("c'est vrai ?") is read with the clause before it."""
_TOPIC = re.compile(
    r"^\W*(?:le|la|les|l['’])\s*[^\s,;:]+(?:\s+(?:de|des|du|d['’]|en|à|au|aux)\s*[^\s,;:]+"
    r"(?:\s+[^\s,;:]+)?|\s+[^\s,;:]+)?\W*$",
    re.IGNORECASE,
)
"""A noun of one or two words, or a noun and its complement ("Le chiffre des conteneurs"),
before a question clause is its topic ("Le G8, c'est quoi le lien avec la Russie ?", "Les
liens interrégionaux, c'est mentionné où ?"): read with it."""


_COORDINATION = re.compile(
    r"\s+(?:et|puis|donc|alors|mais|and)\s+(?=(?:je|j['’]|tu|t['’]|il|elle|on|nous|vous|ils|elles|"
    r"c['’]|ça|ca|i|we|you|he|she|they)\b)",
    re.IGNORECASE,
)
LONG_ANTECEDENT = 8
"""A clause of more words than this, before one that leans on it, gives only its last
coordinated part ("ma prof nous a demandé de le lire et je comprends pas le passage
sur l'Afrique du Sud, pourquoi il y est pas allé ?": the passage on South Africa)."""


RUN_ON_WORDS = 15
"""A sentence of one clause this long is a run-on message: its indirect question ("je me
demandais pourquoi…") is found in it; a short one ("vous pouvez me dire ce que Kim
fournit ?") is read whole."""


def _antecedent(clause: str) -> str:
    """What a question clause leaning on `clause` refers to: all of it, or its last
    coordinated part when it is long (`LONG_ANTECEDENT`)."""
    if len(clause.split()) <= LONG_ANTECEDENT:
        return clause
    last = _COORDINATION.split(clause)[-1]
    return last if len(last.split()) >= 3 else clause


def questions_in(text: str) -> list[str]:
    """The questions of a message, for reading each on its own: its sentences and
    "et + question word" clauses (`sentences`), and inside a long sentence the clauses
    that ask something, hearsay preambles removed ("Un pote m'a dit que …").
    A message that is one plain question gives itself."""
    out: list[str] = []
    parts = sentences(text)
    for index, sentence in enumerate(parts):
        pieces = clauses(sentence)
        claim = index + 1 < len(parts) and checks_claim(parts[index + 1])
        if len(pieces) == 1 or claim:  # a claim checked by the next sentence: all of it
            asked = _without_hearsay(sentence)
            # "bonjour je suis à la retraite et … je me demandais pourquoi …": in a long
            # run-on sentence, the indirect question
            out.append(_indirect(asked) if len(asked.split()) >= RUN_ON_WORDS else asked)
            continue
        kept: list[str] = []
        for i, clause in enumerate(pieces):
            if not ASKING.search(clause):
                continue
            asked = clause
            if i > 0 and checks_claim(clause):
                asked = pieces[i - 1]  # "…, c'est vrai ?": the claim is the question
            elif i > 0 and _DISLOCATED.match(clause) and ASKING.search(pieces[i - 1]):
                asked = f"{pieces[i - 1]} {clause}"  # "Ça s'est passé quand, ce voyage ?"
                if kept and kept[-1] == _as_asked(pieces[i - 1]):
                    kept.pop()  # the clause before is read with it, not alone
            elif _HEARSAY.match(clause):
                pass  # "…, lui il dit que les obus c'est de la camelote": the claim
            elif i > 0 and (
                len(_WORD.findall(_LEAD_IN.sub("", clause))) < MIN_CLAUSE_WORDS
                or _PRONOUN.match(clause)
                or _COMPLEMENT.match(clause)
                or _TOPIC.match(pieces[i - 1])
            ):
                # "…, pourquoi il y est pas allé ?"
                asked = f"{_antecedent(pieces[i - 1])} {clause}"
            kept.append(_as_asked(asked))
        if not kept:  # "je voudrais savoir ce que …, parce que …": the indirect question
            kept = [found for piece in pieces if (found := _indirect_what(piece)) != piece]
        out.extend(kept or [sentence])
    if len(out) > 1:  # "…. Qui a raison ?": the sentence before says what to check
        out = [part for part in out if not checks_claim(part)] or out
    return list(dict.fromkeys(out))  # "…, tu peux m'aider ?" asks the clause before again


def _without_hearsay(text: str) -> str:
    """A sentence or clause without its hearsay preamble ("Un pote m'a dit que …")."""
    return _HEARSAY.sub("", text).strip() or text


def _as_asked(clause: str) -> str:
    """A clause as `questions_in` keeps it: without hearsay, its indirect question."""
    return _indirect(_without_hearsay(clause))


_OPENS_QUESTION = re.compile(
    r"^\W*(?:(?:et|mais|alors|donc|ok|bon|bref)\s+)?(?:pourquoi|pk|quand|combien|qui|où|comment|"
    r"quel|quelle|quels|quelles|quoi|est-ce|qu['’]est-ce|que|qu['’]|why|when|how|what|who|"
    r"where|which|is|are|was|were|do|does|did|can)\b",
    re.IGNORECASE,
)
"""A sentence that opens as a question, with or without its "?" ("pourquoi il y va")."""


def statements(text: str) -> list[str]:
    """The sentences of a message that state rather than ask, when the message marks its
    questions with "?": no "?" of their own, no question word first, and no "c'est vrai
    ?" after them ("Franchement, les Nord-Coréens qui fournissent l'armée russe, ça me
    paraît dingue. Depuis quand… ?": the first sentence is a comment, though its "qui"
    looks like a question word). A message without "?" has none: people who do not
    punctuate ask without it ("pourquoi il y va")."""
    if "?" not in text:
        return []
    parts = [p for p in _sentence_ends(text) if p]
    return [
        part
        for index, part in enumerate(parts)
        if "?" not in part
        and not _OPENS_QUESTION.match(part)
        and not (index + 1 < len(parts) and checks_claim(parts[index + 1]))
    ]


_INDIRECT_VERBS = (
    r"^.{12,}?\b(?:compris|comprends|comprend|comprenais|savoir|sais|savais|demande|demandais|"
    r"demandait|demandé|dire|expliquer|voir)"
    r"(?:\s+(?:pas|toujours|vraiment|bien|trop|jamais|plus|encore|mal|rien))*\s+"
)
_INDIRECT = re.compile(
    _INDIRECT_VERBS
    + r"(?=(?:pourquoi|pk|quand|combien|qui|où|comment|quel|quelle|quels|quelles|si|ce qu['’])\b)",
    re.IGNORECASE,
)
_INDIRECT_WHAT = re.compile(_INDIRECT_VERBS + r"(?=ce que\b)", re.IGNORECASE)


def _indirect(clause: str) -> str:
    """An indirect question from its question word on ("j'ai lu l'article dans le métro
    et j'ai pas compris pourquoi il y va" → "pourquoi il y va")."""
    return _INDIRECT.sub("", clause) or clause


def _indirect_what(clause: str) -> str:
    """The same for "ce que", in a clause that asks nothing otherwise ("je voudrais
    savoir ce que la Corée donne à la Russie, parce que…"); within a question ("vous
    pouvez me dire ce que Kim fournit ?") the whole clause reads better."""
    return _INDIRECT_WHAT.sub("", _indirect(clause)) or clause
