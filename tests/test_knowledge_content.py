"""The shipped FAQ itself: it covers the whole article, and every answer can be sent."""

from __future__ import annotations

import re

import pytest

from bot.conversation import replies
from bot.knowledge.base import KnowledgeBase


def test_shipped_faq_loads_without_warnings(kb: KnowledgeBase) -> None:
    assert 25 <= len(kb.entries) <= 45
    assert [str(w) for w in kb.warnings] == []


def test_every_paragraph_and_note_is_cited(kb: KnowledgeBase) -> None:
    cited = {key for entry in kb.entries for key in entry.sources}
    expected = {f"§{n}" for n in range(1, 12)} | {f"note {n}" for n in range(1, 6)}
    assert expected <= cited, sorted(expected - cited)
    assert expected | {"article"} == set(kb.article.sources)


def test_ids_are_unique_kebab_case_and_fit_in_callback_data(kb: KnowledgeBase) -> None:
    ids = [entry.id for entry in kb.entries]
    assert len(ids) == len(set(ids))
    for entry_id in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry_id)
        assert len(replies.callback("f", "+", entry_id).encode()) <= 64


def test_every_answer_fits_in_one_telegram_message(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        reply = replies.answer(entry, kb)
        assert len(reply.plain) <= replies.MAX_MESSAGE, entry.id
        assert replies.split_message(reply.html) == [reply.html], entry.id


def test_entries_are_complete(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        assert len(entry.variants) >= 5, entry.id
        assert entry.sources, entry.id
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry.answer) if s]
        assert 1 <= len(sentences) <= 5, (entry.id, len(sentences))
        assert all(r in kb.by_id for r in entry.related), entry.id


def test_unknowns_are_said_not_invented(kb: KnowledgeBase) -> None:
    assert kb.article.title is None
    assert kb.article.author is None
    assert kb.article.url == "https://legrandcontinent.eu/fr/?p=234028"
    about = kb.by_id["auteur-titre"].answer.lower()
    assert "pas" in about or "inconnu" in about or "ne connai" in about


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("RPDC", "Corée du Nord"),
        ("Pyongyang", "Corée du Nord"),
        ("nord-coréen", "Corée du Nord"),
        ("Putin", "Poutine"),
        ("président russe", "Poutine"),
        ("Cour pénale internationale", "CPI"),
        ("Kim Jong-un", "Kim"),
        ("Kim Jong Un", "Kim"),
    ],
)
def test_required_synonyms(kb: KnowledgeBase, alias: str, canonical: str) -> None:
    normalizer = kb.normalizer()
    assert normalizer.key(alias) == normalizer.key(canonical)
