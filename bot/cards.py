"""Adaptive Card 1.5 building blocks; user text goes in TextRuns so it is never read as markup."""
from __future__ import annotations

import re
from typing import Any, Iterable

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
_TABLE_RULE_RE = re.compile(r"^\|?\s*:?-{2,}.*$")


def card(body: list[dict], actions: Iterable[dict] = (), fallback: str = "") -> dict[str, Any]:
    result: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.5", "body": body,
                              "msteams": {"width": "Full"}}
    actions = list(actions)
    if actions:
        result["actions"] = actions
    if fallback:
        result["fallbackText"] = fallback
    return result


def heading(text: str, size: str = "Medium") -> dict:
    return {"type": "TextBlock", "text": material(text), "weight": "Bolder", "size": size, "wrap": True}


def paragraph(text: str, subtle: bool = False, italic: bool = False) -> dict:
    """Text from the bot or the KL material (trusted; light Markdown allowed)."""
    block = {"type": "TextBlock", "text": material(text), "wrap": True}
    if subtle:
        block["isSubtle"] = True
        block["size"] = "Small"
    if italic:
        block = {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": plain(text), "italic": True}]}
    return block


def user_text(text: str, prefix: str = "", subtle: bool = False) -> dict:
    """Text typed by a person: a TextRun renders it literally (no Markdown, no links, no HTML)."""
    inlines = []
    if prefix:
        inlines.append({"type": "TextRun", "text": plain(prefix), "weight": "Bolder"})
    inlines.append({"type": "TextRun", "text": plain(text), "isSubtle": subtle})
    return {"type": "RichTextBlock", "inlines": inlines}


def facts(pairs: Iterable[tuple[str, str]]) -> dict:
    return {"type": "FactSet", "facts": [{"title": plain(k), "value": plain(v)} for k, v in pairs]}


def container(items: list[dict], style: str | None = None, separator: bool = False) -> dict:
    block: dict[str, Any] = {"type": "Container", "items": items}
    if style:
        block["style"] = style
    if separator:
        block["separator"] = True
        block["spacing"] = "Medium"
    return block


def submit(title: str, data: dict[str, Any], style: str | None = None) -> dict:
    """A button that works as Action.Submit; the adapter also accepts the same data via Action.Execute."""
    action: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": data}
    if style:
        action["style"] = style
    return action


def execute(title: str, verb: str, data: dict[str, Any], style: str | None = None) -> dict:
    """A Universal Actions button (invoke adaptiveCard/action): the bot can answer with a card that replaces it.

    Clients without Action.Execute use the Action.Submit fallback: the same data, so data carries everything.
    """
    action: dict[str, Any] = {"type": "Action.Execute", "title": title, "verb": verb, "data": data,
                              "fallback": submit(title, data, style)}
    if style:
        action["style"] = style
    return action


def show_card(title: str, body: list[dict]) -> dict:
    return {"type": "Action.ShowCard", "title": title, "card": {"type": "AdaptiveCard", "body": body}}


def plain(text: str) -> str:
    """Control and bidi-override characters removed; everything else kept as typed."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", "", str(text))


def material(text: str) -> str:
    """KL text for a TextBlock: Markdown tables become lines, as TextBlock has no tables."""
    lines = []
    for line in plain(text).splitlines():
        if _TABLE_RULE_RE.match(line.strip()):
            continue
        if line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            line = " · ".join(c for c in cells if c)
        lines.append(line)
    return "\n".join(lines).replace("\\+", "+")
