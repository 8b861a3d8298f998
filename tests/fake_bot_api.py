"""A fake Telegram Bot API server that the real python-telegram-bot talks to over HTTP.

It listens on 127.0.0.1 only and validates requests the way Telegram does (HTML parse mode,
text length, inline keyboards, callback and inline query answers, edits), so formatting bugs
in the bot fail tests with the same `BadRequest` they would cause in production.

    async with FakeBotAPI() as api:
        app = api.application_builder().build()        # or .base_url(api.base_url) yourself
        api.push(text_message("/start"))
        [call] = await api.wait_for("sendMessage")

PTB posts every request as application/x-www-form-urlencoded (multipart/form-data when it
uploads files); string parameters are sent as they are and every other value, nested objects
such as `reply_markup` included, as a JSON string. JSON bodies are accepted as well.

Webhooks work as on Telegram: after `setWebhook`, pushed updates are no longer served by
getUpdates (which answers 409 Conflict) but POSTed as JSON to the webhook URL, one at a
time and in order, with the secret in `X-Telegram-Bot-Api-Secret-Token`; an update whose
delivery fails (not 2xx, refused connection) stays pending and is retried, and the error
shows in getWebhookInfo. `deleteWebhook` goes back to getUpdates. `deliveries` lists each
attempt. One deviation, so that tests need no certificate: besides https:// URLs, the fake
accepts http:// URLs on 127.0.0.1 and localhost (Telegram refuses any http:// URL).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest_asyncio
from aiohttp import web
from telegram import Bot
from telegram.ext import ApplicationBuilder

JSON = dict[str, Any]

TOKEN = "123456789:fake-token-for-tests"
BOT_ID = 123456789
BOT_USERNAME = "faq_test_bot"
USER_ID = 1001
DROPPED = 0  # the status recorded for a request answered by a dropped connection

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200
MAX_INLINE_RESULTS = 50
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_RETRY_SECONDS = 0.2  # Telegram waits longer; tests need not
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "inline_query",
        "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
        "poll", "poll_answer", "my_chat_member", "chat_join_request", "business_connection",
        "business_message", "edited_business_message", "deleted_business_messages",
    }
)  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_JSON_PARAMS = frozenset(
    {
        "reply_markup", "results", "commands", "allowed_updates", "entities", "scope",
        "link_preview_options", "reply_parameters", "menu_button", "button", "media",
        "caption_entities",
    }
)  # fmt: skip
_INT_PARAMS = frozenset(
    {
        "chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "user_id",
        "message_thread_id", "reply_to_message_id", "from_chat_id", "max_connections",
    }
)  # fmt: skip
_BOOL_PARAMS = frozenset(
    {
        "drop_pending_updates", "show_alert", "is_personal", "disable_notification",
        "protect_content", "allow_sending_without_reply", "disable_web_page_preview",
    }
)  # fmt: skip
_MESSAGE_UPDATES = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "business_message"}
)
_URL = re.compile(r"(?:https?://)?[\w.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?|tg://\S+")
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_MENTION = re.compile(r"(?<!\w)@[A-Za-z0-9_]{5,32}(?!\w)")
_ids = itertools.count(1)


class ApiError(Exception):
    """An error answer: `{"ok": false, "error_code": status, "description": ...}`."""

    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> JSON:
        """The JSON body Telegram sends for this error."""
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        if self.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": self.migrate_to_chat_id}
        return body


def bad_request(description: str) -> ApiError:
    """A 400 error, worded as Telegram words it."""
    return ApiError(400, f"Bad Request: {description}")


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit of Telegram limits and offsets."""
    return len(text.encode("utf-16-le")) // 2


# --- HTML parse mode: a port of tdlib's parse_html (td/telegram/MessageEntity.cpp) ---------

_HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler",
        "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_ENTITIES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}


class HtmlError(ValueError):
    """Telegram's "can't parse entities" reason."""


def _is_space(byte: int) -> bool:
    return byte in b" \t\r\n\0\v\f"


