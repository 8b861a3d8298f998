"""Configuration: defaults, then the config file, then environment variables.

Where the config file comes from, first match wins: `--config FILE`, the
`FAQBOT_CONFIG` variable, `config.yaml` in the working directory. With none of them,
defaults apply and the bot serves the bundled FAQ. Environment variables override the
file: `TELEGRAM_BOT_TOKEN`, `TELEGRAM_API_BASE_URL`, `TELEGRAM_WEBHOOK_URL`,
`TELEGRAM_WEBHOOK_LISTEN`, `TELEGRAM_WEBHOOK_SECRET`, `FAQBOT_KNOWLEDGE`, `FAQBOT_ADMINS`
(comma-separated user ids), `FAQBOT_STATE_DIR` and `FAQBOT_LOG_DB`. See
config.example.yaml for every key.

State (the question log, and whatever else the bot keeps between runs) lives in one
folder, `Config.state_dir`: `FAQBOT_STATE_DIR`, else `state: directory:` in the config
(relative to the config file's folder), else `default_state_dir()`: systemd's
`$STATE_DIRECTORY`, else `$XDG_STATE_HOME/faqbot`, else `~/.local/state/faqbot`. It never
depends on the working directory. The question log defaults to
`<state_dir>/questions.sqlite3`; `log: database:` or `FAQBOT_LOG_DB` put it elsewhere.

A bad config raises `ConfigError`, whose message names the file, the line and the fix;
the CLI turns it into exit status 2.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from bot.knowledge.base import default_knowledge_path
from bot.knowledge.source import Node, Problem, Report, display_path, parse_file, suggest

__all__ = [
    "DEFAULT_WEBHOOK_LISTEN",
    "LOG_FILE",
    "MIN_RELOAD_INTERVAL",
    "Config",
    "ConfigError",
    "MatchingConfig",
    "default_state_dir",
    "load_config",
    "parse_listen",
    "webhook_secret_problem",
    "webhook_url_problem",
]

LOG_FILE = "questions.sqlite3"
"""The question log's file name in the state directory."""
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1:8080"
"""Where the webhook server listens unless told: this machine only, behind a reverse proxy."""
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def default_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where faqbot keeps its state when the config does not say.

    `$STATE_DIRECTORY` (set by systemd's `StateDirectory=`; the first one if it lists
    several, colon-separated), else `$XDG_STATE_HOME/faqbot`, else
    `~/.local/state/faqbot` (the XDG base directory default).
    """
    env = os.environ if env is None else env
    systemd = env.get("STATE_DIRECTORY", "").split(":")[0].strip()
    if systemd:
        return Path(systemd)
    xdg = env.get("XDG_STATE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():  # the XDG spec says to ignore a relative one
        return Path(xdg) / "faqbot"
    home = env.get("HOME", "").strip()
    return (Path(home) if home else Path.home()) / ".local" / "state" / "faqbot"


def webhook_url_problem(url: str) -> str | None:
    """What is wrong with a webhook URL, or None.

    Telegram only calls https:// URLs; plain http:// is accepted for 127.0.0.1 and
    localhost, where only a local Bot API server or a test can reach it.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        host = None
    if not host or parts.scheme not in ("https", "http"):
        return "must be a full URL, like https://bot.example.org/telegram"
    if parts.scheme == "http" and host not in _LOCAL_HOSTS:
        return (
            "must start with https:// (Telegram only calls HTTPS webhooks; http:// is "
            "accepted for 127.0.0.1 and localhost only)"
        )
    if parts.fragment:
        return "must not have a #fragment"
    return None


def parse_listen(text: str) -> tuple[str, int]:
    """`HOST:PORT` (`[::1]:8080` for IPv6) -> (host, port); ValueError saying what is wrong."""
    host, sep, port = text.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(
            "must be HOST:PORT, like 127.0.0.1:8080 (this machine only) or 0.0.0.0:8080 "
            "(every interface), with a port from 1 to 65535"
        )
    return host, int(port)


