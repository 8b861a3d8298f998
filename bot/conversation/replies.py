"""Everything the bot says, in French: pure functions from a decision to text + buttons.

This module is the one place where the bot's sentences are written. Texts are Telegram
HTML (every piece of FAQ or user text goes through `html.escape`, except the markup an
answer may use, see `bot.language.markup`, which `faqbot check` validates); the terminal chat
shows them with `Reply.plain`. Nothing here imports Telegram, so replies are tested
without it. Buttons carry short callback data (at most 64 bytes, as Telegram requires):

    a:<entry-id>    answer this entry          p:<page>        show this page of questions
    n               none of the suggestions    f:+:<entry-id>  👍 on an answer (f:- for 👎)
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge.base import Article, Entry, KnowledgeBase
from bot.language import markup
from bot.language.normalize import describe_roles
from bot.understanding.matching import Decision, Status

__all__ = [
    "MAX_MESSAGE",
    "MAX_QUESTION_CHARS",
    "PAGE_SIZE",
    "Button",
    "Press",
    "Reply",
    "admin_only",
    "answer",
    "apology",
    "callback",
    "commands",
    "decision_reply",
    "empty_question",
    "entry_gone",
    "feedback_thanks",
    "help_text",
    "inline_answer",
    "inline_examples",
    "inline_no_match",
    "inline_preview",
    "merge",
    "none_of_these",
    "not_text",
    "parse_callback",
    "questions_page",
    "reload_done",
    "reload_failed",
    "smalltalk",
    "source_line",
    "sources",
    "split_message",
    "suggest",
    "too_long",
    "typeset",
    "unknown",
    "unknown_command",
    "welcome",
    "why_report",
    "why_usage",
]

MAX_MESSAGE = 4096
"""Telegram's limit for one message, in characters of visible text."""
PAGE_SIZE = 8
"""Questions per page of /questions."""
MAX_QUESTION_CHARS = 1000
"""Longer messages are not treated as questions."""
NBSP = "\u202f"
"""French typography: a narrow no-break space before : ; ! ? and inside « »."""
_BEFORE_PUNCTUATION = re.compile(r"[ \u00a0\u202f]+([:;!?»])")
_AFTER_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")


def typeset(text: str) -> str:
    """French typography: a narrow no-break space before : ; ! ? » and after «.

    Only where a space was (or is missing inside « »): "https://", "10:30" and
    "?p=234028" are left alone. Applied to every reply, FAQ texts included.
    """
    text = _BEFORE_PUNCTUATION.sub(lambda m: NBSP + m.group(1), text)
    return _AFTER_GUILLEMET.sub("«" + NBSP, text)


@dataclass(frozen=True)
class Button:
    """An inline button: either callback data or a URL."""

    text: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Reply:
    """A message to send: Telegram HTML plus rows of buttons (both typeset, see `typeset`)."""

    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "html", typeset(self.html))
        rows = tuple(
            tuple(Button(typeset(b.text), b.data, b.url) for b in row) for row in self.buttons
        )
        object.__setattr__(self, "buttons", rows)

    @property
    def plain(self) -> str:
        """The text without HTML, for the terminal."""
        text = re.sub(r'<a href="([^"]*)">([^<]*)</a>', _plain_link, self.html)
        return html.unescape(re.sub(r"<[^>]+>", "", text))


def _plain_link(match: re.Match[str]) -> str:
    """A link as text: "label (address)", or the address once when it is its own label."""
    address, label = match.group(1), match.group(2)
    return label if html.unescape(label) == html.unescape(address) else f"{label} ({address})"


def callback(kind: str, *args: str) -> str:
    """Build callback data like `a:entry-id`; raises if it would exceed Telegram's 64 bytes."""
    data = ":".join((kind, *args))
    if len(data.encode("utf-8")) > 64:
        raise ValueError(f"callback data longer than 64 bytes: {data!r}")
    return data


@dataclass(frozen=True)
class Press:
    """What a button's callback data asks for (the scheme in the module docstring)."""

    kind: str
    """"a" answer, "p" page, "n" none of these, "f" feedback; "" for anything else."""
    entry_id: str = ""
    """For "a" and "f": the entry (not checked against the FAQ here)."""
    page: int = 1
    """For "p": the page asked for (1 when the number is missing or absurd)."""
    good: bool = False
    """For "f": 👍 (True) or 👎."""


