"""The bot with the maintainers' features (hot reload, /reload, /pourquoi) against the fake API.

`maintained_bot` starts the usual test harness on a copy of a knowledge folder and makes
sure the admin commands and the reload job are in place, whether or not
`bot.telegram_app` already wires them (it then does nothing twice).
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from conftest import ROOT, Harness, harness, make_config
from telegram.ext import Application, CommandHandler

from bot import admin, reload
from bot.knowledge import load_knowledge

ADMIN_ID = 4242
"""The admin of these tests (a user id different from fake_bot_api.USER_ID)."""


def copy_knowledge(target: Path, source: Path = ROOT / "knowledge") -> Path:
    """A copy of a knowledge folder that a test may edit."""
    shutil.copytree(source, target)
    return target


def _has_admin_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> bool:
    return any(
        isinstance(h, CommandHandler) and "reload" in h.commands
        for group in app.handlers.values()
        for h in group
    )


@asynccontextmanager
async def maintained_bot(root: Path, **config: Any) -> AsyncIterator[Harness]:
    """The bot serving the FAQ of `root`, admins and reload settings from `config`."""
    settings: dict[str, Any] = {"admins": frozenset({ADMIN_ID}), "knowledge": root, **config}
    async with harness(load_knowledge(root), **settings) as bench:
        app = bench.app
        if not _has_admin_commands(app):
            # Before the catch-all of unknown commands, as register_handlers must do.
            app.handlers[0][0:0] = admin.handlers()
        if reload.get_config(app.bot_data) is None:
            reload.install(app, make_config(bench.api, **settings))
        yield bench
