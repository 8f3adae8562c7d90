"""How often the bot wrongly declines in-scope questions and wrongly answers out-of-scope ones.

Usage: python benchmarks/decline_eval.py [FILE.jsonl]   (default: tests/data/ask_questions.jsonl,
lines {"q": ..., "in_scope": true|false}); uses the index in SPARRING_DATA_DIR (build it first).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import Answerer  # noqa: E402
from index.embedders import make_embedder  # noqa: E402
from index.search import HybridIndex  # noqa: E402
from index.settings import IndexSettings  # noqa: E402


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "ask_questions.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    settings = IndexSettings.from_env()
    answerer = Answerer(HybridIndex.load(settings.index_dir, make_embedder(settings.embedder)))
    wrong_decline, wrong_answer = [], []
    for row in rows:
        answer = answerer.ask(row["q"])
        best = answer.best
        signal = f"dense={best.dense_score:.3f} coverage={answerer.searcher.coverage(row['q']):.2f}" if best else "-"
        if row["in_scope"] and not answer.answered:
            wrong_decline.append(f"{signal}  {row['q']}")
        if not row["in_scope"] and answer.answered:
            wrong_answer.append(f"{signal}  {row['q']}")
    n_in = sum(1 for r in rows if r["in_scope"])
    n_out = len(rows) - n_in
    print(f"in-scope questions wrongly declined: {len(wrong_decline)}/{n_in} ({len(wrong_decline) / max(n_in, 1):.0%})")
    for line in wrong_decline:
        print("   ", line)
    print(f"out-of-scope questions wrongly answered: {len(wrong_answer)}/{n_out} ({len(wrong_answer) / max(n_out, 1):.0%})")
    for line in wrong_answer:
        print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
