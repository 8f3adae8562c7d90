"""The guided dialogue engine: pure state transitions over a JSON-ready dict."""
from __future__ import annotations

import secrets
import textwrap
import time
from dataclasses import dataclass
from typing import Any, Sequence

from .content import DialogueSet

MAX_ANSWER_CHARS = 2000
MAX_ANSWERS_PER_QUESTION = 500   # keeps one conversation's state bounded


class DialogueRefused(Exception):
    """The step is not allowed now; the message is Danish and meant for the user."""


@dataclass(frozen=True)
class Person:
    id: str
    name: str


MARKDOWN_WIDTH = 60            # Teams shows a code block without wrapping: short lines are never cut off


def start(dialogue_set: DialogueSet, facilitator: Person, now: float | None = None,
          anonymous: bool = False) -> dict[str, Any]:
    return {
        "set_id": dialogue_set.id,
        "facilitator": {"id": facilitator.id, "name": facilitator.name},
        "position": 0,
        "answers": {},
        "skipped": [],
        "started_at": now or time.time(),
        "anonymous": anonymous,
        "token": secrets.token_hex(4),   # ties a question card to this dialogue (old cards are recognised)
        "reached": 0,                    # the furthest question shown; later ones were never reached
        "cards": {},                     # position -> id of the question card Teams returned
    }


def find_set(sets: Sequence[DialogueSet], set_id: str) -> DialogueSet:
    for candidate in sets:
        if candidate.id == set_id:
            return candidate
    raise DialogueRefused("Spørgsmålssættet for den igangværende dialog findes ikke længere. Skriv 'afslut' for at få opsummeringen.")


def require_facilitator(state: dict, person: Person) -> None:
    if state["facilitator"]["id"] != person.id:
        raise DialogueRefused(f"Det er kun facilitatoren ({state['facilitator']['name']}), der kan styre dialogen. "
                              "Du er velkommen til at svare på spørgsmålet.")


def add_answer(state: dict, person: Person, text: str, now: float | None = None, position: int | None = None,
               via: str = "message", message_id: str = "") -> int:
    """Record an answer (to the current question unless position is given); returns how many it now has.

    An answer sent with the card's input replaces the person's earlier card answer to that question:
    the card says "du kan rette det". Messages add up, as people write in several messages.
    """
    text = text.strip()[:MAX_ANSWER_CHARS]
    if not text:
        raise DialogueRefused("Dit svar var tomt. Skriv dit svar i feltet eller som en besked.")
    position = state["position"] if position is None else position
    answers = state["answers"].setdefault(str(position), [])
    # Anonymous: the name is never stored; the id stays so that a person can correct their own answer.
    name = "" if state.get("anonymous") else person.name
    entry = {"user_id": person.id, "name": name, "text": text, "at": now or time.time(), "via": via}
    if message_id:
        entry["message_id"] = message_id
    if via == "card":
        for index, old in enumerate(answers):
            if old["user_id"] == person.id and old.get("via") == "card":
                answers[index] = entry
                return len(answers)
    if len(answers) >= MAX_ANSWERS_PER_QUESTION:
        raise DialogueRefused("Der er ikke plads til flere svar på dette spørgsmål.")
    answers.append(entry)
    return len(answers)


def card_answer(state: dict, position: int, user_id: str) -> str:
    """The person's answer given through the card at this question ("" when none)."""
    for answer in state["answers"].get(str(position), []):
        if answer["user_id"] == user_id and answer.get("via") == "card":
            return answer["text"]
    return ""


def answerers(state: dict, position: int) -> list[str]:
    """Ids of the people who answered this question, in order of first answer."""
    return list(dict.fromkeys(a["user_id"] for a in state["answers"].get(str(position), [])))


def forget_message(state: dict, message_id: str) -> int:
    """Remove answers given in a message that was deleted in Teams; returns how many."""
    removed = 0
    for key, answers in list(state["answers"].items()):
        kept = [a for a in answers if a.get("message_id") != message_id]
        removed += len(answers) - len(kept)
        if kept:
            state["answers"][key] = kept
        else:
            del state["answers"][key]
    return removed


