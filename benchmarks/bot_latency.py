"""Question latency through the real app over HTTP (expectReplies), and the part that is not search.

Usage: python benchmarks/bot_latency.py [--questions N]
Builds (or reuses) the index in SPARRING_DATA_DIR, serves the app on a loopback port, asks
questions, and prints p50/p95 of the HTTP round trip, of search alone and of one query embedding,
measured side by side (each question: round trip, then search, then embedding), with the ratios
search / embedding and round trip / search. A declined question also embeds the question for
routing (theme-group suggestions): declined questions are shown on their own line as well.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import ClientSession  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402

from bot.app import SERVICES, create_app  # noqa: E402
from bot.config import load_config  # noqa: E402

QUESTIONS = [
    "Hvordan finansierer andre kommuner deres innovationspuljer?",
    "Hvem skal være gevinstansvarlig på tværgående projekter?",
    "Hvad er fordelene ved et fælles it-driftssamarbejde?",
    "How do municipalities organise their IT department?",
    "Hvad er RISO?",
    "Hvordan sikrer man styring af digitale projekter i fagområderne?",
    "Skal vi have en digitaliseringsstrategi eller principper?",
    "Hvad er opskriften på æblekage?",
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


async def main(n: int) -> None:
    import os
    # Memory state, so the benchmark never touches real conversations; the index is the real one.
    config = load_config(dict(os.environ, SPARRING_RATE_LIMIT="100000", SPARRING_STATE_STORE="memory"))
    app = create_app(config, retention=False)
    services = app[SERVICES]
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("/api/messages"))
    http_times, search_times, embed_times, declined = [], [], [], []
    async with ClientSession() as session:
        for i in range(n + len(QUESTIONS)):
            question = QUESTIONS[i % len(QUESTIONS)]
            body = {"type": "message", "text": question, "channelId": "msteams", "deliveryMode": "expectReplies",
                    "serviceUrl": "http://127.0.0.1:9/", "from": {"id": f"u{i}", "name": "Bench"},
                    "recipient": {"id": "bot"}, "conversation": {"id": f"bench-{i}"}}
            started = time.perf_counter()
            async with session.post(url, json=body) as response:
                await response.read()
                assert response.status == 200, response.status
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            services.index.search(question, 5)
            search = time.perf_counter() - started
            started = time.perf_counter()
            services.index.embedder.embed_queries([question])
            embed = time.perf_counter() - started
            if i >= len(QUESTIONS):  # the first round is warm-up
                http_times.append(elapsed)
                search_times.append(search)
                embed_times.append(embed)
                declined.append(not services.assistant.answerer.ask(question).answered)
    await server.close()
    from bot.model import Turn
    handle_times, handle_search = [], []
    for i in range(n):
        question = QUESTIONS[i % len(QUESTIONS)]
        started = time.perf_counter()
        await services.assistant.handle(Turn(question, f"direct-{i}", "bench"))
        handle_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        services.index.search(question, 5)
        handle_search.append(time.perf_counter() - started)
    assistant_overhead = [h - s for h, s in zip(handle_times, handle_search)]
    overhead = [h - s for h, s in zip(http_times, search_times)]
    print(f"questions over HTTP (expectReplies), n={len(http_times)}")
    print(f"  round trip:  p50 {pct(http_times, .5):.1f} ms  p95 {pct(http_times, .95):.1f} ms")
    print(f"  search alone: p50 {pct(search_times, .5):.1f} ms  p95 {pct(search_times, .95):.1f} ms")
    print(f"  one query embedding: p50 {pct(embed_times, .5):.1f} ms  p95 {pct(embed_times, .95):.1f} ms")
    print(f"  ratios (p50): search / embedding {pct(search_times, .5) / pct(embed_times, .5):.2f}   "
          f"round trip / search {pct(http_times, .5) / pct(search_times, .5):.2f}")
    print(f"  round trip p95 - search p95: {pct(http_times, .95) - pct(search_times, .95):+.1f} ms (goal <= +10)")
    answered = [h for h, d in zip(http_times, declined) if not d]
    answered_search = [s for s, d in zip(search_times, declined) if not d]
    declined_http = [h for h, d in zip(http_times, declined) if d]
    if answered and declined_http:
        print(f"  answered only: round trip p95 {pct(answered, .95):.1f} ms, search p95 {pct(answered_search, .95):.1f} ms;"
              f"  declined ({len(declined_http)}, + one routing embedding): round trip p50 {pct(declined_http, .5):.1f} ms")
    print(f"  not search (bot + HTTP + Bot Framework): p50 {statistics.median(overhead) * 1000:.1f} ms  "
          f"p95 {pct(overhead, .95):.1f} ms")
    print(f"  the assistant alone (Turn in, Replies out) minus search: p50 {statistics.median(assistant_overhead) * 1000:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=80)
    asyncio.run(main(parser.parse_args().questions))
