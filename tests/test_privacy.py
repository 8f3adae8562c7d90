"""GDPR duties: `bot forget` and `bot purge` as processes, and the hourly retention task."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.feedback import FeedbackLog
from bot.privacy import DAY, retention_task
from bot.state import SqliteStorage, StateUnavailable, conversation_key
from tests.conftest import PROJECT_ROOT

KEEP, GONE = "19:keep@thread.tacv2", "19:gone@thread.tacv2"


async def seed(data: Path) -> tuple[SqliteStorage, FeedbackLog]:
    storage, feedback = SqliteStorage(data / "state.sqlite3"), FeedbackLog(data / "feedback.sqlite3")
    for conversation in (KEEP, GONE):
        await storage.write({conversation_key(conversation, "dialogue"): {"set_id": "rolle", "answers": {"0": ["hemmeligt"]}},
                             conversation_key(conversation, "other"): {"x": 1}})
        await feedback.record_feedback(conversation, "hvordan finansierer vi innovation", ["c1"], 1)
        await feedback.record_feedback(conversation, "hvordan deler vi løn", ["c2"], -1)
        await feedback.record_unanswered(conversation, "æblekage")
    return storage, feedback


def rows(path: Path, sql: str, *args) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def age(data: Path, conversation: str, days: float) -> None:
    """Make one conversation's state and feedback look `days` old."""
    then = time.time() - days * DAY
    for path, sql in ((data / "state.sqlite3", "UPDATE items SET updated_at = ? WHERE conversation_id = ?"),
                      (data / "feedback.sqlite3", "UPDATE feedback SET created_at = ? WHERE conversation_id = ?"),
                      (data / "feedback.sqlite3", "UPDATE unanswered SET created_at = ? WHERE conversation_id = ?")):
        db = sqlite3.connect(path)
        with db:
            db.execute(sql, (then, conversation))
        db.close()


def cli(data: Path, *args: str, **env: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SPARRING_DATA_DIR": str(data), **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


async def test_forget_deletes_one_conversation(tmp_path):
    await seed(tmp_path)
    assert cli(tmp_path, "forget", "--conversation", GONE) == {"state_items": 2, "feedback_rows": 3}
    assert rows(tmp_path / "state.sqlite3", "SELECT COUNT(*) FROM items WHERE conversation_id = ?", GONE) == [(0,)]
    assert rows(tmp_path / "state.sqlite3", "SELECT COUNT(*) FROM items WHERE data LIKE '%hemmeligt%'") == [(1,)]
    for table in ("feedback", "unanswered"):
        assert rows(tmp_path / "feedback.sqlite3", f"SELECT COUNT(*) FROM {table} WHERE conversation_id = ?", GONE) == [(0,)]
    assert rows(tmp_path / "feedback.sqlite3", "SELECT COUNT(*) FROM feedback WHERE conversation_id = ?", KEEP) == [(2,)]
    # Forgetting again finds nothing; an unknown id is not an error.
    assert cli(tmp_path, "forget", "--conversation", GONE) == {"state_items": 0, "feedback_rows": 0}
    assert cli(tmp_path, "forget", "--conversation", "19:never'; DROP TABLE items;--") == {"state_items": 0, "feedback_rows": 0}
    assert rows(tmp_path / "state.sqlite3", "SELECT COUNT(*) FROM items") == [(2,)]


async def test_purge_deletes_only_what_is_older_than_the_retention(tmp_path):
    await seed(tmp_path)
    age(tmp_path, GONE, days=40)
    age(tmp_path, KEEP, days=10)
    assert cli(tmp_path, "purge", "--days", "60") == {"state_items": 0, "feedback_rows": 0}
    assert cli(tmp_path, "purge", "--days", "30") == {"state_items": 2, "feedback_rows": 3}
    assert rows(tmp_path / "state.sqlite3", "SELECT DISTINCT conversation_id FROM items") == [(KEEP,)]
    assert rows(tmp_path / "feedback.sqlite3", "SELECT DISTINCT conversation_id FROM feedback") == [(KEEP,)]
    assert rows(tmp_path / "feedback.sqlite3", "SELECT DISTINCT conversation_id FROM unanswered") == [(KEEP,)]
    # Without --days the configured retention applies.
    assert cli(tmp_path, "purge", SPARRING_RETENTION_DAYS="5") == {"state_items": 2, "feedback_rows": 3}
    assert rows(tmp_path / "state.sqlite3", "SELECT COUNT(*) FROM items") == [(0,)]


async def test_retention_task_purges_old_rows(tmp_path):
    storage, feedback = await seed(tmp_path)
    age(tmp_path, GONE, days=100)
    task = asyncio.create_task(retention_task(90, storage, feedback, interval_seconds=0.01))
    try:
        await _until(lambda: rows(tmp_path / "state.sqlite3", "SELECT COUNT(*) FROM items WHERE conversation_id = ?", GONE) == [(0,)])
        await _until(lambda: rows(tmp_path / "feedback.sqlite3", "SELECT COUNT(*) FROM unanswered WHERE conversation_id = ?",
                                  GONE) == [(0,)])
    finally:
        task.cancel()
    assert rows(tmp_path / "state.sqlite3", "SELECT COUNT(*) FROM items WHERE conversation_id = ?", KEEP) == [(2,)]
    assert rows(tmp_path / "feedback.sqlite3", "SELECT COUNT(*) FROM feedback WHERE conversation_id = ?", KEEP) == [(2,)]


class FlakyStorage:
    """Fails on the first purges (locked file, then an unexpected error), then delegates."""

    def __init__(self, storage: SqliteStorage) -> None:
        self.storage, self.calls = storage, 0

    async def purge(self, seconds: float) -> int:
        self.calls += 1
        if self.calls == 1:
            raise StateUnavailable("state store: OperationalError: database is locked")
        if self.calls == 2:
            raise RuntimeError("boom")
        return await self.storage.purge(seconds)


async def test_retention_task_survives_store_errors(tmp_path, caplog):
    storage, feedback = await seed(tmp_path)
    age(tmp_path, GONE, days=100)
    flaky = FlakyStorage(storage)
    with caplog.at_level(logging.INFO, logger="sparringsbot.privacy"):
        task = asyncio.create_task(retention_task(90, flaky, feedback, interval_seconds=0.01))
        try:
            await _until(lambda: rows(tmp_path / "state.sqlite3", "SELECT COUNT(*) FROM items WHERE conversation_id = ?",
                                      GONE) == [(0,)])
            # The rows go before the purge returns and logs its counts: wait for the log line too.
            await _until(lambda: any(getattr(r, "event", "") == "purge" for r in caplog.records))
            assert not task.done()
        finally:
            task.cancel()
    errors = [r for r in caplog.records if getattr(r, "event", "") == "purge_error"]
    assert len(errors) == 2 and all(r.levelno == logging.ERROR for r in errors)
    assert any(getattr(r, "event", "") == "purge" and r.state_items == 2 for r in caplog.records)


async def _until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)
