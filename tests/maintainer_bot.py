"""The bot with the maintainers' features (hot reload, /reload, /pourquoi) against the fake API.

`maintained_bot` builds the bot as `build_application` does, on a copy of a knowledge
folder, and adds what `bot.telegram.app` must wire for them (the admin commands before
the catch-all of unknown commands, and `bot.telegram.admin.setup` before the bot starts) unless
it is already wired, so the same tests cover the production wiring once it is in place.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from conftest import ROOT, Harness, make_config
from fake_bot_api import FakeBotAPI
from telegram.ext import Application, CommandHandler

from bot.knowledge.base import load_knowledge
from bot.telegram import admin, reload
from bot.telegram.app import build_application, running

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
    async with FakeBotAPI() as api:
        full_config = make_config(api, **settings)
        app = build_application(full_config, kb=load_knowledge(root), poll_timeout=1)
        if not _has_admin_commands(app):
            app.handlers[0][0:0] = admin.handlers()
        wired = reload.get_config(app.bot_data) is not None
        if not wired:
            admin.setup(app, full_config)
        bench = Harness(api, app)
        try:
            async with running(app):
                yield bench
        finally:
            if not wired:
                await admin.teardown(app)
