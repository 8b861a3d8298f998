"""Configuration: defaults, then the config file, then environment variables.

Where the config file comes from, first match wins: `--config FILE`, the
`FAQBOT_CONFIG` variable, `config.yaml` in the working directory. With none of them,
defaults apply and the bot serves the bundled FAQ. Environment variables override the
file: `TELEGRAM_BOT_TOKEN`, `TELEGRAM_API_BASE_URL`, `FAQBOT_KNOWLEDGE`, `FAQBOT_ADMINS`
(comma-separated user ids) and `FAQBOT_LOG_DB`. See config.example.yaml for every key.

A bad config raises `ConfigError`, whose message names the file, the line and the fix;
the CLI turns it into exit status 2.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.knowledge import default_knowledge_path
from bot.yamlsource import Node, Problem, Report, display_path, parse_file, suggest

__all__ = ["Config", "ConfigError", "MatchingConfig", "default_state_dir", "load_config"]


def default_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the bot keeps its state (the durable answer queue) when nothing else is set.

    `$STATE_DIRECTORY` (systemd's StateDirectory=; its first path if colon-separated),
    else `$XDG_STATE_HOME/faqbot`, else `~/.local/state/faqbot`.
    """
    env = os.environ if env is None else env
    systemd = env.get("STATE_DIRECTORY", "").split(":")[0].strip()
    if systemd:
        return Path(systemd)
    xdg = env.get("XDG_STATE_HOME", "").strip()
    if xdg:
        return Path(xdg) / "faqbot"
    return Path.home() / ".local" / "state" / "faqbot"


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
    admins: frozenset[int] = frozenset()
    """Telegram user ids allowed to use /reload and /pourquoi."""
    knowledge: Path = field(default_factory=default_knowledge_path)
    matching: MatchingConfig = MatchingConfig()
    rate_limiter: bool = True
    log_database: Path | None = Path("var/questions.sqlite3")
    """Where unanswered questions and feedback are logged; None turns the log off."""
    state_dir: Path = field(default_factory=default_state_dir)
    """Where the bot keeps its state: the durable queue of updates and answers."""
    reload_interval: float = 5.0
    """Seconds between two checks of the FAQ files for changes (0 turns it off)."""
    source: str | None = None
    """The config file that was read, if any."""

    def with_knowledge(self, path: str | Path | None) -> Config:
        """The same config with another knowledge folder (for --knowledge)."""
        return self if path is None else replace(self, knowledge=Path(path))


_SECTIONS: dict[str, tuple[str, ...]] = {
    "telegram": ("token", "base_url", "admins", "rate_limiter"),
    "knowledge": (),
    "matching": ("answer_threshold", "margin", "suggest_threshold"),
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


def _from_file(path: Path, base: Config, report: Report) -> Config:
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
                config = replace(config, knowledge=(here / text).resolve())
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
            elif name == "telegram.rate_limiter":
                if not isinstance(value.value, bool):
                    report.error(value.file, value.line, f"{name} must be true or false")
                else:
                    config = replace(config, rate_limiter=value.value)
            elif name == "log.database":
                text = _string(value, report, name)
                config = replace(config, log_database=(here / text) if text else None)
            elif name == "reload.interval_seconds":
                number = _number(value, report, name, 0, 3600)
                if number is not None:
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


def _from_environment(config: Config, env: Mapping[str, str], report: Report) -> Config:
    if env.get("TELEGRAM_BOT_TOKEN", "").strip():
        config = replace(config, token=env["TELEGRAM_BOT_TOKEN"].strip())
    if env.get("TELEGRAM_API_BASE_URL", "").strip():
        config = replace(config, base_url=env["TELEGRAM_API_BASE_URL"].strip())
    if env.get("FAQBOT_KNOWLEDGE", "").strip():
        config = replace(config, knowledge=Path(env["FAQBOT_KNOWLEDGE"].strip()))
    if env.get("FAQBOT_LOG_DB", "").strip():
        config = replace(config, log_database=Path(env["FAQBOT_LOG_DB"].strip()))
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
    config = Config()
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
        config = _from_file(file, config, report)
    elif Path("config.yaml").is_file():
        config = _from_file(Path("config.yaml"), config, report)
    config = _from_environment(config, env, report)
    if report.errors:
        raise ConfigError(report.errors)
    return config
