"""Every kind of maintainer mistake gives its own message, with the right file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.base import KnowledgeError, load_knowledge

ARTICLE = """\
outlet: Le Grand Continent
url: https://legrandcontinent.eu/fr/?p=234028
published: juin 2024
title: null
author: null
sources:
  "§1": La visite de 2000
  "§2": L’État paria
  "note 1": Note 1 de l’article
  article: L’article
"""

SYNONYMS = """\
corée du nord: [rpdc, pyongyang]
poutine: [putin, président russe]
"""

ENTRY_A = """\
- id: derniere-visite
  question: Quand Poutine est-il allé en Corée du Nord pour la dernière fois ?
  variants:
    - derniere visite poutine coree
    - c'était quand sa dernière visite à Pyongyang
    - When did Putin last visit North Korea?
    - poutine en coree du nord la derniere fois
    - date de la visite precedente de poutine
  answer: À l’été 2000.
  sources: ["§1"]
  related: [etat-paria]
"""

ENTRY_B = """\
- id: etat-paria
  question: Pourquoi dit-on que la Russie est un État paria ?
  variants:
    - russie etat paria
    - pk la russie est paria
    - la Russie est-elle isolée ?
    - Is Russia a pariah state?
    - un dirigeant visé par un mandat de la CPI
  answer: Son dirigeant fait l’objet d’un mandat d’arrêt de la CPI.
  sources: ["§2", "note 1"]
"""


def make_knowledge(root: Path, faq: str = ENTRY_A + ENTRY_B, **files: str) -> Path:
    """A small valid knowledge folder; keyword arguments replace whole files."""
    (root / "faq").mkdir(parents=True)
    (root / "article.yaml").write_text(files.get("article", ARTICLE), encoding="utf-8")
    (root / "synonyms.yaml").write_text(files.get("synonyms", SYNONYMS), encoding="utf-8")
    (root / "faq" / "10-test.yaml").write_text(faq, encoding="utf-8")
    if "thresholds" in files:
        (root / "thresholds.yaml").write_text(files["thresholds"], encoding="utf-8")
    if "out_of_scope" in files:
        (root / "out-of-scope.yaml").write_text(files["out_of_scope"], encoding="utf-8")
    return root


def errors_of(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(p) for p in info.value.problems if not p.warning]


def line_of(text: str, needle: str) -> int:
    """1-based line number of the first line containing needle."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_valid_folder_loads_into_frozen_entries(tmp_path: Path) -> None:
    kb = load_knowledge(make_knowledge(tmp_path))
    assert [e.id for e in kb.entries] == ["derniere-visite", "etat-paria"]
    entry = kb.by_id["etat-paria"]
    assert entry.sources == ("§2", "note 1")
    assert entry.phrasings[0] == entry.question
    with pytest.raises(AttributeError):
        entry.answer = "autre"  # type: ignore[misc]
    assert kb.article.title is None
    assert kb.synonyms["poutine"] == ("putin", "président russe")


def test_yaml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    broken = ENTRY_A.replace("  answer: À l’été 2000.", "  answer: [À l’été 2000.")
    root = make_knowledge(tmp_path, broken + ENTRY_B)
    (message,) = errors_of(root)
    file, line = message.split(":")[0:2]
    assert file.endswith("10-test.yaml")
    # PyYAML notices the unclosed bracket on the next line; the message names both.
    assert int(line) == line_of(broken, "answer: [") + 1
    assert "YAML syntax error, column" in message
    assert f"started on line {line_of(broken, 'answer: [')}" in message


def test_syntax_error_line_is_exact(tmp_path: Path) -> None:
    broken = ENTRY_A + "  - oops: [unclosed\n" + ENTRY_B
    root = make_knowledge(tmp_path, broken)
    (message,) = errors_of(root)
    file, line = message.split(":")[0:2]
    assert file.endswith("10-test.yaml")
    assert int(line) >= line_of(broken, "oops")
    assert "YAML syntax error" in message