def edit_message(state: dict, message_id: str, text: str) -> int:
    """An answer's message was edited in Teams: the answer reads as edited; returns how many changed."""
    text = text.strip()[:MAX_ANSWER_CHARS]
    changed = 0
    for answers in state["answers"].values():
        for answer in answers:
            if text and answer.get("message_id") == message_id and answer["text"] != text:
                answer["text"] = text
                changed += 1
    return changed


def move(state: dict, dialogue_set: DialogueSet, person: Person, step: int, skip: bool = False) -> bool:
    """Go forward or back one question; returns False when moving forward past the last one."""
    require_facilitator(state, person)
    position = state["position"]
    if skip and str(position) not in state["answers"] and position not in state["skipped"]:
        state["skipped"].append(position)
    target = position + step
    if target < 0:
        raise DialogueRefused("I er allerede ved det første spørgsmål.")
    if target >= len(dialogue_set.questions):
        return False
    state["position"] = target
    state["reached"] = max(state.get("reached", 0), target)
    return True


def status(state: dict, dialogue_set: DialogueSet) -> dict[str, Any]:
    position = state["position"]
    answers = state["answers"].get(str(position), [])
    return {
        "position": position + 1,
        "total": len(dialogue_set.questions),
        "answers_here": len(answers),
        "people_here": [] if state.get("anonymous") else sorted({a["name"] for a in answers}),
        "count_here": len(answerers(state, position)),
        "anonymous": bool(state.get("anonymous")),
        "answers_total": sum(len(v) for v in state["answers"].values()),
        "facilitator": state["facilitator"]["name"],
    }


def summary(state: dict, dialogue_set: DialogueSet) -> list[dict[str, Any]]:
    """Every question with its answers grouped by person, in order of first answer.

    "status" per question: answered, skipped, unanswered (shown but no answers) or not_reached.
    In anonymous mode "name" is empty and each person's answers stay together without a name.
    """
    anonymous = bool(state.get("anonymous"))
    reached = max(state.get("reached", state["position"]), state["position"])
    result = []
    for index, question in enumerate(dialogue_set.questions):
        by_person: dict[str, dict[str, Any]] = {}
        for answer in state["answers"].get(str(index), []):
            entry = by_person.setdefault(answer["user_id"], {"name": "" if anonymous else answer["name"], "answers": []})
            entry["answers"].append(answer["text"])
        if by_person:
            status_ = "answered"
        elif index in state["skipped"]:
            status_ = "skipped"
        elif index > reached:
            status_ = "not_reached"
        else:
            status_ = "unanswered"
        result.append({"question": question.text, "skipped": status_ == "skipped", "status": status_,
                       "people": list(by_person.values())})
    return result


STATUS_TEXT = {"skipped": "Sprunget over.", "not_reached": "Nåede I ikke til.", "unanswered": "Ingen svar."}


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(text, MARKDOWN_WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_long_words=True, break_on_hyphens=False) or [first.rstrip()]


def summary_markdown(state: dict, dialogue_set: DialogueSet) -> str:
    """The summary as Markdown with short lines (readable in a Teams code block) and a heading per question."""
    started = time.strftime("%d-%m-%Y", time.localtime(state["started_at"]))
    lines = _wrap(f"# {dialogue_set.title}")
    lines += [""] + _wrap(f"Facilitator: {escape_markdown(state['facilitator']['name'])}") + [f"Startet {started}"]
    if state.get("anonymous"):
        lines.append("Anonym dialog: svarene står uden navne.")
    lines.append("")
    if dialogue_set.source:
        lines += _wrap(f"Kilde: {dialogue_set.source}") + [""]
    for number, item in enumerate(summary(state, dialogue_set), start=1):
        lines += [f"## Spørgsmål {number}", ""]
        lines += _wrap(f"**{escape_markdown(item['question'])}**") + [""]
        if not item["people"]:
            lines.append(f"_{STATUS_TEXT[item['status']]}_")
        for person in item["people"]:
            for text in person["answers"]:
                prefix = f"- **{escape_markdown(person['name'])}:** " if person["name"] else "- "
                lines += _wrap(prefix + escape_markdown(text), rest="  ")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def escape_markdown(text: str) -> str:
    """Show user text as text: Markdown and HTML characters are escaped, newlines flattened."""
    text = " ".join(text.split())
    for ch in "\\`*_[]<>|~#":
        text = text.replace(ch, "\\" + ch)
    return text
