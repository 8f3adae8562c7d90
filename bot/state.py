"""Conversation state: a SQLite Storage with eTags, and optimistic read-modify-write with retries."""
from __future__ import annotations

import asyncio
import copy
import json
import random
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")
CREATE_ONLY = ""   # e_tag meaning "this item must not exist yet" (SqliteStorage only)
TOMBSTONE = "_deleted"


class StateConflict(Exception):
    """The item changed since it was read (eTag mismatch)."""


class StateUnavailable(RuntimeError):
    """The store cannot be read or written (disk full, locked, I/O error). Never carries stored content."""


def conversation_key(conversation_id: str, name: str) -> str:
    return f"conversations/{conversation_id}/{name}"


def _conversation_of(key: str) -> str | None:
    if not key.startswith("conversations/") or "/" not in key[len("conversations/"):]:
        return None
    return key[len("conversations/"):].rsplit("/", 1)[0]


class SqliteStorage:
    """botbuilder's Storage contract (read/write/delete of JSON dicts with "e_tag") on one SQLite file.

    Writes are one IMMEDIATE transaction each, so two replicas on one host (or two coroutines)
    never interleave a check-and-set. WAL with synchronous=FULL: a write acknowledged to the user
    survives kill -9 and power loss, which NORMAL does not promise for the last transactions.
    """

    supports_create_only = True

    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("CREATE TABLE IF NOT EXISTS items (key TEXT PRIMARY KEY, conversation_id TEXT, "
                           "data TEXT NOT NULL, e_tag TEXT NOT NULL, updated_at REAL NOT NULL)")
                db.execute("CREATE INDEX IF NOT EXISTS items_conversation ON items (conversation_id)")
                db.execute("CREATE INDEX IF NOT EXISTS items_updated ON items (updated_at)")
        except (sqlite3.Error, OSError) as exc:
            raise StateUnavailable(f"state store {self.path} cannot be opened: {type(exc).__name__}: {exc}") from None

    def _connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            self._local.db = db
        return _Transaction(db)

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def guarded() -> T:
            try:
                with self._connect() as db:
                    return work(db)
            except StateConflict:
                raise
            except (sqlite3.Error, OSError) as exc:
                # Messages from sqlite name the problem ("database is locked", "disk I/O error"), not data.
                raise StateUnavailable(f"state store {self.path}: {type(exc).__name__}: {exc}") from None
        return await asyncio.to_thread(guarded)

    async def read(self, keys: list[str]) -> dict[str, dict]:
        keys = list(keys)
        if not keys:
            return {}

        def work(db: sqlite3.Connection) -> dict[str, dict]:
            marks = ",".join("?" * len(keys))
            rows = db.execute(f"SELECT key, data, e_tag FROM items WHERE key IN ({marks})", keys).fetchall()
            return {key: {**json.loads(data), "e_tag": e_tag} for key, data, e_tag in rows}
        return await self._run(work)

    async def write(self, changes: dict[str, Any]) -> None:
        if not changes:
            return
        prepared = []
        for key, item in changes.items():
            value = dict(item) if isinstance(item, dict) else {k: v for k, v in vars(item).items() if not k.startswith("_")}
            expected = value.pop("e_tag", None)
            prepared.append((key, expected, json.dumps(value, ensure_ascii=False)))

        def work(db: sqlite3.Connection) -> None:
            now = time.time()
            for key, expected, data in prepared:
                row = db.execute("SELECT e_tag FROM items WHERE key = ?", (key,)).fetchone()
                if expected == CREATE_ONLY and row is not None:
                    raise StateConflict(key)
                if expected not in (None, "*", CREATE_ONLY) and (row is None or row[0] != expected):
                    raise StateConflict(key)
                db.execute("INSERT INTO items (key, conversation_id, data, e_tag, updated_at) VALUES (?, ?, ?, ?, ?) "
                           "ON CONFLICT(key) DO UPDATE SET data = excluded.data, e_tag = excluded.e_tag, "
                           "updated_at = excluded.updated_at",
                           (key, _conversation_of(key), data, uuid.uuid4().hex, now))
        await self._run(work)

    async def delete(self, keys: list[str]) -> None:
        keys = list(keys)
        if keys:
            await self._run(lambda db: db.executemany("DELETE FROM items WHERE key = ?", [(k,) for k in keys]))

    async def purge(self, older_than_seconds: float) -> int:
        cutoff = time.time() - older_than_seconds
        return await self._run(lambda db: db.execute("DELETE FROM items WHERE updated_at < ?", (cutoff,)).rowcount)

    async def delete_conversation(self, conversation_id: str) -> int:
        return await self._run(lambda db: db.execute("DELETE FROM items WHERE conversation_id = ?",
                                                     (conversation_id,)).rowcount)


