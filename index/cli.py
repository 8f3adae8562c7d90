"""Command line: python -m index build | search | eval | bench."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .documents import CorpusError
from .embedders import EmbedderError, make_embedder
from .evaluate import EvalFileError, evaluate, load_questions, metrics, report
from .search import HybridIndex, QueryError
from .settings import IndexSettings
from .store import BUILD_COMMAND, IndexUnavailable, build_index, current_corpus_hash, read_manifest


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m index", description="Build and query the Sparringsbot search index.")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the index from knowledge/documents (only what changed)")
    build.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    search = sub.add_parser("search", help="search the index")
    search.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    search.add_argument("--json", action="store_true", help="print a JSON array")
    search.add_argument("--file", type=Path, help="read one query per line; print one JSON array per line")
    search.add_argument("query", nargs="*")
    evaluation = sub.add_parser("eval", help="score a question file (Recall@k, MRR@10)")
    evaluation.add_argument("file", type=Path)
    evaluation.add_argument("--json", action="store_true", help="print the metrics as JSON")
    bench = sub.add_parser("bench", help="print latency, build time and memory figures")
    bench.add_argument("--queries", type=int, default=200)
    return parser


def run_build(settings: IndexSettings, force: bool = False, quiet: bool = False) -> int:
    embedder = make_embedder(settings.embedder)
    bar = None

    def on_total(total: int) -> None:
        nonlocal bar
        if not quiet and total:
            from tqdm import tqdm
            bar = tqdm(total=total, desc="embedding chunks", unit="chunk", file=sys.stderr)

    report_ = build_index(settings.documents_dir, settings.index_dir, embedder, force=force,
                          progress=(lambda n: bar.update(n)) if not quiet else None, on_total=on_total)
    if bar is not None:
        bar.close()
    state = "up to date" if report_.up_to_date else f"built ({report_.embedded} chunks embedded, rest cached)"
    print(f"index {state}: {report_.chunks} chunks in {report_.index_dir} [{report_.seconds:.1f} s]", file=sys.stderr)
    return 0


def load_index(settings: IndexSettings) -> HybridIndex:
    index = HybridIndex.load(settings.index_dir, make_embedder(settings.embedder))
    try:
        if read_manifest(settings.index_dir)["corpus_sha256"] != current_corpus_hash(settings.documents_dir):
            print(f"warning: the documents changed since the index was built; run: {BUILD_COMMAND}", file=sys.stderr)
    except CorpusError:
        pass
    return index


def run_search(settings: IndexSettings, args: argparse.Namespace) -> int:
    if args.k < 1:
        raise QueryError("-k must be at least 1")
    if not args.file and not args.query:
        raise QueryError("give a query, or --file with one query per line")
    index = load_index(settings)
    if args.file:
        try:
            lines = args.file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise QueryError(f"{args.file}: cannot read ({exc.strerror})") from None
        for number, line in enumerate(lines, start=1):
            try:
                hits = index.search(line, args.k)
            except QueryError as exc:
                print(f"{args.file}:{number}: {exc}", file=sys.stderr)
                hits = []
            print(json.dumps([h.to_json() for h in hits], ensure_ascii=False))
        return 0
    hits = index.search(" ".join(args.query), args.k)
    if args.json:
        print(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
        return 0
    for hit in hits:
        print(f"{hit.rank}. [{hit.score:.4f}] {hit.title} › {hit.section}")
        snippet = " ".join(hit.text.split())
        print(f"   {snippet[:300]}{'…' if len(snippet) > 300 else ''}\n")
    return 0


def run_eval(settings: IndexSettings, args: argparse.Namespace) -> int:
    questions = load_questions(args.file)
    index = load_index(settings)
    outcomes = evaluate(questions, index.search)
    print(json.dumps(metrics(outcomes), indent=2) if args.json else report(outcomes))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = IndexSettings.from_env()
    try:
        if args.command == "build":
            return run_build(settings, args.force, args.quiet)
        if args.command == "search":
            return run_search(settings, args)
        if args.command == "eval":
            return run_eval(settings, args)
        if args.command == "bench":
            from .bench import run_bench
            return run_bench(settings, args.queries)
    except (CorpusError, IndexUnavailable, EmbedderError, QueryError, EvalFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2
