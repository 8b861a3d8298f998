"""Shared fixtures: knowledge bases for reply tests, and the bot running against a fake API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml
from fake_bot_api import JSON, Call, FakeBotAPI
from telegram.ext import Application
from telegram.request import BaseRequest
from test_knowledge_errors import ENTRY_A, ENTRY_B, make_knowledge

from bot.knowledge.base import KnowledgeBase, load_knowledge
from bot.knowledge.config import Config
from bot.telegram.app import build_application, pipeline, running
from bot.telegram.sending import Limits
from bot.telegram.state import Knowledge, get_knowledge
from bot.understanding.matching import Decision, Matcher, Status
from bot.understanding.pipeline import Understander

ROOT = Path(__file__).resolve().parent.parent

# An entry whose every field is full of HTML-significant characters: replies must escape
# them, or the fake server (like Telegram) refuses the message.
NASTY_ENTRY = """\
- id: balises-html
  question: Que signifie <b>gras</b> & « <script>alert(1)</script> » ?
  variants:
    - balise b et script
    - que veut dire le & commercial
    - les chevrons < et > dans une question
    - du code html <i>italique</i>
    - a &amp; b &lt;c&gt;
  answer: >-
    Rien de <b>spécial</b> : A & B < C > D, "guillemets" et 'apostrophes' &amp; &#39;.
  sources: ["§1", "note 1"]
"""

NASTY_ARTICLE = """\
outlet: Le <Grand> & "Continent"
url: https://example.org/?a=1&b=<2>&c="3"
published: juin 2024 <b>
title: Titre <i>non fermé & bizarre
author: Auteur & <co>
sources:
  "§1": La visite de 2000
  "§2": L’État paria
  "note 1": Note 1 de l’article
  article: L’article
"""


@pytest.fixture(scope="session")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The two-entry FAQ of tests/test_knowledge_errors.py."""
    return load_knowledge(make_knowledge(tmp_path_factory.mktemp("small")))


