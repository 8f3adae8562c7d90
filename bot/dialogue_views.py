"""The guided dialogue's messages: question cards in their states, status and summary, in Danish."""
from __future__ import annotations

import json
from typing import Sequence

from . import cards as c
from . import dialogue as engine
from .content import DialogueSet
from .model import Reply

MAX_REFRESH_USERS = 60   # Teams refreshes a card automatically for at most 60 listed users
ANSWER_INPUT = "answer"  # the Input.Text id: Teams merges its value into the action's data under this key

# Card states: who looks at the card decides what it shows.
EVERYONE, FACILITATOR, CLOSED = "everyone", "facilitator", "closed"


def _count_line(count: int) -> str:
    return "Ingen har svaret endnu." if count == 0 else ("1 har svaret." if count == 1 else f"{count} har svaret.")


def question_card(dialogue_set: DialogueSet, state: dict, position: int, view: str = EVERYONE,
                  viewer_id: str = "", intro: str = "", closed_note: str = "") -> dict:
    """The card of one question.

    EVERYONE: question, answer input and "Send svar"; FACILITATOR: the same plus the buttons that steer;
    CLOSED: the question and closed_note, nothing to press. viewer_id shows that person's saved answer.
    """
    question = dialogue_set.questions[position]
    total = len(dialogue_set.questions)
    count = len(engine.answerers(state, position)) if state.get("answers") is not None else 0
    body = [c.paragraph(intro)] if intro else []
    body += [c.paragraph(f"Spørgsmål {position + 1} af {total} · {dialogue_set.title}", subtle=True),
             c.heading(question.text)]
    if view == CLOSED:
        # An ended dialogue's answers are gone from the state: its count is not known, so none is shown.
        counted = _count_line(count) if state.get("answers") is not None else ""
        body.append(c.paragraph(f"{closed_note} {counted}".strip(), subtle=True))
        lines = [f"Spørgsmål {position + 1} af {total}: {question.text}", closed_note, counted]
        return c.card(body, fallback="\n".join(line for line in lines if line))
    if question.context:
        body.append(c.container([c.paragraph("**Baggrund**"), c.paragraph(question.context)], style="emphasis"))
    if question.case:
        body.append(c.container([c.paragraph("**Inspiration**"), c.paragraph(question.case)], style="accent"))
    mine = engine.card_answer(state, position, viewer_id) if viewer_id else ""
    anonymous = " Svarene vises uden navne." if state.get("anonymous") else ""
    body.append(c.paragraph(_count_line(count) + anonymous, subtle=True))
    if mine:
        body.append(c.paragraph("✅ **Dit svar er gemt – du kan rette det** og sende igen."))
    data = {"action": "dialogue_answer", "dialogue": state.get("token", ""), "set": dialogue_set.id, "position": position}
    answer_input = {"type": "Input.Text", "id": ANSWER_INPUT, "isMultiline": True, "maxLength": engine.MAX_ANSWER_CHARS,
                    "placeholder": "Skriv dit svar her", "label": "Dit svar"}
    if mine:
        answer_input["value"] = c.plain(mine)
    body += [answer_input, {"type": "ActionSet", "actions": [c.execute("Send svar", "answer", data, "positive")]}]
    actions = []
    if view == FACILITATOR:
        actions.append(c.execute("Næste", "næste", {"command": "næste"}))
        if position > 0:
            actions.append(c.execute("Tilbage", "tilbage", {"command": "tilbage"}))
        actions += [c.execute("Spring over", "spring over", {"command": "spring over"}),
                    c.execute("Status", "status", {"command": "status"}),
                    c.execute("Afslut", "afslut", {"command": "afslut"}, "destructive")]
    fallback = "\n".join(_step_lines(dialogue_set, state, position, intro))
    result = c.card(body, actions, fallback)
    # Universal Actions: the facilitator's and the answerers' Teams fetch their own view of the card.
    users = [state["facilitator"]["id"]] + [u for u in engine.answerers(state, position) if u != state["facilitator"]["id"]]
    refresh = c.execute("Opdater", "refresh", {"action": "dialogue_refresh", "dialogue": state.get("token", ""),
                                               "set": dialogue_set.id, "position": position})
    refresh.pop("fallback")   # refresh is Universal Actions only; older clients just show the card
    result["refresh"] = {"action": refresh, "userIds": users[:MAX_REFRESH_USERS]}
    return result