def test_missing_and_empty_required_fields(tmp_path: Path) -> None:
    faq = ENTRY_A.replace("  answer: À l’été 2000.\n", "") + ENTRY_B.replace(
        "question: Pourquoi dit-on que la Russie est un État paria ?", 'question: ""'
    )
    root = make_knowledge(tmp_path, faq)
    errors = errors_of(root)
    assert any('entry "derniere-visite": missing "answer"' in e for e in errors), errors
    empty = [e for e in errors if "question is empty" in e]
    empty_line = line_of(faq, 'question: ""')
    assert empty
    assert f":{empty_line}:" in empty[0]


def test_wrong_types(tmp_path: Path) -> None:
    faq = ENTRY_A.replace('sources: ["§1"]', "sources: §1").replace(
        "  answer: À l’été 2000.", "  answer:\n    - une liste"
    )
    root = make_knowledge(tmp_path, faq + ENTRY_B)
    errors = errors_of(root)
    assert any('sources must be a list: write it as ["§1"]' in e for e in errors), errors
    assert any("answer must be text, not a list" in e for e in errors), errors


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    faq = ENTRY_A + ENTRY_B + ENTRY_B.replace("russie etat paria", "russie paria isolement")
    root = make_knowledge(tmp_path, faq)
    errors = errors_of(root)
    dup = [e for e in errors if 'duplicate id "etat-paria"' in e]
    assert len(dup) == 1
    second = [i for i, line in enumerate(faq.splitlines(), 1) if "id: etat-paria" in line][1]
    assert f"10-test.yaml:{second}:" in dup[0]
    assert f"10-test.yaml:{line_of(faq, 'id: etat-paria')}" in dup[0]  # the first place


def test_unknown_source_lists_known_keys(tmp_path: Path) -> None:
    faq = ENTRY_A.replace('sources: ["§1"]', 'sources: ["§1", "note 7"]') + ENTRY_B
    root = make_knowledge(tmp_path, faq)
    (message,) = errors_of(root)
    assert f"10-test.yaml:{line_of(faq, 'note 7')}:" in message
    assert (
        'entry "derniere-visite": unknown source "note 7" (known: §1-§2, note 1-1, article)'
        in message
    )


def test_related_to_missing_id_suggests_the_close_one(tmp_path: Path) -> None:
    faq = ENTRY_A.replace("related: [etat-paria]", "related: [etat-parias]") + ENTRY_B
    (message,) = errors_of(make_knowledge(tmp_path, faq))
    assert 'related id "etat-parias" does not exist (did you mean "etat-paria"?)' in message


def test_same_variant_in_two_entries_after_normalisation(tmp_path: Path) -> None:
    # Same words once accents, case, punctuation and stop words are gone.
    faq = ENTRY_A + ENTRY_B.replace("russie etat paria", "Dernière visite de Poutine en Corée ?")
    (message,) = errors_of(make_knowledge(tmp_path, faq))
    assert 'variant "Dernière visite de Poutine en Corée ?" is the same, once normalised' in message
    assert 'entry "derniere-visite"' in message


def test_synonyms_count_for_sameness(tmp_path: Path) -> None:
    faq = ENTRY_A + ENTRY_B.replace("russie etat paria", "Dernière visite de Putin en Corée ?")
    (message,) = errors_of(make_knowledge(tmp_path, faq))
    assert "is the same, once normalised" in message


def test_answer_too_long_for_telegram(tmp_path: Path) -> None:
    faq = ENTRY_A.replace("À l’été 2000.", "Très long. " * 400) + ENTRY_B
    (message,) = errors_of(make_knowledge(tmp_path, faq))
    assert f"10-test.yaml:{line_of(faq, 'answer:')}:" in message
    assert "would not fit in one Telegram message" in message


def test_unknown_key_typo_gets_a_suggestion(tmp_path: Path) -> None:
    faq = ENTRY_A.replace("  variants:", "  varaints:") + ENTRY_B
    errors = errors_of(make_knowledge(tmp_path, faq))
    typo = [e for e in errors if "varaints" in e]
    assert typo
    assert 'unknown key "varaints" (did you mean "variants"?)' in typo[0]
    assert f":{line_of(faq, 'varaints')}:" in typo[0]
    assert any('missing "variants"' in e for e in errors)


