"""Benchmark of the Telegram bot (a script, not a test): `python bench/bench_telegram.py`.

It starts the fake Bot API server (tests/fake_bot_api.py) and the real Application,
long-polling it over HTTP on 127.0.0.1, pushes a burst of 1,000 questions from 100 users
(10 each, taken from knowledge/devset.yaml, so answers, suggestions and "unknown" replies mix
as in real use) and measures, for each question, the time from the burst to its reply.
It does so twice:

- rate limiter off: the pipeline's capacity (polling, the durable queue, matching, reply
  composition, HTTP). Target: at least 200 replies/s on 2 cores.
- rate limiter on (as in production): every question must still be answered, and the
  sending rate must stay within Telegram's 30 messages/s overall from the first second
  (bot.telegram.sending's limits are sliding windows of the real send times: no initial burst).

Then the scenarios of issue 11 (`--scenarios`, all by default):

- `fair`: 80 people mention the bot in one group and 20 ask in private, at once. Prints
  the private answers' latency (target: all within 10 s), the group's messages in its
  first and second minute (at most 20 each) and the busiest second overall (at most 30).
  It runs 62 s, to see the group's second minute start.
- `outage`: 30 s of 500s then 20 s of 429s on sendMessage, ten people asking meanwhile:
  how many get their real answer after recovery, how many twice, how long after.
- `stop`: the real `faqbot run` process: 300 questions from 30 people, SIGTERM 2 s later
  (SIGKILL 5 s after that if still running), 30 more questions while down, restart.
  Prints how long the stop took and how many of the 330 were answered once, twice, never.
  Then the same with SIGKILL straight away (a message in flight may then go out twice).

The fake server runs in a child process by default, as Telegram is not on the bot's CPU;
`--in-process` puts it in the bot's event loop instead (a pessimistic figure: its HTML
parsing and JSON work then count against the bot); the scenarios run it in process.
Nothing is asserted on time; it prints the figures, in about five minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

import httpx
import yaml
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_bot_api import BOT_USERNAME, JSON, Call, FakeBotAPI, text_message  # noqa: E402

from bot.knowledge.base import KnowledgeBase, load_knowledge  # noqa: E402
from bot.knowledge.config import Config  # noqa: E402
from bot.telegram.app import build_application, running  # noqa: E402

FIRST_USER = 10_000
Send = tuple[int, float, int]
"""A sendMessage call: chat id, time.monotonic() when answered, HTTP status."""


class TimedFakeBotAPI(FakeBotAPI):
    """The fake server, also noting when it answered each call (it keeps no timestamps)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def _record(self, call: Call) -> None:
        self.times.append(time.monotonic())
        super()._record(call)

    def sends(self, since: int = 0) -> tuple[int, list[Send]]:
        """The sendMessage calls from call number `since` on, and the next call number."""
        end = len(self.calls)
        new = [
            (int(call.params.get("chat_id", 0)), t, call.status)
            for call, t in zip(self.calls[since:end], self.times[since:end], strict=True)
            if call.method == "sendMessage"
        ]
        return end, new


class Server(Protocol):
    """What the benchmark needs from the fake server, wherever it runs."""

    token: str
    base_url: str

    async def push(self, updates: list[JSON]) -> None: ...
    async def sends(self, since: int) -> tuple[int, list[Send]]: ...


class InProcess:
    """The fake server in this event loop."""

    def __init__(self, api: TimedFakeBotAPI) -> None:
        self.api, self.token, self.base_url = api, api.token, api.base_url

    async def push(self, updates: list[JSON]) -> None:
        for update in updates:
            self.api.push(update)

    async def sends(self, since: int) -> tuple[int, list[Send]]:
        return self.api.sends(since)


