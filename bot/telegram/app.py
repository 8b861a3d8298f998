"""Wiring and running the Telegram bot: `build_application(config)` and `run(config)`.

`build_application` assembles the PTB `Application` (token, Bot API address, HTTP
timeouts, rate limiter with retries, per-user update processing, handlers, error
handler, command menu) and its `Pipeline` (bot.telegram.updates: durable fetching and fair,
durable sending) without touching the network. `running(app)` starts and stops them
around a block, fed by long polling or by a webhook; `run(config)` is `faqbot run`: it
serves until SIGINT or SIGTERM, then stops within `STOP_GRACE` × 2 seconds or so,
whatever the backlog (the rest is answered after the restart).

Modes. Long polling (the default) needs no public address; `running` calls
`deleteWebhook` before it polls, so going back to polling after a webhook just works.
Webhook mode (`config.webhook_url`) serves HTTP with tornado, the server
python-telegram-bot's own webhook support uses (its `webhooks` extra); PTB's Updater is
gone (bot.telegram.updates replaced it), so the handler is ours: it checks the secret, stores the
update durably (`Pipeline.receive`) and only then answers Telegram 200. It listens on
`config.webhook_listen` at the URL's path, and `setWebhook` is called with the URL, the
secret token and the allowed updates at every start. Telegram sends the secret back in
`X-Telegram-Bot-Api-Secret-Token`; a request without it, or with another one, gets 403
and is not processed. With no secret configured a random one (`secrets.token_urlsafe`)
is made at each start: only this process and Telegram know it, and it is never logged.
The webhook is left set when the bot stops, so Telegram keeps the updates that arrive
meanwhile and delivers them at the next start.

Stopping. SIGTERM (systemd, Docker, any process manager) and SIGINT (Ctrl-C) take the
same path (exit status 0), also while the bot is still loading.

Start-up prints one line each for the FAQ, the question log, the mode and the admins
count; apscheduler's and PTB's routine INFO lines are silenced.

The token is in every Bot API URL, so it must never reach a log: httpx's request
logging is silenced, and `redact_in_logs` rewrites any log record that would still
contain it (PTB itself logs the full URL at DEBUG level when a Bot is created).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import secrets
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest
from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApplication
from tornado.web import HTTPError, RequestHandler

from bot.conversation import replies
from bot.knowledge.base import KnowledgeBase, load_knowledge, load_or_explain
from bot.knowledge.config import Config, parse_listen
from bot.telegram import admin, handlers
from bot.telegram.io import RetryingRateLimiter
from bot.telegram.sending import Limits
from bot.telegram.state import Knowledge, set_knowledge
from bot.telegram.updates import Pipeline
from bot.understanding.matching import dictionary_words

__all__ = [
    "ALLOWED_UPDATES",
    "PerUserUpdateProcessor",
    "TokenRedactingFilter",
    "Webhook",
    "build_application",
    "pipeline",
    "redact_in_logs",
    "register_handlers",
    "run",
    "running",
    "serve_webhook",
    "webhook_of",
]

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
)
"""The update types the bot asks Telegram for (channel posts are not among them)."""
POLL_TIMEOUT = 30
"""Seconds a getUpdates long poll may wait for news before Telegram answers empty."""
MAX_CONCURRENT_USERS = 32
"""Users whose updates are processed at the same time (each user's one at a time)."""
STOP_GRACE = 3.0
"""Seconds a stop gives the updates being handled, then as many to the calls in flight."""
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
"""Where Telegram puts the webhook's secret token in each request."""
HTTP_CONNECTIONS = 8
"""Connections to the Bot API. Even at 100 ms a call that is ~80 calls/s, well above the
30 messages/s Telegram allows; more connections only slow httpx's pool bookkeeping down
(measured with bench/bench_telegram.py: 8 connections ~290 replies/s, 16 ~230)."""

NO_TOKEN = """\
faqbot run: no Telegram bot token.
Create a bot with @BotFather on Telegram (/newbot), then give its token to faqbot:
    export TELEGRAM_BOT_TOKEN='123456789:AA...'
or put it in config.yaml (git-ignored, see config.example.yaml):
    telegram:
      token: '123456789:AA...'
To talk to the bot without Telegram, `faqbot chat` needs no token."""

BAD_TOKEN = """\
faqbot run: Telegram refused the bot token ({reason}).
Check TELEGRAM_BOT_TOKEN (or telegram.token in {source}): it must be the whole token
@BotFather gave you, like 123456789:AA... If it was revoked, get a new one with /token."""

UNREACHABLE = """\
faqbot run: cannot reach the Telegram Bot API ({reason}).
Check the network connection{base_url_hint}, then try again."""

WEBHOOK_REFUSED = """\
faqbot run: Telegram refused the webhook ({reason}).
Check TELEGRAM_WEBHOOK_URL (or telegram.webhook_url in {source}): Telegram needs a public
https:// URL on port 443, 80, 88 or 8443 with a valid certificate. `faqbot run --polling`
needs no public address."""

CANNOT_LISTEN = """\
faqbot run: cannot listen on {listen} ({reason}).
Another program may use that port: choose another with --listen HOST:PORT (or
TELEGRAM_WEBHOOK_LISTEN, telegram.webhook_listen)."""

API_REFUSED = """\
faqbot run: the Telegram Bot API refused to start the bot ({reason})."""


# --- logging: the token never reaches a log ------------------------------------------------


class TokenRedactingFilter(logging.Filter):
    """Replaces secrets (bot tokens) in a log record's message and traceback."""

    def __init__(self, secrets: set[str] | None = None) -> None:
        super().__init__()
        self.secrets: set[str] = set() if secrets is None else secrets

    def redact(self, text: str) -> str:
        """`text` with every secret replaced by a placeholder."""
        for secret in self.secrets:
            text = text.replace(secret, "<TOKEN>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drops it."""
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem, not ours
            return True
        if any(secret in message for secret in self.secrets):
            record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            if any(secret in text for secret in self.secrets):
                record.exc_text = self.redact(text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_REDACTOR = TokenRedactingFilter()
_factory_installed = False


def redact_in_logs(token: str) -> None:
    """Make every log record, whichever logger or handler, hide `token`.

    The filter runs in the log record factory, so it also covers handlers added later
    (pytest's caplog, a service's own handler) and records created before any handler
    is configured. httpx's INFO request lines, which print the URL, are silenced too.
    """
    global _factory_installed  # noqa: PLW0603 - one process-wide factory, installed once
    if not token:  # "" is in every text: it would "redact" between every two characters
        return
    _REDACTOR.secrets.add(token)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _REDACTOR.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


QUIET_LOGGERS = ("apscheduler", "telegram.ext.Application")
"""Loggers whose INFO lines (jobs added, scheduler started, application started) are noise."""


def quiet_logging() -> None:
    """Service-friendly logging: routine INFO lines of the libraries are silenced."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


# --- concurrency: one flooding user does not delay the others --------------------------------


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Different users' updates run concurrently; one user's updates run in order, one at a time.

    A user sending 100 messages in a burst occupies one processing slot, not 100, so the
    others' questions are not queued behind theirs (neither here nor in the rate limiter),
    and that user gets the answers in the order they asked. PTB creates a task per update
    as soon as it arrives; the base class's semaphore is made large on purpose, and the
    real bound is `max_concurrent_users`, taken only after the user's own turn has come.
    """

    def __init__(self, max_concurrent_users: int = MAX_CONCURRENT_USERS) -> None:
        super().__init__(max_concurrent_updates=100_000)
        self._slots = asyncio.Semaphore(max_concurrent_users)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    @staticmethod
    def _key(update: object) -> int | None:
        if not isinstance(update, Update):
            return None
        if update.effective_user is not None:
            return update.effective_user.id
        return update.effective_chat.id if update.effective_chat is not None else None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this user's previous updates, then for a free slot, then process."""
        key = self._key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued for this user: forget them
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


# --- wiring ---------------------------------------------------------------------------


def _file_url(base_url: str) -> str:
    """The file download address matching a Bot API address (…/bot -> …/file/bot)."""
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else base_url


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Every handler, in the order PTB tries them (the first whose filter matches wins)."""
    # Private chats answer edits too (see handlers.private_text); groups never do.
    fresh_or_private_edit = filters.UpdateType.MESSAGE | (
        filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE
    )
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    # A caption is read like a text: a photo captioned with a question gets its answer.
    text = (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
    application.add_handlers(
        [
            # Commands first. In groups PTB skips `/cmd@other_bot`, which is for another bot.
            *admin.handlers(),  # /reload and /pourquoi (admins only)
            CommandHandler("start", handlers.start, filters=fresh_or_private_edit),
            CommandHandler(["aide", "help"], handlers.help_command, filters=fresh_or_private_edit),
            CommandHandler("questions", handlers.questions, filters=fresh_or_private_edit),
            CommandHandler("sources", handlers.sources, filters=fresh_or_private_edit),
            # Must come after the known commands: it catches every other one.
            MessageHandler(
                filters.COMMAND & private & fresh_or_private_edit, handlers.unknown_command
            ),
            CallbackQueryHandler(handlers.on_button),
            InlineQueryHandler(handlers.inline_query),
            MessageHandler(text & private & fresh_or_private_edit, handlers.private_text),
            MessageHandler(text & groups & filters.UpdateType.MESSAGE, handlers.group_text),
            # Stickers, photos, voice, locations… but not service messages (pins, joins).
            MessageHandler(
                private & filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
                handlers.not_text,
            ),
            # Nothing else is handled: channel posts, edits in groups and non-text messages
            # in groups are deliberately ignored.
        ]
    )
    application.add_error_handler(handlers.error_handler)


async def set_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """post_init: the French command menu, for French-speaking users and as the default."""
    commands = [BotCommand(name, description) for name, description in replies.commands()]
    try:
        await application.bot.set_my_commands(commands, language_code="fr")
        await application.bot.set_my_commands(commands)
    except TelegramError as exc:  # the menu is a convenience: answering matters more
        logger.warning("could not set the command menu: %s", exc)


_PIPELINE = "faqbot.pipeline"


def pipeline(application: Application[Any, Any, Any, Any, Any, Any]) -> Pipeline:
    """The application's fetching and sending pipeline (see bot.telegram.updates)."""
    value = application.bot_data.get(_PIPELINE)
    if not isinstance(value, Pipeline):
        raise RuntimeError("not built by build_application")
    return value


def build_application(
    config: Config,
    *,
    kb: KnowledgeBase | None = None,
    request: BaseRequest | None = None,
    limits: Limits | None = None,
    poll_timeout: int = POLL_TIMEOUT,
    fetch_retry_initial: float = 1.0,
    fetch_retry_max: float = 30.0,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready to initialise and poll; loads the configured FAQ unless `kb` is given.

    `limits` (bot.telegram.sending.Limits) and the fetch backoff are knobs for tests and benchmarks;
    the defaults are Telegram's limits. `config.rate_limiter` False turns the limits off.
    """
    if not config.token:
        raise ValueError("build_application needs a token (config.token)")
    redact_in_logs(config.token)  # before the Bot exists: PTB logs its URL when created
    if kb is None:
        kb = load_knowledge(config.knowledge)
    builder = (
        Application.builder()
        .token(config.token)
        .request(
            request
            or HTTPXRequest(
                connection_pool_size=HTTP_CONNECTIONS,
                connect_timeout=5.0,
                read_timeout=10.0,
                write_timeout=10.0,
                pool_timeout=5.0,
            )
        )
        .get_updates_request(HTTPXRequest(connection_pool_size=1, read_timeout=10.0))
        .rate_limiter(RetryingRateLimiter(throttle=config.rate_limiter))
        .updater(None)  # bot.telegram.updates fetches, stores, then confirms
        .concurrent_updates(PerUserUpdateProcessor())
        .post_init(set_commands)
    )
    if config.base_url:
        builder = builder.base_url(config.base_url).base_file_url(_file_url(config.base_url))
    application = builder.build()
    set_knowledge(application.bot_data, Knowledge.build(kb, config.matching))
    limits = limits or Limits()
    if not config.rate_limiter:
        limits = replace(limits, throttle=False)
    application.bot_data[_PIPELINE] = Pipeline(
        application,
        config.state_dir,
        limits=limits,
        allowed_updates=list(ALLOWED_UPDATES),
        poll_timeout=poll_timeout,
        fetch_retry_initial=fetch_retry_initial,
        fetch_retry_max=fetch_retry_max,
    )
    register_handlers(application)
    # Admins, hot reload (of the folder the FAQ came from) and the question log.
    admin.setup(application, replace(config, knowledge=kb.path))
    return application


# --- running ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates, where the bot listens for them, and the shared secret."""

    url: str
    host: str
    port: int
    secret: str = field(repr=False)

    @property
    def path(self) -> str:
        """The URL's path, which the bot's server answers on (`/` when the URL has none)."""
        return urlsplit(self.url).path or "/"

    @property
    def listen(self) -> str:
        """HOST:PORT, for messages."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def webhook_of(config: Config) -> Webhook | None:
    """The webhook settings of `config` (None: long polling); makes a secret if none is set."""
    if not config.webhook_url:
        return None
    host, port = parse_listen(config.webhook_listen)
    secret = config.webhook_secret or secrets.token_urlsafe(32)
    return Webhook(config.webhook_url, host, port, secret)


class _WebhookHandler(RequestHandler):
    """POST /<the URL's path>: check the secret, store the update, then answer 200."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, receive: Callable[[list[Any]], None], secret: str) -> None:
        """Tornado's per-request set-up: what to call and the secret to expect."""
        self.receive = receive
        self.secret = secret

    def post(self) -> None:
        """One update from Telegram (403 without the right secret, 400 if not JSON)."""
        sent = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(sent.encode(), self.secret.encode()):
            raise HTTPError(403)
        try:
            update = json.loads(self.request.body)
        except ValueError:
            raise HTTPError(400) from None
        if not isinstance(update, dict):
            raise HTTPError(400)
        try:
            self.receive([update])  # durable once this returns
        except sqlite3.Error as exc:  # not stored: a 500 makes Telegram send it again
            logger.error("cannot store a webhook update: %s", exc)
            raise HTTPError(500) from None
        self.set_status(200)


def _log_request(handler: RequestHandler) -> None:
    """Tornado's access log, at DEBUG level: one line per update would flood a journal."""
    logger.debug("webhook: %d %s", handler.get_status(), handler.request.method)


def serve_webhook(webhook: Webhook, receive: Callable[[list[Any]], None]) -> HTTPServer:
    """Listen on `webhook.host:port` at the URL's path (OSError if the address is taken)."""
    app = TornadoApplication(
        [
            (
                re.escape(webhook.path.rstrip("/")) + "/?",
                _WebhookHandler,
                {"receive": receive, "secret": webhook.secret},
            )
        ],
        log_function=_log_request,
    )
    server = HTTPServer(app, xheaders=True)
    server.listen(webhook.port, address=webhook.host)
    return server


@asynccontextmanager
async def running(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    grace: float = STOP_GRACE,
    fetch: bool = True,
    webhook: Webhook | None = None,
) -> AsyncIterator[None]:
    """Initialise, set the command menu, fetch, handle and send inside the block.

    Updates come by long polling; by `webhook` when given (see the module docstring); or,
    with `fetch=False`, from whoever calls `pipeline(application).receive(raw_updates)`.
    On exit: stop receiving, give the work in flight `grace` seconds (twice: handlers,
    then calls in flight), keep the rest in the durable queue, shut down.
    """
    async with application:  # initialize() (getMe: a bad token fails here) ... shutdown()
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()  # the job queue (hot reload)
        flow = pipeline(application)
        server: HTTPServer | None = None
        try:  # a refused setWebhook or a busy port still stops what was started
            if webhook is not None:
                redact_in_logs(webhook.secret)
                await flow.start(fetch=False)
                server = serve_webhook(webhook, flow.receive)
                await application.bot.set_webhook(
                    url=webhook.url,
                    secret_token=webhook.secret,
                    allowed_updates=list(ALLOWED_UPDATES),
                    drop_pending_updates=False,  # Telegram kept what came while we were down
                )
            else:
                if fetch:  # getUpdates answers 409 while a webhook is set
                    await application.bot.delete_webhook(drop_pending_updates=False)
                await flow.start(fetch=fetch)
            yield
        finally:
            if server is not None:  # nothing new comes in; what came is stored
                server.stop()
                await server.close_all_connections()
            await flow.stop(grace)
            if application.running:
                await application.stop()
            await admin.teardown(application)  # the question log writes what it holds


async def _serve_until_stopped(
    application: Application[Any, Any, Any, Any, Any, Any], webhook: Webhook | None
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def request_stop(sig: signal.Signals) -> None:
        if not stop.is_set():
            logger.info("%s received: stopping", sig.name)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):  # Windows: Ctrl-C raises KeyboardInterrupt
            loop.add_signal_handler(sig, request_stop, sig)
    try:
        async with running(application, webhook=webhook):
            me = application.bot.username
            logger.info("faqbot is running as @%s; stop it with Ctrl-C or SIGTERM", me)
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError):
                loop.remove_signal_handler(sig)
    logger.info("faqbot stopped")


def _log_start(config: Config, kb: KnowledgeBase, webhook: Webhook | None) -> None:
    """One line each: the FAQ, the question log, the mode, the admins (never a secret)."""
    logger.info("FAQ: %d entries from %s", len(kb.entries), kb.path.resolve())
    log = config.log_database
    logger.info("question log: %s", log.resolve() if log else "off (log.database: null)")
    if webhook is None:
        logger.info("mode: long polling")
    else:
        logger.info("mode: webhook %s, listening on %s", webhook.url, webhook.listen)
    logger.info("admins: %d", len(config.admins))


def run(config: Config) -> int:
    """`faqbot run`: serve until SIGTERM or Ctrl-C (then exit status 0)."""
    if not config.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    # Until the event loop takes them over, SIGTERM does what Ctrl-C does (see below).
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        return _run(config)
    except KeyboardInterrupt:  # stopped while loading: nothing was started yet
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(config: Config) -> int:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    quiet_logging()
    if config.token:  # always, `run` checked; an empty secret would redact everything
        redact_in_logs(config.token)
    kb = load_or_explain(config.knowledge, advice="Fix them (`faqbot check`), then start again.")
    if kb is None:
        return 1
    webhook = webhook_of(config)
    _log_start(config, kb, webhook)
    # Load the typo dictionaries now: lazily, the first unknown word of the first user
    # would load them inside a handler and stall the event loop for everyone (~0.5 s).
    dictionary_words()
    application = build_application(config, kb=kb)
    try:
        asyncio.run(_serve_until_stopped(application, webhook))
    except KeyboardInterrupt:
        pass
    except BadRequest as exc:  # setWebhook (or deleteWebhook) refused; before NetworkError,
        # which BadRequest subclasses in PTB
        reason = _REDACTOR.redact(exc.message).rstrip(".")
        if webhook is None:
            print(API_REFUSED.format(reason=reason), file=sys.stderr)
            return 1
        source = config.source or "config.yaml"
        print(WEBHOOK_REFUSED.format(reason=reason, source=source), file=sys.stderr)
        return 2
    except InvalidToken as exc:
        print(
            # PTB's message quotes the token itself: redact it.
            BAD_TOKEN.format(
                reason=_REDACTOR.redact(exc.message).rstrip("."),
                source=config.source or "config.yaml",
            ),
            file=sys.stderr,
        )
        return 2
    except NetworkError as exc:
        hint = f" and TELEGRAM_API_BASE_URL ({config.base_url})" if config.base_url else ""
        print(
            UNREACHABLE.format(reason=_REDACTOR.redact(exc.message), base_url_hint=hint),
            file=sys.stderr,
        )
        return 1
    except TelegramError as exc:  # anything else Telegram refused at start
        print(API_REFUSED.format(reason=_REDACTOR.redact(exc.message)), file=sys.stderr)
        return 1
    except OSError as exc:  # the webhook server cannot bind its address
        if webhook is None:
            raise
        print(
            CANNOT_LISTEN.format(listen=webhook.listen, reason=exc.strerror or exc),
            file=sys.stderr,
        )
        return 2
    return 0
