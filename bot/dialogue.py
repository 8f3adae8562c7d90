"""The guided dialogue engine: pure state transitions over a JSON-ready dict."""
from __future__ import annotations

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


def start(dialogue_set: DialogueSet, facilitator: Person, now: float | None = None) -> dict[str, Any]:
    return {
        "set_id": dialogue_set.id,
        "facilitator": {"id": facilitator.id, "name": facilitator.name},
        "position": 0,
        "answers": {},
        "skipped": [],
        "started_at": now or time.time(),
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


def add_answer(state: dict, person: Person, text: str, now: float | None = None) -> int:
    """Record an answer to the current question; returns how many answers it now has."""
    text = text.strip()[:MAX_ANSWER_CHARS]
    if not text:
        raise DialogueRefused("Dit svar var tomt. Skriv dit svar som en almindelig besked.")
    answers = state["answers"].setdefault(str(state["position"]), [])
    if len(answers) >= MAX_ANSWERS_PER_QUESTION:
        raise DialogueRefused("Der er ikke plads til flere svar på dette spørgsmål.")
    answers.append({"user_id": person.id, "name": person.name, "text": text, "at": now or time.time()})
    return len(answers)


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
    return True


def status(state: dict, dialogue_set: DialogueSet) -> dict[str, Any]:
    position = state["position"]
    answers = state["answers"].get(str(position), [])
    return {
        "position": position + 1,
        "total": len(dialogue_set.questions),
        "answers_here": len(answers),
        "people_here": sorted({a["name"] for a in answers}),
        "answers_total": sum(len(v) for v in state["answers"].values()),
        "facilitator": state["facilitator"]["name"],
    }


def summary(state: dict, dialogue_set: DialogueSet) -> list[dict[str, Any]]:
    """Every question with its answers grouped by person, in order of first answer."""
    result = []
    for index, question in enumerate(dialogue_set.questions):
        by_person: dict[str, dict[str, Any]] = {}
        for answer in state["answers"].get(str(index), []):
            entry = by_person.setdefault(answer["user_id"], {"name": answer["name"], "answers": []})
            entry["answers"].append(answer["text"])
        result.append({"question": question.text, "skipped": index in state["skipped"] and not by_person,
                       "people": list(by_person.values())})
    return result


def summary_markdown(state: dict, dialogue_set: DialogueSet) -> str:
    started = time.strftime("%d-%m-%Y", time.localtime(state["started_at"]))
    lines = [f"# Dialog: {dialogue_set.title}", "",
             f"Facilitator: {state['facilitator']['name']} · Startet {started}", ""]
    if dialogue_set.source:
        lines += [f"Kilde: {dialogue_set.source}", ""]
    for number, item in enumerate(summary(state, dialogue_set), start=1):
        lines.append(f"## {number}. {item['question']}")
        lines.append("")
        if not item["people"]:
            lines.append("_Sprunget over._" if item["skipped"] else "_Ingen svar._")
        for person in item["people"]:
            for text in person["answers"]:
                lines.append(f"- **{escape_markdown(person['name'])}:** {escape_markdown(text)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def escape_markdown(text: str) -> str:
    """Show user text as text: Markdown and HTML characters are escaped, newlines flattened."""
    text = " ".join(text.split())
    for ch in "\\`*_[]<>|~#":
        text = text.replace(ch, "\\" + ch)
    return text