@pytest.fixture(scope="session")
def nasty_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """A FAQ whose texts (article included) are full of <, > and &."""
    root = make_knowledge(
        tmp_path_factory.mktemp("nasty"), ENTRY_A + ENTRY_B + NASTY_ENTRY, article=NASTY_ARTICLE
    )
    return load_knowledge(root)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The real FAQ in knowledge/, loaded once per test run."""
    return load_knowledge()


@pytest.fixture(scope="session")
def bundled_kb(kb: KnowledgeBase) -> KnowledgeBase:
    """The real FAQ (an explicit name where a test contrasts it with the small one)."""
    return kb


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    """The matcher over the real FAQ, with the default thresholds."""
    return Matcher(kb)


@pytest.fixture(scope="session")
def understander(kb: KnowledgeBase, matcher: Matcher) -> Understander:
    """The whole pipeline over the real FAQ (classifier trained once per test run)."""
    return Understander.build(kb, matcher)


@pytest.fixture(params=["bundled", "small", "nasty"])
def any_kb(request: pytest.FixtureRequest) -> KnowledgeBase:
    """Each FAQ in turn, for properties every reply must have."""
    value = request.getfixturevalue(f"{request.param}_kb")
    assert isinstance(value, KnowledgeBase)
    return value


# --- the bot running against the fake Bot API ------------------------------------------------


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx honours *_PROXY variables: keep every request on 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)


@pytest.fixture(autouse=True)
def state_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The bot's state folder (its durable queue) is a fresh temporary one, never ~/.local."""
    monkeypatch.delenv("STATE_DIRECTORY", raising=False)
    monkeypatch.delenv("FAQBOT_STATE_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    return tmp_path / "xdg-state"


@pytest.fixture
def state_dir(state_home: Path) -> Path:
    """The default state directory of faqbot in the tests (subprocesses inherit it)."""
    return state_home / "faqbot"


@dataclass
class Harness:
    """The real Application, long-polling a FakeBotAPI, plus a way to know it is done.

    The pipeline (bot.telegram.updates) reports each update id once every handler (error handler
    included) has finished with it and every reply it queued was delivered (or dropped):
    `process()` waits for that, so tests never sleep and silence can be asserted as
    firmly as a reply.
    """

    api: FakeBotAPI
    app: Application[Any, Any, Any, Any, Any, Any]
    done: set[int] = field(default_factory=set)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        pipeline(self.app).on_settled.append(self._settled)

    def _settled(self, update_id: int) -> None:
        self.done.add(update_id)
        self._changed.set()
        self._changed = asyncio.Event()

    @property
    def kb(self) -> KnowledgeBase:
        return get_knowledge(self.app.bot_data).kb

    @property
    def knowledge(self) -> Knowledge:
        return get_knowledge(self.app.bot_data)

    async def wait_done(self, update_id: int, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has completely handled update `update_id`."""
        async with asyncio.timeout(timeout):
            while update_id not in self.done:
                await self._changed.wait()

    async def process(self, update: JSON, *, timeout: float = 60.0) -> list[Call]:  # noqa: ASYNC109
        """Push an update, wait until it is fully handled; return the API calls it caused."""
        start = len(self.api.calls)
        pushed = self.api.push(update)
        await self.wait_done(pushed["update_id"], timeout)
        return [c for c in self.api.calls[start:] if c.method.lower() != "getupdates"]


def sent_messages(calls: list[Call]) -> list[JSON]:
    """The messages successfully sent among `calls` (sendMessage results)."""
    return [
        c.response["result"]
        for c in calls
        if c.method == "sendMessage" and c.status == 200 and c.response is not None
    ]


def button_data(message: JSON) -> list[str]:
    """The callback data of every button of a sent message, in order."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def make_config(api: FakeBotAPI, **changes: Any) -> Config:
    """A config pointing at the fake server, with the rate limiter on as in production.

    No question log and no hot reload unless asked for: the knowledge folder may be
    edited while the tests run, and a reload in the middle of a test would be noise.
    """
    base = Config(token=api.token, base_url=api.base_url, log_database=None, reload_interval=0)
    return replace(base, **changes)


@asynccontextmanager
async def harness(
    kb: KnowledgeBase,
    *,
    request: BaseRequest | None = None,
    limits: Limits | None = None,
    api: FakeBotAPI | None = None,
    **config: Any,
) -> AsyncIterator[Harness]:
    """A FakeBotAPI (or `api`) and the bot long-polling it, both stopped on exit."""
    async with contextlib.AsyncExitStack() as stack:
        if api is None:
            api = await stack.enter_async_context(FakeBotAPI())
        app = build_application(
            make_config(api, **config), kb=kb, request=request, limits=limits, poll_timeout=1
        )
        bench = Harness(api, app)
        async with running(app):
            yield bench


@pytest_asyncio.fixture
async def app_and_api(kb: KnowledgeBase) -> AsyncIterator[Harness]:
    """The bot (rate limiter on) running against a fresh fake Bot API."""
    async with harness(kb) as bench:
        yield bench


@dataclass(frozen=True)
class Samples:
    """Questions that the current matcher answers, hesitates on, or declines, for this FAQ.

    Found by running the matcher rather than written down, so that tests keep working
    while the matcher's scoring is tuned; each lookup fails loudly if none is found.
    """

    answered: str
    entry_id: str
    suggested: str
    unknown: str = "Quelle est la meilleure recette de tarte tatin aux pommes ?"


def find_samples(kb: KnowledgeBase) -> Samples:
    """Pick one question per status of the whole pipeline, as the bot reads them."""
    understander = Understander.build(kb, Matcher(kb))

    class _Pipeline:
        @staticmethod
        def match(question: str) -> Decision:
            return understander.understand(question)[0]

    matcher = _Pipeline()
    answered = next(
        (e.question, e.id)
        for e in kb.entries
        if (d := matcher.match(e.question)).status is Status.ANSWER
        and d.entry is not None
        and d.entry.id == e.id
    )
    devset = yaml.safe_load((ROOT / "knowledge" / "devset.yaml").read_text(encoding="utf-8"))
    pool = [e for entry in kb.entries for e in entry.phrasings]
    pool += [item["q"] for item in devset["answerable"]] + list(devset["unanswerable"])
    pool += sorted({word for entry in kb.entries for p in entry.phrasings for word in p.split()})
    suggested = next(
        q
        for q in pool
        if len(understander.understand(q)) == 1
        and (d := matcher.match(q)).status is Status.SUGGEST
        and len(d.suggestions) >= 2
        and d.near_miss is None  # a plain hesitation, not a withheld near miss
    )
    samples = Samples(answered[0], answered[1], suggested)
    assert matcher.match(samples.unknown).status is Status.UNKNOWN
    return samples


@pytest.fixture(scope="session")
def samples(kb: KnowledgeBase) -> Samples:
    """Questions per matcher status for the end-to-end FAQ."""
    return find_samples(kb)
