"""Load test on loopback: N concurrent conversations x M turns of questions, routing and dialogue answers.

Usage: python benchmarks/load.py [--conversations 50] [--turns 10] [--max-seconds 300] [--url URL]
Without --url it starts `python -m bot serve` on a free loopback port (SPARRING_DATA_DIR from the
environment, or a temporary copy) and stops it afterwards. Bounded in count and time; talks to
127.0.0.1 only. Prints throughput, latency p50/p95/p99, errors, and answers recorded vs sent.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["Hvordan finansierer kommunerne innovation?", "Hvad er RISO?", "Hvem skal være gevinstansvarlig?",
             "Hvordan styrer Herning de digitale projekter?", "Hvad er fordelene ved en forening?",
             "How do municipalities fund digital innovation?"]
NEEDS = ["hvem kan hjælpe med en databehandleraftale", "hvem kan hjælpe med indkøb af et nyt fagsystem",
         "hvem kan hjælpe med velfærdsteknologi på plejecentret"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _activity(conversation: str, user: str, text: str) -> dict:
    return {"type": "message", "text": text, "channelId": "msteams", "deliveryMode": "expectReplies",
            "serviceUrl": "http://127.0.0.1:9/", "from": {"id": user, "name": user.title()},
            "recipient": {"id": "28:bot"}, "conversation": {"id": conversation, "conversationType": "groupChat"}}


async def conversation(session: ClientSession, url: str, number: int, turns: int, latencies: list[float],
                       errors: list[str], deadline: float) -> tuple[int, int]:
    """Returns (answers sent, answers recorded according to the bot's status)."""
    rng = random.Random(number)
    conv = f"load-{number}-{int(time.time())}"

    async def say(user: str, text: str) -> list[dict]:
        started = time.perf_counter()
        try:
            async with session.post(url, json=_activity(conv, user, text)) as response:
                body = await response.json(content_type=None)
                latencies.append(time.perf_counter() - started)
                if response.status != 200:
                    errors.append(f"HTTP {response.status}")
                    return []
                return body.get("activities", [])
        except Exception as exc:  # count, do not crash the run
            errors.append(type(exc).__name__)
            return []

    await say("facilitator", "dialog 1")
    sent = 0
    for turn in range(turns):
        if time.monotonic() > deadline:
            break
        kind = rng.random()
        if kind < 0.5:
            user = rng.choice(["facilitator", "deltager-a", "deltager-b"])
            replies = await say(user, f"Svar {turn} fra {user}: vi prioriterer drift og udvikling")
            if any("svar er noteret" in (a.get("text") or "") for a in replies):
                sent += 1
            else:
                errors.append("answer not acknowledged")
        elif kind < 0.8:
            await say("deltager-a", "spørg " + rng.choice(QUESTIONS))
        else:
            await say("deltager-b", rng.choice(NEEDS))
    replies = await say("facilitator", "status")
    recorded = 0
    for reply in replies:
        data = reply.get("text") or ""
        if "svar i alt" in data:
            recorded = int(data.split("svar i alt")[0].rsplit(";", 1)[-1].strip().split()[0])
    await say("facilitator", "afslut")
    return sent, recorded


async def run(url: str, conversations: int, turns: int, max_seconds: float) -> int:
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + max_seconds
    started = time.perf_counter()
    async with ClientSession(timeout=ClientTimeout(total=60)) as session:
        results = await asyncio.gather(*(conversation(session, url, i, turns, latencies, errors, deadline)
                                         for i in range(conversations)))
    elapsed = time.perf_counter() - started
    sent = sum(s for s, _ in results)
    recorded = sum(r for _, r in results)
    ordered = sorted(latencies) or [0.0]
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))] * 1000  # noqa: E731
    print(f"conversations={conversations} turns/conversation={turns} requests={len(latencies)} in {elapsed:.1f} s")
    print(f"throughput {len(latencies) / elapsed:.1f} req/s; latency p50 {pick(.5):.0f} ms, p95 {pick(.95):.0f} ms, "
          f"p99 {pick(.99):.0f} ms")
    print(f"errors {len(errors)}" + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    print(f"dialogue answers sent {sent}, recorded {recorded}, lost {sent - recorded}")
    return 0 if not errors and sent == recorded else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--url", help="an already running bot's /api/messages on loopback")
    args = parser.parse_args()
    if args.url:
        if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
            print("refusing: load tests only target loopback", file=sys.stderr)
            return 2
        return asyncio.run(run(args.url, args.conversations, args.turns, args.max_seconds))
    port = _free_port()
    env = dict(os.environ, SPARRING_RATE_LIMIT="100000")
    server = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        import urllib.request
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        return asyncio.run(run(f"http://127.0.0.1:{port}/api/messages", args.conversations, args.turns, args.max_seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