def webhook_secret_problem(secret: str) -> str | None:
    """What Telegram would refuse in a webhook secret token, or None."""
    if _SECRET.fullmatch(secret):
        return None
    return "must be 1 to 256 characters among A-Z, a-z, 0-9, _ and - (Telegram's rule)"


class ConfigError(Exception):
    """The configuration is invalid; the message says where and how to fix it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class MatchingConfig:
    """The matcher's decision thresholds (scores from 0 to 100)."""

    answer_threshold: float = 55.0
    """Below this score the bot never answers directly. Every value from 52 to 58 does
    equally well on knowledge/devset.yaml; the default sits in the middle of that range."""
    margin: float = 2.0
    """The best entry must lead the second by this much to be answered directly."""
    suggest_threshold: float = 45.0
    """Below this score the bot says the article does not cover the question."""


@dataclass(frozen=True)
class Config:
    """Everything the bot and the CLI can be told."""

    token: str | None = field(default=None, repr=False)
    base_url: str | None = None
    """A self-hosted Bot API server, like PTB's base_url (the token is appended)."""
    webhook_url: str | None = None
    """Receive updates by webhook at this public URL (None: long polling)."""
    webhook_listen: str = DEFAULT_WEBHOOK_LISTEN
    """HOST:PORT where the webhook server listens (a reverse proxy forwards to it)."""
    webhook_secret: str | None = field(default=None, repr=False)
    """The secret Telegram sends back with every update; generated at start when None."""
    admins: frozenset[int] = frozenset()
    """Telegram user ids allowed to use /reload and /pourquoi."""
    knowledge: Path = field(default_factory=default_knowledge_path)
    matching: MatchingConfig = MatchingConfig()
    rate_limiter: bool = True
    state_dir: Path = field(default_factory=lambda: default_state_dir(os.environ))
    """The folder for everything the bot keeps between runs (see the module docstring)."""
    log_database: Path | None = field(
        default_factory=lambda: default_state_dir(os.environ) / LOG_FILE
    )
    """Where questions and feedback are logged (`<state_dir>/questions.sqlite3` unless
    told otherwise); None turns the log off."""
    reload_interval: float = 5.0
    """Seconds between two checks of the FAQ files for changes (0 turns it off)."""
    source: str | None = None
    """The config file that was read, if any."""

    def with_knowledge(self, path: str | Path | None) -> Config:
        """The same config with another knowledge folder (for --knowledge)."""
        return self if path is None else replace(self, knowledge=Path(path))


_SECTIONS: dict[str, tuple[str, ...]] = {
    "telegram": (
        "token",
        "base_url",
        "admins",
        "rate_limiter",
        "webhook_url",
        "webhook_listen",
        "webhook_secret",
    ),
    "knowledge": (),
    "matching": ("answer_threshold", "margin", "suggest_threshold"),
    "state": ("directory",),
    "log": ("database",),
    "reload": ("interval_seconds",),
}


def _number(node: Node, report: Report, what: str, low: float, high: float) -> float | None:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        report.error(node.file, node.line, f"{what} must be a number from {low:g} to {high:g}")
        return None
    return float(value)


def _string(node: Node, report: Report, what: str) -> str | None:
    if node.value is None:
        return None
    if not isinstance(node.value, str) or not node.value.strip():
        report.error(node.file, node.line, f"{what} must be text (or null)")
        return None
    return node.value.strip()


def _admins(node: Node, report: Report) -> frozenset[int]:
    values = node.value if isinstance(node.value, list) else None
    if values is None or any(
        isinstance(v.value, bool) or not isinstance(v.value, int) for v in values
    ):
        report.error(
            node.file,
            node.line,
            "telegram.admins must be a list of numeric Telegram user ids, like [123456789]",
        )
        return frozenset()
    return frozenset(int(v.value) for v in values)


MIN_RELOAD_INTERVAL = 1.0
"""Shortest reload.interval_seconds accepted (0 turns the checks off)."""