class _Transaction:
    """`with` block = BEGIN IMMEDIATE ... COMMIT (or ROLLBACK on error) on a cached connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, exc, tb) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def is_conflict(exc: BaseException) -> bool:
    """eTag conflicts of any supported store, recognised without importing their SDKs."""
    if isinstance(exc, StateConflict):
        return True
    if type(exc).__name__ in ("ResourceModifiedError", "ResourceExistsError"):
        return True
    if getattr(exc, "status_code", None) in (409, 412):
        return True
    return isinstance(exc, KeyError) and "etag conflict" in str(exc).lower()


class StateStore:
    """Optimistic transactions over any botbuilder-compatible Storage (SQLite, memory, Azure Blob)."""

    def __init__(self, storage: Any, retries: int = 12) -> None:
        self.storage = storage
        self.retries = retries

    async def _read(self, key: str) -> dict | None:
        try:
            found = await self.storage.read([key])
        except StateUnavailable:
            raise
        except Exception as exc:
            raise StateUnavailable(f"state read failed: {type(exc).__name__}") from None
        item = found.get(key) if found else None
        if item is not None and not isinstance(item, dict):
            item = {k: v for k, v in vars(item).items() if not k.startswith("_")}
        return item

    @staticmethod
    def _is_tombstone(item: dict | None) -> bool:
        return bool(item) and item.get(TOMBSTONE) is True

    async def get(self, key: str) -> dict | None:
        item = await self._read(key)
        if item is None or self._is_tombstone(item):
            return None
        item = dict(item)
        item.pop("e_tag", None)
        return item

    async def update(self, key: str, mutate: Callable[[dict | None], tuple[dict | None, T]]) -> T:
        """Read, apply mutate to a copy, write with the read eTag; on a conflict re-read and re-apply."""
        for attempt in range(self.retries + 1):
            stored = await self._read(key)
            e_tag = stored.get("e_tag") if stored else None
            original = None
            if stored is not None and not self._is_tombstone(stored):
                original = {k: v for k, v in stored.items() if k != "e_tag"}
            # mutate may change its argument in place: give it a copy, compare with the original.
            new, result = mutate(copy.deepcopy(original))
            try:
                if new is None:
                    if original is not None:
                        # Mark deleted under the read eTag first, so a concurrent writer (an answer
                        # arriving during "afslut") conflicts and retries instead of being lost.
                        await self.storage.write({key: {TOMBSTONE: True, "e_tag": e_tag if e_tag is not None else "*"}})
                        await self.storage.delete([key])
                    return result
                if new == original:
                    return result  # nothing changed: no write, no conflict
                if stored is not None:
                    tag = e_tag if e_tag is not None else "*"
                else:
                    tag = CREATE_ONLY if getattr(self.storage, "supports_create_only", False) else None
                item = dict(new)
                if tag is not None:
                    item["e_tag"] = tag
                await self.storage.write({key: item})
                return result
            except StateUnavailable:
                raise
            except Exception as exc:
                if not is_conflict(exc):
                    raise StateUnavailable(f"state write failed: {type(exc).__name__}") from None
            # Exponential backoff with full jitter: many writers on one item spread out quickly.
            await asyncio.sleep(random.uniform(0, min(0.5, 0.005 * 2 ** attempt)))
        raise StateConflict(key)