def parse_callback(data: str) -> Press:
    """Read callback data built by `callback()`; unknown or forged data gives kind ""."""
    kind, _, arg = data.partition(":")
    if kind == "a" and arg:
        return Press("a", entry_id=arg)
    if kind == "p":
        # isascii: str.isdigit accepts "²" and other digits that int() refuses.
        return Press("p", page=int(arg) if arg.isascii() and arg.isdigit() and len(arg) <= 4 else 1)
    if kind == "n" and not arg:
        return Press("n")
    vote, _, entry_id = arg.partition(":")
    if kind == "f" and vote in ("+", "-") and entry_id:
        return Press("f", entry_id=entry_id, good=vote == "+")
    return Press("")


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _quote(text: str, limit: int = 80) -> str:
    """A user's words, shortened and escaped, between French quotes."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"«{NBSP}{_e(text)}{NBSP}»"


def _citation(keys: Sequence[str]) -> str:
    """'§3, §11, note 4': paragraphs in order, then notes; 'article' adds nothing."""
    paragraphs = sorted((k for k in keys if k.startswith("§")), key=lambda k: int(k[1:]))
    notes = sorted((k for k in keys if k.startswith("note ")), key=lambda k: int(k[5:]))
    return ", ".join([*paragraphs, *notes])


def source_line(entry: Entry, article: Article) -> str:
    """'Source : Le Grand Continent, §11, note 4', the outlet linked to the article."""
    cited = _citation(entry.sources)
    link = f'<a href="{html.escape(article.url)}">{_e(article.outlet)}</a>'
    return f"📄 Source{NBSP}: {link}" + (f", {cited}" if cited else "")


def _of(outlet: str) -> str:
    """ "de " with French contraction: "du " for "Le Monde", "de la " for "La Croix"…"""
    first = outlet.split(" ", 1)[0]
    return {"Le": "du ", "La": "de la ", "Les": "des ", "L’": "de l’", "L'": "de l’"}.get(
        first, "d’" if outlet[:1].lower() in "aeiouyéèêh" else "de "
    )


def _without_article(outlet: str) -> str:
    """The outlet's name after `_of` ("Le Grand Continent" → "Grand Continent")."""
    first, _, rest = outlet.partition(" ")
    return rest if first in ("Le", "La", "Les") and rest else outlet


def _examples(kb: KnowledgeBase, count: int) -> list[Entry]:
    """Entries to show as examples: the first entries tagged 'exemple', else the first ones."""
    tagged = [e for e in kb.entries if "exemple" in e.tags]
    chosen = tagged or [e for e in kb.entries if "a-propos" not in e.tags]
    return chosen[:count]


def _entry_button(entry: Entry) -> Button:
    return Button(entry.question, callback("a", entry.id))


def _browse_button() -> Button:
    return Button("📚 Toutes les questions", callback("p", "1"))


def welcome(kb: KnowledgeBase) -> Reply:
    """/start: who the bot is, what it knows, and example questions as buttons."""
    a = kb.article
    text = (
        f"Bonjour ! 👋 Je réponds à vos questions sur un article {_of(a.outlet)}"
        f'<a href="{html.escape(a.url)}">{_e(_without_article(a.outlet))}</a> consacré à la '
        "visite de Vladimir Poutine en Corée du Nord (juin 2024).\n\n"
        "Posez votre question avec vos propres mots. Je cite à chaque fois le passage de "
        "l’article d’où vient la réponse. Quelques idées pour commencer :"
    )
    rows = tuple((_entry_button(e),) for e in _examples(kb, 4))
    return Reply(text, (*rows, (_browse_button(),)))


