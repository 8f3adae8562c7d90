"""Wiring: builds the index, content, state and the assistant from a BotConfig."""
from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from typing import Any

from index.embedders import Embedder, QueryMemo, make_embedder
from index.search import HybridIndex
from index.store import IndexUnavailable, build_index

from .answering import Answerer
from .assistant import Assistant, Limits
from .config import BotConfig
from .content import load_dialogues, load_theme_groups
from .feedback import FeedbackLog
from .routing import Router
from .routing.learning import learned_texts
from .state import SqliteStorage, StateStore, StateUnavailable

log = logging.getLogger("sparringsbot.services")


@dataclass
class Services:
    assistant: Assistant
    index: HybridIndex
    storage: Any
    feedback: Any


def load_or_build_index(config: BotConfig, embedder: Embedder, build_missing: bool = True) -> HybridIndex:
    """Load the index; build it first when it is missing or the documents changed (incremental)."""
    settings = config.index
    if build_missing:
        report = build_index(settings.documents_dir, settings.index_dir, embedder)
        if not report.up_to_date:
            log.info("index built", extra={"event": "index_built", "chunks": report.chunks, "embedded": report.embedded,
                                           "seconds": round(report.seconds, 1)})
    return HybridIndex.load(settings.index_dir, embedder)


def topics_of(index: HybridIndex) -> list[tuple[str, list[str]]]:
    """Publications and their main sections, for the `temaer` command."""
    topics: dict[str, dict[str, int]] = {}
    for chunk in index.chunks:
        top = chunk.section.split(" › ")[0] if chunk.section else ""
        if top:
            counts = topics.setdefault(chunk.title, {})
            counts[top] = counts.get(top, 0) + 1
    # Sections with a single chunk are mostly front matter (contents, colophon).
    return [(title, [s for s, n in sections.items() if n > 1] or list(sections)) for title, sections in topics.items()]


def make_storage(config: BotConfig) -> Any:
    if config.state_store == "sqlite":
        return SqliteStorage(config.state_path)
    if config.state_store == "blob":
        from .blob_state import BlobStateStorage  # imports the Azure SDK lazily
        return BlobStateStorage(config.blob_connection_string, config.blob_container)
    from . import teams  # the only module that imports botbuilder
    return teams.make_memory_storage()


def make_feedback(config: BotConfig) -> Any:
    """Feedback and learned routing examples on the configured backend: SQLite (one replica) or Blob (several)."""
    if config.state_store == "blob":
        from .feedback_blob import BlobFeedbackLog  # imports the Azure SDK lazily
        return BlobFeedbackLog(config.blob_connection_string, f"{config.blob_container}-feedback"[:63])
    return FeedbackLog(config.feedback_path)


def make_router(config: BotConfig, groups: Any, embedder: Embedder, feedback: Any = None) -> Router:
    """The router with the domain layer's vectors cached under SPARRING_DATA_DIR and the learned examples so far."""
    learned: dict = {}
    if feedback is not None and hasattr(feedback, "learned"):
        try:
            learned = learned_texts(feedback.learned())
        except StateUnavailable as exc:  # start without them; the assistant retries on use
            log.error("learned examples unavailable: %s", exc, extra={"event": "feedback_error"})
    return Router(groups, embedder, cache_dir=config.data_dir / "routing-cache", learned=learned)


def build_services(config: BotConfig, embedder: Embedder | None = None, storage: Any = None,
                   build_missing_index: bool = True) -> Services:
    embedder = embedder or make_embedder(config.index.embedder)
    groups = load_theme_groups(config.theme_groups_path)
    dialogues = load_dialogues(config.dialogues_path)
    memo = QueryMemo()   # routing a declined question reuses the vector search just computed
    index = load_or_build_index(config, memo.recording(embedder), build_missing_index)
    storage = storage if storage is not None else make_storage(config)
    feedback = make_feedback(config)
    assistant = Assistant(
        answerer=Answerer(index),
        router=make_router(config, groups, memo.reusing(embedder), feedback),
        groups=groups,
        dialogues=dialogues,
        state=StateStore(storage),
        feedback=feedback,
        topics=topics_of(index),
        limits=Limits(config.max_message_chars, config.rate_limit),
    )
    # The index, lexicon and content are ~90k long-lived objects; a full collection scans them all
    # (~40 ms, a latency tail every few turns). Freezing moves them out of the collector's way.
    gc.collect()
    gc.freeze()
    return Services(assistant, index, storage, feedback)


__all__ = ["Services", "build_services", "make_feedback", "make_router", "load_or_build_index", "IndexUnavailable"]