def _decode_entity(data: bytes, pos: int, strict: bool) -> tuple[str, int] | None:
    """Decode the character reference at `data[pos] == "&"`: (character, end) or None."""
    end = pos + 1
    code = 0
    if data[end : end + 1] == b"#":
        end += 1
        hexadecimal = data[end : end + 1] == b"x"
        end += hexadecimal
        digits = b"0123456789abcdefABCDEF" if hexadecimal else b"0123456789"
        start = end
        while end < len(data) and data[end] in digits:
            end += 1
        code = int(data[start:end], 16 if hexadecimal else 10) if end > start else 0
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        if 0xD800 <= code <= 0xDFFF:
            raise HtmlError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        char = chr(code)
    else:
        while end < len(data) and chr(data[end]).isalpha() and data[end] < 128:
            end += 1
        named = _NAMED_ENTITIES.get(data[pos + 1 : end])
        if named is None:
            return None
        char = named
    if data[end : end + 1] == b";":
        return char, end + 1
    return None if strict else (char, end)


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML like tdlib does; return the visible text and its entities.

    Raises HtmlError with Telegram's wording. `strict` (the default) also refuses what Telegram
    silently tolerates but is always a bug in the bot: a bare "&" (Telegram keeps it as is),
    an entity without its ";" and an <a> tag without href.
    """
    data = text.encode()
    size = len(data)

    def at(k: int) -> int:
        return data[k] if k < size else 0

    out = bytearray()
    offset = 0  # UTF-16 offset in the visible text
    entities: list[JSON] = []
    stack: list[tuple[str, str, int, int]] = []  # tag, argument, UTF-16 offset, len(out)
    i = 0
    while i < size:
        byte = data[i]
        if byte == ord("&"):
            decoded = _decode_entity(data, i, strict)
            if decoded is None and strict:
                raise HtmlError(
                    f'Unescaped "&" at byte offset {i}: Telegram shows it as is, but it is a bug '
                    "(the fake server is stricter than Telegram here; write &amp;)"
                )
            if decoded is not None:
                char, i = decoded
                out += char.encode()
                offset += utf16_len(char)
                continue
        if byte != ord("<"):
            if byte & 0xC0 != 0x80:
                offset += 2 if byte >= 0xF0 else 1
            out.append(byte)
            i += 1
            continue
        begin = i
        i += 1
        if at(i) != ord("/"):
            while not _is_space(at(i)) and at(i) != ord(">"):
                i += 1
            if at(i) == 0:
                raise HtmlError(f"Unclosed start tag at byte offset {begin}")
            tag = data[begin + 1 : i].decode(errors="replace").lower()
            if tag not in _HTML_TAGS:
                raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument, has_href, i = _parse_attributes(data, i, tag, begin, strict)
            if tag == "span" and argument != "spoiler":
                raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            if tag == "a" and not has_href and strict:
                raise HtmlError(f'Tag "a" must have attribute "href" at byte offset {begin}')
            stack.append((tag, argument, offset, len(out)))
            i += 1  # skip ">"
            continue
        if not stack:
            raise HtmlError(f"Unexpected end tag at byte offset {begin}")
        i += 1
        while not _is_space(at(i)) and at(i) != ord(">"):
            i += 1
        end_tag = data[begin + 2 : i].decode(errors="replace").lower()
        while at(i) != 0 and _is_space(at(i)):
            i += 1
        if at(i) != ord(">"):
            raise HtmlError(f"Unclosed end tag at byte offset {begin}")
        i += 1
        tag, argument, start, out_start = stack.pop()
        if end_tag and end_tag != tag:
            raise HtmlError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", '
                f'found "</{end_tag}>"'
            )
        if offset > start:
            entity = _entity(tag, argument, bytes(out[out_start:]).decode(errors="replace"))
            if entity is not None:
                entities.append({**entity, "offset": start, "length": offset - start})
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.decode(), _merge_pre_code(entities)


def _parse_attributes(
    data: bytes, i: int, tag: str, begin: int, strict: bool
) -> tuple[str, bool, int]:
    """Read the attributes of a start tag from `i`; return (argument, has_href, index of ">")."""
    size = len(data)

    def at(k: int) -> int:
        return data[k] if k < size else 0

    argument = ""
    has_href = False
    while at(i) != ord(">"):
        while at(i) != 0 and _is_space(at(i)):
            i += 1
        if at(i) == ord(">"):
            break
        name_start = i
        while not _is_space(at(i)) and at(i) not in b"=>":
            i += 1
        name = data[name_start:i].decode(errors="replace")
        if not name:
            raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while at(i) != 0 and _is_space(at(i)):
            i += 1
        if at(i) != ord("="):
            if tag == "blockquote" and name == "expandable":
                argument = "expandable"
                continue
            raise HtmlError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        i += 1
        while at(i) != 0 and _is_space(at(i)):
            i += 1
        if at(i) == 0:
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        if at(i) not in b"'\"":
            token_start = i
            while (chr(at(i)).isalnum() and at(i) < 128) or at(i) in b".-":
                i += 1
            value = data[token_start:i].decode().lower()
            if not _is_space(at(i)) and at(i) != ord(">"):
                raise HtmlError(f"Unexpected end of name token at byte offset {token_start}")
        else:
            quote = at(i)
            i += 1
            chars = bytearray()
            while at(i) != quote and at(i) != 0:
                if at(i) == ord("&"):
                    decoded = _decode_entity(data, i, strict)
                    if decoded is None and strict:
                        raise HtmlError(f'Unescaped "&" in an attribute at byte offset {i}')
                    if decoded is not None:
                        chars += decoded[0].encode()
                        i = decoded[1]
                        continue
                chars.append(at(i))
                i += 1
            if at(i) == quote:
                i += 1
            value = chars.decode(errors="replace")
        if at(i) == 0:
            raise HtmlError(f"Unclosed start tag at byte offset {begin}")
        if tag == "a" and name == "href":
            argument, has_href = value, True
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
    return argument, has_href, i


def _entity(tag: str, argument: str, inner_text: str) -> JSON | None:
    """The Bot API MessageEntity (without offset and length) a closed tag stands for."""
    if tag in _SIMPLE_ENTITIES:
        return {"type": _SIMPLE_ENTITIES[tag]}
    if tag == "tg-emoji":
        if not argument.isdigit() or int(argument) == 0:
            raise HtmlError("Invalid custom emoji identifier specified")
        return {"type": "custom_emoji", "custom_emoji_id": argument}
    if tag == "a":
        url = argument or inner_text
        return {"type": "text_link", "url": url} if _URL.fullmatch(url) else None
    if tag == "pre":
        return {"type": "pre"}
    if tag == "code":
        return {"type": "code", "language": argument}
    return {"type": "expandable_blockquote" if argument else "blockquote"}


def _merge_pre_code(entities: list[JSON]) -> list[JSON]:
    """Merge <pre><code class="language-x"> into one pre entity with a language, like tdlib."""
    result: list[JSON] = []
    for entity in entities:
        previous = result[-1] if result else None
        if (
            previous is not None
            and {previous["type"], entity["type"]} == {"pre", "code"}
            and (previous["offset"], previous["length"]) == (entity["offset"], entity["length"])
        ):
            language = previous.get("language") or entity.get("language")
            result[-1] = {**previous, "type": "pre", **({"language": language} if language else {})}
            continue
        result.append(entity)
    for index, entity in enumerate(result):
        if entity["type"] == "code":
            result[index] = {key: value for key, value in entity.items() if key != "language"}
        elif entity["type"] == "pre" and not entity.get("language"):
            entity.pop("language", None)
    return result


# --- The server -------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request the server received; unpacks as `method, params, status`."""

    method: str
    params: JSON
    status: int  # HTTP status, or DROPPED when the connection was dropped
    response: JSON | None  # the JSON body sent back (None when dropped)
    time: float = field(default_factory=time.monotonic)  # when the server answered

    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.params, self.status))

    @property
    def description(self) -> str:
        """The error description, or "" for a successful call."""
        return str((self.response or {}).get("description", ""))