def help_text() -> Reply:
    """/aide: how to ask, and the commands."""
    text = (
        "<b>Comment me poser une question</b>\n"
        "Écrivez simplement votre question, comme vous la diriez : « pourquoi Poutine va en "
        "Corée du Nord ? », « mandat CPI », « combien d’obus ? ». Les fautes de frappe et "
        "les accents oubliés ne me gênent pas.\n\n"
        "Si j’hésite, je vous propose des questions proches. Si l’article ne répond pas, "
        "je vous le dis plutôt que d’inventer.\n\n"
        "<b>Commandes</b>\n"
        "/questions : toutes les questions auxquelles je sais répondre\n"
        "/sources : l’article et la façon dont je le cite\n"
        "/aide : ce message\n\n"
        "Dans un groupe, mentionnez-moi ou répondez à l’un de mes messages. "
        "Dans n’importe quelle autre conversation, tapez @ suivi de mon nom puis votre "
        "question : je vous propose des réponses à partager."
    )
    return Reply(text.replace(" :", f"{NBSP}:").replace(" ?", f"{NBSP}?"))


def sources(kb: KnowledgeBase) -> Reply:
    """/sources: the article reference and how citations work."""
    a = kb.article
    title = _e(a.title) if a.title else "je ne le connais pas"
    author = _e(a.author) if a.author else "je ne le connais pas"
    paragraphs = [k for k in a.sources if k.startswith("§")]
    notes = [k for k in a.sources if k.startswith("note ")]
    text = (
        "<b>L’article</b>\n"
        f'Média{NBSP}: {_e(a.outlet)}\nAdresse{NBSP}: <a href="{html.escape(a.url)}">'
        f"{_e(a.url)}</a>\nPublication{NBSP}: {_e(a.published)}\n"
        f"Titre{NBSP}: {title}\nAuteur{NBSP}: {author}\n\n"
        "<b>Comment je cite</b>\n"
        f"« §3 » renvoie au 3ᵉ paragraphe de l’article : j’ai numéroté ses "
        f"{len(paragraphs)} paragraphes moi-même. « note 4 » renvoie à sa note 4 "
        f"({len(notes)} notes) ; je n’en connais que le numéro, pas le texte. "
        "Mes réponses sont rédigées avec mes mots, à partir de l’article seul."
    )
    return Reply(text.replace(" :", f"{NBSP}:").replace(" ;", f"{NBSP};"))


def answer(entry: Entry, kb: KnowledgeBase, *, feedback: bool = True) -> Reply:
    """An entry's answer, its source line, 👍/👎 and related questions as buttons."""
    body = markup.to_html(entry.answer)  # the answer's own markup kept (bot.language.markup)
    text = f"<b>{_e(entry.question)}</b>\n\n{body}\n\n{source_line(entry, kb.article)}"
    rows: list[tuple[Button, ...]] = []
    if feedback:
        rows.append(
            (
                Button("👍 Utile", callback("f", "+", entry.id)),
                Button("👎 Pas utile", callback("f", "-", entry.id)),
            )
        )
    rows.extend((_entry_button(kb.by_id[rid]),) for rid in entry.related[:3] if rid in kb.by_id)
    return Reply(text, tuple(rows))


AGAIN_LEADS = {
    "more": (
        f"L’article ne va pas plus loin sur ce point{NBSP}; je vous redonne ce qu’il en dit{NBSP}:"
    ),
    "check": f"Je m’en tiens à ce que dit l’article, source à l’appui{NBSP}:",
}
"""Said before the previous answer given again (`Decision.again`): after "tu peux
développer ?" ("more") or "t'es sûr ?" ("check")."""


def suggest(decision: Decision) -> Reply:
    """Hesitation: 'Vouliez-vous dire… ?' with up to 3 questions and 'none of these'.

    When an out-of-scope question withheld the answer, or the message asks about a time
    the article does not cover (`Decision.another_time`), the bot says first that the
    article does not seem to answer that, then offers the close questions it knows. After
    "tu peux développer ?" that nothing answers better (`Decision.more`), it says that
    the article goes no further and offers the related questions.
    """
    if decision.more:
        text = (
            f"Je vous ai dit tout ce que l’article en dit{NBSP}: il ne va pas plus loin sur "
            f"ce point. Il aborde aussi ces questions{NBSP}:"
        )
    elif decision.near_miss is not None or decision.another_time:
        text = (
            f"L’article ne semble pas répondre à {_quote(decision.question)}. 🤷\n"
            f"Il répond peut-être à une question proche{NBSP}: vouliez-vous dire…{NBSP}?"
        )
    else:
        text = (
            f"Je ne suis pas sûr d’avoir compris {_quote(decision.question)}.\n"
            f"Vouliez-vous dire…{NBSP}?"
        )
    rows = tuple((_entry_button(c.entry),) for c in decision.suggestions[:3])
    return Reply(text, (*rows, (Button("❌ Aucune de ces questions", callback("n")),)))