def _child(conn: Connection) -> None:
    """Child process: the fake server, plus a small control server to push and read."""

    async def serve() -> None:
        api = TimedFakeBotAPI()
        async with api:
            done = asyncio.Event()

            async def push(request: web.Request) -> web.Response:
                for update in await request.json():
                    api.push(update)
                return web.json_response(True)

            async def sends(request: web.Request) -> web.Response:
                return web.json_response(api.sends(int(request.query["since"])))

            async def stop(request: web.Request) -> web.Response:
                done.set()
                return web.json_response(True)

            control = web.Application(client_max_size=64 * 1024 * 1024)
            control.router.add_post("/push", push)
            control.router.add_get("/sends", sends)
            control.router.add_post("/stop", stop)
            runner = web.AppRunner(control, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            port = runner.addresses[0][1]
            conn.send((api.token, api.base_url, f"http://127.0.0.1:{port}"))
            await done.wait()
            await runner.cleanup()

    asyncio.run(serve())


class Subprocess:
    """The fake server in a child process, driven over a control HTTP server."""

    def __init__(self, token: str, base_url: str, client: httpx.AsyncClient) -> None:
        self.token, self.base_url, self.client = token, base_url, client

    async def push(self, updates: list[JSON]) -> None:
        (await self.client.post("/push", content=json.dumps(updates))).raise_for_status()

    async def sends(self, since: int) -> tuple[int, list[Send]]:
        end, new = (await self.client.get("/sends", params={"since": since})).json()
        return int(end), [(int(c), float(t), int(s)) for c, t, s in new]


@asynccontextmanager
async def fake_server(in_process: bool) -> AsyncIterator[Server]:
    """A fresh fake Bot API server, here or in a child process."""
    if in_process:
        api = TimedFakeBotAPI()
        async with api:
            yield InProcess(api)
        return
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_child, args=(child,))
    process.start()
    token, base_url, control = await asyncio.to_thread(parent.recv)
    async with httpx.AsyncClient(base_url=control, trust_env=False, timeout=30) as client:
        try:
            yield Subprocess(token, base_url, client)
        finally:
            await client.post("/stop")
            await asyncio.to_thread(process.join, 10)


async def wait_sends(server: Server, count: int, timeout: float = 300) -> list[Send]:  # noqa: ASYNC109
    """Poll until `count` messages were sent successfully; return every send attempt."""
    deadline = time.monotonic() + timeout
    since, sends, ok = 0, [], 0
    while True:
        since, new = await server.sends(since)
        sends += new
        ok += sum(1 for *_, status in new if status == 200)
        if ok >= count:
            return sends
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {ok} of {count} messages sent")
        await asyncio.sleep(0.02)


@dataclass(frozen=True)
class Result:
    """The figures of one burst."""

    replies: int
    seconds: float
    latencies: list[float]
    busiest_second: int
    busiest_after_first: int
    failed_calls: int
    cpu_seconds: float
    """CPU time of this process (the bot, and the fake server with --in-process)."""

    @property
    def rate(self) -> float:
        return self.replies / self.seconds


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of some values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def busiest_window(times: Sequence[float], start: float, width: float = 1.0) -> int:
    """The most sends in any `width`-second window beginning at or after `start`."""
    ordered = sorted(t for t in times if t >= start)
    best, low = 0, 0
    for high, t in enumerate(ordered):
        while ordered[low] < t - width:
            low += 1
        best = max(best, high - low + 1)
    return best


def questions() -> list[str]:
    """Realistic questions: the development set's answerable and unanswerable ones."""
    data = yaml.safe_load((ROOT / "knowledge" / "devset.yaml").read_text(encoding="utf-8"))
    return [item["q"] for item in data["answerable"]] + list(data["unanswerable"])


async def burst(
    kb: KnowledgeBase,
    pool: Sequence[str],
    *,
    rate_limiter: bool,
    users: int,
    each: int,
    in_process: bool,
) -> Result:
    """Push users x each questions at once; time every reply."""
    total = users * each
    # Round robin, so that every poll brings many users' questions.
    updates = [
        text_message(pool[(k * users + u) % len(pool)], user_id=FIRST_USER + u)
        for k in range(each)
        for u in range(users)
    ]
    async with fake_server(in_process) as server:
        config = Config(
            token=server.token,
            base_url=server.base_url,
            rate_limiter=rate_limiter,
            log_database=None,
            state_dir=Path(tempfile.mkdtemp(prefix="faqbot-bench-")),
        )
        app = build_application(config, kb=kb)
        async with running(app):
            await server.push([text_message("/start", user_id=FIRST_USER - 1)])  # warm-up
            warm = len(await wait_sends(server, 1))
            start = time.monotonic()
            cpu = time.process_time()
            await server.push(updates)
            sends = (await wait_sends(server, total + 1))[warm:]
            cpu = time.process_time() - cpu
    ok = [(chat, t) for chat, t, status in sends if status == 200]
    by_user: dict[int, list[float]] = {}
    for chat, t in ok:
        by_user.setdefault(chat, []).append(t)
    assert sorted(by_user) == [FIRST_USER + u for u in range(users)], "a user got no reply"
    assert all(len(v) == each for v in by_user.values()), "a user got too few or too many"
    # One user's updates are handled in order, so their k-th reply answers their k-th question.
    latencies = [t - start for times in by_user.values() for t in times]
    send_times = [t for _, t in ok]
    return Result(
        replies=len(ok),
        seconds=max(send_times) - start,
        latencies=latencies,
        busiest_second=busiest_window(send_times, start),
        busiest_after_first=busiest_window(send_times, start + 1.0),
        failed_calls=len(sends) - len(ok),
        cpu_seconds=cpu,
    )