@dataclass(frozen=True)
class Delivery:
    """One attempt to POST an update to the webhook."""

    update_id: int
    url: str
    secret: str | None  # the header sent (None: no header)
    status: int  # HTTP status, or DROPPED when the connection failed


@dataclass
class _Fault:
    kind: str  # "error", "drop" or "hang"
    status: int = 500
    retry_after: int | None = None
    description: str | None = None
    seconds: float = 0.0


_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: CONFLICT,
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class FakeBotAPI:
    """An in-process Telegram Bot API server on 127.0.0.1 (see the module docstring).

    `calls` lists every request received; `commands` holds what setMyCommands stored, by scope.
    Set `strict_html = False` to accept exactly what Telegram accepts (a bare "&" included).
    """

    def __init__(self, token: str = TOKEN, *, username: str = BOT_USERNAME) -> None:
        self.token = token
        bot_id = token.split(":", maxsplit=1)[0]
        self.bot_user: JSON = {
            "id": int(bot_id) if bot_id.isdigit() else BOT_ID,
            "is_bot": True,
            "first_name": "FAQ test bot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[Call] = []
        self.commands: dict[str, list[JSON]] = {}
        self.strict_html = True
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._updates: list[JSON] = []
        self._last_update_id = 0
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._faults: dict[str, list[_Fault]] = {}
        self._outages: dict[str, list[tuple[float, float, ApiError]]] = {}
        self._migrated: dict[int | str, int] = {}
        self._chats: dict[int | str, JSON] = {}
        self._messages: dict[tuple[int | str, int], JSON] = {}
        self._inline_messages: dict[str, JSON] = {}
        self._last_message_id: dict[int | str, int] = {}
        self._open_queries: set[str] = set()
        self.webhook: JSON | None = None  # what setWebhook stored (url, secret_token, ...)
        self.deliveries: list[Delivery] = []
        self._webhook_error: tuple[int, str] | None = None
        self._delivery_task: asyncio.Task[None] | None = None
        self._methods: dict[str, Callable[[JSON], Any]] = {
            name.lower(): handler
            for name, handler in {
                "getMe": lambda p: self.bot_user,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "getUpdates": self._get_updates,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "answerInlineQuery": self._answer_inline_query,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": lambda p: self.commands.get(_commands_key(p), []),
                "deleteMyCommands": self._delete_my_commands,
                "sendChatAction": self._send_chat_action,
                "setChatMenuButton": lambda p: True,
                "setMyDescription": lambda p: True,
                "setMyShortDescription": lambda p: True,
                "close": lambda p: True,
                "logOut": lambda p: True,
            }.items()
        }

    # --- life cycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a random port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Answer pending long polls and hung requests, then close the server."""
        self._closing.set()
        self._notify()
        await self._stop_delivering()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)`: PTB appends the token and the method."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """For `ApplicationBuilder().base_file_url(...)`."""
        return f"http://127.0.0.1:{self._port}/file/bot"

    def bot(self) -> Bot:
        """A `telegram.Bot` pointed at this server (use it as `async with api.bot() as bot`)."""
        return Bot(self.token, base_url=self.base_url, base_file_url=self.base_file_url)

    def application_builder(self) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
        """An `ApplicationBuilder` with the token and the URLs of this server set."""
        builder = ApplicationBuilder().token(self.token).base_url(self.base_url)
        return builder.base_file_url(self.base_file_url)

    # --- test API ----------------------------------------------------------------------

    def push(self, update: JSON) -> JSON:
        """Queue an update for getUpdates; return it with the update_id the server gave it."""
        update = copy.deepcopy(update)
        self._last_update_id += 1
        update["update_id"] = self._last_update_id
        for kind, body in update.items():
            if kind in _MESSAGE_UPDATES and "chat" in body:
                chat_id = body["chat"]["id"]
                if not body.get("message_id"):
                    body["message_id"] = self._next_message_id(chat_id)
                self._last_message_id[chat_id] = max(
                    body["message_id"], self._last_message_id.get(chat_id, 0)
                )
                self._chats[chat_id] = body["chat"]
                self._messages[chat_id, body["message_id"]] = body
            elif kind in ("callback_query", "inline_query"):
                self._open_queries.add(body["id"])
        self._updates.append(update)
        self._notify()
        return update

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with an error (429: retry_after=1)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if status == 429
                else _DEFAULT_DESCRIPTIONS.get(status, "Internal Server Error")
            )
        fault = _Fault("error", status, retry_after, description)
        self._faults.setdefault(method.lower(), []).extend([fault] * times)

    def migrate_chat(self, chat_id: int, new_chat_id: int) -> None:
        """The group `chat_id` became the supergroup `new_chat_id`: sending to the old id
        fails as on Telegram (400 with parameters.migrate_to_chat_id) from now on."""
        self._migrated[chat_id] = new_chat_id

    def fail_for(
        self,
        method: str,
        seconds: float,
        status: int = 500,
        *,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Answer every call of `method` with an error for the next `seconds` (an outage).

        Time-bound outages queue up: a second one starts when the previous one ends.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if status == 429
                else _DEFAULT_DESCRIPTIONS.get(status, "Internal Server Error")
            )
        outages = self._outages.setdefault(method.lower(), [])
        start = max([end for _, end, _ in outages] + [time.monotonic()])
        outages.append((start, start + seconds, ApiError(status, description, retry_after)))

    def recover(self, method: str) -> None:
        """End every outage of `method` (see `fail_for`) now."""
        self._outages.pop(method.lower(), None)

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection of the next `times` calls of `method` without answering."""
        self._faults.setdefault(method.lower(), []).extend([_Fault("drop")] * times)

    def hang_next(self, method: str, *, seconds: float = 30.0, times: int = 1) -> None:
        """Leave the next `times` calls of `method` unanswered for `seconds`, then drop them.

        The client sees a timeout (`telegram.error.TimedOut`) if its read timeout is shorter.
        """
        fault = _Fault("hang", seconds=seconds)
        self._faults.setdefault(method.lower(), []).extend([fault] * times)

    def sent(self, chat_id: int | str | None = None) -> list[JSON]:
        """Messages the bot sent successfully (sendMessage results), optionally in one chat."""
        return [
            call.response["result"]
            for call in self.calls
            if call.method.lower() == "sendmessage"
            and call.status == 200
            and call.response is not None
            and (chat_id is None or call.response["result"]["chat"]["id"] == chat_id)
        ]

    def message(self, chat_id: int | str, message_id: int) -> JSON:
        """The current state of a message (after edits), as the server stores it."""
        return self._messages[chat_id, message_id]

    async def wait_for(
        self,
        method: str,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - the usual name in test helpers
        predicate: Callable[[Call], bool] | None = None,
        include_failed: bool = False,
    ) -> list[Call]:
        """Wait until `count` calls of `method` matching `predicate` were received; return them.

        Only successful calls count unless `include_failed`. Raises AssertionError listing
        every call received when they do not arrive within `timeout` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            matches = [
                call
                for call in self.calls
                if call.method.lower() == method.lower()
                and (include_failed or call.status == 200)
                and (predicate is None or predicate(call))
            ]
            remaining = deadline - loop.time()
            if len(matches) >= count:
                return matches
            if remaining <= 0:
                raise AssertionError(
                    f"expected {count} {method} call(s) within {timeout} s, got {len(matches)}; "
                    f"calls received:\n{self.describe_calls()}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def describe_calls(self) -> str:
        """The calls received so far, one per line, for assertion messages.

        Empty getUpdates answers are left out: a polling bot makes one per poll timeout.
        """
        lines = []
        for call in self.calls:
            if call.method.lower() == "getupdates" and call.response == {"ok": True, "result": []}:
                continue
            params = json.dumps(call.params, ensure_ascii=False, default=str)
            line = f"  {call.method} -> {call.status} {params[:300]}"
            lines.append(line + (f"  [{call.description}]" if call.description else ""))
        return "\n".join(lines) or "  (none)"

    # --- HTTP ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        parts = request.path.strip("/").split("/")
        method = parts[-1] if len(parts) == 2 else request.path
        params = await _read_params(request)
        try:
            if len(parts) != 2 or not parts[0].startswith("bot"):
                raise ApiError(404, "Not Found")
            if parts[0] != f"bot{self.token}":
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            now = time.monotonic()
            for start, end, error in self._outages.get(method.lower(), []):
                if start <= now < end:
                    raise error
            faults = self._faults.get(method.lower())
            if faults:
                fault = faults.pop(0)
                if fault.kind == "error":
                    raise ApiError(fault.status, fault.description or "", fault.retry_after)
                self._record(Call(method, params, DROPPED, None))
                if fault.kind == "hang":
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._closing.wait(), fault.seconds)
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=500)
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
            body: JSON = {"ok": True, "result": result}
            status = 200
        except ApiError as error:
            body, status = error.payload(), error.status
        self._record(Call(method, params, status, body))
        return web.json_response(body, status=status)

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._notify()

    def _notify(self) -> None:
        """Wake every coroutine waiting for a change (long polls, wait_for)."""
        self._changed.set()
        self._changed = asyncio.Event()

    # --- methods -------------------------------------------------------------------------

    def _get_webhook_info(self, params: JSON) -> JSON:
        info: JSON = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending()),
        }
        if self.webhook:
            info["max_connections"] = self.webhook.get("max_connections", 40)
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
        if self._webhook_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    def _set_webhook(self, params: JSON) -> bool:
        url = params.get("url")
        if not isinstance(url, str) or not url:
            return self._delete_webhook(params)  # Telegram: an empty url removes the webhook
        local = re.match(r"http://(127\.0\.0\.1|localhost)(:\d+)?/", url + "/")
        if not url.startswith("https://") and not local:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _WEBHOOK_SECRET.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed updates")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
        self.webhook = dict(params)
        self._webhook_error = None
        self._poll_generation += 1  # a pending long poll ends with 409, as on Telegram
        if self._delivery_task is None or self._delivery_task.done():
            self._delivery_task = asyncio.create_task(self._deliver())
        self._notify()
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        self._webhook_error = None
        self._notify()  # the delivery loop sees it and ends
        return True

    def _pending(self) -> list[JSON]:
        """Updates not yet delivered, among the kinds the bot asked for."""
        self._updates = [u for u in self._updates if _update_kind(u) in self._allowed_updates]
        return self._updates

    async def _deliver(self) -> None:
        """POST pending updates to the webhook, in order, until it is deleted."""
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while self.webhook is not None and not self._closing.is_set():
                pending = self._pending()
                if not pending:
                    changed = self._changed
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), 1.0)
                    continue
                update, hook = pending[0], self.webhook
                secret = hook.get("secret_token")
                headers = {SECRET_HEADER: str(secret)} if secret else {}
                try:
                    async with session.post(hook["url"], json=update, headers=headers) as answer:
                        status = answer.status
                        reason = f"Wrong response from the webhook: {status} {answer.reason}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    status, reason = DROPPED, f"Connection failed: {type(exc).__name__}"
                self.deliveries.append(Delivery(update["update_id"], hook["url"], secret, status))
                if 200 <= status < 300:
                    with contextlib.suppress(ValueError):
                        self._updates.remove(update)
                else:
                    self._webhook_error = (int(time.time()), reason)
                    await asyncio.sleep(WEBHOOK_RETRY_SECONDS)
                self._notify()

    async def _stop_delivering(self) -> None:
        task, self._delivery_task = self._delivery_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def wait_delivered(
        self,
        update_id: int,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 - the usual name in test helpers
        succeeded: bool = True,
    ) -> Delivery:
        """Wait until update `update_id` was delivered to the webhook (a 2xx answer), or,
        with `succeeded=False`, until a delivery of it was attempted at all."""
        async with asyncio.timeout(timeout):
            while True:
                for delivery in self.deliveries:
                    ok = 200 <= delivery.status < 300
                    if delivery.update_id == update_id and (ok or not succeeded):
                        return delivery
                await self._changed.wait()

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = _int(params, "offset", 0)
        limit = min(max(_int(params, "limit", 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older long poll ends with 409 Conflict, as on Telegram
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.webhook is not None:
                raise ApiError(409, WEBHOOK_CONFLICT)
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT)
            if offset < 0:
                self._updates = self._updates[offset:]
            elif offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._updates = [u for u in self._updates if _update_kind(u) in self._allowed_updates]
            remaining = deadline - loop.time()
            if self._updates or remaining <= 0 or self._closing.is_set():
                return copy.deepcopy(self._updates[:limit])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def _send_message(self, params: JSON) -> JSON:
        chat_id = _chat_id(params)
        if chat_id in self._migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self._migrated[chat_id],
            )
        text, entities = self._check_text(params, "text")
        markup = _check_markup(params.get("reply_markup"))
        message: JSON = {
            "message_id": self._next_message_id(chat_id),
            "from": self.bot_user,
            "chat": self._chats.get(chat_id) or _default_chat(chat_id),
            "date": int(time.time()),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        reply = params.get("reply_parameters")
        reply = reply if isinstance(reply, dict) else {}
        reply_id = reply.get("message_id") or params.get("reply_to_message_id")
        if reply_id:
            replied = self._messages.get((chat_id, int(reply_id)))
            allow = reply.get("allow_sending_without_reply") or params.get(
                "allow_sending_without_reply"
            )
            if replied is not None:
                message["reply_to_message"] = copy.deepcopy(replied)
            elif not allow:
                raise bad_request("message to be replied not found")
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[chat_id, message["message_id"]] = message
        return copy.deepcopy(message)

    def _edit_message_text(self, params: JSON) -> JSON | bool:
        message = self._message_to_edit(params)
        text, entities = self._check_text(params, "text")
        markup = _inline_markup(_check_markup(params.get("reply_markup")))
        if (message.get("text"), message.get("entities", []), message.get("reply_markup")) == (
            text,
            entities,
            markup,
        ):
            raise bad_request(NOT_MODIFIED)
        message.update(text=text, entities=entities, edit_date=int(time.time()))
        return self._store_edit(message, markup)

    def _edit_message_reply_markup(self, params: JSON) -> JSON | bool:
        message = self._message_to_edit(params)
        markup = _inline_markup(_check_markup(params.get("reply_markup")))
        if message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        message["edit_date"] = int(time.time())
        return self._store_edit(message, markup)

    def _message_to_edit(self, params: JSON) -> JSON:
        inline_id = params.get("inline_message_id")
        if inline_id:
            return self._inline_messages.setdefault(str(inline_id), {"inline": True})
        if not params.get("message_id"):
            raise bad_request("message identifier is not specified")
        message = self._messages.get((_chat_id(params), _int(params, "message_id", 0)))
        if message is None:
            raise bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return message

    @staticmethod
    def _store_edit(message: JSON, markup: JSON | None) -> JSON | bool:
        if not message.get("entities"):
            message.pop("entities", None)
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        return True if message.get("inline") else copy.deepcopy(message)

    def _delete_message(self, params: JSON) -> bool:
        key = (_chat_id(params), _int(params, "message_id", 0))
        if self._messages.pop(key, None) is None:
            raise bad_request("message to delete not found")
        return True

    def _answer_callback_query(self, params: JSON) -> bool:
        query_id = self._open_query(params.get("callback_query_id"))
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        return True

    def _answer_inline_query(self, params: JSON) -> bool:
        query_id = self._open_query(params.get("inline_query_id"))
        results = params.get("results")
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            result_id = str(result.get("id") or "")
            if not result_id or len(result_id.encode()) > 64:
                raise bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            _check_markup(result.get("reply_markup"))
            if result.get("type") == "article":
                if not result.get("title"):
                    raise bad_request("can't parse InlineQueryResult: Can't find field \"title\"")
                content = result.get("input_message_content")
                if not isinstance(content, dict):
                    raise bad_request(
                        "can't parse InlineQueryResult: Can't find field \"input_message_content\""
                    )
                if "message_text" in content:
                    self._check_text(content, "message_text")
        self._open_queries.discard(query_id)
        return True

    def _open_query(self, query_id: object) -> str:
        """The id of a pushed, not yet answered, callback or inline query."""
        if str(query_id) not in self._open_queries:
            raise bad_request(QUERY_TOO_OLD)
        return str(query_id)

    def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("command description must be non-empty")
        self.commands[_commands_key(params)] = commands
        return True

    def _delete_my_commands(self, params: JSON) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    def _send_chat_action(self, params: JSON) -> bool:
        _chat_id(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # --- validation helpers ----------------------------------------------------------------

    def _check_text(self, params: JSON, key: str) -> tuple[str, list[JSON]]:
        """Validate a message text with its parse_mode; return (visible text, entities)."""
        text = params.get(key)
        if not isinstance(text, str):
            raise bad_request("message text is empty")
        parse_mode = str(params.get("parse_mode") or "")
        entities: list[JSON] = []
        if parse_mode.lower() == "html":
            try:
                text, entities = parse_html(text, strict=self.strict_html)
            except HtmlError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        elif parse_mode:
            raise bad_request(f"unsupported parse_mode {parse_mode!r} (the fake knows only HTML)")
        elif isinstance(params.get("entities"), list):
            entities = params["entities"]
        stripped = text.strip()
        if not stripped:
            raise bad_request("message text is empty")
        if utf16_len(stripped) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        shift = utf16_len(text) - utf16_len(text.lstrip())
        end = utf16_len(stripped)
        fixed = []
        for entity in entities:
            start = max(entity["offset"] - shift, 0)
            stop = min(entity["offset"] + entity["length"] - shift, end)
            if stop > start:
                fixed.append({**entity, "offset": start, "length": stop - start})
        return stripped, fixed

    def _next_message_id(self, chat_id: int | str) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]


def _check_markup(markup: object) -> JSON | None:
    """Validate a reply_markup like the Bot API; return it (None when absent)."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup  # ReplyKeyboardMarkup, ReplyKeyboardRemove or ForceReply
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for button in itertools.chain.from_iterable(rows):
        prefix = "can't parse inline keyboard button: "
        if not isinstance(button, dict):
            raise bad_request(prefix + "InlineKeyboardButton must be an Object")
        if "text" not in button:
            raise bad_request(prefix + 'Can\'t find field "text"')
        if not isinstance(button["text"], str):
            raise bad_request(prefix + 'Field "text" must be of type String')
        actions = [
            name
            for name in BUTTON_ACTIONS
            if button.get(name) is not None
            and (name not in ("url", "callback_data") or button[name])
        ]
        if not actions:
            raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
        if len(actions) > 1:
            raise bad_request(f"{prefix}a button has {actions}, it needs exactly one (fake check)")
        if "callback_data" in actions and len(str(button["callback_data"]).encode()) > 64:
            raise bad_request("BUTTON_DATA_INVALID")
        if "url" in actions and not _URL.fullmatch(str(button["url"])):
            raise bad_request(f"inline keyboard button URL '{button['url']}' is invalid")
    return markup


def _inline_markup(markup: JSON | None) -> JSON | None:
    return markup if markup is not None and "inline_keyboard" in markup else None


def _chat_id(params: JSON) -> int | str:
    chat_id = params.get("chat_id")
    if chat_id is None or chat_id == "":
        raise bad_request("chat_id is empty")
    if isinstance(chat_id, str) and not chat_id.startswith("@"):
        raise bad_request("chat not found")
    return chat_id if isinstance(chat_id, str) else int(chat_id)


def _int(params: JSON, key: str, default: int) -> int:
    value = params.get(key)
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise bad_request(f"invalid {key} specified") from None


def _commands_key(params: JSON) -> str:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)


def _update_kind(update: JSON) -> str:
    return next(key for key in update if key != "update_id")


def _default_chat(chat_id: int | str) -> JSON:
    if isinstance(chat_id, int) and chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Unknown"}
    return {"id": chat_id, "type": "supergroup", "title": "Unknown group"}


async def _read_params(request: web.Request) -> JSON:
    """Query string and body (JSON, urlencoded or multipart), with PTB's JSON values decoded."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        with contextlib.suppress(ValueError):
            body = await request.json()
            if isinstance(body, dict):
                raw.update(body)
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                raw[key] = {"filename": value.filename, "content_type": value.content_type}
            else:
                raw[key] = value
    return {key: _decode_value(key, value) for key, value in raw.items()}


def _decode_value(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value  # validation reports it in Telegram's words
    if key in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if key in _BOOL_PARAMS and value in ("true", "false"):
        return value == "true"
    return value


# --- update factories (Bot API JSON; update_id and message_id are assigned by push) ----------


def user(user_id: int = USER_ID, first_name: str = "Alice", username: str | None = None) -> JSON:
    """A Bot API User."""
    result: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        result["username"] = username
    return result


def chat(
    chat_id: int | None = None,
    chat_type: str = "private",
    *,
    user_id: int = USER_ID,
    first_name: str = "Alice",
    username: str | None = None,
) -> JSON:
    """A Bot API Chat: the user's private chat by default, else a group, supergroup or channel."""
    if chat_type == "private":
        result: JSON = {"id": chat_id or user_id, "type": "private", "first_name": first_name}
        if username:
            result["username"] = username
        return result
    default_id = {"group": -4001, "supergroup": -1001234567890}.get(chat_type, -1009876543210)
    return {"id": chat_id or default_id, "type": chat_type, "title": f"Test {chat_type}"}


def entities_for(text: str) -> list[JSON]:
    """The entities Telegram detects in a user's text: a leading bot_command and @mentions."""
    found: list[JSON] = []
    command = _COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group())})
    for mention in _MENTION.finditer(text):
        offset = utf16_len(text[: mention.start()])
        found.append({"type": "mention", "offset": offset, "length": utf16_len(mention.group())})
    return found


def _message(
    chat_id: int | None,
    user_id: int,
    chat_type: str,
    *,
    first_name: str = "Alice",
    username: str | None = None,
    reply_to: JSON | None = None,
    **content: Any,
) -> JSON:
    message: JSON = {
        "message_id": 0,
        "from": user(user_id, first_name, username),
        "chat": chat(chat_id, chat_type, user_id=user_id, first_name=first_name, username=username),
        "date": int(time.time()),
        **content,
    }
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return message


def text_message(
    text: str,
    *,
    chat_id: int | None = None,
    user_id: int = USER_ID,
    chat_type: str = "private",
    first_name: str = "Alice",
    username: str | None = None,
    reply_to: JSON | None = None,
    entities: list[JSON] | None = None,
) -> JSON:
    """A `message` update; entities default to what Telegram detects (commands, mentions)."""
    found = entities_for(text) if entities is None else entities
    content: JSON = {"text": text, **({"entities": found} if found else {})}
    message = _message(
        chat_id, user_id, chat_type, first_name=first_name, username=username, reply_to=reply_to
    )
    return {"message": {**message, **content}}


def _file(prefix: str) -> JSON:
    number = next(_ids)
    return {"file_id": f"{prefix}-file-{number}", "file_unique_id": f"{prefix}{number}"}


def sticker_message(
    *, chat_id: int | None = None, user_id: int = USER_ID, chat_type: str = "private"
) -> JSON:
    """A `message` update carrying a sticker."""
    sticker = {
        **_file("sticker"), "type": "regular", "width": 512, "height": 512,
        "is_animated": False, "is_video": False, "emoji": "👍",
    }  # fmt: skip
    return {"message": _message(chat_id, user_id, chat_type, sticker=sticker)}


def photo_message(
    caption: str | None = None,
    *,
    chat_id: int | None = None,
    user_id: int = USER_ID,
    chat_type: str = "private",
) -> JSON:
    """A `message` update carrying a photo (two sizes), with an optional caption.

    Like Telegram, the caption's commands and mentions are given as `caption_entities`.
    """
    photo = [{**_file("photo"), "width": w, "height": w, "file_size": w * 40} for w in (90, 800)]
    content: JSON = {"photo": photo, **({"caption": caption} if caption else {})}
    found = entities_for(caption) if caption else []
    if found:
        content["caption_entities"] = found
    return {"message": _message(chat_id, user_id, chat_type, **content)}


def voice_message(
    *,
    duration: int = 3,
    chat_id: int | None = None,
    user_id: int = USER_ID,
    chat_type: str = "private",
) -> JSON:
    """A `message` update carrying a voice note."""
    voice = {**_file("voice"), "duration": duration, "mime_type": "audio/ogg"}
    return {"message": _message(chat_id, user_id, chat_type, voice=voice)}


def location_message(
    latitude: float = 48.8566,
    longitude: float = 2.3522,
    *,
    chat_id: int | None = None,
    user_id: int = USER_ID,
    chat_type: str = "private",
) -> JSON:
    """A `message` update carrying a location."""
    location = {"latitude": latitude, "longitude": longitude}
    return {"message": _message(chat_id, user_id, chat_type, location=location)}


def edited_message(
    text: str,
    *,
    message_id: int = 1,
    chat_id: int | None = None,
    user_id: int = USER_ID,
    chat_type: str = "private",
) -> JSON:
    """An `edited_message` update: the user edited their message `message_id`."""
    update = text_message(text, chat_id=chat_id, user_id=user_id, chat_type=chat_type)
    message = update["message"]
    message.update(message_id=message_id, edit_date=message["date"])
    return {"edited_message": message}


def channel_post(text: str, *, chat_id: int = -1009876543210, title: str = "Test channel") -> JSON:
    """A `channel_post` update (no sender user, as in channels)."""
    channel = {"id": chat_id, "type": "channel", "title": title}
    post: JSON = {"message_id": 0, "sender_chat": channel, "chat": channel, "text": text}
    post["date"] = int(time.time())
    return {"channel_post": post}


def callback_query(
    data: str,
    *,
    message: JSON | None = None,
    user_id: int = USER_ID,
    inline_message_id: str | None = None,
) -> JSON:
    """A `callback_query` update: the user pressed a button of `message` (one the bot sent).

    For a button of a message sent in inline mode, pass `inline_message_id` instead.
    """
    query: JSON = {"id": str(4_000_000_000 + next(_ids)), "from": user(user_id), "data": data}
    if message is not None:
        query.update(chat_instance=f"instance-{message['chat']['id']}", message=message)
    else:
        assert inline_message_id, "callback_query needs a message or an inline_message_id"
        query.update(chat_instance="instance-inline", inline_message_id=inline_message_id)
    return {"callback_query": query}


def inline_query(query: str, *, user_id: int = USER_ID, offset: str = "") -> JSON:
    """An `inline_query` update: the user typed "@faq_test_bot <query>" in some chat."""
    body = {
        "id": str(5_000_000_000 + next(_ids)),
        "from": user(user_id),
        "query": query,
        "offset": offset,
        "chat_type": "sender",
    }
    return {"inline_query": body}


def chosen_inline_result(result_id: str, *, query: str = "", user_id: int = USER_ID) -> JSON:
    """A `chosen_inline_result` update: the user picked result `result_id` of an inline query."""
    body = {
        "result_id": result_id,
        "from": user(user_id),
        "query": query,
        "inline_message_id": f"inline-{next(_ids)}",
    }
    return {"chosen_inline_result": body}


# --- pytest fixtures ---------------------------------------------------------------------


# In a conftest: `from fake_bot_api import fake_api_fixture, fake_bot_fixture` (with a noqa
# for F401), then request them in tests as `fake_api` and `fake_bot`.


@pytest_asyncio.fixture(name="fake_api")
async def fake_api_fixture() -> AsyncIterator[FakeBotAPI]:
    """A running FakeBotAPI (token TOKEN), stopped after the test."""
    async with FakeBotAPI() as api:
        yield api


@pytest_asyncio.fixture(name="fake_bot")
async def fake_bot_fixture(fake_api: FakeBotAPI) -> AsyncIterator[Bot]:
    """An initialised `telegram.Bot` talking to `fake_api`."""
    async with fake_api.bot() as bot:
        yield bot