def unknown(question: str) -> Reply:
    """The article does not cover the question: say so politely, offer to browse."""
    text = (
        f"Désolé, l’article ne dit rien qui réponde à {_quote(question)}. 🤷\n"
        "Je ne réponds qu’à partir de cet article, sur la visite de Vladimir Poutine en "
        "Corée du Nord. Reformulez votre question, ou parcourez celles que je connais."
    )
    return Reply(text, ((_browse_button(),),))


def none_of_these() -> Reply:
    """After 'none of these': the article probably does not answer."""
    text = (
        "D’accord, merci. L’article ne semble pas répondre à votre question : j’en prends "
        "note pour améliorer mes réponses. Vous pouvez la reformuler, ou parcourir les "
        "questions que je connais."
    )
    return Reply(text.replace(" :", f"{NBSP}:"), ((_browse_button(),),))


def too_long(length: int) -> Reply:
    """A message too long to be a question."""
    return Reply(
        f"Votre message est très long ({length} caractères). Posez-moi plutôt une question "
        "courte, en une phrase, par exemple « Pourquoi Poutine va-t-il en Corée du Nord ? »."
    )


def not_text() -> Reply:
    """A sticker, photo, voice message, location… in a private chat."""
    return Reply(
        "Je ne sais lire que les messages écrits. 🙂 Posez-moi votre question par écrit, "
        "ou tapez /questions pour voir ce que je sais."
    )


def apology() -> Reply:
    """Something went wrong on our side."""
    return Reply(
        "Désolé, un problème technique m’a empêché de répondre. Réessayez dans un instant."
    )


def feedback_thanks(good: bool) -> Button:
    """The button that replaces 👍/👎 once the user has voted (it does nothing)."""
    return Button(
        "🙏 Merci pour votre avis !" if good else "🙏 Merci, je vais m’améliorer.",
        callback("x"),
    )


