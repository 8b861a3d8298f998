"""The `faqbot` command line: one sub-command per maintainer or user task.

Exit statuses: 0 success, 1 the FAQ or the test run has problems, 2 bad usage or a
bad configuration (argparse's own convention). No traceback reaches the terminal for
a maintainer's mistake: every error is a sentence with the file, line and fix.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from bot import __version__
from bot.knowledge.base import (
    MIN_VARIANTS,
    KnowledgeBase,
    default_devset_path,
    load_or_explain,
)
from bot.knowledge.config import (
    Config,
    ConfigError,
    load_config,
    parse_listen,
    webhook_url_problem,
)
from bot.knowledge.source import display_path
from bot.language.normalize import describe_roles
from bot.maintainers.evaluation import evaluate, load_question_set
from bot.understanding.matching import Decision, Matcher, Status
from bot.understanding.pipeline import Understander

__all__ = ["main"]

Command = Callable[[argparse.Namespace, Config], int]


"""The development set's name inside the knowledge folder (tuned and shipped with the FAQ)."""


def _load(config: Config) -> KnowledgeBase | None:
    """Load the FAQ or print its errors to stderr (None)."""
    return load_or_explain(config.knowledge, advice="Fix them and run `faqbot check` again.")


def _drafts_line(kb: KnowledgeBase) -> str:
    """The draft entries (fewer than MIN_VARIANTS variants), for check and test."""
    listed = ", ".join(f"{e.id} ({len(e.variants)})" for e in kb.drafts)
    return f"drafts (fewer than {MIN_VARIANTS} variants, loaded but not finished): {listed}"


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    """Validate the FAQ and report confusable phrasings."""
    kb = _load(config)
    if kb is None:
        return 1
    for warning in kb.warnings:
        print(warning)
    if kb.drafts:
        print(_drafts_line(kb))
    sources = sorted({s for e in kb.entries for s in e.sources})
    note = f", {len(kb.warnings)} warning(s)" if kb.warnings else ""
    print(
        f"OK: {len(kb.entries)} entries, {kb.variant_count} variants, "
        f"{sum(len(e.followups) for e in kb.entries)} named follow-ups, "
        f"{len(sources)} of {len(kb.article.sources)} sources cited, "
        f"{len(kb.synonyms)} synonym groups, {len(kb.out_of_scope)} out-of-scope questions "
        f"in {display_path(kb.path)}{note}"
    )
    return 0


def _understander(kb: KnowledgeBase, config: Config) -> Understander:
    """The whole pipeline (matcher, classifier, small talk) with the config's thresholds."""
    return Understander.build(kb, Matcher.from_config(kb, config.matching))


def _explanation(decision: Decision, matcher: Matcher) -> dict[str, object]:
    """How a decision was reached (`--explain`), as data."""
    a = decision.analysis
    opinion = decision.opinion
    return {
        "normalised": a.text,
        "question_word": a.kind,
        "direction": describe_roles(a.roles, to="to", by="by") if a.roles else None,
        "unknown_words": list(a.unknown),
        "matched_phrasing": decision.matched,
        "near_miss": (
            {"question": decision.near_miss.question, "score": decision.near_miss.score}
            if decision.near_miss
            else None
        ),
        "second_opinion": (
            {"entry": opinion.label, "confidence": opinion.confidence, "scores": opinion.scores}
            if opinion
            else None
        ),
        "verdict": decision.verdict or None,
        "context": decision.context,
        "thresholds": {
            "answer": matcher.answer_threshold,
            "margin": matcher.margin,
            "suggest": matcher.suggest_threshold,
        },
    }


def _decision_json(
    decision: Decision, matcher: Matcher, *, explain: bool = False
) -> dict[str, object]:
    answered = decision.status is Status.ANSWER and decision.entry is not None
    answer = decision.entry.answer if answered and decision.entry else None
    data: dict[str, object] = {
        "question": decision.question,
        "status": str(decision.status),
        "entry": decision.entry.id if decision.entry else None,
        "score": decision.score,
        "answer": decision.reply if decision.status is Status.SMALLTALK else answer,
        "sources": list(decision.entry.sources) if answered and decision.entry else [],
        "suggestions": [
            {"entry": c.entry.id, "question": c.entry.question, "score": c.score}
            for c in decision.suggestions
        ],
    }
    if decision.smalltalk:
        data["smalltalk"] = decision.smalltalk
    if explain:
        data["explain"] = _explanation(decision, matcher)
    return data