def test_too_few_variants_is_a_draft_warning(tmp_path: Path) -> None:
    faq = ENTRY_A.replace("    - date de la visite precedente de poutine\n", "") + ENTRY_B
    kb = load_knowledge(make_knowledge(tmp_path, faq))
    assert [e.id for e in kb.drafts] == ["derniere-visite"]
    (warning,) = [str(w) for w in kb.warnings]
    assert f"10-test.yaml:{line_of(faq, 'variants:')}: warning: " in warning
    assert "draft: 4 variant(s)" in warning
    assert "at least 5" in warning


def test_all_problems_are_reported_in_one_run(tmp_path: Path) -> None:
    faq = ENTRY_A.replace("  variants:", "  varaints:").replace(
        '["§1"]', '["§9"]'
    ) + ENTRY_B.replace("id: etat-paria", "id: Etat Paria")
    errors = errors_of(make_knowledge(tmp_path, faq))
    assert len(errors) >= 4, errors
    assert any("varaints" in e for e in errors)
    assert any('unknown source "§9"' in e for e in errors)
    assert any("kebab-case" in e for e in errors)


def test_duplicate_mapping_key(tmp_path: Path) -> None:
    faq = ENTRY_A.replace("  answer: À l’été 2000.", "  answer: À l’été 2000.\n  answer: Autre.")
    (message,) = errors_of(make_knowledge(tmp_path, faq + ENTRY_B))
    assert 'key "answer" appears twice' in message


def test_article_and_synonym_problems(tmp_path: Path) -> None:
    article = ARTICLE.replace("outlet: Le Grand Continent\n", "").replace('"§2"', '"para 2"')
    synonyms = SYNONYMS + "moscou: [pyongyang]\n"
    errors = errors_of(make_knowledge(tmp_path, article=article, synonyms=synonyms))
    assert any('article.yaml:1: missing "outlet"' in e for e in errors), errors
    assert any('source key "para 2" is not of the form' in e for e in errors), errors
    assert any(
        'synonyms.yaml:3: alias "pyongyang" is listed under "moscou" and under "corée du nord"' in e
        for e in errors
    ), errors


def test_thresholds_are_validated(tmp_path: Path) -> None:
    root = make_knowledge(tmp_path, thresholds="answerable: 1.5\nunanswrable: 0.9\n")
    errors = errors_of(root)
    assert any("thresholds.yaml:1: answerable must be a rate between 0 and 1" in e for e in errors)
    assert any('unknown key "unanswrable" (did you mean "unanswerable"?)' in e for e in errors)


def test_not_utf8_and_not_a_list(tmp_path: Path) -> None:
    root = make_knowledge(tmp_path)
    (root / "faq" / "20-latin1.yaml").write_bytes("- id: caf\xe9\n".encode("latin-1"))
    (root / "faq" / "30-map.yaml").write_text("id: seul\n", encoding="utf-8")
    errors = errors_of(root)
    assert any("20-latin1.yaml: not valid UTF-8" in e for e in errors), errors
    assert any("30-map.yaml:1: a FAQ file must be a list of entries" in e for e in errors), errors


def test_out_of_scope_questions_load_and_are_checked(tmp_path: Path) -> None:
    good = "- Quel cadeau Poutine a-t-il offert lors de sa visite ?\n- Quel âge a Kim ?\n"
    kb = load_knowledge(make_knowledge(tmp_path / "good", out_of_scope=good))
    assert kb.out_of_scope == (
        "Quel cadeau Poutine a-t-il offert lors de sa visite ?",
        "Quel âge a Kim ?",
    )
    # An FAQ phrasing listed as out of scope: the maintainer must pick one.
    clash = good + "- Russie État paria\n"
    (message,) = errors_of(make_knowledge(tmp_path / "clash", out_of_scope=clash))
    assert message.startswith(f"{tmp_path / 'clash' / 'out-of-scope.yaml'}:3: ")
    assert 'entry "etat-paria"' in message
    assert "10-test.yaml:" in message
    assert "remove" in message
    (message,) = errors_of(make_knowledge(tmp_path / "map", out_of_scope="prix: obus\n"))
    assert "out-of-scope.yaml:1: " in message
    assert "must be a list of questions" in message


