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
    message_id: str = ""                     # the activity id (Teams' message id)
    reply_to_id: str = ""                    # the message a card button was clicked on, when Teams says
    invoke: bool = False                     # an Action.Execute invoke: a card reply can replace the clicked card


@dataclass(frozen=True)
class Reply:
    """A message to send: Markdown text, and optionally an Adaptive Card that carries the same content."""

    text: str
    card: Mapping[str, Any] | None = None
    summary: str = ""                        # notification / preview line; sent instead of text beside a card
    kind: str = "message"                    # message | answer | decline | route | dialogue | summary | error
    data: Mapping[str, Any] = field(default_factory=dict)   # structured content for `bot ask --json` and tests
    replaces_clicked: bool = False           # the card replaces the card whose button was clicked (not posted)
    update_id: str = ""                      # the card replaces this earlier message of the bot (not posted)
    track: str = ""                          # tell the assistant the id Teams gives this message ("dialogue")