def _message_json(
    decisions: list[Decision], matcher: Matcher, *, explain: bool = False
) -> dict[str, object]:
    """One message's decisions as one JSON object: the first decision's fields, and
    `more` with the others when the message asked two questions."""
    first = _decision_json(decisions[0], matcher, explain=explain)
    if len(decisions) > 1:
        first["more"] = [_decision_json(d, matcher, explain=explain) for d in decisions[1:]]
    return first


def _print_decision(decision: Decision, kb: KnowledgeBase, matcher: Matcher, explain: bool) -> None:
    print(f"status: {decision.status} (score {decision.score:g})")
    if decision.status is Status.SMALLTALK:
        print(f"small talk: {decision.smalltalk}")
        print(f"reply: {decision.reply}")
        return
    if decision.entry is not None:
        print(f"entry: {decision.entry.id} - {decision.entry.question}")
    if decision.status is Status.ANSWER and decision.entry is not None:
        print(f"answer: {decision.entry.answer}")
        print(f"sources: {', '.join(decision.entry.sources)}")
    runners = decision.suggestions[1:] if decision.status is Status.ANSWER else decision.suggestions
    if runners:
        print("runners-up:" if decision.status is Status.ANSWER else "suggestions:")
        for candidate in runners:
            print(f"  {candidate.score:5.1f}  {candidate.entry.id} - {candidate.entry.question}")
    if explain:
        a = decision.analysis
        print(f"normalised: {a.text or '(no content word)'}")
        print(f"question word: {a.kind or '-'}")
        if a.roles:
            print(f"direction: {describe_roles(a.roles, to='to', by='by')}")
        if a.unknown:
            print(f"words the FAQ does not know: {', '.join(a.unknown)}")
        if decision.matched:
            print(f"matched phrasing: {decision.matched}")
        if decision.near_miss is not None:
            print(
                f"not answered: it resembles the out-of-scope question "
                f'"{decision.near_miss.question}" (score {decision.near_miss.score:g})'
            )
        if decision.opinion is not None:
            others = ", ".join(
                f"{label} {share:.0%}" for label, share in decision.opinion.scores.items()
            )
            print(f"second opinion (classifier): {others or decision.opinion.label}")
        if decision.verdict:
            print(f"verdict: {decision.verdict}")
        print(
            f"thresholds: answer >= {matcher.answer_threshold:g} with a lead of "
            f"{matcher.margin:g}; suggest >= {matcher.suggest_threshold:g}"
        )


def cmd_ask(args: argparse.Namespace, config: Config) -> int:
    """Show what the bot decides for one question, or for a batch of them."""
    kb = _load(config)
    if kb is None:
        return 1
    understander = _understander(kb, config)
    matcher = understander.matcher
    if args.batch is not None:
        try:
            stream = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            print(f"faqbot ask: cannot read {args.batch}: {exc.strerror}", file=sys.stderr)
            return 2
        with stream:
            for line in stream:
                question = line.rstrip("\n")
                decisions = understander.understand(question) or [matcher.match(question)]
                print(json.dumps(_message_json(decisions, matcher), ensure_ascii=False))
        return 0
    if args.question is None:
        print("faqbot ask: give a question, or --batch FILE", file=sys.stderr)
        return 2
    decisions = understander.understand(args.question) or [matcher.match(args.question)]
    if args.json:
        data = _message_json(decisions, matcher, explain=args.explain)
        print(json.dumps(data, ensure_ascii=False))
        return 0
    for index, decision in enumerate(decisions):
        if index:
            print(f"\nsecond question: {decision.question}")
        _print_decision(decision, kb, matcher, args.explain)
    return 0


