"""`faqbot test`'s output: each mistake once and grouped by entry, colour only on demand
or on a terminal, --json, --report FILE.html, sealed question sets, and --devset's
default beside --knowledge."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.knowledge.base import default_knowledge_path, load_knowledge
from bot.knowledge.config import MatchingConfig

ROOT = Path(__file__).resolve().parent.parent

# A small set with one question twice, one confusion, one false answer.
SMALL_SET = """\
answerable:
  - q: 7000 conteneurs
    expect: estimation-sud-coreenne
  - q: 7000 conteneurs de munitions
    expect: media
  - q: 7000 conteneurs de munitions
    expect: media
unanswerable:
  - 7000 conteneurs
  - Quelle est la meilleure recette de tarte tatin ?
"""


def write(tmp_path: Path, text: str, name: str = "set.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_test(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["test", *args])
    out, err = capsys.readouterr()
    return status, out + err


def test_each_mistake_once_grouped_by_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run_test(capsys, "--devset", str(write(tmp_path, SMALL_SET)))
    assert status == 1
    lines = out.splitlines()
    confusion = [line for line in lines if "'7000 conteneurs de munitions'" in line]
    assert len(confusion) == 1  # twice in the set, shown once
    assert "×2" in confusion[0]
    # Under the heading of its expected entry, and the false answer under its own.
    media = lines.index(next(line for line in lines if line.startswith("[media] ")))
    assert lines.index(confusion[0]) == media + 1
    assert "questions the article does not answer" in out
    false = next(line for line in lines if line.strip().startswith("false answer:"))
    assert "'7000 conteneurs'" in false
    assert "answered correctly: 33.3% (1/3" in out


def test_colour_only_when_asked_or_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    devset = str(write(tmp_path, SMALL_SET))
    _, plain = run_test(capsys, "--devset", devset)
    assert "\033[" not in plain
    _, coloured = run_test(capsys, "--devset", devset, "--color", "always")
    assert "\033[31mFAIL\033[0m" in coloured
    assert "\033[32mok  \033[0m" in coloured
    # Piped through a real process: no colour either.
    piped = subprocess.run(
        [sys.executable, "-m", "bot", "test", "--devset", devset],
        capture_output=True,
        text=True,
        check=False,
    )
    assert piped.returncode == 1
    assert "FAIL" in piped.stdout
    assert "\033[" not in piped.stdout


def test_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["test", "--devset", str(write(tmp_path, SMALL_SET)), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 1
    assert data["passed"] is False
    assert [r["name"] for r in data["rates"]] == ["phrasings", "answerable", "unanswerable"]
    answerable = data["rates"][1]
    assert (answerable["count"], answerable["total"], answerable["ok"]) == (1, 3, False)
    kb = load_knowledge()
    assert [row["id"] for row in data["entries"]] == [e.id for e in kb.entries]
    media = next(row for row in data["entries"] if row["id"] == "media")
    assert (media["questions"], media["right"]) == (2, 0)
    (twice,) = [m for m in data["mistakes"] if m["question"] == "7000 conteneurs de munitions"]
    assert twice["count"] == 2
    assert {"expected": "media", "ranked_first": "estimation-sud-coreenne"}.items() <= (
        data["confused_pairs"][0].items()
    )
    bins = 100 // data["histogram"]["bin_width"]
    assert all(len(data["histogram"][s]) == bins for s in ("right", "wrong", "unanswerable"))
    assert sum(data["histogram"]["unanswerable"]) == 2
    assert sum(data["histogram"]["right"]) + sum(data["histogram"]["wrong"]) == 3


class _Page(HTMLParser):
    """Collects the elements of the report that the tests look at."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: list[dict[str, str]] = []
        self.thresholds: dict[str, float] = {}
        self.entry_rows: list[str] = []
        self.tables: set[str] = set()
        self.external: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "rect" and "bar" in classes:
            self.bars.append(a)
        if tag == "line" and "threshold" in classes:
            self.thresholds[a["id"]] = float(a["data-value"])
        if tag == "tr" and "entry" in classes:
            self.entry_rows.append(a["data-entry"])
        if tag == "table":
            self.tables.add(a.get("id", ""))
        if tag in ("script", "link", "img") or (tag == "a" and "href" in a):
            self.external.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_html_report_has_histogram_thresholds_and_one_row_per_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.html"
    status, out = run_test(capsys, "--report", str(report))
    assert status == 0
    assert f"report written to {report}" in out
    page = parse(report)
    kb = load_knowledge()
    assert page.entry_rows == [e.id for e in kb.entries]
    assert {"summary", "entries", "pairs", "mistakes"} <= page.tables
    assert page.external == []  # self-contained
    defaults = MatchingConfig()
    assert page.thresholds == {
        "threshold-answer": defaults.answer_threshold,
        "threshold-suggest": defaults.suggest_threshold,
    }
    series = {b["class"].split()[1] for b in page.bars}
    assert series == {"right", "wrong", "unanswerable"}
    # The bars count every question of the development set once.
    devset = yaml.safe_load((ROOT / "knowledge" / "devset.yaml").read_text(encoding="utf-8"))
    total = len(devset["answerable"]) + len(devset["unanswerable"])
    assert sum(int(b["data-count"]) for b in page.bars) == total
    unanswerable = sum(int(b["data-count"]) for b in page.bars if "unanswerable" in b["class"])
    assert unanswerable == len(devset["unanswerable"])
    assert "answer threshold 55" in "".join(page.text)


