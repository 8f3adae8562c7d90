"""Learning from use: picks and 👍/👎 on recommendations become capped, de-duplicated extra examples per group."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Iterable

MAX_NEED_CHARS = 300        # a learned example is a need, not a story: long texts dilute the group's vectors
PER_GROUP_CAP = 20          # newest first; older ones still show in `report` until retention removes them


def normalise_need(text: str) -> str:
    return re.sub(r"[\s.!?…]+$", "", " ".join(text.split()).casefold())


@dataclass(frozen=True)
class RouteFeedback:
    """One kept signal: a need (no names), the group, +1 (picked / 👍) or -1 (👎), and when."""

    group_id: str
    need: str
    rating: int
    created_at: float


@dataclass(frozen=True)
class LearnedExample:
    group_id: str
    need: str
    up: int
    down: int
    last_seen: float


def aggregate(rows: Iterable[RouteFeedback], cap: int = PER_GROUP_CAP) -> dict[str, list[LearnedExample]]:
    """Net-positive needs per group, one per normalised text, newest first, at most `cap` per group."""
    tally: dict[tuple[str, str], list] = {}
    for row in rows:
        key = (row.group_id, normalise_need(row.need))
        entry = tally.setdefault(key, [row.need, 0, 0, 0.0])
        if row.created_at >= entry[3]:
            entry[0], entry[3] = row.need, row.created_at
        entry[1 if row.rating > 0 else 2] += 1
    out: dict[str, list[LearnedExample]] = {}
    for (group_id, _), (need, up, down, last) in tally.items():
        if up > down:
            out.setdefault(group_id, []).append(LearnedExample(group_id, need, up, down, last))
    return {g: sorted(items, key=lambda e: -e.last_seen)[:cap] for g, items in sorted(out.items())}


def learned_texts(learned: dict[str, list[LearnedExample]]) -> dict[str, list[str]]:
    return {g: [e.need for e in items] for g, items in learned.items()}


def render_learned(learned: dict[str, list[LearnedExample]]) -> str:
    lines = ["Learned theme-group examples (picks and 👍 from users; copy good ones into the YAML):"]
    if not learned:
        lines.append("  (none yet)")
    for group_id, items in learned.items():
        lines.append(f"  {group_id}:")
        for item in items:
            when = time.strftime("%Y-%m-%d", time.localtime(item.last_seen))
            lines.append(f"    {item.up:>2}👍 {item.down:>2}👎  {when}  {item.need}")
    return "\n".join(lines)
