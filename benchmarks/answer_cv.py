"""Cross-validated choice of the answering weights: the figure for questions the weights never saw.

Usage: python benchmarks/answer_cv.py [--folds 5] [--seeds 3] [--extra ../shared/eval/dev_questions.jsonl]
       [--sentence-dense B]
Answers every in-scope question (tests/data/answers/questions.jsonl, all splits, plus --extra) under
each setting of a small grid (re-rank word weight, re-rank fused weight, sentence lexical weight),
then for each fold picks the setting that scores best (short answer + first source) on the other
folds and counts the held-out fold's results under it. Prints the in-sample best and the CV figure.
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from answer_eval import holds, read  # noqa: E402
from bot.answering import Answerer  # noqa: E402
from bot.answering.core import AnswerPolicy  # noqa: E402
from bot.answering.short import SentenceWeights  # noqa: E402
from index.embedders import make_embedder  # noqa: E402
from index.rerank import RerankWeights  # noqa: E402
from index.search import FusionConfig, HybridIndex  # noqa: E402
from index.settings import IndexSettings  # noqa: E402

GRID = {"words": (0.0, 0.1, 0.2, 0.4), "fused": (0.0, 0.02, 0.05), "lexical": (0.0, 0.03, 0.1)}


class _Memo:
    """The grid asks every question many times; its vector is the same each time (the model call dominates)."""

    def __init__(self, inner) -> None:
        self.inner, self.id, self.dim, self._memo = inner, inner.id, inner.dim, {}

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def embed_queries(self, texts):
        key = tuple(texts)
        if key not in self._memo:
            self._memo[key] = self.inner.embed_queries(texts)
        return self._memo[key].copy()


def outcomes(index: HybridIndex, questions: list[dict], words: float, fused: float, lexical: float) -> list[tuple[bool, bool]]:
    index.fusion = dataclasses.replace(index.fusion, rerank=dataclasses.replace(RerankWeights(), words=words, fused=fused))
    answerer = Answerer(index, AnswerPolicy(sentence_weights=SentenceWeights(lexical=lexical)))
    out = []
    for row in questions:
        result = answerer.ask(row["q"]).to_json()
        texts = [s["text"] for s in result["sources"]]
        out.append((bool(result["answered"] and holds(result["answer"], row["any_of"])),
                    bool(texts) and holds(texts[0], row["any_of"])))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=ROOT / "tests" / "data" / "answers")
    parser.add_argument("--extra", type=Path, action="append", default=[])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    defaults = FusionConfig()
    parser.add_argument("--sentence-dense", type=float, default=defaults.sentence_dense)
    args = parser.parse_args()
    settings = IndexSettings.from_env()
    fusion = dataclasses.replace(defaults, sentence_dense=args.sentence_dense)
    index = HybridIndex.load(settings.index_dir, _Memo(make_embedder(settings.embedder)), fusion)
    questions = read(args.dir / "questions.jsonl", "all") + [r for e in args.extra for r in read(e, "all")]
    table = {cfg: outcomes(index, questions, *cfg) for cfg in itertools.product(*GRID.values())}
    n = len(questions)

    def total(cfg: tuple, items: list[int]) -> int:
        return sum(table[cfg][i][0] + table[cfg][i][1] for i in items)

    best = max(table, key=lambda c: total(c, list(range(n))))
    print(f"questions: {n}; grid {' x '.join(GRID)}: {len(table)} settings")
    print(f"in-sample best {dict(zip(GRID, best))}: short {sum(s for s, _ in table[best])}/{n} "
          f"first {sum(f for _, f in table[best])}/{n}")
    for seed in range(args.seeds):
        order = list(range(n))
        random.Random(seed).shuffle(order)
        folds = [order[k::args.folds] for k in range(args.folds)]
        short = first = 0
        for k, held_out in enumerate(folds):
            train = [i for j, fold in enumerate(folds) if j != k for i in fold]
            chosen = max(table, key=lambda c: total(c, train))
            short += sum(table[chosen][i][0] for i in held_out)
            first += sum(table[chosen][i][1] for i in held_out)
        print(f"{args.folds}-fold CV (seed {seed}): short {short}/{n} ({short / n:.0%})  first {first}/{n} ({first / n:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