def test_confusable_phrasings_are_warned(tmp_path: Path) -> None:
    faq = ENTRY_A + ENTRY_B.replace("russie etat paria", "derniere visite poutine coreee")
    kb = load_knowledge(make_knowledge(tmp_path, faq))
    assert any("confusable phrasings" in str(w) and "etat-paria" in str(w) for w in kb.warnings)


def test_check_cli_summary_and_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = make_knowledge(tmp_path / "good")
    assert main(["check", "--knowledge", str(good)]) == 0
    out = capsys.readouterr().out
    assert "OK: 2 entries, 10 variants" in out

    bad = make_knowledge(tmp_path / "bad", ENTRY_A.replace("§1", "§42") + ENTRY_B)
    assert main(["check", "--knowledge", str(bad)]) == 1
    err = capsys.readouterr().err
    assert 'unknown source "§42"' in err
    assert "the FAQ was not loaded" in err
    assert "Traceback" not in err


def test_check_cli_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--knowledge", str(tmp_path / "nope")]) == 1
    assert "not a folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    "garbage",
    [
        "- [",
        "\t- id: x",
        "- id: x\n  question: |\n bad indent",
        "---\n- a\n---\n- b",
        "- !!python/object:os.system {}",
        "- id: &a x\n  question: *b",
    ],
)
def test_any_garbage_gives_a_located_error_never_a_crash(tmp_path: Path, garbage: str) -> None:
    root = make_knowledge(tmp_path)
    (root / "faq" / "20-garbage.yaml").write_text(textwrap.dedent(garbage), encoding="utf-8")
    errors = errors_of(root)
    assert errors
    assert all("20-garbage.yaml" in e for e in errors), errors


# --- smalltalk.yaml -------------------------------------------------------------------------

SMALLTALK = """\
fillers: [et, vraiment]
foreign_words:
  allemand: [warum, ist]
kinds:
  greeting:
    follow_with_help: true
    examples: [bonjour, salut]
    replies: ["Bonjour\u202f!"]
  thanks:
    examples:
      - merci
      - merci beaucoup
    replies:
      - "De rien\u202f! Une autre question\u202f?"
      - "Avec plaisir\u202f: «\u202fmerci\u202f» à vous."
"""


def with_smalltalk(root: Path, text: str) -> Path:
    """A small valid knowledge folder with this smalltalk.yaml."""
    make_knowledge(root)
    (root / "smalltalk.yaml").write_text(text, encoding="utf-8")
    return root