def _use_colour(choice: str) -> bool:
    """--color: always, never, or auto (a terminal, and NO_COLOR unset)."""
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def cmd_test(args: argparse.Namespace, config: Config) -> int:
    """Run the FAQ's phrasings and the development set; exit 1 below the thresholds."""
    from bot.maintainers import testreport

    kb = _load(config)
    if kb is None:
        return 1
    devset_path = Path(args.devset) if args.devset else default_devset_path(config.knowledge)
    questions = None
    if devset_path.is_file():
        try:
            questions = load_question_set(devset_path, kb)
        except ValueError as exc:
            print(f"{exc}", file=sys.stderr)
            return 1
    elif args.devset:
        print(f"faqbot test: {args.devset}: file not found", file=sys.stderr)
        return 2
    understander = _understander(kb, config)
    matcher = understander.matcher
    result = evaluate(understander, questions)
    shown = display_path(devset_path) if questions is not None else None
    passed = all(g.ok for g in testreport.gates(kb, result, questions))
    if args.report is not None:
        page = testreport.html_page(kb, result, questions, matcher, question_set=shown)
        try:
            Path(args.report).write_text(page, encoding="utf-8")
        except OSError as exc:
            print(f"faqbot test: cannot write {args.report}: {exc.strerror}", file=sys.stderr)
            return 2
    if args.json:
        print(testreport.json_report(kb, result, questions, matcher, question_set=shown))
        return 0 if passed else 1
    for line in testreport.text_report(kb, result, questions, colour=_use_colour(args.color)):
        print(line)
    if questions is None:
        print(
            f"(no development set at {display_path(devset_path)}: only the phrasings were tested)"
        )
    if args.report is not None:
        print(f"report written to {display_path(Path(args.report))}")
    return 0 if passed else 1


def cmd_chat(args: argparse.Namespace, config: Config) -> int:
    """Talk to the bot in the terminal."""
    from bot.conversation.questionlog import QuestionLog
    from bot.maintainers.chat import run_chat

    kb = _load(config)
    if kb is None:
        return 1
    return run_chat(kb, _understander(kb, config), QuestionLog(config.log_database))


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    """Run the Telegram bot (long polling, or a webhook with --webhook)."""
    from bot.telegram.app import run

    if args.polling:
        config = replace(config, webhook_url=None)
    if args.webhook is not None:
        problem = webhook_url_problem(args.webhook)
        if problem:
            print(f"faqbot run: --webhook {problem}", file=sys.stderr)
            return 2
        config = replace(config, webhook_url=args.webhook)
    if args.listen is not None:
        if not config.webhook_url:
            print(
                "faqbot run: --listen is for webhook mode: give the public URL too, with "
                "--webhook URL (or TELEGRAM_WEBHOOK_URL, telegram.webhook_url)",
                file=sys.stderr,
            )
            return 2
        try:
            parse_listen(args.listen)
        except ValueError as exc:
            print(f"faqbot run: --listen {exc}", file=sys.stderr)
            return 2
        config = replace(config, webhook_listen=args.listen)
    return run(config)