def _step_lines(dialogue_set: DialogueSet, state: dict, position: int, intro: str = "") -> list[str]:
    question = dialogue_set.questions[position]
    lines = [intro, ""] if intro else []
    lines += [f"**Spørgsmål {position + 1} af {len(dialogue_set.questions)}** · {dialogue_set.title}", "",
              f"**{question.text}**"]
    if question.context:
        lines += ["", f"Baggrund: {question.context}"]
    if question.case:
        lines += ["", f"Inspiration: {question.case}"]
    lines += ["", f"Svar i kortets felt og tryk **Send svar** (eller skriv til mig med @omtale). "
                  f"{state['facilitator']['name']} skriver **næste**, når I er klar."]
    return lines


def step_reply(dialogue_set: DialogueSet, state: dict, is_group: bool, intro: str = "") -> Reply:
    """A new question card; in a personal chat the one person is the facilitator and sees the buttons."""
    position = state["position"]
    view = EVERYONE if is_group else FACILITATOR
    card = question_card(dialogue_set, state, position, view, intro=intro)
    total = len(dialogue_set.questions)
    question = dialogue_set.questions[position]
    return Reply("\n".join(_step_lines(dialogue_set, state, position, intro)), card, kind="dialogue",
                 data={"set_id": dialogue_set.id, "position": position + 1, "total": total},
                 summary=f"Spørgsmål {position + 1} af {total}: {question.text}",
                 track=f"dialogue:{state.get('token', '')}:{position}")


def card_update(dialogue_set: DialogueSet, state: dict, position: int, is_group: bool, closed_note: str = "") -> Reply | None:
    """The question card as everybody should now see it, replacing the message Teams has (None: id unknown)."""
    activity_id = state.get("cards", {}).get(str(position), "")
    if not activity_id:
        return None
    view = CLOSED if closed_note else (EVERYONE if is_group else FACILITATOR)
    card = question_card(dialogue_set, state, position, view, closed_note=closed_note)
    return Reply(card["fallbackText"], card, kind="dialogue-card", update_id=activity_id,
                 summary=f"Spørgsmål {position + 1}: {dialogue_set.questions[position].text}")


def personal_card(dialogue_set: DialogueSet, state: dict, position: int, viewer_id: str) -> Reply:
    """The clicked card as this person should see it (answered, facilitator, or closed)."""
    view = FACILITATOR if viewer_id == state["facilitator"]["id"] else EVERYONE
    if position != state["position"]:
        return closed_reply(dialogue_set, position, "I er gået videre til et andet spørgsmål.", state)
    card = question_card(dialogue_set, state, position, view, viewer_id=viewer_id)
    return Reply(card["fallbackText"], card, kind="dialogue-card", replaces_clicked=True,
                 summary=f"Spørgsmål {position + 1}: {dialogue_set.questions[position].text}")


def closed_reply(dialogue_set: DialogueSet, position: int, note: str = "Dialogen er afsluttet.",
                 state: dict | None = None) -> Reply:
    position = min(max(position, 0), len(dialogue_set.questions) - 1)
    card = question_card(dialogue_set, state or {"answers": None, "facilitator": {"id": "", "name": ""}},
                         position, CLOSED, closed_note=note)
    return Reply(card["fallbackText"], card, kind="dialogue-closed", replaces_clicked=True, summary=note)


def answer_ack_reply(name: str, position: int, count: int, cut: bool = False) -> Reply:
    thanks = f"Tak, {name}" if name else "Tak"
    text = f"{thanks} – dit svar er noteret (spørgsmål {position + 1}, {count} svar i alt)."
    if cut:
        text += f" Svaret var langt, så jeg har gemt de første {engine.MAX_ANSWER_CHARS} tegn."
    return Reply(text, kind="dialogue-ack", data={"position": position + 1, "answers": count})


def status_reply(dialogue_set: DialogueSet, info: dict) -> Reply:
    if not info["count_here"]:
        who = "Ingen har svaret endnu"
    elif info.get("anonymous"):
        who = f"{info['count_here']} har svaret (anonym dialog, så ingen navne)"
    else:
        who = f"{info['count_here']} har svaret: {', '.join(info['people_here'])}"
    text = (f"**{dialogue_set.title}** – spørgsmål {info['position']} af {info['total']}. "
            f"{info['answers_here']} svar her. {who}. {info['answers_total']} svar i alt. "
            f"Facilitator: {info['facilitator']}.")
    return Reply(text, kind="dialogue-status", data=info)


# Teams refuses a bot message over about 28 KB: a workshop's summary is sent in parts below this budget,
# so no part is refused after the dialogue (and its answers) has ended.
MESSAGE_BUDGET = 20_000