GROUP = -1001234567890


def numbered(n: int) -> str:
    """A question the FAQ does not answer; the reply quotes it, so its number identifies it."""
    return f"Quelle est la recette numéro {n} de la tarte tatin ?"


def count_answers(api: FakeBotAPI, numbers: Sequence[int]) -> Counter[int]:
    """How many delivered messages quote each numbered question."""
    marks = {f"recette numéro {n} de la": n for n in numbers}
    found: Counter[int] = Counter()
    for message in api.sent():
        text = message["text"]
        start = text.find("recette numéro ")
        if start >= 0:
            key = text[start : text.find(" de la", start) + len(" de la")]
            if key in marks:
                found[marks[key]] += 1
    return found


async def until(condition: Callable[[], bool], timeout: float) -> None:  # noqa: ASYNC109
    """Poll `condition` (the fake server's records have no event for it) until true."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.1)


def temp_config(api: FakeBotAPI) -> Config:
    return Config(
        token=api.token,
        base_url=api.base_url,
        log_database=None,
        reload_interval=0,
        state_dir=Path(tempfile.mkdtemp(prefix="faqbot-bench-")),
    )


async def fair(kb: KnowledgeBase) -> None:
    """80 group askers and 20 private askers at once, real limits, for 62 s."""
    async with FakeBotAPI() as api:
        app = build_application(temp_config(api), kb=kb, poll_timeout=1)
        async with running(app):
            start = time.monotonic()
            for i in range(80):
                api.push(
                    text_message(
                        f"@{BOT_USERNAME} {numbered(i)}",
                        chat_type="supergroup",
                        chat_id=GROUP,
                        user_id=FIRST_USER + i,
                    )
                )
            for i in range(20):
                api.push(text_message(numbered(100 + i), user_id=FIRST_USER + 100 + i))
            await asyncio.sleep(62)
        ok = [c for c in api.calls if c.method == "sendMessage" and c.status == 200]
    private = sorted(c.time - start for c in ok if int(c.params["chat_id"]) > 0)
    group = sorted(c.time - start for c in ok if int(c.params["chat_id"]) == GROUP)
    print("\nfair: 80 askers in one group + 20 in private, at once (real limits)")
    print(
        f"  private answered  {len(private)} of 20; latency max {max(private):.2f} s, "
        f"median {statistics.median(private):.2f} s (target: all within 10 s)"
    )
    print(
        f"  group, 1st minute {sum(1 for t in group if t < 60)} messages; "
        f"busiest 60 s window {busiest_window(group, 0, 60.0)} (Telegram: 20)"
    )
    print(
        f"  group, first message of its 2nd minute at {group[20]:.1f} s"
        if len(group) > 20
        else "  group: no 21st message within 62 s"
    )
    times = [c.time for c in ok]
    print(f"  busiest second    {busiest_window(times, 0)} sends overall (Telegram: 30)")


async def outage(kb: KnowledgeBase) -> None:
    """30 s of 500s then 20 s of 429s on sendMessage; ten people ask meanwhile."""
    async with FakeBotAPI() as api:
        app = build_application(temp_config(api), kb=kb, poll_timeout=1)
        async with running(app):
            start = time.monotonic()
            api.fail_for("sendMessage", 30, 500)
            api.fail_for("sendMessage", 20, 429, retry_after=1)
            for i in range(10):
                api.push(text_message(numbered(i), user_id=FIRST_USER + i))
                await asyncio.sleep(4.5)  # spread over the 500s and the 429s
            await until(lambda: len(count_answers(api, range(10))) == 10, 180)
            found = count_answers(api, range(10))
    ok = [c.time - start for c in api.calls if c.method == "sendMessage" and c.status == 200]
    failed = Counter(c.status for c in api.calls if c.method == "sendMessage" and c.status != 200)
    print("\noutage: 30 s of 500s, then 20 s of 429s on sendMessage; 10 questions meanwhile")
    print(f"  answered          {len(found)} of 10, twice: {sum(v > 1 for v in found.values())}")
    print(f"  failed attempts   {dict(failed)}")
    print(f"  last answer       {max(ok) - 50:.1f} s after Telegram recovered (at 50 s)")


async def _faqbot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def _started(api: FakeBotAPI, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    before = sum(1 for c in api.calls if c.method == "setMyCommands")
    process = await _faqbot(env, cwd)
    await api.wait_for("setMyCommands", count=before + 2, timeout=60)
    return process


async def stop(kb: KnowledgeBase, *, term: bool) -> None:
    """300 questions, SIGTERM (or SIGKILL) 2 s later, 30 more while down, restart."""
    folder = Path(tempfile.mkdtemp(prefix="faqbot-bench-"))
    async with FakeBotAPI() as api:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(
            PYTHONPATH=str(ROOT), TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url,
            FAQBOT_KNOWLEDGE=str(kb.path), FAQBOT_LOG_DB=str(folder / "log.sqlite3"),
            STATE_DIRECTORY=str(folder / "state"),
        )  # fmt: skip
        process = await _started(api, env, folder)
        for n in range(300):
            api.push(text_message(numbered(n), user_id=FIRST_USER + n % 30))
        await asyncio.sleep(2)
        stopping = time.monotonic()
        if term:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                process.kill()
        else:
            process.kill()
        await process.wait()
        stop_seconds = time.monotonic() - stopping
        before = len(count_answers(api, range(300)))
        for n in range(300, 330):
            api.push(text_message(numbered(n), user_id=FIRST_USER + n % 30))
        restart = time.monotonic()
        process = await _started(api, env, folder)
        await until(lambda: len(count_answers(api, range(330))) == 330, 120)
        done = time.monotonic() - restart
        process.send_signal(signal.SIGINT)
        await process.wait()
        found = count_answers(api, range(330))
    how = "SIGTERM" if term else "SIGKILL"
    print(f"\nstop: 300 questions from 30 people, {how} after 2 s, 30 more while down, restart")
    if term:
        print(f"  SIGTERM to exit   {stop_seconds:.2f} s (exit status {process.returncode})")
    print(f"  answered before   {before} of 300")
    print(
        f"  after restart     {len(found)} of 330 answered, "
        f"{sum(1 for v in found.values() if v == 1)} exactly once, "
        f"{sum(v - 1 for v in found.values())} duplicate(s), in {done:.1f} s"
    )


def report(title: str, result: Result) -> None:
    print(f"\n{title}")
    print(f"  replies           {result.replies} in {result.seconds:.2f} s")
    print(f"  replies/s         {result.rate:.0f}")
    print(f"  bot CPU per reply {result.cpu_seconds / result.replies * 1000:.2f} ms")
    print(
        f"  reply latency     p50 {percentile(result.latencies, 50) * 1000:.0f} ms, "
        f"p95 {percentile(result.latencies, 95) * 1000:.0f} ms, "
        f"max {max(result.latencies) * 1000:.0f} ms"
    )
    print(
        f"  busiest second    {result.busiest_second} sends "
        f"(after the first second: {result.busiest_after_first})"
    )
    print(f"  failed sends      {result.failed_calls}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--each", type=int, default=10, help="questions per user")
    parser.add_argument("--skip-limited", action="store_true", help="only the capacity run")
    parser.add_argument("--in-process", action="store_true", help="fake server in this process")
    parser.add_argument("--knowledge", metavar="PATH", help="FAQ folder (default: the bundled one)")
    parser.add_argument(
        "--scenarios",
        default="fair,outage,stop",
        help="issue 11's scenarios to run, comma-separated (fair, outage, stop; '' for none)",
    )
    args = parser.parse_args()
    # A bot killed mid-request makes the fake server log a traceback: noise here.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    kb = load_knowledge(args.knowledge)
    pool = questions()
    total = args.users * args.each
    where = "in this process" if args.in_process else "in a child process"
    print(f"{total} questions from {args.users} users; {len(kb.entries)} FAQ entries")
    print(f"fake Bot API server {where}")
    options: dict[str, Any] = {
        "users": args.users,
        "each": args.each,
        "in_process": args.in_process,
    }
    capacity = asyncio.run(burst(kb, pool, rate_limiter=False, **options))
    report("rate limiter off (capacity; target >= 200 replies/s)", capacity)
    if not args.skip_limited:
        limited = asyncio.run(burst(kb, pool, rate_limiter=True, **options))
        report("rate limiter on (Telegram: ~30 messages/s overall)", limited)
        print(f"  average rate      {limited.rate:.1f} messages/s; all {total} answered")
    scenarios = set(args.scenarios.split(",")) if args.scenarios else set()
    if "fair" in scenarios:
        asyncio.run(fair(kb))
    if "outage" in scenarios:
        asyncio.run(outage(kb))
    if "stop" in scenarios:
        asyncio.run(stop(kb, term=True))
        asyncio.run(stop(kb, term=False))


if __name__ == "__main__":
    main()