def cmd_init(args: argparse.Namespace, config: Config) -> int:
    """Write a copy of the bundled FAQ and a config into a folder."""
    from bot.maintainers.workspace import InitError, init_folder

    target = Path(args.folder)
    try:
        written = init_folder(target)
    except InitError as exc:
        print(f"faqbot init: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = exc.filename or target
        print(f"faqbot init: cannot write {where}: {exc.strerror}", file=sys.stderr)
        return 1
    config_path = display_path(written.config)
    print(
        f"Wrote {display_path(written.knowledge)}/ ({written.files} files: the bundled FAQ) "
        f"and {config_path}.\n"
        f"Next: edit the FAQ (its format is in {display_path(written.knowledge)}/README.md), "
        f"then\n"
        f"  faqbot check --config {config_path}\n"
        f"  faqbot chat --config {config_path}\n"
        f"  faqbot run --config {config_path}     (with TELEGRAM_BOT_TOKEN set)"
    )
    return 0


def cmd_unanswered(args: argparse.Namespace, config: Config) -> int:
    """Show unanswered questions grouped by similarity."""
    from bot.maintainers.maintenance import unanswered

    return unanswered(args, config)


def cmd_learn(args: argparse.Namespace, config: Config) -> int:
    """Propose, and apply, variants learned from what users picked, liked and clicked."""
    from bot.maintainers.learn import learn

    return learn(args, config)


def cmd_stats(args: argparse.Namespace, config: Config) -> int:
    """Show answered/suggested/unknown counts and feedback."""
    from bot.maintainers.maintenance import stats

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


def build_parser() -> argparse.ArgumentParser:  # noqa: PLR0915 - one flat list of sub-commands
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

    ask = commands.add_parser(
        "ask",
        help="show what the bot decides for a question",
        description="Print the decision for a message: status (answer, suggest, unknown or "
        "smalltalk), entry, answer, sources, score and runners-up. Each message is read on its "
        'own: `ask` is stateless, so a follow-up such as "et pourquoi ?" has no previous '
        "answer to lean on (`faqbot chat` and Telegram remember the last answer). --batch reads "
        "one message per line and prints one JSON object per line.",
    )
    _common_options(ask)
    ask.add_argument("question", nargs="?", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--explain", action="store_true", help="show normalisation and thresholds")
    ask.add_argument("--batch", metavar="FILE", help="questions, one per line (- for stdin)")
    ask.set_defaults(handler=cmd_ask)

    test = commands.add_parser(
        "test",
        help="measure the matcher on the FAQ's phrasings and the development set",
        description="Every phrasing must reach its own entry; the development set's accuracy "
        "and decline rate must reach knowledge/thresholds.yaml. Exit status 1 below them. "
        "Prints the summary first, then each mistake once, grouped by entry. A question set "
        "with `sealed: true` shows only its figures and is gated by its own `minimum:`.",
    )
    _common_options(test)
    test.add_argument(
        "--devset",
        metavar="FILE",
        help="question set (default: devset.yaml in the knowledge folder)",
    )
    test.add_argument("--json", action="store_true", help="print the whole report as JSON")
    test.add_argument(
        "--report",
        metavar="FILE.html",
        help="also write an HTML page: score histogram, table per entry, confused pairs",
    )
    test.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output (auto: only on a terminal, and not when NO_COLOR is set)",
    )
    test.set_defaults(handler=cmd_test)

    chat = commands.add_parser(
        "chat",
        help="talk to the bot in the terminal (no token needed)",
        description="The bot's conversation in the terminal: type a question, a number to "
        "pick a suggestion, /questions to browse. Reads standard input when piped.",
    )
    _common_options(chat)
    chat.set_defaults(handler=cmd_chat)

    run = commands.add_parser(
        "run",
        help="run the Telegram bot (needs a token)",
        description="Run the bot with long polling, or as a webhook with --webhook. The token "
        "comes from TELEGRAM_BOT_TOKEN or the config file; TELEGRAM_API_BASE_URL points it at "
        "a self-hosted Bot API server. SIGTERM and Ctrl-C stop it cleanly (exit status 0).",
    )
    _common_options(run)
    mode = run.add_mutually_exclusive_group()
    mode.add_argument(
        "--webhook",
        metavar="URL",
        help="receive updates at this public https:// URL instead of polling "
        "(default: $TELEGRAM_WEBHOOK_URL, else telegram.webhook_url); the bot serves its path",
    )
    mode.add_argument(
        "--polling",
        action="store_true",
        help="long-poll even if the config or the environment sets a webhook URL",
    )
    run.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="where the webhook server listens (default: $TELEGRAM_WEBHOOK_LISTEN, else "
        "telegram.webhook_listen, else 127.0.0.1:8080)",
    )
    run.set_defaults(handler=cmd_run)

    init = commands.add_parser(
        "init",
        help="write a copy of the bundled FAQ and a config into a folder, to edit",
        description="Copy the bundled knowledge folder to FOLDER/knowledge and write an "
        "annotated FOLDER/config.yaml that points at it. Nothing is overwritten.",
    )
    init.add_argument("folder", metavar="FOLDER", help="where to write (created if missing)")
    init.set_defaults(handler=cmd_init)

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

    learn = commands.add_parser(
        "learn",
        help="propose variants learned from users (picked suggestions, 👍, follow-ups)",
        description="From the question log: the questions users meant for an entry (a "
        "suggestion they picked, an answer they marked 👍, a related question they clicked) "
        "that the FAQ does not answer with it yet, grouped and counted. Questions with a 👎 "
        'or a "none of these" are never proposed; a question asked as a follow-up is '
        "proposed as a named follow-up of the entry it followed. --apply writes the chosen "
        "ones into the entries' YAML files (variants, or `followups:`; comments and layout "
        "kept), then runs check and test, and restores the files if either fails.",
    )
    _common_options(learn)
    learn.add_argument(
        "--apply",
        nargs="?",
        const="ask",
        metavar="WHICH",
        help="write proposals (variants, named follow-ups): `all`, numbers like 1,3-5, or "
        "nothing to be asked",
    )
    learn.add_argument(
        "--since", metavar="DATE", help="only what users did on or after DATE (YYYY-MM-DD)"
    )
    learn.add_argument(
        "--min-count",
        metavar="N",
        type=int,
        default=1,
        help="hide proposals seen fewer than N times",
    )
    learn.set_defaults(handler=cmd_learn)

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
    config = config.with_knowledge(
        Path(args.knowledge) if getattr(args, "knowledge", None) else None
    )
    handler: Command = args.handler
    try:
        return handler(args, config)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `faqbot ask ... | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