def _unwritable(database: Path) -> str | None:
    """Why the question log could not be created or written at `database`, or None.

    The nearest existing folder on the way must let a file be created in it: that is
    tried (a temporary folder, removed at once), since permissions alone do not tell
    (root, read-only mounts, /proc).
    """
    target = Path(os.path.abspath(database))
    if target.is_dir():
        return "it is a folder"
    if target.exists():
        return None if os.access(target, os.R_OK | os.W_OK) else "the file is not writable"
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return f"{display_path(folder)} is a file, not a folder"
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".faqbot-check-", dir=folder))
    except OSError as exc:
        return f"nothing can be created in {display_path(folder)}: {exc.strerror or exc}"
    return None


def _from_file(path: Path, base: Config, report: Report, explicit: set[str]) -> Config:
    root = parse_file(path, report)
    if root is None or root.value is None:
        return base
    if not isinstance(root.value, dict):
        report.error(root.file, root.line, "the config must be a mapping (telegram: ..., log: ...)")
        return base
    here = path.resolve().parent
    config = replace(base, source=display_path(path))
    matching = config.matching
    for section, node in root.items():
        line = root.key_lines[section]
        if section not in _SECTIONS:
            report.error(
                root.file,
                line,
                f'unknown section "{section}"{suggest(section, list(_SECTIONS))}; '
                f"known: {', '.join(_SECTIONS)}",
            )
            continue
        if section == "knowledge":
            text = _string(node, report, "knowledge")
            if text is not None:
                folder = (here / text).resolve()
                if not folder.is_dir():
                    report.error(
                        node.file,
                        node.line,
                        f"knowledge: {display_path(folder)} is not a folder (paths are relative "
                        "to the config file): give the folder that holds article.yaml and faq/",
                    )
                config = replace(config, knowledge=folder)
            continue
        if node.value is None:
            continue
        if not isinstance(node.value, dict):
            report.error(node.file, node.line, f"{section} must be a mapping of keys")
            continue
        allowed = _SECTIONS[section]
        for key, value in node.items():
            if key not in allowed:
                report.error(
                    node.file,
                    node.key_lines[key],
                    f'unknown key "{section}.{key}"{suggest(key, list(allowed))}; '
                    f"known: {', '.join(allowed)}",
                )
                continue
            name = f"{section}.{key}"
            if name == "telegram.token":
                config = replace(config, token=_string(value, report, name))
            elif name == "telegram.base_url":
                config = replace(config, base_url=_string(value, report, name))
            elif name == "telegram.admins":
                config = replace(config, admins=_admins(value, report))
            elif name == "telegram.webhook_url":
                url = _string(value, report, name)
                problem = webhook_url_problem(url) if url else None
                if problem:
                    report.error(value.file, value.line, f"{name} {problem}")
                config = replace(config, webhook_url=url)
            elif name == "telegram.webhook_listen":
                listen = _string(value, report, name)
                if listen is not None:
                    try:
                        parse_listen(listen)
                        config = replace(config, webhook_listen=listen)
                    except ValueError as exc:
                        report.error(value.file, value.line, f"{name} {exc}")
            elif name == "telegram.webhook_secret":
                secret = value.value
                if secret is not None:
                    ok = isinstance(secret, str | int) and not isinstance(secret, bool)
                    secret = str(secret) if ok else ""
                    problem = webhook_secret_problem(secret)
                    if problem:
                        report.error(value.file, value.line, f"{name} {problem}")
                    config = replace(config, webhook_secret=secret)
            elif name == "state.directory":
                text = _string(value, report, name)
                if text:
                    config = replace(config, state_dir=(here / text).resolve())
            elif name == "telegram.rate_limiter":
                if not isinstance(value.value, bool):
                    report.error(value.file, value.line, f"{name} must be true or false")
                else:
                    config = replace(config, rate_limiter=value.value)
            elif name == "log.database":
                text = _string(value, report, name)
                database = (here / text) if text else None
                why = _unwritable(database) if database is not None else None
                if why is not None:
                    report.error(
                        value.file,
                        value.line,
                        f"{name}: cannot write {text!r} ({why}): choose a file in a folder "
                        "the bot can write, or null to turn the log off",
                    )
                config = replace(config, log_database=database)
                explicit.add("log")
            elif name == "reload.interval_seconds":
                number = _number(value, report, name, 0, 3600)
                if number is not None and 0 < number < MIN_RELOAD_INTERVAL:
                    report.error(
                        value.file,
                        value.line,
                        f"{name} must be 0 (no automatic reload) or at least "
                        f"{MIN_RELOAD_INTERVAL:g} second(s), not {number:g}: each check reads "
                        "every knowledge file's size and date",
                    )
                elif number is not None:
                    config = replace(config, reload_interval=number)
            else:  # matching.*
                number = _number(value, report, name, 0, 100)
                if number is not None:
                    matching = replace(matching, **{key: number})
    config = replace(config, matching=matching)
    if config.matching.suggest_threshold > config.matching.answer_threshold:
        report.error(
            root.file,
            None,
            "matching.suggest_threshold must not be above matching.answer_threshold",
        )
    return config


