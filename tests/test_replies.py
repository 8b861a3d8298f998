"""Reply composition without Telegram: valid HTML, short callback data, clean splitting."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram_html import check_html

from bot.conversation import replies
from bot.conversation.replies import Button, Reply
from bot.knowledge.base import KnowledgeBase
from bot.understanding.matching import Matcher, NearMiss, Status

HOSTILE = [
    "<b>gras</b>",
    "A & B",
    "<script>alert('x')</script>",
    "&amp; &lt; &#39; &bogus;",
    "</a><a href='javascript:x'>",
    "pourquoi \u202f «  » ? 🙂",
    "x" * 500,
]


def every_reply(kb: KnowledgeBase) -> Iterator[tuple[str, Reply]]:
    """Every reply the bot can compose for this FAQ, named for error messages."""
    matcher = Matcher(kb)
    yield "welcome", replies.welcome(kb)
    yield "help", replies.help_text()
    yield "sources", replies.sources(kb)
    yield "none_of_these", replies.none_of_these()
    yield "too_long", replies.too_long(8000)
    yield "not_text", replies.not_text()
    yield "apology", replies.apology()
    yield "unknown_command", replies.unknown_command()
    yield "empty_question", replies.empty_question()
    yield "entry_gone", replies.entry_gone()
    pages = -(-len(kb.entries) // replies.PAGE_SIZE)
    for page in range(0, pages + 2):  # out-of-range pages are clamped
        yield f"questions_page({page})", replies.questions_page(kb, page)
    for entry in kb.entries:
        yield f"answer({entry.id})", replies.answer(entry, kb)
        yield f"answer({entry.id}, feedback=False)", replies.answer(entry, kb, feedback=False)
        yield f"inline_answer({entry.id})", replies.inline_answer(entry, kb)
        for text in (entry.question, *entry.variants[:2]):
            decision = matcher.match(text)
            yield f"decision({text!r})", replies.decision_reply(decision, kb)
    for text in HOSTILE:
        decision = matcher.match(text)
        yield f"decision({text!r})", replies.decision_reply(decision, kb)
        yield f"unknown({text!r})", replies.unknown(text)
        if decision.suggestions:
            forced = type(decision)(
                text, Status.SUGGEST, None, 50.0, decision.suggestions, decision.analysis
            )
            yield f"suggest({text!r})", replies.suggest(forced)
            near = replace(forced, near_miss=NearMiss(70.0, text))
            yield f"suggest_out_of_scope({text!r})", replies.suggest(near)
        withheld = replace(decision, near_miss=NearMiss(50.0, text))
        thresholds = {"answer_threshold": 60, "margin": 2, "suggest_threshold": 45}
        yield f"why_report({text!r})", replies.why_report(withheld, **thresholds)


def test_why_report_names_the_out_of_scope_question(kb: KnowledgeBase) -> None:
    decision = replace(
        Matcher(kb).match("quel cadeau pendant la visite"),
        near_miss=NearMiss(71.5, "Quel cadeau Poutine a-t-il offert à Kim ?"),
    )
    html = replies.why_report(decision, answer_threshold=60, margin=2, suggest_threshold=45).html
    assert "hors article" in html
    assert "Quel cadeau Poutine a-t-il offert à Kim" in html
    assert "71.5" in html
    assert "<b>Sens</b>\u202f: <i>(aucun)</i>" in html
    directed = Matcher(kb).match("que donne la russie à la corée du nord ?")
    report = replies.why_report(directed, answer_threshold=60, margin=2, suggest_threshold=45)
    assert "<b>Sens</b>\u202f: vers coree" in report.html


def buttons(reply: Reply) -> list[Button]:
    return [button for row in reply.buttons for button in row]


def test_every_reply_is_valid_telegram_html(any_kb: KnowledgeBase) -> None:
    count = 0
    for name, reply in every_reply(any_kb):
        try:
            visible = check_html(reply.html)
        except ValueError as exc:
            pytest.fail(f"{name}: {exc}\n{reply.html}")
        assert visible.strip(), name
        assert len(visible) <= replies.MAX_MESSAGE, name
        count += 1
    assert count > 20


def test_every_button_is_well_formed(any_kb: KnowledgeBase) -> None:
    known = {e.id for e in any_kb.entries}
    for name, reply in every_reply(any_kb):
        for button in buttons(reply):
            assert button.text.strip(), name
            assert (button.data is None) != (button.url is None), f"{name}: {button}"
            if button.data is None:
                continue
            assert len(button.data.encode("utf-8")) <= 64, f"{name}: {button.data}"
            kind, _, arg = button.data.partition(":")
            assert kind in {"a", "p", "n", "f", "x"}, f"{name}: {button.data}"
            if kind == "a":
                assert arg in known, f"{name}: {button.data}"
            if kind == "f":
                sign, _, entry_id = arg.partition(":")
                assert sign in {"+", "-"}, f"{name}: {button.data}"
                assert entry_id in known, f"{name}: {button.data}"
            if kind == "p":
                assert arg.isdigit(), f"{name}: {button.data}"


def test_callback_refuses_more_than_64_bytes() -> None:
    assert replies.callback("a", "x" * 62) == "a:" + "x" * 62
    with pytest.raises(ValueError, match="64 bytes"):
        replies.callback("a", "é" * 32)


def test_hostile_text_is_escaped_not_interpreted(nasty_kb: KnowledgeBase) -> None:
    reply = replies.unknown("<script>alert(1)</script> & <b>")
    assert "<script>" not in reply.html
    assert "&lt;script&gt;" in reply.html
    assert "&amp;" in reply.html
    entry = nasty_kb.by_id["balises-html"]
    html = replies.answer(entry, nasty_kb).html
    visible = check_html(html)
    assert replies.typeset(entry.question) in visible  # plain text: its "<b>" is shown
    # An answer's own markup is kept (<b>spécial</b> is bold), every other <, > or & escaped.
    assert replies.typeset("Rien de <b>spécial</b> : A &amp; B &lt; C &gt; D") in html
    assert replies.typeset(entry.plain_answer) in visible
    assert replies.typeset("Rien de spécial : A & B < C > D") in visible
    assert 'Le <Grand> & "Continent"' in visible  # the outlet, escaped in the link text
    assert 'href="https://example.org/?a=1&amp;b=&lt;2&gt;&amp;c=&quot;3&quot;"' in html


def test_answer_has_the_source_line_linked_to_the_article(any_kb: KnowledgeBase) -> None:
    for entry in any_kb.entries:
        reply = replies.answer(entry, any_kb)
        link = re.search(r'📄 Source\u202f: <a href="([^"]+)">', reply.html)
        assert link is not None, entry.id
        paragraphs = [s for s in entry.sources if s.startswith("§")]
        for key in paragraphs:
            assert key in check_html(reply.html), entry.id


def test_questions_pages_list_every_entry_once(any_kb: KnowledgeBase) -> None:
    pages = -(-len(any_kb.entries) // replies.PAGE_SIZE)
    seen: list[str] = []
    for page in range(1, pages + 1):
        reply = replies.questions_page(any_kb, page)
        entries = [b.data[2:] for b in buttons(reply) if b.data and b.data.startswith("a:")]
        assert 1 <= len(entries) <= 8
        seen.extend(entries)
        nav = [b.data for b in buttons(reply) if b.data and b.data.startswith("p:")]
        expected = [f"p:{page - 1}"] * (page > 1) + [f"p:{page + 1}"] * (page < pages)
        assert nav == expected
    assert seen == [e.id for e in any_kb.entries]


def test_commands_are_valid_for_set_my_commands() -> None:
    names = [name for name, _ in replies.commands()]
    assert names[0] == "start"
    assert {"aide", "questions", "sources"} <= set(names)
    for name, description in replies.commands():
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
        assert 1 <= len(description) <= 256


def test_inline_preview_is_short_plain_text(any_kb: KnowledgeBase) -> None:
    for entry in any_kb.entries:
        preview = replies.inline_preview(entry)
        assert 0 < len(preview) <= 100
        assert "\n" not in preview
    assert replies.inline_examples(any_kb)
    assert replies.inline_no_match()


# --- split_message ---------------------------------------------------------------------------


def test_short_text_is_not_split() -> None:
    assert replies.split_message("<b>bonjour</b>") == ["<b>bonjour</b>"]


def test_long_text_is_split_at_line_ends_into_valid_parts() -> None:
    line = "<b>Question &amp; réponse</b> " + "mot " * 40
    text = "\n".join(f"{i} {line}" for i in range(200))  # about 40,000 characters
    parts = replies.split_message(text)
    assert len(parts) > 5
    for part in parts:
        assert len(part) <= replies.MAX_MESSAGE
        check_html(part)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_one_huge_line_is_cut_at_spaces_never_inside_a_tag_or_entity() -> None:
    text = " ".join(["<i>a&amp;b</i>"] * 1500)  # one line, ~21,000 characters
    parts = replies.split_message(text, limit=1000)
    assert len(parts) > 10
    for part in parts:
        assert len(part) <= 1000
        check_html(part)
    assert " ".join(parts).split() == text.split()


def test_word_longer_than_the_limit_is_cut_anywhere_but_inside_markup() -> None:
    text = "x" * 250 + "&amp;" + "y" * 250
    parts = replies.split_message(text, limit=100)
    assert all(len(p) <= 100 for p in parts)
    for part in parts:
        check_html(part)
    assert "".join(parts) == text


def test_parse_callback_reads_every_button_the_bot_builds(kb: KnowledgeBase) -> None:
    entry = kb.entries[0]
    assert replies.parse_callback(replies.callback("a", entry.id)) == replies.Press(
        "a", entry_id=entry.id
    )
    assert replies.parse_callback(replies.callback("p", "3")).page == 3
    assert replies.parse_callback(replies.callback("n")).kind == "n"
    vote = replies.parse_callback(replies.callback("f", "-", entry.id))
    assert (vote.kind, vote.entry_id, vote.good) == ("f", entry.id, False)
    for reply in (replies.answer(entry, kb), replies.questions_page(kb, 2), replies.welcome(kb)):
        for row in reply.buttons:
            for button in row:
                assert button.data is not None
                assert replies.parse_callback(button.data).kind in {"a", "p", "n", "f"}


@pytest.mark.parametrize("data", ["", "x", "zz:1", "a:", "f:?:id", "f:+:", "n:extra", "a"])
def test_parse_callback_ignores_unknown_or_forged_data(data: str) -> None:
    assert replies.parse_callback(data).kind == ""


def test_parse_callback_page_number_is_bounded() -> None:
    assert replies.parse_callback("p:99999999").page == 1
    assert replies.parse_callback("p:abc").page == 1


_CALLBACK_CHARS = st.characters(codec="utf-8") | st.sampled_from(
    "apnfx:+-0123456789²³¹٣۳߃১੩૩୩௩౩೩൩෩๓໓༣၃႓៣᠓᥉᧓᪃᪓᭓᮳᱃᱓꘣꣓꤃꧓꧳꩓꯳０１９"
)


@given(st.text(_CALLBACK_CHARS, max_size=64) | st.from_regex(r"\A[apnfx]:[^\n]{0,8}\Z"))
@settings(max_examples=400, deadline=None)
def test_parse_callback_never_raises_on_any_data(data: str) -> None:
    """Callback data comes from clients and can be forged: any string gives a `Press`."""
    press = replies.parse_callback(data)
    assert press.kind in {"", "a", "p", "n", "f"}
    assert 0 <= press.page <= 9999  # questions_page clamps it to the pages there are
    if press.kind == "p":
        arg = data.partition(":")[2]
        assert press.page == (int(arg) if arg.isascii() and arg.isdigit() and len(arg) <= 4 else 1)


@pytest.mark.parametrize("digit", ["²", "³", "¹", "٣", "０", "߃", "²²", "1²", "𝟙"])
def test_parse_callback_non_ascii_digits_give_page_one(digit: str) -> None:
    """`str.isdigit` is true for "²", which `int` refuses: only ASCII digits are a page."""
    assert replies.parse_callback(f"p:{digit}") == replies.Press("p", page=1)


def test_merged_replies_show_each_button_once(kb: KnowledgeBase) -> None:
    """Two answers whose entries relate to the same questions, in one terminal message:
    each related question is offered once."""
    entry = kb.by_id["besoin-obus"]
    first, second = replies.answer(entry, kb), replies.answer(entry, kb)
    merged = replies.merge([first, second])
    assert len(merged.buttons) == len(first.buttons)
    assert merged.html.count(first.html) == 2
