"""Benchmark: search latency, build times and resident memory, printed as figures."""
from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from .embedders import make_embedder
from .search import HybridIndex
from .settings import IndexSettings
from .store import build_index

_SAMPLE_QUERIES = [
    "Hvordan finansierer kommunerne deres innovationspuljer?",
    "hvem skal vaere gevinstansvarlig paa tvaergaaende projekter",
    "Hvad er fordelene ved et fælles it-driftssamarbejde mellem kommuner?",
    "How do municipalities organise their IT department?",
    "digitaliseringsstrategi eller principper",
    "Hvordan sikrer man styring af digitale projekter i fagområderne?",
    "risici ved gevinstrealisering",
    "soroe ringsted samarbejde",
]

_MEMORY_PROBE = """
import json, resource, sys
from index.embedders import make_embedder
from index.search import HybridIndex
from pathlib import Path
index = HybridIndex.load(Path(sys.argv[1]), make_embedder(sys.argv[2]))
index.search("Hvordan finansierer kommunerne innovation?", 5)
print(json.dumps({"max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "torch_imported": "torch" in sys.modules}))
"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_bench(settings: IndexSettings, n_queries: int = 200) -> int:
    embedder = make_embedder(settings.embedder)
    print(f"embedder: {embedder.id}")

    with tempfile.TemporaryDirectory(prefix="sparring-bench-") as tmp:
        bench_settings = replace(settings, data_dir=Path(tmp))
        started = time.perf_counter()
        full = build_index(bench_settings.documents_dir, bench_settings.index_dir, embedder, force=True)
        print(f"full build (empty cache): {time.perf_counter() - started:.1f} s for {full.chunks} chunks")
        unchanged = build_index(bench_settings.documents_dir, bench_settings.index_dir, embedder)
        print(f"unchanged rebuild: {unchanged.seconds:.2f} s (up to date: {unchanged.up_to_date})")
        shutil.rmtree(bench_settings.index_dir)
        cached = build_index(bench_settings.documents_dir, bench_settings.index_dir, embedder)
        print(f"rebuild from embedding cache (index dir deleted): {cached.seconds:.2f} s")

        index = HybridIndex.load(bench_settings.index_dir, embedder)
        queries = [_SAMPLE_QUERIES[i % len(_SAMPLE_QUERIES)] + ("" if i < len(_SAMPLE_QUERIES) else f" {i}")
                   for i in range(n_queries)]
        for q in _SAMPLE_QUERIES:  # warm-up
            index.search(q, 5)
        embed_times, search_times = [], []
        for q in queries:
            t0 = time.perf_counter()
            embedder.embed_queries([q])
            embed_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            index.search(q, 5)
            search_times.append(time.perf_counter() - t0)
        ms = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731
        print(f"query embedding alone: p50 {ms(statistics.median(embed_times))}, p95 {ms(_percentile(embed_times, 0.95))}")
        print(f"search (k=5, {n_queries} queries): p50 {ms(statistics.median(search_times))}, "
              f"p95 {ms(_percentile(search_times, 0.95))}, "
              f"p95 / embedding p95 = {_percentile(search_times, 0.95) / _percentile(embed_times, 0.95):.2f}x")

        probe = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(bench_settings.index_dir), embedder.id],
                               capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
        if probe.returncode == 0:
            figures = json.loads(probe.stdout.strip().splitlines()[-1])
            print(f"resident memory of a process holding the index: {figures['max_rss_mb']:.0f} MB "
                  f"(torch imported: {figures['torch_imported']})")
        else:
            print(f"memory probe failed: {probe.stderr.strip()[-500:]}")
    return 0
