"""GDPR duties: forget a conversation, purge what is older than the retention period."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from .feedback import FeedbackLog
from .state import StateUnavailable, conversation_key

log = logging.getLogger("sparringsbot.privacy")

KNOWN_STATE_NAMES = ("dialogue",)
DAY = 86_400


async def forget_conversation(conversation_id: str, storage: Any, feedback: FeedbackLog | None) -> dict[str, int]:
    """Delete everything kept about one conversation: its state and its feedback rows."""
    if hasattr(storage, "delete_conversation"):
        state = await storage.delete_conversation(conversation_id)
    else:  # stores without an index by conversation (Blob): delete the keys the bot uses
        keys = [conversation_key(conversation_id, name) for name in KNOWN_STATE_NAMES]
        state = len(await storage.read(keys))
        await storage.delete(keys)
    rows = await asyncio.to_thread(feedback.forget, conversation_id) if feedback else 0
    return {"state_items": state, "feedback_rows": rows}


async def purge_expired(retention_days: int, storage: Any, feedback: FeedbackLog | None) -> dict[str, int]:
    seconds = retention_days * DAY
    state = await storage.purge(seconds) if hasattr(storage, "purge") else 0
    rows = await asyncio.to_thread(feedback.purge, seconds) if feedback else 0
    return {"state_items": state, "feedback_rows": rows}


async def retention_task(retention_days: int, storage: Any, feedback: FeedbackLog | None,
                         interval_seconds: float = 3600) -> None:
    """Purge periodically for as long as the service runs; errors are logged, never fatal."""
    while True:
        try:
            counts = await purge_expired(retention_days, storage, feedback)
            if any(counts.values()):
                log.info("retention purge", extra={"event": "purge", **counts})
        except StateUnavailable as exc:
            log.error("retention purge failed: %s", exc, extra={"event": "purge_error"})
        except Exception as exc:  # keep the loop alive whatever the store does
            log.error("retention purge failed: %s", type(exc).__name__, extra={"event": "purge_error"})
        await asyncio.sleep(interval_seconds)
