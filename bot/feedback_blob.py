"""Feedback, unanswered questions and learned routing examples in Azure Blob Storage, shared by all replicas.

Append-only: one small JSON blob per record, named <kind>/<conversation hash>/<created ms>-<uuid>.json,
so replicas never contend for the same blob; `report` on any replica reads them all. The same
interface as the SQLite FeedbackLog; azure-storage-blob is imported lazily (the `azure` extra).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from collections import defaultdict

from .feedback import MAX_QUESTION_CHARS, RatedQuestion, Report, UnansweredQuestion, normalise_question
from .routing.learning import MAX_NEED_CHARS, PER_GROUP_CAP, LearnedExample, RouteFeedback, aggregate
from .state import StateUnavailable

KINDS = ("feedback", "unanswered", "route")


def _conversation_hash(conversation_id: str) -> str:
    return hashlib.sha256(conversation_id.encode()).hexdigest()[:32]


class BlobFeedbackLog:
    def __init__(self, connection_string: str, container: str) -> None:
        if not connection_string:
            raise ValueError("a Blob connection string is required")
        self.connection_string, self.container_name = connection_string, container
        self._container = None

    def _client(self):
        if self._container is None:
            from azure.core.exceptions import ResourceExistsError
            from azure.storage.blob import BlobServiceClient

            container = BlobServiceClient.from_connection_string(self.connection_string).get_container_client(self.container_name)
            try:
                container.create_container()
            except ResourceExistsError:
                pass
            self._container = container
        return self._container

    def _run(self, work):
        try:
            return work(self._client())
        except StateUnavailable:
            raise
        except Exception as exc:  # the SDK raises many types (HTTP, connection, auth)
            raise StateUnavailable(f"feedback store (blob {self.container_name}): {type(exc).__name__}") from None

    def _add(self, kind: str, conversation_id: str, record: dict) -> None:
        now = time.time()
        name = f"{kind}/{_conversation_hash(conversation_id)}/{int(now * 1000):015d}-{uuid.uuid4().hex}.json"
        body = json.dumps({**record, "conversation_id": conversation_id, "created_at": now}, ensure_ascii=False)
        self._run(lambda c: c.upload_blob(name, body.encode("utf-8"), overwrite=False))

    def _records(self, kind: str, prefix: str = "") -> list[tuple[str, dict]]:
        def work(c):
            out = []
            for blob in c.list_blobs(name_starts_with=f"{kind}/{prefix}"):
                out.append((blob.name, json.loads(c.download_blob(blob.name).readall())))
            return out
        return self._run(work)

    def _delete(self, names: list[str]) -> int:
        def work(c):
            from azure.core.exceptions import ResourceNotFoundError
            deleted = 0
            for name in names:
                try:
                    c.delete_blob(name)
                    deleted += 1
                except ResourceNotFoundError:  # another replica's purge got there first
                    pass
            return deleted
        return self._run(work) if names else 0

    # --- the FeedbackLog interface --------------------------------------------------------------

    def add_feedback(self, conversation_id: str, question: str, chunk_ids: list[str], rating: int, message_id: str = "") -> None:
        question = question[:MAX_QUESTION_CHARS]
        self._add("feedback", conversation_id, {"question": question, "chunk_ids": chunk_ids, "message_id": message_id,
                                                "rating": 1 if rating > 0 else -1})

    def add_unanswered(self, conversation_id: str, question: str, message_id: str = "") -> None:
        self._add("unanswered", conversation_id, {"question": question[:MAX_QUESTION_CHARS], "message_id": message_id})

    def add_route_feedback(self, conversation_id: str, need: str, group_id: str, rating: int, message_id: str = "") -> None:
        self._add("route", conversation_id, {"need": need[:MAX_NEED_CHARS], "group_id": group_id[:200],
                                             "rating": 1 if rating > 0 else -1, "message_id": message_id})

    async def record_feedback(self, conversation_id: str, question: str, chunk_ids: list[str], rating: int,
                              message_id: str = "") -> None:
        await asyncio.to_thread(self.add_feedback, conversation_id, question, chunk_ids, rating, message_id)

    async def record_unanswered(self, conversation_id: str, question: str, message_id: str = "") -> None:
        await asyncio.to_thread(self.add_unanswered, conversation_id, question, message_id)

    async def record_route_feedback(self, conversation_id: str, need: str, group_id: str, rating: int,
                                    message_id: str = "") -> None:
        await asyncio.to_thread(self.add_route_feedback, conversation_id, need, group_id, rating, message_id)

    def learned(self, cap: int = PER_GROUP_CAP) -> dict[str, list[LearnedExample]]:
        rows = [RouteFeedback(r["group_id"], r["need"], int(r["rating"]), float(r["created_at"]))
                for _, r in self._records("route")]
        return aggregate(rows, cap)

    def report(self, limit: int = 10) -> Report:
        rated: dict[str, list] = defaultdict(lambda: ["", 0, 0])
        for _, r in sorted(self._records("feedback"), key=lambda x: x[1]["created_at"]):
            entry = rated[normalise_question(r["question"])]
            entry[0] = entry[0] or r["question"]
            entry[1 if r["rating"] > 0 else 2] += 1
        unanswered: dict[str, list] = defaultdict(lambda: ["", 0, 0.0])
        for _, r in self._records("unanswered"):
            entry = unanswered[normalise_question(r["question"])]
            entry[0] = entry[0] or r["question"]
            entry[1] += 1
            entry[2] = max(entry[2], r["created_at"])
        lowest = sorted(rated.values(), key=lambda e: (e[1] - e[2], -e[2]))[:limit]
        asked = sorted(unanswered.values(), key=lambda e: (-e[1], -e[2]))[:limit]
        return Report(tuple(RatedQuestion(q, u, d) for q, u, d in lowest),
                      tuple(UnansweredQuestion(q, n, t) for q, n, t in asked))

    def purge(self, older_than_seconds: float) -> int:
        cutoff_ms = int((time.time() - older_than_seconds) * 1000)
        names = [b for kind in KINDS for b in self._run(lambda c, k=kind: [x.name for x in c.list_blobs(name_starts_with=f"{k}/")])
                 if int(b.rsplit("/", 1)[1].split("-", 1)[0]) < cutoff_ms]
        return self._delete(names)

    def forget(self, conversation_id: str) -> int:
        prefix = _conversation_hash(conversation_id) + "/"
        return self._delete([b for kind in KINDS
                             for b in self._run(lambda c, k=kind: [x.name for x in c.list_blobs(name_starts_with=f"{k}/{prefix}")])])

    def forget_message_now(self, conversation_id: str, message_id: str) -> int:
        if not message_id:
            return 0
        prefix = _conversation_hash(conversation_id) + "/"
        return self._delete([name for kind in KINDS for name, r in self._records(kind, prefix)
                             if r.get("message_id") == message_id])

    async def forget_message(self, conversation_id: str, message_id: str) -> int:
        return await asyncio.to_thread(self.forget_message_now, conversation_id, message_id)