def questions_page(kb: KnowledgeBase, page: int) -> Reply:
    """Page `page` (from 1) of every question, as buttons, with previous/next buttons."""
    pages = max(1, -(-len(kb.entries) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    chunk = kb.entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    text = (
        f"<b>Les questions que je connais</b> (page {page}/{pages})\n"
        "Touchez une question pour lire sa réponse."
    )
    rows: list[tuple[Button, ...]] = [(_entry_button(e),) for e in chunk]
    nav: list[Button] = []
    if page > 1:
        nav.append(Button("◀️ Précédentes", callback("p", str(page - 1))))
    if page < pages:
        nav.append(Button("Suivantes ▶️", callback("p", str(page + 1))))
    if nav:
        rows.append(tuple(nav))
    return Reply(text, tuple(rows))


def smalltalk(decision: Decision) -> Reply:
    """Small talk gets small talk: the reply is curated in knowledge/smalltalk.yaml (like
    the FAQ's answers, and unlike every other sentence, which is written here), with the
    list of questions as a button where the file says so (`follow_with_help`)."""
    text = _e(decision.reply or "🙂")
    if decision.browse:
        return Reply(text, ((_browse_button(),),))
    return Reply(text)


def merge(parts: Sequence[Reply]) -> Reply:
    """Several replies as one message (the terminal shows the answers to a message that
    asked two questions this way; Telegram sends them one by one)."""
    if len(parts) == 1:
        return parts[0]
    rows = tuple(row for p in parts for row in p.buttons)
    unique = tuple(row for i, row in enumerate(rows) if row not in rows[:i])  # one of each
    return Reply("\n\n".join(p.html for p in parts), unique)


def decision_reply(decision: Decision, kb: KnowledgeBase, *, feedback: bool = True) -> Reply:
    """The reply to a free-text message, whatever the pipeline decided."""
    if decision.status is Status.SMALLTALK:
        return smalltalk(decision)
    if decision.status is Status.ANSWER and decision.entry is not None:
        reply = answer(decision.entry, kb, feedback=feedback)
        lead = AGAIN_LEADS.get(decision.again or "")
        return Reply(f"{lead}\n\n{reply.html}", reply.buttons) if lead else reply
    if decision.status is Status.SUGGEST and decision.suggestions:
        return suggest(decision)
    return unknown(decision.question)


def _cut_line(line: str, limit: int) -> list[str]:
    """Cut one over-long line at spaces (or anywhere), never inside a tag or an entity."""
    pieces: list[str] = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        head = line[:cut]
        if head.rfind("<") > head.rfind(">"):
            cut = head.rfind("<")
        elif head.rfind("&") > head.rfind(";"):
            cut = head.rfind("&")
        cut = cut or limit
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    pieces.append(line)
    return pieces


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML text into messages of at most `limit` characters, at line ends.

    FAQ answers are validated to fit in one message, so this is a safety net. Our replies
    never open a tag on one line and close it on another, so cutting at line ends keeps
    the HTML valid; a single over-long line is cut at spaces. Raw HTML length is counted,
    which is never less than what Telegram counts.
    """
    if len(text) <= limit:
        return [text]
    messages: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _cut_line(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                if current.strip():
                    messages.append(current.strip("\n"))
                current = piece
    if current.strip():
        messages.append(current.strip("\n"))
    return messages


# --- Telegram-only replies (added with the Telegram bot, issue 4) ---------------------------


def commands() -> tuple[tuple[str, str], ...]:
    """The command menu (set_my_commands): each command and its short description."""
    return (
        ("start", "Présentation et exemples de questions"),
        ("questions", "Toutes les questions auxquelles je sais répondre"),
        ("sources", "L’article et la façon dont je le cite"),
        ("aide", "Comment me poser une question"),
    )


def unknown_command() -> Reply:
    """A command the bot does not have, in a private chat."""
    return Reply(
        f"Je ne connais pas cette commande. Écrivez simplement votre question, ou tapez "
        f"/aide pour voir ce que je sais faire{NBSP}!"
    )


def empty_question() -> Reply:
    """The bot was mentioned in a group with nothing else to read."""
    return Reply(
        f"Oui{NBSP}? 🙂 Posez votre question juste après mon nom, ou répondez à ce message.",
        ((_browse_button(),),),
    )


def entry_gone() -> Reply:
    """A button pointed at a question that the FAQ no longer has."""
    return Reply(
        "Cette question n’existe plus : la liste a été mise à jour depuis. "
        "Voici celles que je connais aujourd’hui.".replace(" :", f"{NBSP}:"),
        ((_browse_button(),),),
    )


def inline_answer(entry: Entry, kb: KnowledgeBase) -> Reply:
    """What picking an inline result sends: the answer and its source, no buttons."""
    return Reply(answer(entry, kb, feedback=False).html)


def inline_preview(entry: Entry, limit: int = 100) -> str:
    """The plain-text start of an answer, shown under an inline result's title."""
    text = " ".join(entry.plain_answer.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def inline_examples(kb: KnowledgeBase, count: int = 5) -> list[Entry]:
    """The entries offered when an inline query is still empty."""
    return _examples(kb, count)


def inline_no_match() -> str:
    """The button above inline results when none matches (opens a private chat)."""
    return "Rien trouvé : posez-moi la question en privé".replace(" :", f"{NBSP}:")


# --- maintainers (issue 5): /reload, /pourquoi, reload notices ------------------------------

MAX_PROBLEMS_SHOWN = 15
"""A failed reload lists at most this many problems in a message (the log has them all)."""


def admin_only() -> Reply:
    """A maintainer command tried by someone who is not an admin: polite refusal."""
    return Reply(
        f"Désolé, cette commande est réservée aux personnes qui entretiennent la FAQ. "
        f"Vous pouvez me poser votre question directement{NBSP}! 🙂"
    )


def reload_done(entries: int) -> Reply:
    """The FAQ was reloaded: how many entries are now served."""
    plural = "s" if entries != 1 else ""
    return Reply(f"✅ FAQ rechargée{NBSP}: {entries}{NBSP}question{plural} en service.")


def reload_failed(problems: Sequence[str]) -> Reply:
    """The edited FAQ has errors: it was not loaded, the previous one is still served."""
    shown = [f"• <code>{_e(p[:300])}</code>" for p in problems[:MAX_PROBLEMS_SHOWN]]
    more = len(problems) - len(shown)
    if more > 0:
        shown.append(f"… et {more}{NBSP}autre{'s' if more > 1 else ''} (voir le journal).")
    return Reply(
        f"⚠️ La FAQ modifiée contient des erreurs{NBSP}: elle n’a pas été chargée. "
        f"Je continue de répondre avec la version précédente.\n\n"
        + "\n".join(shown)
        + f"\n\nCorrigez le fichier (<code>faqbot check</code> liste les erreurs){NBSP}: "
        "je recharge automatiquement, ou envoyez /reload."
    )


def why_usage() -> Reply:
    """/pourquoi without a question: how to use it."""
    return Reply(
        f"Utilisation{NBSP}: répondez au message d’une personne avec /pourquoi, ou écrivez "
        f"<code>/pourquoi votre question</code>."
    )


def why_report(
    decision: Decision, *, answer_threshold: float, margin: float, suggest_threshold: float
) -> Reply:
    """/pourquoi: how a question was normalised and matched, for tuning the FAQ."""
    analysis = decision.analysis
    none = "<i>(aucun)</i>"
    lines = [
        f"🔎 <b>Question</b>{NBSP}: {_quote(decision.question, 200)}",
        f"<b>Texte normalisé</b>{NBSP}: <code>{_e(analysis.text) or '∅'}</code>",
        f"<b>Type de question</b>{NBSP}: {_e(analysis.kind) if analysis.kind else none}",
        f"<b>Mots inconnus</b>{NBSP}: "
        + (_e(", ".join(analysis.unknown)) if analysis.unknown else none),
        f"<b>Sens</b>{NBSP}: "
        + (_e(describe_roles(analysis.roles, to="vers", by="par")) if analysis.roles else none),
        "",
        f"<b>Décision</b>{NBSP}: {_e(_STATUS_FR.get(str(decision.status), str(decision.status)))}"
        f" (score {decision.score:.1f})",
    ]
    if decision.entry is not None:
        lines.append(
            f"<b>Entrée</b>{NBSP}: <code>{_e(decision.entry.id)}</code> — "
            f"{_e(decision.entry.question)}"
        )
    lines.append(
        f"<b>Formulation reconnue</b>{NBSP}: "
        + (_quote(decision.matched, 200) if decision.matched else none)
    )
    runner_up = decision.suggestions[1] if len(decision.suggestions) > 1 else None
    if runner_up is not None:
        lines.append(
            f"<b>Deuxième</b>{NBSP}: <code>{_e(runner_up.entry.id)}</code> "
            f"(score {runner_up.score:.1f}, écart {decision.score - runner_up.score:.1f}) — "
            f"{_quote(runner_up.phrasing, 200)}"
        )
    else:
        lines.append(f"<b>Deuxième</b>{NBSP}: {none}")
    if decision.near_miss is not None:
        lines.append(
            f"<b>Réponse bloquée par une question hors article</b>{NBSP}: "
            f"{_quote(decision.near_miss.question, 200)} (score {decision.near_miss.score:.1f})"
        )
    if decision.smalltalk is not None:
        lines.append(f"<b>Conversation</b>{NBSP}: <code>{_e(decision.smalltalk)}</code>")
    opinion = decision.opinion
    if opinion is not None:
        shares = ", ".join(
            f"<code>{_e(label)}</code> {share:.0%}" for label, share in opinion.scores.items()
        )
        lines.append(f"<b>Deuxième avis (classifieur)</b>{NBSP}: {shares or none}")
    if decision.verdict:
        lines.append(f"<b>Verdict</b>{NBSP}: {_e(decision.verdict)}")
    lines += [
        "",
        f"<b>Seuils</b>{NBSP}: réponse ≥{NBSP}{answer_threshold:g} avec un écart "
        f"≥{NBSP}{margin:g}{NBSP}; suggestions ≥{NBSP}{suggest_threshold:g}.",
    ]
    return Reply("\n".join(lines))


_STATUS_FR = {
    "answer": "réponse directe",
    "suggest": "suggestions",
    "unknown": "hors sujet (inconnue)",
    "smalltalk": "conversation",
}
