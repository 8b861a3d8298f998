"""The `faqbot` command line: one sub-command per maintainer or user task.

Exit statuses: 0 success, 1 the FAQ or the test run has problems, 2 bad usage or a
bad configuration (argparse's own convention). No traceback reaches the terminal for
a maintainer's mistake: every error is a sentence with the file, line and fix.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import __version__
from bot.config import Config, ConfigError, load_config
from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.yamlsource import display_path

__all__ = ["main"]

Command = Callable[[argparse.Namespace, Config], int]


def _load(config: Config) -> KnowledgeBase | None:
    """Load the FAQ or print its errors to stderr (None)."""
    try:
        return load_knowledge(config.knowledge)
    except KnowledgeError as exc:
        errors = [p for p in exc.problems if not p.warning]
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            f"{len(errors)} error(s) in {display_path(config.knowledge)}: the FAQ was not loaded. "
            "Fix them and run `faqbot check` again.",
            file=sys.stderr,
        )
        return None


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    """Validate the FAQ and report confusable phrasings."""
    kb = _load(config)
    if kb is None:
        return 1
    for warning in kb.warnings:
        print(warning)
    sources = sorted({s for e in kb.entries for s in e.sources})
    note = f", {len(kb.warnings)} warning(s)" if kb.warnings else ""
    print(
        f"OK: {len(kb.entries)} entries, {kb.variant_count} variants, "
        f"{len(sources)} of {len(kb.article.sources)} sources cited, "
        f"{len(kb.synonyms)} synonym groups in {display_path(kb.path)}{note}"
    )
    return 0


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    """Run the Telegram bot (long polling)."""
    from bot.telegram_app import run

    return run(config)


def cmd_unanswered(args: argparse.Namespace, config: Config) -> int:
    """Show unanswered questions grouped by similarity."""
    from bot.maintenance import unanswered

    return unanswered(args, config)


def cmd_stats(args: argparse.Namespace, config: Config) -> int:
    """Show answered/suggested/unknown counts and feedback."""
    from bot.maintenance import stats

    return stats(args, config)


def _common_options(parser: argparse.ArgumentParser, *, knowledge: bool = True) -> None:
    # --config is accepted after the sub-command too (`faqbot run --config FILE`).
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="config file (default: $FAQBOT_CONFIG, else ./config.yaml if present)",
    )
    if knowledge:
        parser.add_argument(
            "--knowledge",
            metavar="PATH",
            help="the knowledge folder to use (default: the config's, else the bundled FAQ)",
        )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every sub-command and its help."""
    parser = argparse.ArgumentParser(
        prog="faqbot",
        description="A Telegram bot that answers questions, in French, about one article. "
        "Every command reads the bundled FAQ unless told otherwise.",
    )
    parser.add_argument("--version", action="version", version=f"faqbot {__version__}")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: $FAQBOT_CONFIG, else ./config.yaml if present)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser(
        "check",
        help="validate the FAQ files and list confusable phrasings",
        description="Validate the knowledge folder: every error with its file and line, "
        "then a one-line summary. Exit status 1 when there are errors.",
    )
    _common_options(check)
    check.set_defaults(handler=cmd_check)

    run = commands.add_parser(
        "run",
        help="run the Telegram bot (needs a token)",
        description="Run the bot with long polling. The token comes from TELEGRAM_BOT_TOKEN "
        "or the config file; TELEGRAM_API_BASE_URL points it at a self-hosted Bot API server.",
    )
    _common_options(run)
    run.set_defaults(handler=cmd_run)

    unanswered = commands.add_parser(
        "unanswered",
        help="list unanswered questions, grouped by similarity",
        description="Questions that got a suggestion or no answer, grouped by similarity, "
        "largest groups first. --format yaml prints skeleton FAQ entries to fill in.",
    )
    _common_options(unanswered)
    unanswered.add_argument(
        "--since", metavar="DATE", help="only questions asked on or after DATE (YYYY-MM-DD)"
    )
    unanswered.add_argument(
        "--min-count", metavar="N", type=int, default=1, help="hide groups smaller than N"
    )
    unanswered.add_argument(
        "--format", choices=("text", "yaml"), default="text", help="output format (text)"
    )
    unanswered.set_defaults(handler=cmd_unanswered)

    stats = commands.add_parser(
        "stats",
        help="counts of answered, suggested and unknown questions, and feedback",
        description="Counts of answered, suggested and unknown questions, the most asked "
        "entries, and 👍/👎 per entry, from the question log.",
    )
    _common_options(stats, knowledge=False)
    stats.add_argument(
        "--since", metavar="DATE", help="only questions asked on or after DATE (YYYY-MM-DD)"
    )
    stats.set_defaults(handler=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `faqbot` command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"faqbot: invalid configuration:\n{exc}", file=sys.stderr)
        return 2
    config = config.with_knowledge(Path(args.knowledge) if getattr(args, "knowledge", None) else None)
    handler: Command = args.handler
    try:
        return handler(args, config)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