def test_smalltalk_loads_in_priority_order(tmp_path: Path) -> None:
    kb = load_knowledge(with_smalltalk(tmp_path, SMALLTALK))
    smalltalk = kb.smalltalk
    assert [k.name for k in smalltalk.kinds] == ["thanks", "greeting"]  # SMALLTALK_KINDS order
    thanks = smalltalk.by_kind["thanks"]
    assert thanks.examples == ("merci", "merci beaucoup")
    assert thanks.follow_with_help is False
    assert smalltalk.by_kind["greeting"].follow_with_help is True
    assert thanks.line == line_of(SMALLTALK, "thanks:")
    assert thanks.file.endswith("smalltalk.yaml")
    assert smalltalk.fillers == ("et", "vraiment")
    assert smalltalk.foreign_words["allemand"] == ("warum", "ist")
    assert tmp_path / "smalltalk.yaml" in kb.files
    assert not kb.warnings


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        # An unknown top-level key, kind and kind key: each with the close one.
        ("fillers:", "filler:", "filler:", 'unknown key "filler" (did you mean "fillers"?)'),
        (
            "  greeting:",
            "  greting:",
            "greting:",
            'unknown small-talk kind "greting" (did you mean "greeting"?)',
        ),
        (
            "    examples: [bonjour",
            "    example: [bonjour",
            "example:",
            'unknown key "example" (did you mean "examples"?)',
        ),
        # Empty and missing replies.
        ('    replies: ["Bonjour\u202f!"]', "    replies: []", "replies: []", 'no "replies"'),
        ('    replies: ["Bonjour\u202f!"]', "", "greeting:", 'no "replies": add `replies:`'),
        # A list written as one text.
        (
            "    examples: [bonjour, salut]",
            "    examples: bonjour",
            "examples: bonjour",
            'examples must be a list: write it as ["bonjour"]',
        ),
        # An example that is a FAQ phrasing, or an example of another kind.
        (
            "      - merci beaucoup",
            "      - derniere visite poutine coree",
            "derniere visite",
            'is, once folded, a phrasing of entry "derniere-visite"',
        ),
        (
            "      - merci beaucoup",
            "      - Salut !",
            "Salut !",
            'is also an example of "greeting" (line 7): keep it in one kind only',
        ),
        # Typography of the replies.
        (
            "De rien\u202f!",
            "De rien !",
            "De rien",
            'a plain space before "!": use a narrow no-break space (U+202F) instead',
        ),
        (
            "question\u202f?",
            "question?",
            "question?",
            'no narrow no-break space (U+202F) before "?"',
        ),
        ("«\u202fmerci", "«merci", "«merci", 'no narrow no-break space (U+202F) after "«"'),
        ("De rien\u202f!", "De rien\u202f! 🤷", "🤷", "a reply to thanks never shrugs"),
        # Types.
        (
            "    follow_with_help: true",
            "    follow_with_help: oui merci",
            "follow_with_help",
            "follow_with_help must be true or false",
        ),
        # Other languages' words must not be French or English function words.
        (
            "[warum, ist]",
            "[warum, que]",
            "allemand:",
            '"que" (allemand) is also a French or English function word',
        ),
        ("[warum, ist]", "[warum, wie geht]", "allemand:", '"wie geht" (allemand) is not one word'),
    ],
)
def test_smalltalk_mistakes_have_file_line_and_fix(
    tmp_path: Path, old: str, new: str, needle: str, expected: str
) -> None:
    assert old in SMALLTALK
    text = SMALLTALK.replace(old, new, 1)
    errors = errors_of(with_smalltalk(tmp_path, text))
    assert all("smalltalk.yaml:" in e for e in errors), errors
    (message,) = [e for e in errors if expected in e]
    assert message.startswith(f"{tmp_path / 'smalltalk.yaml'}:{line_of(text, needle)}: "), message
    # Only a misspelt key also loses what it held ("example:": no examples left).
    assert len(errors) == (2 if new.startswith("    example:") else 1), errors


def test_smalltalk_must_have_kinds_and_be_a_mapping(tmp_path: Path) -> None:
    (message,) = errors_of(with_smalltalk(tmp_path / "list", "- merci\n- bonjour\n"))
    assert "smalltalk.yaml:1: " in message
    assert "must be a mapping with `kinds:`" in message
    (message,) = errors_of(with_smalltalk(tmp_path / "nokinds", "fillers: [et]\n"))
    assert "smalltalk.yaml:1: " in message
    assert "no `kinds:`" in message
    (message,) = errors_of(with_smalltalk(tmp_path / "kind", "kinds:\n  thanks: merci\n"))
    assert "smalltalk.yaml:2: " in message
    assert 'small-talk kind "thanks": must be a mapping' in message


def test_smalltalk_repeated_example_is_a_warning(tmp_path: Path) -> None:
    text = SMALLTALK.replace("      - merci beaucoup", "      - MERCI !")
    kb = load_knowledge(with_smalltalk(tmp_path, text))
    (warning,) = (str(w) for w in kb.warnings)
    assert f"smalltalk.yaml:{line_of(text, 'MERCI')}: warning: " in warning
    assert "repeats another example" in warning