def _from_environment(
    config: Config, env: Mapping[str, str], report: Report, explicit: set[str]
) -> Config:
    if env.get("TELEGRAM_BOT_TOKEN", "").strip():
        config = replace(config, token=env["TELEGRAM_BOT_TOKEN"].strip())
    if env.get("TELEGRAM_API_BASE_URL", "").strip():
        config = replace(config, base_url=env["TELEGRAM_API_BASE_URL"].strip())
    url = env.get("TELEGRAM_WEBHOOK_URL", "").strip()
    if url:
        problem = webhook_url_problem(url)
        if problem:
            report.error("TELEGRAM_WEBHOOK_URL", None, problem)
        config = replace(config, webhook_url=url)
    listen = env.get("TELEGRAM_WEBHOOK_LISTEN", "").strip()
    if listen:
        try:
            parse_listen(listen)
            config = replace(config, webhook_listen=listen)
        except ValueError as exc:
            report.error("TELEGRAM_WEBHOOK_LISTEN", None, str(exc))
    secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
    if secret:
        problem = webhook_secret_problem(secret)
        if problem:
            report.error("TELEGRAM_WEBHOOK_SECRET", None, problem)
        config = replace(config, webhook_secret=secret)
    if env.get("FAQBOT_KNOWLEDGE", "").strip():
        config = replace(config, knowledge=Path(env["FAQBOT_KNOWLEDGE"].strip()))
    if env.get("FAQBOT_STATE_DIR", "").strip():
        config = replace(config, state_dir=Path(env["FAQBOT_STATE_DIR"].strip()).resolve())
    if env.get("FAQBOT_LOG_DB", "").strip():
        config = replace(config, log_database=Path(env["FAQBOT_LOG_DB"].strip()))
        explicit.add("log")
    admins = env.get("FAQBOT_ADMINS", "").strip()
    if admins:
        try:
            config = replace(
                config, admins=frozenset(int(a) for a in admins.split(",") if a.strip())
            )
        except ValueError:
            report.error(
                "FAQBOT_ADMINS",
                None,
                "must be comma-separated numeric Telegram user ids, like 123456789,987654321",
            )
    return config


def load_config(path: str | Path | None = None, *, env: Mapping[str, str] | None = None) -> Config:
    """Build the configuration (see the module docstring); raise `ConfigError` if invalid."""
    env = os.environ if env is None else env
    report = Report()
    config = Config(state_dir=default_state_dir(env))
    explicit: set[str] = set()  # "log" once the file or the environment placed the log
    if path is None and env.get("FAQBOT_CONFIG"):
        path = env["FAQBOT_CONFIG"]
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(
                [
                    Problem(
                        display_path(file), None, "config file not found; copy config.example.yaml"
                    )
                ]
            )
        config = _from_file(file, config, report, explicit)
    elif Path("config.yaml").is_file():
        config = _from_file(Path("config.yaml"), config, report, explicit)
    config = _from_environment(config, env, report, explicit)
    if "log" not in explicit:
        config = replace(config, log_database=config.state_dir / LOG_FILE)
    if report.errors:
        raise ConfigError(report.errors)
    return config
