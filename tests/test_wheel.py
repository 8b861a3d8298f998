"""The built wheel works wherever it is installed: it carries the FAQ and the example config.

One test builds the wheel from a copy of this checkout (`pip wheel --no-deps`, with
pip's build isolation, so the setuptools that pyproject.toml asks for is used), installs
it with pip into a fresh virtual environment created in tmp_path, and runs the installed
`faqbot` from an empty folder, with no PYTHONPATH and no checkout in sight: `check`,
`chat` on a piped question, `test`, and `init`.

Dependencies: the fresh environment is created without them, and the wheel is installed
with `--no-deps`; a `.pth` file then appends this test environment's site-packages to its
path, so the dependencies already installed here are imported from there. Downloading
python-telegram-bot, rapidfuzz, pyspellchecker and the rest into every test run would be
slow and would make the suite depend on the network. `pip check` then proves the wheel's
declared requirements (tornado for webhooks included) are all met in that environment. A
.pth path line is not a site directory: the editable install's own .pth files there are
not run, so `bot` can only come from the wheel (the test checks where it comes from).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from conftest import ROOT, Samples

from bot.knowledge.base import KnowledgeBase, default_knowledge_path
from bot.maintainers.evaluation import evaluate
from bot.understanding.matching import Matcher
from bot.understanding.pipeline import Understander

SKIP = {".venv", ".git", "build", "dist", "__pycache__", ".pytest_cache", ".mypy_cache"}


def run(
    args: list[str | Path], *, cwd: Path, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def clean_env(tmp_path: Path) -> dict[str, str]:
    """No PYTHONPATH, no faqbot or Telegram settings, no proxy: only the installed wheel."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
        and not k.startswith(("FAQBOT_", "TELEGRAM_"))
        and "proxy" not in k.lower()
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def build_wheel(tmp_path: Path, env: dict[str, str]) -> Path:
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,  # bot/config.example.yaml is a symlink to the root's example config
        ignore=lambda folder, names: [
            n for n in names if n in SKIP or n.endswith((".egg-info", ".pyc"))
        ],
    )
    out = tmp_path / "wheels"
    result = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, source],
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    [wheel] = out.glob("faqbot-*.whl")
    return wheel


def test_the_wheel_works_from_any_folder(
    tmp_path: Path, kb: KnowledgeBase, samples: Samples, state_dir: Path
) -> None:
    env = clean_env(tmp_path)
    wheel = build_wheel(tmp_path, env)

    # The wheel carries the whole knowledge folder, and the example config for `init`.
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = default_knowledge_path()
    for file in bundled.rglob("*"):
        if file.is_file():
            assert f"bot/bundled_knowledge/{file.relative_to(bundled)}" in names, file
    assert "bot/config.example.yaml" in names
    assert not [n for n in names if n.startswith(("tests/", "knowledge/"))]

    # A fresh environment; the wheel installed by pip; the dependencies reused (docstring).
    venv = tmp_path / "venv"
    created = run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path, env=env)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    purelib = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=tmp_path,
        env=env,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "zz_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    installed = run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel],
        cwd=tmp_path,
        env=env,
    )
    assert installed.returncode == 0, installed.stderr
    check = run([sys.executable, "-m", "pip", "--python", python, "check"], cwd=tmp_path, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    faqbot = venv / "bin" / "faqbot"

    empty = tmp_path / "anywhere"
    empty.mkdir()
    where = run([python, "-c", "import bot; print(bot.__file__)"], cwd=empty, env=env)
    assert where.stdout.strip().startswith(purelib), where.stdout + where.stderr

    result = run([faqbot, "check"], cwd=empty, env=env)
    assert result.returncode == 0, result.stderr
    assert f"OK: {len(kb.entries)} entries" in result.stdout
    assert f"{purelib}/bot/bundled_knowledge" in result.stdout

    result = run([faqbot, "chat"], cwd=empty, env=env, stdin=samples.answered + "\n")
    assert result.returncode == 0, result.stderr
    entry = kb.by_id[samples.entry_id]
    assert entry.question in result.stdout
    assert "Source" in result.stdout
    assert "Traceback" not in result.stderr
    assert (state_dir / "questions.sqlite3").is_file()  # the log went to the state directory
    assert list(empty.iterdir()) == []  # and nothing into the working directory

    # `faqbot test` measures the bundled FAQ exactly as the checkout measures knowledge/
    # (whether the FAQ meets its own gates is tests/test_faqbot_test.py's business).
    expected = evaluate(Understander.build(kb, Matcher(kb)))
    result = run([faqbot, "test"], cwd=empty, env=env)
    assert "Traceback" not in result.stderr
    line = (
        f"FAQ phrasings answered with their own entry: {expected.phrasing_rate:.1%} "
        f"({expected.phrasings_ok}/{expected.phrasings};"
    )
    assert line in result.stdout, result.stdout + result.stderr
    met = expected.phrasing_rate >= kb.thresholds.phrasings
    assert result.returncode == (0 if met else 1), result.stdout + result.stderr

    result = run([faqbot, "init", "mine"], cwd=empty, env=env)
    assert result.returncode == 0, result.stderr
    result = run([faqbot, "check", "--config", "mine/config.yaml"], cwd=empty, env=env)
    assert result.returncode == 0, result.stderr
    assert "in mine/knowledge" in result.stdout


def test_the_editable_checkout_serves_its_own_knowledge_folder() -> None:
    # In a checkout (editable install, PYTHONPATH) there is no bot/bundled_knowledge:
    # maintainers' edits to knowledge/ are what the bot serves.
    assert default_knowledge_path() == ROOT / "knowledge"
    assert not (ROOT / "bot" / "bundled_knowledge").exists()
