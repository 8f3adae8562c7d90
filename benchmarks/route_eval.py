"""Theme-group routing quality and latency with the real embedder: python benchmarks/route_eval.py [--groups Y --needs J]."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runs from a fresh clone without installing the package

import numpy as np  # noqa: E402

from bot.content import load_theme_groups  # noqa: E402
from bot.routing import Router  # noqa: E402
from index.embedders import E5SmallQ4Embedder  # noqa: E402

DATA_SETS = [
    (ROOT / "knowledge" / "theme_groups.yaml", ROOT / "tests" / "data" / "route_needs.jsonl"),
    (ROOT / "tests" / "data" / "other_municipality_groups.yaml", ROOT / "tests" / "data" / "other_route_needs.jsonl"),
    (ROOT / "tests" / "data" / "kommune_c_groups.yaml", ROOT / "tests" / "data" / "kommune_c_needs.jsonl"),
    (ROOT / "tests" / "data" / "kommune_d_groups.yaml", ROOT / "tests" / "data" / "kommune_d_needs.jsonl"),
]


def load_needs(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(router: Router, needs: list[dict]) -> dict:
    """Figures per kind of need, the misses, and route() latency in milliseconds."""
    counts = {"clear": 0, "clear_top1": 0, "clear_empty": 0, "ambiguous": 0, "ambiguous_top1": 0,
              "ambiguous_all": 0, "none": 0, "none_empty": 0}
    misses, latencies = [], []
    router.route("opvarmning")  # the first call pays one-off model warm-up; not part of a turn
    for item in needs:
        start = time.perf_counter()
        matches = router.route(item["need"])
        latencies.append((time.perf_counter() - start) * 1000)
        got = [m.group.id for m in matches]
        kind, expected = item["kind"], set(item.get("expected") or [])
        counts[kind] += 1
        if kind == "none":
            ok = not got
            counts["none_empty"] += ok
        else:
            ok = bool(got) and got[0] in expected
            counts[f"{kind}_top1"] += ok
            if kind == "clear":
                counts["clear_empty"] += not got
            else:
                counts["ambiguous_all"] += expected <= set(got)
        if not ok:
            misses.append((kind, item["need"], sorted(expected), [(m.group.id, round(m.score, 3)) for m in matches]))
    return {"counts": counts, "misses": misses, "p50": float(np.percentile(latencies, 50)),
            "p95": float(np.percentile(latencies, 95))}


def _rate(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "n/a"


def report(name: str, result: dict) -> None:
    c = result["counts"]
    print(f"== {name}")
    print(f"clear top-1 accuracy       {_rate(c['clear_top1'], c['clear'])}")
    print(f"clear false-empty rate     {_rate(c['clear_empty'], c['clear'])}")
    print(f"ambiguous top-1 in expected {_rate(c['ambiguous_top1'], c['ambiguous'])}"
          f"   (all expected shown: {_rate(c['ambiguous_all'], c['ambiguous'])})")
    print(f"none fits -> empty         {_rate(c['none_empty'], c['none'])}")
    print(f"route() latency            p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms")
    for kind, need, expected, got in result["misses"]:
        print(f"  miss [{kind}] {need!r}\n       expected {expected or '[]'}, got {got or '[]'}")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=Path, help="theme groups YAML (default: both bundled data sets)")
    parser.add_argument("--needs", type=Path, help="needs JSONL: {need, expected: [ids], kind: clear|ambiguous|none}")
    args = parser.parse_args(argv)
    if bool(args.groups) != bool(args.needs):
        parser.error("give --groups and --needs together")
    data_sets = [(args.groups, args.needs)] if args.groups else DATA_SETS
    embedder = E5SmallQ4Embedder()
    for groups_path, needs_path in data_sets:
        start = time.perf_counter()
        router = Router(load_theme_groups(groups_path), embedder)
        setup = (time.perf_counter() - start) * 1000
        print(f"(router for {groups_path.name} built in {setup:.0f} ms)")
        report(f"{groups_path.name} + {needs_path.name}", evaluate(router, load_needs(needs_path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
