"""Feedback and unanswered questions in SQLite (no names), and the knowledge-gap report."""
from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .routing.learning import MAX_NEED_CHARS, PER_GROUP_CAP, LearnedExample, RouteFeedback, aggregate
from .state import StateUnavailable

MAX_QUESTION_CHARS = 1000


def normalise_question(text: str) -> str:
    return re.sub(r"[\s.!?…]+$", "", " ".join(text.split()).casefold())


@dataclass(frozen=True)
class RatedQuestion:
    question: str
    up: int
    down: int


@dataclass(frozen=True)
class UnansweredQuestion:
    question: str
    count: int
    last_seen: float


@dataclass(frozen=True)
class Report:
    lowest_rated: tuple[RatedQuestion, ...]
    unanswered: tuple[UnansweredQuestion, ...]


class FeedbackLog:
    """Stores question text, shown chunk ids, rating and time; never user names or ids."""

    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._run(lambda db: db.executescript(
            "CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, conversation_id TEXT, question TEXT, "
            "normalised TEXT, chunk_ids TEXT, rating INTEGER, created_at REAL);"
            "CREATE TABLE IF NOT EXISTS unanswered (id INTEGER PRIMARY KEY, conversation_id TEXT, question TEXT, "
            "normalised TEXT, created_at REAL);"
            "CREATE TABLE IF NOT EXISTS route_feedback (id INTEGER PRIMARY KEY, conversation_id TEXT, message_id TEXT, "
            "need TEXT, group_id TEXT, rating INTEGER, created_at REAL);"))
        self._run(self._add_message_ids)

    @staticmethod
    def _add_message_ids(db: sqlite3.Connection) -> None:
        """Migrate older files: the Teams message id of the question (nullable), so a deleted one can be forgotten."""
        for table in ("feedback", "unanswered"):
            columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if "message_id" not in columns:
                db.execute(f"ALTER TABLE {table} ADD COLUMN message_id TEXT")

    def _run(self, work):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=self.timeout)
            try:
                with db:
                    return work(db)
            finally:
                db.close()
        except (sqlite3.Error, OSError) as exc:
            raise StateUnavailable(f"feedback store {self.path}: {type(exc).__name__}: {exc}") from None

    def add_feedback(self, conversation_id: str, question: str, chunk_ids: list[str], rating: int,
                     message_id: str = "") -> None:
        question = question[:MAX_QUESTION_CHARS]
        self._run(lambda db: db.execute(
            "INSERT INTO feedback (conversation_id, question, normalised, chunk_ids, rating, created_at, message_id) "
            "VALUES (?,?,?,?,?,?,?)",
            (conversation_id, question, normalise_question(question), json.dumps(chunk_ids), 1 if rating > 0 else -1,
             time.time(), message_id or None)))

    def add_unanswered(self, conversation_id: str, question: str, message_id: str = "") -> None:
        question = question[:MAX_QUESTION_CHARS]
        self._run(lambda db: db.execute(
            "INSERT INTO unanswered (conversation_id, question, normalised, created_at, message_id) VALUES (?,?,?,?,?)",
            (conversation_id, question, normalise_question(question), time.time(), message_id or None)))

    def forget_message_sync(self, conversation_id: str, message_id: str) -> int:
        """The question was deleted in Teams: its text goes; a rating keeps only its passages and vote."""
        if not message_id:
            return 0
        return self._run(lambda db: db.execute(
            "UPDATE feedback SET question = '', normalised = '' WHERE conversation_id = ? AND message_id = ?",
            (conversation_id, message_id)).rowcount + db.execute(
            "DELETE FROM unanswered WHERE conversation_id = ? AND message_id = ?", (conversation_id, message_id)).rowcount + db.execute(
            "DELETE FROM route_feedback WHERE conversation_id = ? AND message_id = ?", (conversation_id, message_id)).rowcount)

    async def record_feedback(self, conversation_id: str, question: str, chunk_ids: list[str], rating: int,
                              message_id: str = "") -> None:
        await asyncio.to_thread(self.add_feedback, conversation_id, question, chunk_ids, rating, message_id)

    async def record_unanswered(self, conversation_id: str, question: str, message_id: str = "") -> None:
        await asyncio.to_thread(self.add_unanswered, conversation_id, question, message_id)

    async def forget_message(self, conversation_id: str, message_id: str) -> int:
        return await asyncio.to_thread(self.forget_message_sync, conversation_id, message_id)

    def report(self, limit: int = 10) -> Report:
        def work(db: sqlite3.Connection) -> Report:
            rated = db.execute(
                "SELECT MIN(question), SUM(rating > 0), SUM(rating < 0) FROM feedback WHERE normalised != '' GROUP BY normalised "
                "ORDER BY SUM(rating) ASC, SUM(rating < 0) DESC LIMIT ?", (limit,)).fetchall()
            unanswered = db.execute(
                "SELECT MIN(question), COUNT(*), MAX(created_at) FROM unanswered GROUP BY normalised "
                "ORDER BY COUNT(*) DESC, MAX(created_at) DESC LIMIT ?", (limit,)).fetchall()
            return Report(tuple(RatedQuestion(q, int(u), int(d)) for q, u, d in rated),
                          tuple(UnansweredQuestion(q, int(n), float(t)) for q, n, t in unanswered))
        return self._run(work)

    def purge(self, older_than_seconds: float) -> int:
        cutoff = time.time() - older_than_seconds
        return self._run(lambda db: db.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,)).rowcount
                         + db.execute("DELETE FROM unanswered WHERE created_at < ?", (cutoff,)).rowcount
                         + db.execute("DELETE FROM route_feedback WHERE created_at < ?", (cutoff,)).rowcount)

    def forget(self, conversation_id: str) -> int:
        return self._run(lambda db: db.execute("DELETE FROM feedback WHERE conversation_id = ?", (conversation_id,)).rowcount
                         + db.execute("DELETE FROM unanswered WHERE conversation_id = ?", (conversation_id,)).rowcount
                         + db.execute("DELETE FROM route_feedback WHERE conversation_id = ?", (conversation_id,)).rowcount)

    # --- learning from use (theme-group routing) -------------------------------------------------

    def add_route_feedback(self, conversation_id: str, need: str, group_id: str, rating: int, message_id: str = "") -> None:
        self._run(lambda db: db.execute(
            "INSERT INTO route_feedback (conversation_id, message_id, need, group_id, rating, created_at) VALUES (?,?,?,?,?,?)",
            (conversation_id, message_id, need[:MAX_NEED_CHARS], group_id[:200], 1 if rating > 0 else -1, time.time())))

    async def record_route_feedback(self, conversation_id: str, need: str, group_id: str, rating: int,
                                    message_id: str = "") -> None:
        await asyncio.to_thread(self.add_route_feedback, conversation_id, need, group_id, rating, message_id)

    def learned(self, cap: int = PER_GROUP_CAP) -> dict[str, list[LearnedExample]]:
        rows = self._run(lambda db: db.execute("SELECT group_id, need, rating, created_at FROM route_feedback").fetchall())
        return aggregate((RouteFeedback(g, n, int(r), float(t)) for g, n, r, t in rows), cap)


def render_report(report: Report) -> str:
    lines = ["Lowest-rated questions (net rating, 👍/👎):"]
    if not report.lowest_rated:
        lines.append("  (no feedback yet)")
    for item in report.lowest_rated:
        lines.append(f"  {item.up - item.down:+d}  ({item.up}/{item.down})  {item.question}")
    lines.append("")
    lines.append("Unanswered questions (times asked, last asked):")
    if not report.unanswered:
        lines.append("  (none)")
    for item in report.unanswered:
        when = time.strftime("%Y-%m-%d", time.localtime(item.last_seen))
        lines.append(f"  {item.count:>3}x  {when}  {item.question}")
    return "\n".join(lines)
