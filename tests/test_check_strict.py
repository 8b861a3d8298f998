"""`faqbot check` on a copy of the real FAQ: each mistake gives one message with its file,
its line and the fix, exit status 1; warnings (drafts, long answers, repeats) exit 0."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.base import default_knowledge_path, load_knowledge
from bot.language import markup

FILE = "faq/10-visite-2000.yaml"
ANSWER = "  answer: >-\n"


def copy_faq(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_path(), root)
    return root


def edit(root: Path, old: str, new: str, name: str = FILE) -> str:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], list[str]]:
    """Exit status, error lines (stderr, without the summary) and warning lines (stdout)."""
    status = main(["check", "--knowledge", str(root)])
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if ": warning: " not in line][: -1 or None]
    if status == 0:
        errors = []
    else:
        assert "error(s) in" in err.splitlines()[-1]
        errors = [line for line in err.splitlines()[:-1] if ": warning: " not in line]
    warnings = [line for line in (out + err).splitlines() if ": warning: " in line]
    return status, errors, warnings


def first_answer(root: Path) -> tuple[int, str]:
    """The line of the first answer of FILE and its first text line."""
    text = (root / FILE).read_text(encoding="utf-8")
    lines = text.splitlines()
    index = lines.index(ANSWER.rstrip("\n"))
    return index + 1, lines[index + 1]


def test_the_shipped_faq_has_no_error_and_no_long_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, errors, warnings = check(default_knowledge_path(), capsys)
    assert status == 0
    assert errors == []
    assert not [w for w in warnings if "sentences" in w or "draft" in w]


def test_unclosed_bold_in_an_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_faq(tmp_path)
    line, first = first_answer(root)
    edit(root, first, first.replace("Vladimir", "<b>Vladimir", 1))
    status, errors, _ = check(root, capsys)
    assert status == 1
    (message,) = errors
    assert message.startswith(f"{root / FILE}:{line}: ")
    assert "<b> is never closed: add </b>" in message
    assert "&lt;b&gt;" in message  # the other fix: show it as text


@pytest.mark.parametrize(
    ("insert", "expected"),
    [
        ("<script>x</script>", "<script> is not a tag Telegram knows"),
        ("a&nbsp;b", "&nbsp; is not an entity Telegram knows"),
        ("<abc", "never finished: close it with >"),
        ("<b>x</i></b>", "</i> closes <b>"),
        ('<a href="ftp:x">y</a>', '<a> needs an address: <a href="https://'),
    ],
)
def test_markup_telegram_would_refuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], insert: str, expected: str
) -> None:
    root = copy_faq(tmp_path)
    line, first = first_answer(root)
    edit(root, first, f"{first} {insert}")
    status, errors, _ = check(root, capsys)
    assert status == 1
    (message,) = errors
    assert message.startswith(f"{root / FILE}:{line}: ")
    assert expected in message


def test_valid_markup_and_literal_characters_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_faq(tmp_path)
    _, first = first_answer(root)
    extra = ' <b>gras</b>, <i>italique</i>, <a href="https://example.org/?a=1&amp;b=2">lien</a>'
    edit(root, first, first + extra + " ; 3 < 4 & 5 > 2 &amp; &#233;")
    status, errors, _ = check(root, capsys)
    assert (status, errors) == (0, [])
    kb = load_knowledge(root)
    answer = kb.entries[0].answer
    assert markup.problems(answer) == []
    rendered = markup.to_html(answer)
    assert "<b>gras</b>" in rendered
    assert "3 &lt; 4 &amp; 5 &gt; 2 &amp;amp; &#233;" not in rendered
    assert "3 &lt; 4 &amp; 5 &gt; 2 &amp; &#233;" in rendered
    assert "3 < 4 & 5 > 2 & é" in kb.entries[0].plain_answer


def test_tab_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_faq(tmp_path)
    text = edit(root, "    - poutine pyongyang 2000\n", "\t- poutine pyongyang 2000\n")
    status, errors, _ = check(root, capsys)
    assert status == 1
    (message,) = errors
    assert message.startswith(f"{root / FILE}:{line_of(text, 'poutine pyongyang 2000')}:")
    assert "tab" in message
    assert "replace the tab with spaces" in message
    assert "found character" not in message


@pytest.mark.parametrize("where", ["first", "middle"])
def test_unevenly_indented_list_item_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    root = copy_faq(tmp_path)
    if where == "first":  # the first item dedented: the whole list becomes one text
        text = edit(
            root,
            "    - derniere visite de poutine en coree du nord\n",
            "   - derniere visite de poutine en coree du nord\n",
        )
        bad = line_of(text, "c’était quand la dernière fois")
    else:  # one item indented more: it joins the one above
        text = edit(root, "    - poutine pyongyang 2000\n", "      - poutine pyongyang 2000\n")
        bad = line_of(text, "poutine pyongyang 2000")
    status, errors, warnings = check(root, capsys)
    assert status == 1
    (message,) = errors
    assert message.startswith(f"{root / FILE}:{bad}: ")
    assert "read them as one text" in message
    assert "at the same column" in message
    assert not [w for w in warnings if "variant(s)" in w]


def test_misaligned_item_that_breaks_the_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_faq(tmp_path)
    text = edit(root, "    - poutine pyongyang 2000\n", "   - poutine pyongyang 2000\n")
    status, errors, _ = check(root, capsys)
    assert status == 1
    (message,) = errors
    assert message.startswith(f"{root / FILE}:{line_of(text, 'poutine pyongyang 2000')}:")
    assert "at the same column" in message


def test_broken_file_reports_only_its_own_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_faq(tmp_path)
    # Other files' `related:` point at entries of this file: no knock-on error for them.
    text = edit(root, "  question: Quand Poutine", '  question: "Quand Poutine')
    status, errors, _ = check(root, capsys)
    assert status == 1
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{root / FILE}:")
    assert "related id" not in errors[0]
    assert "YAML syntax error" in errors[0]
    assert text  # the edit was made


def test_broken_article_gives_no_unknown_source_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_faq(tmp_path)
    edit(root, "sources:", "sources: [", name="article.yaml")
    status, errors, _ = check(root, capsys)
    assert status == 1
    assert len(errors) == 1, errors
    assert "article.yaml:" in errors[0]


def test_empty_faq_file_is_reported_as_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_faq(tmp_path)
    (root / "faq" / "60-nouveau.yaml").write_text("# à remplir\n", encoding="utf-8")
    status, errors, _ = check(root, capsys)
    assert status == 1
    (message,) = errors
    assert message.startswith(f"{root / 'faq' / '60-nouveau.yaml'}:1: ")
    assert "the file is empty" in message
    assert "delete the file" in message


def test_long_answer_is_a_warning_at_the_answer_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_faq(tmp_path)
    line, first = first_answer(root)
    edit(root, first, first + " Une phrase de plus." * 60)
    status, errors, warnings = check(root, capsys)
    assert (status, errors) == (0, [])
    (warning,) = [w for w in warnings if "sentences" in w]
    assert warning.startswith(f"{root / FILE}:{line}: warning: ")
    assert re.search(r"answer has 6\d sentences; keep it to 1-4", warning)
    assert "split the entry" in warning


def test_sentence_count_ignores_abbreviations() -> None:
    assert markup.sentence_count("M. Poutine arrive. Il repart en 2000. Fin !") == 3
    assert markup.sentence_count("Selon l’article, la CPI… et J.-C. Monnet.") == 1
    assert markup.sentence_count("<b>Oui.</b> Non. Peut-être ? Sans doute. Enfin.") == 5


def test_repeated_variant_warning_points_at_the_variant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_faq(tmp_path)
    text = edit(
        root,
        "    - poutine pyongyang 2000\n",
        "    - poutine pyongyang 2000\n    - Poutine, Pyongyang, 2000 ?\n",
    )
    status, errors, warnings = check(root, capsys)
    assert (status, errors) == (0, [])
    (warning,) = [w for w in warnings if "Poutine, Pyongyang, 2000 ?" in w]
    assert "repeats another phrasing" in warning
    assert warning.startswith(f"{root / FILE}:{line_of(text, 'Poutine, Pyongyang, 2000 ?')}: ")


def test_same_variant_in_two_entries_points_at_both_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_faq(tmp_path)
    other = (root / "faq" / "20-isolement.yaml").read_text(encoding="utf-8")
    target = next(line for line in other.splitlines() if line.startswith("    - "))
    text = edit(root, "    - poutine pyongyang 2000\n", f"{target}\n")
    status, errors, _ = check(root, capsys)
    assert status == 1
    (message,) = errors
    # Reported at the second one read, naming the first one's own line.
    second = root / "faq" / "20-isolement.yaml"
    assert message.startswith(f"{second}:{line_of(other, target.strip())}: ")
    assert f"10-visite-2000.yaml:{line_of(text, target.strip())})" in message


DRAFT = """
- id: brouillon-cadeau
  question: Quel cadeau Kim a-t-il offert à Poutine en guise de souvenir ?
  variants:
    - cadeau de kim a poutine souvenir
    - souvenir offert par Kim
  answer: Exemple de brouillon.
  sources: ["§1"]
"""


def test_a_draft_loads_and_can_be_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_faq(tmp_path)
    with (root / FILE).open("a", encoding="utf-8") as file:
        file.write(DRAFT)
    status, errors, warnings = check(root, capsys)
    assert (status, errors) == (0, [])
    (warning,) = [w for w in warnings if "brouillon-cadeau" in w]
    assert 'entry "brouillon-cadeau": draft: 2 variant(s)' in warning
    question = "Quel cadeau Kim a-t-il offert à Poutine en guise de souvenir ?"
    assert main(["ask", "--knowledge", str(root), "--json", question]) == 0
    out = capsys.readouterr().out
    assert '"status": "answer"' in out
    assert '"entry": "brouillon-cadeau"' in out
    # check and test both list it as a draft
    assert main(["check", "--knowledge", str(root)]) == 0
    assert "drafts (fewer than 5 variants" in capsys.readouterr().out
    main(["test", "--knowledge", str(root)])
    assert "brouillon-cadeau (2)" in capsys.readouterr().out
