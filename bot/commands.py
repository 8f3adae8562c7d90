"""Reading a message or card button as one of the Danish chat commands."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from index.text import fold

from .routing.request import routing_need

# Folded forms (see index.text.fold): "hjælp" -> "hjalp", "næste" -> "naste", "spørg" -> "sporg".
_EXACT = {
    "hjalp": "help", "help": "help", "?": "help", "hjalpe": "help", "hjalp mig": "help",
    "hvad kan du": "help", "hvad kan du hjalpe med": "help", "hvad kan du hjalpe mig med": "help",
    "what can you do": "help",
    "temaer": "themes", "tema": "themes",
    "temagrupper": "groups", "temagruppe": "groups", "grupper": "groups", "vis temagrupper": "groups",
    "vis alle temagrupper": "groups", "alle temagrupper": "groups",
    "dialog": "dialog_list", "dialoger": "dialog_list", "vis dialoger": "dialog_list", "dialogmode": "dialog_list",
    # Natural ways to say the dialogue commands: in a dialogue they would otherwise be saved as answers.
    "naste": "next", "videre": "next", "naste sporgsmal": "next", "ga videre": "next", "next": "next",
    "tilbage": "back", "forrige": "back", "forrige sporgsmal": "back", "ga tilbage": "back",
    "spring over": "skip", "spring": "skip", "skip": "skip", "spring sporgsmalet over": "skip",
    "spring det over": "skip",
    "status": "status", "vis status": "status",
    "afslut": "finish", "slut": "finish", "stop": "finish", "afslut dialogen": "finish", "afslut dialog": "finish",
    "stop dialogen": "finish", "slut dialogen": "finish",
    # Outside a dialogue a greeting or a thank-you is not a question for the material.
    "hej": "greeting", "hejsa": "greeting", "hej bot": "greeting", "hej sparringsbot": "greeting",
    "goddag": "greeting", "godmorgen": "greeting", "hallo": "greeting", "hello": "greeting", "hi": "greeting",
    "test": "greeting",
    "tak": "thanks", "mange tak": "thanks", "tusind tak": "thanks", "tak for hjalpen": "thanks",
    "super tak": "thanks", "thanks": "thanks", "thank you": "thanks", "ok": "thanks", "okay": "thanks",
}
_EXACT = {fold(k): v for k, v in _EXACT.items()}
_DIALOG_N_RE = re.compile(r"^dialog\s*(?:nr\.?\s*)?(\d{1,3})(\s+anonymt?)?$")
_TRAILING_RE = re.compile(r"[\s.!?:,;]*[^\w\s]*[\s.!?:,;]*$")
_DIALOG_OTHER_RE = re.compile(r"^dialog\s+\S+$")   # "dialog abc": show the sets and their numbers
# One mistyped word ("dialg", "temagruper") is met with "Mente du …?", never run or taken for a question.
_TYPO_TARGETS = {"hjalp": "hjælp", "temaer": "temaer", "temagrupper": "temagrupper", "dialog": "dialog",
                 "naste": "næste", "tilbage": "tilbage", "status": "status", "afslut": "afslut"}
_ASK_RE = re.compile(r"^sp(?:o|ø)rg\b[\s:,-]*(.*)$", re.S)


@dataclass(frozen=True)
class Command:
    name: str          # help | themes | groups | route | dialog_list | dialog_start | next | back | skip | status
                       # | finish | ask | text | feedback | show_chunk | empty | unknown_action
                       # | route_pick | route_feedback | dialogue_answer | dialogue_refresh | greeting | thanks | typo
    arg: str = ""
    value: Mapping[str, Any] = field(default_factory=dict)


def _key(text: str) -> str:
    key = fold(" ".join(text.split())).strip()
    key = key.lstrip("/")
    if key == "?":
        return key
    # "Hej 👋", "Afslut!": trailing emoji and punctuation are no part of the command
    return _TRAILING_RE.sub("", key)


def parse_text(text: str) -> Command:
    stripped = " ".join(text.split())
    if not stripped:
        return Command("empty")
    key = _key(stripped)
    if key in _EXACT:
        return Command(_EXACT[key])
    match = _DIALOG_N_RE.match(key)
    if match:
        return Command("dialog_start", match.group(1), value={"anonymous": True} if match.group(2) else {})
    # Guesses: in a dialogue these are answers ("Dialog først", "Næsten"); the assistant decides.
    if _DIALOG_OTHER_RE.match(key):
        return Command("dialog_list", value={"guess": stripped})
    if " " not in key and len(key) >= 5:
        close = difflib.get_close_matches(key, _TYPO_TARGETS, n=1, cutoff=0.8)
        if close:
            return Command("typo", _TYPO_TARGETS[close[0]], value={"guess": stripped})
    need = routing_need(stripped)   # "hvem kan hjælpe med …", "…, hvem skal vi tale med?"
    if need is not None:
        return Command("route", need)
    if _ASK_RE.match(key):
        return Command("ask", " ".join(stripped.split()[1:]).lstrip(":,- "))
    return Command("text", stripped)


MAX_VALUE_CHARS = 2000   # card data is not cut by max_message_chars: a 100k-char command took 20 s to embed


def parse(text: str, value: Mapping[str, Any] | None) -> Command:
    """Card button data wins over text (Teams sends both for some buttons)."""
    if isinstance(value, Mapping) and value:
        if isinstance(value.get("command"), str):
            return parse_text(value["command"][:MAX_VALUE_CHARS])
        action = value.get("action")
        if action == "route":
            return Command("route", str(value.get("need", ""))[:MAX_VALUE_CHARS],
                           value={"section": str(value.get("section", ""))[:300]} if value.get("section") else {})
        if action in ("route_pick", "route_feedback"):  # a "Mente du …?" pick, or 👍/👎 on a recommendation
            return Command(action, str(value.get("need", ""))[:MAX_VALUE_CHARS], value=value)
        if action == "ask":
            return Command("ask", str(value.get("question", ""))[:MAX_VALUE_CHARS])
        if action in ("feedback", "show_chunk", "dialogue_answer", "dialogue_refresh"):
            return Command(action, value=value)
        if text.strip():
            return parse_text(text)
        return Command("unknown_action", value=value)
    return parse_text(text or "")