def test_sealed_set_shows_only_figures_and_is_not_gated_by_thresholds_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sealed = write(tmp_path, "sealed: true\n" + SMALL_SET)
    report = tmp_path / "sealed.html"
    status, out = run_test(capsys, "--devset", str(sealed), "--report", str(report))
    assert status == 0  # 33% answered right, but a sealed set is an estimate
    assert "answered correctly: 33.3% (1/3; not gated)" in out
    assert "conteneurs" not in out
    assert "confusion" not in out
    assert "false answer" not in out
    page = report.read_text(encoding="utf-8")
    assert "conteneurs" not in page
    assert 'id="histogram"' in page
    assert 'class="entry' not in page
    status = main(["test", "--devset", str(sealed), "--json"])
    raw = capsys.readouterr().out
    assert status == 0
    assert "conteneurs" not in raw
    data = json.loads(raw)
    assert data["sealed"] is True
    assert "mistakes" not in data
    assert "entries" not in data


def test_sealed_set_with_its_own_minimum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    low = write(
        tmp_path, "sealed: true\nminimum: {answerable: 0.3, unanswerable: 0.5}\n" + SMALL_SET
    )
    status, out = run_test(capsys, "--devset", str(low))
    assert status == 0
    assert "ok   answerable questions answered correctly: 33.3% (1/3; minimum 30%)" in out
    high = write(tmp_path, "sealed: true\nminimum: {answerable: 0.9}\n" + SMALL_SET, "high.yaml")
    status, out = run_test(capsys, "--devset", str(high))
    assert status == 1
    assert "FAIL answerable questions answered correctly" in out
    assert "conteneurs" not in out


def test_bad_sealed_and_minimum_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "sealed: oui\nminimum: {answerable: 2, unanswerabel: 1}\n" + SMALL_SET)
    status, out = run_test(capsys, "--devset", str(bad))
    assert status == 1
    assert "set.yaml:1: sealed must be true or false" in out
    assert "set.yaml:2: answerable must be a rate between 0 and 1" in out
    assert 'set.yaml:2: unknown key "unanswerabel" in minimum' in out


def _texts(node: object) -> list[str]:
    """Every question of a question set (`q:`, `after:`, or a plain item), wherever it is."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if isinstance(node, dict):
        return [t for key in ("q", "after") if isinstance(node.get(key), str) for t in [node[key]]]
    return []


def test_the_holdout_is_sealed_and_never_shows_a_question(
    capsys: pytest.CaptureFixture[str],
) -> None:
    holdout = ROOT / "tests" / "holdout.yaml"
    main(["test", "--devset", str(holdout), "--json"])
    as_json = capsys.readouterr().out
    status, out = run_test(capsys, "--devset", str(holdout))
    data = yaml.safe_load(holdout.read_text(encoding="utf-8"))
    assert data["sealed"] is True
    questions = [
        q
        for key, value in data.items()
        if key not in ("sealed", "minimum")
        for q in _texts(value)
        if len(q) > 15  # long enough not to occur in the figures by chance
    ]
    assert len(questions) > 100
    # Counted, never listed: a failure here must not print them either.
    leaked = sum(q in out or q in as_json for q in questions)
    assert leaked == 0, "holdout questions were printed"
    assert "confusion" not in out
    assert "(a sealed question set: only its figures are shown)" in out
    assert status in (0, 1)  # gated only by its own minimum, if it has one
    if "minimum" not in data:
        assert status == 0


def test_default_devset_is_the_one_beside_the_knowledge_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_path(), root)
    (root / "devset.yaml").write_text(SMALL_SET, encoding="utf-8")
    status, out = run_test(capsys, "--knowledge", str(root))
    assert status == 1
    assert "answered correctly: 33.3% (1/3" in out
    (root / "devset.yaml").unlink()
    status, out = run_test(capsys, "--knowledge", str(root))
    assert status == 0
    assert re.search(r"no development set at .*devset\.yaml: only the phrasings", out)
