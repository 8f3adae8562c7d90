"""The bot's own small types: a turn in, replies out (no Bot Framework types here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Turn:
    """One incoming message, already stripped of the bot's @mention."""

    text: str
    conversation_id: str
    user_id: str
    user_name: str = ""
    value: Mapping[str, Any] | None = None   # data of a card button (Action.Submit / Action.Execute)
    is_group: bool = False                   # group chat or channel: several people may answer
    channel_id: str = "msteams"


@dataclass(frozen=True)
class Reply:
    """A message to send: Markdown text, and optionally an Adaptive Card that carries the same content."""

    text: str
    card: Mapping[str, Any] | None = None
    summary: str = ""                        # a short line shown above the card (Teams shows both)
    kind: str = "message"                    # message | answer | decline | route | dialogue | summary | error
    data: Mapping[str, Any] = field(default_factory=dict)   # structured content for `bot ask --json` and tests
