"""Benchmark of the Telegram bot (a script, not a test): `python bench/bench_telegram.py`.

It starts the fake Bot API server (tests/fake_bot_api.py) and the real Application,
long-polling it over HTTP on 127.0.0.1, pushes a burst of 1,000 questions from 100 users
(10 each, taken from knowledge/devset.yaml, so answers, suggestions and "unknown" replies mix
as in real use) and measures, for each question, the time from the burst to its reply.
It does so twice:

- rate limiter off: the pipeline's capacity (polling, matching, reply composition, HTTP).
  Target: at least 200 replies/s on 2 cores.
- rate limiter on (as in production): every question must still be answered, and the
  sending rate must stay within Telegram's ~30 messages/s overall. AIORateLimiter is a
  leaky bucket of 30 per second that starts empty, so the first second may show up to
  ~60; the average rate and the busiest one-second window after the first are printed.

A third, short run has 26 people mention the bot at once in one group: AIORateLimiter
lets 20 replies go at once, then one every 3 s (a leaky bucket of 20 per minute, so a
burst may exceed "20 in any minute" once; Telegram then answers 429, which is waited out).

The fake server runs in a child process by default, as Telegram is not on the bot's CPU;
`--in-process` puts it in the bot's event loop instead (a pessimistic figure: its HTML
parsing and JSON work then count against the bot). Nothing is asserted on time; it
prints the figures, in about a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import statistics
import sys
import time
from collections.abc import AsyncIterator, Sequence
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

from bot.config import Config  # noqa: E402
from bot.knowledge import KnowledgeBase, load_knowledge  # noqa: E402
from bot.telegram_app import build_application, running  # noqa: E402

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
        )
        app = build_application(config, kb=kb)
        async with running(app, poll_interval=0, poll_timeout=1):
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


async def group_burst(kb: KnowledgeBase, pool: Sequence[str], *, count: int) -> list[float]:
    """`count` people mention the bot at once in one group (rate limiter on): send times."""
    group = -1001234567890
    updates = [
        text_message(
            f"@{BOT_USERNAME} {pool[i % len(pool)]}",
            chat_type="supergroup",
            chat_id=group,
            user_id=FIRST_USER + i,
        )
        for i in range(count)
    ]
    async with fake_server(in_process=True) as server:
        config = Config(token=server.token, base_url=server.base_url, log_database=None)
        app = build_application(config, kb=kb)
        async with running(app, poll_interval=0, poll_timeout=1):
            start = time.monotonic()
            await server.push(updates)
            sends = await wait_sends(server, count)
    return sorted(t - start for chat, t, status in sends if status == 200 and chat == group)


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
        "--group", type=int, default=26, metavar="N", help="mentions in one group (0: skip)"
    )
    args = parser.parse_args()
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
    if args.group:
        times = asyncio.run(group_burst(kb, pool, count=args.group))
        print(f"\n{args.group} mentions at once in one group (Telegram: ~20 messages/minute)")
        print(f"  answered          {len(times)} in {times[-1]:.1f} s")
        print(f"  sent in 1st s     {sum(1 for t in times if t < 1)}")
        gaps = [b - a for a, b in itertools.pairwise(times[20:])] or [0.0]
        print(f"  then one every    {statistics.median(gaps):.1f} s (median gap)")


if __name__ == "__main__":
    main()