def test_check_cli_reports_smalltalk_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SMALLTALK.replace("  greeting:", "  hello:").replace("De rien\u202f!", "De rien !")
    root = with_smalltalk(tmp_path, text)
    assert main(["check", "--knowledge", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"smalltalk.yaml:{line_of(text, 'hello:')}: unknown small-talk kind" in err
    assert f"smalltalk.yaml:{line_of(text, 'De rien')}: " in err
    assert "2 error(s)" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "garbage", ["kinds: [", "kinds:\n  - thanks", "kinds:\n  thanks:\n    - x"]
)
def test_smalltalk_garbage_gives_a_located_error(tmp_path: Path, garbage: str) -> None:
    errors = errors_of(with_smalltalk(tmp_path, garbage))
    assert errors
    assert all("smalltalk.yaml:" in e for e in errors), errors


def test_gives_is_checked_with_file_and_line(tmp_path: Path) -> None:
    faq = (
        ENTRY_A.replace("  related: [etat-paria]\n", "  gives: [russie]\n")
        + ENTRY_B
        + "  gives: {from: [russie], to: [le, poutine]}\n"
    )
    root = make_knowledge(tmp_path, faq)
    errors = errors_of(root)
    shape = next(e for e in errors if "gives must map" in e)
    assert shape.startswith(f"{root / 'faq' / '10-test.yaml'}:{line_of(faq, 'gives: [russie]')}:")
    assert "like `gives: {from: [corée du nord, kim], to: [russie, poutine]}`" in shape
    empty = next(e for e in errors if 'the name "le" has no words' in e)
    assert f":{line_of(faq, 'gives: {from')}:" in empty


def test_gives_names_on_both_sides_and_missing_mirror(tmp_path: Path) -> None:
    faq = ENTRY_A + ENTRY_B + "  gives: {from: [russie, poutine], to: [putin]}\n"
    assert any('"poutine" is on both sides' in e for e in errors_of(make_knowledge(tmp_path, faq)))
    alone = ENTRY_A + ENTRY_B + "  gives: {from: [russie], to: [pyongyang]}\n"
    kb = load_knowledge(make_knowledge(tmp_path / "alone", alone))
    assert kb.by_id["etat-paria"].gives is not None
    assert kb.by_id["etat-paria"].gives.giver == ("russie",)
    (warning,) = [w for w in kb.warnings if "gives" in w.message]
    assert "no entry asks the other way round (from pyongyang to russie)" in warning.message


def test_followups_are_checked_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`followups:` maps an entry id to what a reader says next; a wrong shape or an id
    that does not exist is an error on its line, with the close id suggested."""
    shape = ENTRY_A + '  followups: ["et en vrai ?"]\n' + ENTRY_B
    root = make_knowledge(tmp_path / "shape", shape)
    (message,) = errors_of(root)
    assert message.startswith(f"{root / 'faq' / '10-test.yaml'}:{line_of(shape, 'followups')}:")
    assert 'like `followups: {but-reel: ["et en vrai ?"]}`' in message
    missing = ENTRY_A + "  followups:\n    etat-parias: [et avant ?]\n" + ENTRY_B
    root = make_knowledge(tmp_path / "missing", missing)
    (message,) = errors_of(root)
    assert f"10-test.yaml:{line_of(missing, 'etat-parias')}:" in message
    assert (
        'entry "derniere-visite": followups lead to "etat-parias", which does not exist '
        '(did you mean "etat-paria"?)' in message
    )
    good = ENTRY_A + "  followups:\n    etat-paria: [et maintenant ?, et depuis ?]\n" + ENTRY_B
    root = make_knowledge(tmp_path / "good", good)
    assert main(["check", "--knowledge", str(root)]) == 0
    assert "OK: 2 entries, 10 variants, 2 named follow-ups," in capsys.readouterr().out
    kb = load_knowledge(root)
    assert kb.by_id["derniere-visite"].followups == (
        ("et maintenant ?", "etat-paria"),
        ("et depuis ?", "etat-paria"),
    )
