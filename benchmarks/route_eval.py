"""Theme-group routing, leave-one-municipality-out, with the real embedder: python benchmarks/route_eval.py [--fit].

For each development municipality the decision's weights are fitted on all the others and the
municipality is scored with them: clear needs right first, right among shown and groups shown,
ambiguous needs, none-fits -> empty, with the misses. --fit writes the calibration fitted on all
municipalities to knowledge/routing/calibration.json. Also prints route() and one query embedding's latency.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runs from a fresh clone without installing the package

import numpy as np  # noqa: E402

from bot.content import load_theme_groups  # noqa: E402
from bot.routing import Calibration, Router, decide, load_domain  # noqa: E402
from bot.routing.decision import calibration_file, group_probabilities, none_probability  # noqa: E402
from bot.routing.evidence import need_features  # noqa: E402
from bot.routing.fit import fit_group_weights, fit_none_model, fitted  # noqa: E402
from index.embedders import DEFAULT_EMBEDDER, make_embedder  # noqa: E402

DATA = ROOT / "tests" / "data"
DATA_SETS = [
    (ROOT / "knowledge" / "theme_groups.yaml", DATA / "route_needs.jsonl"),
    (DATA / "other_municipality_groups.yaml", DATA / "other_route_needs.jsonl"),
    (DATA / "kommune_c_groups.yaml", DATA / "kommune_c_needs.jsonl"),
    (DATA / "kommune_d_groups.yaml", DATA / "kommune_d_needs.jsonl"),
]


def municipalities() -> list[tuple[str, Path, Path]]:
    """The four bundled sets plus every tests/data/municipalities/<name>/{groups.yaml,needs.jsonl} (or <name>_groups.yaml)."""
    found = [(g.stem.replace("_groups", ""), g, n) for g, n in DATA_SETS]
    folder = DATA / "municipalities"
    for groups in sorted(folder.glob("**/*.yaml")) if folder.exists() else []:
        stem = groups.stem
        candidates = [groups.with_name("needs.jsonl"), groups.with_name(stem + "_needs.jsonl"), groups.with_name(stem.replace("groups", "needs") + ".jsonl"),
                      groups.with_suffix(".jsonl")]
        needs = next((c for c in candidates if c.exists() and c != groups), None)
        if needs:
            found.append((groups.parent.name if stem == "groups" else stem.replace("_groups", ""), groups, needs))
    return found


def load_needs(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Case:
    need: str
    kind: str
    expected: set[int]
    features: np.ndarray
    evidence: object
    reasons: list[str]


@dataclass
class Municipality:
    name: str
    ids: list[str]
    cases: list[Case]


def prepare(embedder, domain, name: str, groups_path: Path, needs_path: Path) -> tuple[Municipality, float, list[float]]:
    start = time.perf_counter()
    router = Router(load_theme_groups(groups_path), embedder, domain=domain)
    setup = time.perf_counter() - start
    ids = [g.id for g in router.groups]
    cases, latencies = [], []
    router.route("opvarmning")  # one-off warm-up, not part of a turn
    for item in load_needs(needs_path):
        t = time.perf_counter()
        analysis = router.analyse(item["need"])
        latencies.append((time.perf_counter() - t) * 1000)
        ev = analysis.evidence
        reasons = [router.evidence_model.pieces[r].text if r >= 0 else "" for r in ev.reason]
        expected = {ids.index(e) for e in item.get("expected") or [] if e in ids}
        cases.append(Case(item["need"], item["kind"], expected, ev.features, ev, reasons))
    return Municipality(name, ids, cases), setup, latencies


def fit(train: list[Municipality], base: Calibration) -> Calibration:
    in_scope = [c for m in train for c in m.cases if c.kind != "none" and c.expected]
    weights = fit_group_weights([c.features for c in in_scope], [c.expected for c in in_scope])
    calibration = replace(base, group_weights=tuple(weights))
    x = np.stack([need_features(c.evidence, group_probabilities(c.features, calibration)[0]) for m in train for c in m.cases])
    y = np.array([1.0 if c.kind == "none" else 0.0 for m in train for c in m.cases])
    none_w, none_b = fit_none_model(x, y)
    calibration = fitted(calibration, weights, none_w, none_b)
    # The sure/ask thresholds: the fewest groups shown that keeps the right one among them.
    best, best_key = calibration, None
    probabilities = [probabilities_of(m, calibration) for m in train]
    for sure in (0.6, 0.7, 0.8, 0.9, 0.95):
        for ratio in (0.05, 0.1, 0.15, 0.25):
            for threshold in (0.3, 0.4, 0.5, 0.6):
                candidate = replace(calibration, sure_probability=sure, show_ratio=ratio, none_threshold=threshold)
                f = figures([score(m, candidate, pp) for m, pp in zip(train, probabilities)])
                key = (min(f["among"], 0.97) + min(f["none"], 0.9) + 0.5 * f["first"] - max(f["shown"] - 1.7, 0))
                if best_key is None or key > best_key:
                    best, best_key = candidate, key
    return best


def probabilities_of(m: Municipality, calibration: Calibration) -> list[tuple[np.ndarray, float]]:
    out = []
    for c in m.cases:
        logits, p = group_probabilities(c.features, calibration)
        out.append((p, none_probability(need_features(c.evidence, logits), calibration)))
    return out


def score(m: Municipality, calibration: Calibration, probabilities=None) -> list[tuple[Case, tuple[int, ...], np.ndarray]]:
    probabilities = probabilities or probabilities_of(m, calibration)
    return [(c, decide(p, p_none, calibration).shown, p) for c, (p, p_none) in zip(m.cases, probabilities)]


def figures(scored_sets) -> dict:
    n = dict(clear=0, first=0, among=0, shown=0, amb=0, amb_first=0, amb_all=0, none=0, none_empty=0, in_scope=0, shown_sum=0)
    for scored in scored_sets:
        for c, shown, _ in scored:
            if c.kind == "none":
                n["none"] += 1
                n["none_empty"] += not shown
                continue
            n["in_scope"] += 1
            n["shown_sum"] += len(shown)
            if c.kind == "clear":
                n["clear"] += 1
                n["first"] += bool(shown) and shown[0] in c.expected
                n["among"] += bool(set(shown) & c.expected)
            else:
                n["amb"] += 1
                n["amb_first"] += bool(shown) and shown[0] in c.expected
                n["amb_all"] += c.expected <= set(shown)
    rate = lambda a, b: n[a] / n[b] if n[b] else float("nan")  # noqa: E731
    return {"first": rate("first", "clear"), "among": rate("among", "clear"), "none": rate("none_empty", "none"),
            "shown": rate("shown_sum", "in_scope"), "amb_first": rate("amb_first", "amb"), "amb_all": rate("amb_all", "amb"),
            "counts": n}


def report(name: str, m: Municipality, scored) -> dict:
    f = figures([scored])
    n = f["counts"]
    print(f"== {name}  ({len(m.ids)} groups, {len(m.cases)} needs)")
    print(f"  clear: right first {f['first']:.3f} ({n['first']}/{n['clear']}), right among shown {f['among']:.3f}, "
          f"shown on average {f['shown']:.2f}")
    print(f"  ambiguous: first in expected {f['amb_first']:.3f}, all expected shown {f['amb_all']:.3f} ({n['amb']})")
    print(f"  none fits -> empty {f['none']:.3f} ({n['none_empty']}/{n['none']})")
    for c, shown, p in scored:
        ok = (not shown) if c.kind == "none" else (bool(shown) and shown[0] in c.expected)
        if not ok:
            got = [(m.ids[i], round(float(p[i]), 2)) for i in shown]
            print(f"  miss [{c.kind}] {c.need!r}\n       expected {sorted(m.ids[i] for i in c.expected) or '[]'}, got {got or '[]'}")
    return f


def latency(embedder, domain, sets, rounds: int = 2) -> None:
    """route() against one query embedding, interleaved need by need so that both see the same machine load."""
    route_ms, embed_ms = [], []
    for name, groups_path, needs_path in sets:
        router = Router(load_theme_groups(groups_path), embedder, domain=domain)
        for item in load_needs(needs_path)[:20] * rounds:
            t = time.perf_counter()
            embedder.embed_queries([item["need"]])
            embed_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            router.route(item["need"])
            route_ms.append((time.perf_counter() - t) * 1000)
    p95_route, p95_embed = float(np.percentile(route_ms, 95)), float(np.percentile(embed_ms, 95))
    print(f"route() p50 {np.percentile(route_ms, 50):.1f} ms, p95 {p95_route:.1f} ms; one query embedding p50 "
          f"{np.percentile(embed_ms, 50):.1f} ms, p95 {p95_embed:.1f} ms; ratio of p95s {p95_route / p95_embed:.2f} "
          f"({len(route_ms)} single calls each, interleaved)")


def startup(embedder, groups_path: Path, cache_dir: Path) -> None:
    """Router start-up as the service does it: domain layer and group vectors from the cache under SPARRING_DATA_DIR."""
    Router(load_theme_groups(groups_path), embedder, cache_dir=cache_dir)      # fills the cache (first start)
    start = time.perf_counter()
    router = Router(load_theme_groups(groups_path), embedder, cache_dir=cache_dir)
    print(f"router start-up with the cache, {len(router.groups)} groups ({groups_path.name}): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="write the calibration fitted on all municipalities")
    parser.add_argument("--embedder", default=DEFAULT_EMBEDDER, help="SPARRING_EMBEDDER spec (default e5-small-q4)")
    parser.add_argument("--only", help="comma-separated municipality names to print (all are used for fitting)")
    args = parser.parse_args(argv)
    embedder = make_embedder(args.embedder)
    embedder.embed_queries(["opvarmning"])
    start = time.perf_counter()
    domain = load_domain(embedder, ROOT / "var" / "routing-cache")  # the same cache as the service's default data dir
    print(f"(domain layer: {len(domain.topics)} topics, {len(domain.topic_of)} topic examples, "
          f"{len(domain.everyday)} everyday examples; loaded in {(time.perf_counter() - start) * 1000:.0f} ms)")
    prepared, setups = [], []
    for name, groups_path, needs_path in municipalities():
        m, setup, _ = prepare(embedder, domain, name, groups_path, needs_path)
        prepared.append(m)
        setups.append((name, len(m.ids), setup))
    base = Calibration()
    totals = []
    for i, m in enumerate(prepared):
        calibration = fit([o for j, o in enumerate(prepared) if j != i], base)
        scored = score(m, calibration)
        totals.append(scored)
        if not args.only or m.name in args.only.split(","):
            report(f"{m.name} (leave-one-municipality-out)", m, scored)
    f = figures(totals)
    print(f"== ALL {len(prepared)} municipalities, leave-one-municipality-out")
    print(f"  clear right first {f['first']:.3f}; right among shown {f['among']:.3f} with {f['shown']:.2f} shown on average; "
          f"none -> empty {f['none']:.3f}; ambiguous first {f['amb_first']:.3f}, all shown {f['amb_all']:.3f}")
    latency(embedder, domain, municipalities())
    print("router build without its cache (domain layer shared): "
          + ", ".join(f"{n} ({g} groups) {s * 1000:.0f} ms" for n, g, s in setups))
    startup(embedder, DATA / "municipalities" / "egeskov.yaml", ROOT / "var" / "routing-cache")
    if args.fit:
        calibration = fit(prepared, base)
        target = calibration_file(embedder.id)
        calibration.save(target)
        print(f"calibration fitted on all {len(prepared)} municipalities -> {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