def _size(value) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def _pack(head: list[dict], blocks: list[tuple[dict, list[dict]]], more: dict) -> list[list[dict]]:
    """Card bodies under the budget: each question (title, answers) a container; a question too long for
    one card goes on in the next, its title repeated."""
    bodies, body = [], list(head)
    for title, answers in blocks:
        items = [title]
        for answer in answers or [None]:
            if answer is not None and _size(body + [c.container(items + [answer], separator=True)]) > MESSAGE_BUDGET \
                    and (len(items) > 1 or len(body) > 1):
                if len(items) > 1:
                    body.append(c.container(items, separator=True))
                bodies.append(body)
                body, items = [more], [title]
            if answer is not None:
                items.append(answer)
        if _size(body + [c.container(items, separator=True)]) > MESSAGE_BUDGET and len(body) > 1:
            bodies.append(body)
            body = [more]
        body.append(c.container(items, separator=True))
    bodies.append(body)
    return bodies


def _markdown_parts(markdown: str) -> list[str]:
    parts, current = [], ""
    for line in markdown.splitlines(keepends=True):
        while len(line.encode("utf-8")) > MESSAGE_BUDGET:   # one very long answer: cut it, nothing dropped
            head = line.encode("utf-8")[:MESSAGE_BUDGET].decode("utf-8", "ignore")
            parts, current, line = parts + ([current] if current else []) + [head], "", line[len(head):]
        if current and len((current + line).encode("utf-8")) > MESSAGE_BUDGET:
            parts.append(current)
            current = ""
        current += line
    return parts + ([current] if current else [])


def summary_replies(dialogue_set: DialogueSet, state: dict) -> list[Reply]:
    items = engine.summary(state, dialogue_set)
    markdown = engine.summary_markdown(state, dialogue_set)
    head = [c.heading(f"Opsummering: {dialogue_set.title}"),
            c.paragraph(f"Facilitator: {state['facilitator']['name']}", subtle=True)]
    if state.get("anonymous"):
        head.append(c.paragraph("Anonym dialog: svarene står uden navne.", subtle=True))
    blocks = []
    for number, item in enumerate(items, start=1):
        answers = [c.user_text(answer, prefix=f"{person['name']}: " if person["name"] else "• ")
                   for person in item["people"] for answer in person["answers"]]
        if not item["people"]:
            answers = [c.paragraph(engine.STATUS_TEXT[item["status"]], subtle=True)]
        blocks.append((c.paragraph(f"**{number}. {item['question']}**"), answers))
    bodies = _pack(head, blocks, c.heading(f"Opsummering: {dialogue_set.title} (fortsat)", "Default"))
    replies = []
    for part, body in enumerate(bodies, start=1):
        label = f"Opsummering af «{dialogue_set.title}»" + (f", del {part} af {len(bodies)}" if len(bodies) > 1 else "")
        card = c.card(body, fallback=markdown)   # older clients read the whole summary, while it fits
        if len(bodies) > 1 or _size(card) > MESSAGE_BUDGET:
            card = c.card(body, fallback=label)
        replies.append(Reply(markdown if part == 1 else label, card, kind="summary",
                             data={"set_id": dialogue_set.id, "summary": items} if part == 1 else {"part": part},
                             summary="Dialogen er afsluttet. Her er opsummeringen." if part == 1 else label))
    pieces = _markdown_parts(markdown.replace("```", "\'\'\'"))
    for part, piece in enumerate(pieces, start=1):
        lead = "Opsummering som Markdown, klar til at kopiere ind i referatet" + (
            f" (del {part} af {len(pieces)})" if len(pieces) > 1 else "")
        replies.append(Reply(f"{lead}:\n\n```markdown\n{piece}```", kind="summary-markdown",
                             data={"markdown": markdown} if part == 1 else {"part": part}))
    return replies


def list_reply(sets: Sequence[DialogueSet]) -> Reply:
    lines = ["Vælg et spørgsmålssæt til en guidet dialog – skriv **dialog N** (eller **dialog N anonym** "
             "for svar uden navne):", ""]
    body = [c.heading("Guidet dialog"), c.paragraph("Vælg et spørgsmålssæt. Den, der starter, er facilitator.")]
    for number, s in enumerate(sets, start=1):
        lines.append(f"{number}. **{s.title}** ({len(s.questions)} spørgsmål) – {s.description}")
        body.append(c.container([c.paragraph(f"**{number}. {s.title}** · {len(s.questions)} spørgsmål"),
                                 c.paragraph(s.description, subtle=True),
                                 {"type": "ActionSet", "actions": [
                                     c.submit(f"Start {number}", {"command": f"dialog {number}"}),
                                     c.submit("Start anonymt", {"command": f"dialog {number} anonym"})]}],
                                separator=True))
    return Reply("\n".join(lines), c.card(body, fallback="\n".join(lines)), kind="dialogue-list")
