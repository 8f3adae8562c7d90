"""The guided dialogue in a conversation: engine steps on stored state, and the cards to send or update."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Mapping, Sequence

from . import dialogue as engine
from . import dialogue_views as dv
from .content import DialogueSet
from .model import Reply, Turn
from .state import StateStore, conversation_key

MOVED_ON = "I er gået videre til næste spørgsmål."
WENT_BACK = "I er gået tilbage til et tidligere spørgsmål."
FINISHED = "Dialogen er afsluttet."
MOVED_AWAY = "I er gået videre til et andet spørgsmål."


def _refused(refused: engine.DialogueRefused) -> list[Reply]:
    return [Reply(str(refused), kind="dialogue-refused")]


def person_of(turn: Turn) -> engine.Person:
    return engine.Person(turn.user_id, (turn.user_name or "Deltager").strip()[:100] or "Deltager")


class DialogueFlow:
    def __init__(self, state: StateStore, dialogues: Sequence[DialogueSet]) -> None:
        self.state = state
        self.dialogues = tuple(dialogues)

    @staticmethod
    def key(conversation_id: str) -> str:
        return conversation_key(conversation_id, "dialogue")

    async def running(self, turn: Turn) -> dict | None:
        return await self.state.get(self.key(turn.conversation_id))

    def _set_of(self, set_id: str) -> DialogueSet | None:
        return next((s for s in self.dialogues if s.id == set_id), None)

    async def start(self, turn: Turn, number: int, anonymous: bool = False) -> list[Reply]:
        if not 1 <= number <= len(self.dialogues):
            return [Reply(f"Der findes ikke et spørgsmålssæt nummer {number}. Vælg mellem 1 og "
                          f"{len(self.dialogues)} – skriv **dialog** for at se dem.")]
        chosen = self.dialogues[number - 1]
        person = person_of(turn)

        def begin(current: dict | None):
            if current:
                return current, None
            fresh = engine.start(chosen, person, anonymous=anonymous)
            return fresh, fresh

        started = await self.state.update(self.key(turn.conversation_id), begin)
        if started is None:
            return [Reply("Der er allerede en dialog i gang i denne samtale. Skriv **status** for at se den, "
                          "eller **afslut** for at afslutte den først.")]
        mode = " Svarene er anonyme: de vises uden navne, også i opsummeringen." if anonymous else ""
        intro = f"{person.name} har startet dialogen **{chosen.title}**.{mode}"
        return [dv.step_reply(chosen, started, turn.is_group, intro)]

    async def control(self, turn: Turn, action: str) -> list[Reply]:
        person = person_of(turn)
        outcome: dict[str, Any] = {}

        def apply(current: dict | None):
            outcome.clear()
            if not current:
                outcome["none"] = True
                return None, None
            dialogue_set = engine.find_set(self.dialogues, current["set_id"])
            outcome["set"], outcome["from"] = dialogue_set, current["position"]
            if action == "status":
                outcome["status"] = engine.status(current, dialogue_set)
                return current, None
            if action == "finish":
                engine.require_facilitator(current, person)
                outcome["finished"] = current
                return None, None
            moved = engine.move(current, dialogue_set, person, -1 if action == "back" else 1, skip=action == "skip")
            outcome["at_end"] = not moved
            return current, current

        try:
            state = await self.state.update(self.key(turn.conversation_id), apply)
        except engine.DialogueRefused as refused:
            return _refused(refused)
        if outcome.get("none"):
            return [Reply("Der er ingen dialog i gang. Skriv **dialog** for at se spørgsmålssættene.")]
        dialogue_set = outcome["set"]
        if "status" in outcome:
            return [dv.status_reply(dialogue_set, outcome["status"])]
        if "finished" in outcome:
            finished = outcome["finished"]
            return self._close(turn, dialogue_set, finished, outcome["from"], FINISHED) + \
                dv.summary_replies(dialogue_set, finished)
        if outcome.get("at_end"):
            return [Reply("Det var det sidste spørgsmål. Skriv **afslut** for at få opsummeringen, "
                          "eller **tilbage** for at gå et spørgsmål tilbage.", kind="dialogue-end")]
        note = WENT_BACK if action == "back" else MOVED_ON
        return self._close(turn, dialogue_set, state, outcome["from"], note) + \
            [dv.step_reply(dialogue_set, state, turn.is_group)]

    @staticmethod
    def _close(turn: Turn, dialogue_set: DialogueSet, state: dict, position: int, note: str) -> list[Reply]:
        """The old question card, closed: for everyone (update), and for the facilitator who clicked."""
        replies = []
        update = dv.card_update(dialogue_set, state, position, turn.is_group, closed_note=note)
        if update is not None:
            replies.append(update)
        if turn.invoke:
            replies.append(dv.closed_reply(dialogue_set, position, note, state))
        return replies

    async def answer_message(self, turn: Turn, text: str, on_no_dialogue: Callable[[], Awaitable[list[Reply]]]) -> list[Reply]:
        """A plain (@mentioned) message during a dialogue: an answer to the current question."""
        person = person_of(turn)
        result: dict[str, Any] = {}

        def record(current: dict | None):
            result.clear()
            if not current:
                return None, None  # the dialogue ended meanwhile: treat the text as a question
            result["count"] = engine.add_answer(current, person, text, message_id=turn.message_id)
            result["position"] = current["position"]
            return current, current

        try:
            state = await self.state.update(self.key(turn.conversation_id), record)
        except engine.DialogueRefused as refused:
            return _refused(refused)
        if state is None:
            return await on_no_dialogue()
        # Anonymous: not even the thank-you names the person; a cut answer says so.
        name = "" if state.get("anonymous") else person.name
        replies = [dv.answer_ack_reply(name, result["position"], result["count"],
                                       cut=len(text.strip()) > engine.MAX_ANSWER_CHARS)]
        dialogue_set = self._set_of(state["set_id"])
        update = dialogue_set and dv.card_update(dialogue_set, state, result["position"], turn.is_group)
        return replies + ([update] if update else [])

    async def answer_card(self, turn: Turn, value: Mapping[str, Any]) -> list[Reply]:
        """"Send svar" on a question card (Action.Execute, or Action.Submit in older clients)."""
        person = person_of(turn)
        token = str(value.get("dialogue", ""))
        text = value.get(dv.ANSWER_INPUT)
        text = text if isinstance(text, str) else ""
        try:
            position = int(value.get("position", -1))
        except (TypeError, ValueError, OverflowError):
            position = -1
        outcome: dict[str, Any] = {}

        def record(current: dict | None):
            outcome.clear()
            if not current or current.get("token") != token:
                outcome["stale"] = current
                return current, None
            dialogue_set = engine.find_set(self.dialogues, current["set_id"])
            outcome["set"] = dialogue_set
            if position != current["position"]:
                # The card of a question the dialogue has left (its card is closed for everyone).
                outcome["moved"] = True
                return current, current   # unchanged: no write
            if turn.invoke and not text.strip():
                outcome["empty"] = True   # the card itself says so, not a message to the whole channel
                return current, current
            engine.add_answer(current, person, text, position=position, via="card")
            return current, current

        try:
            state = await self.state.update(self.key(turn.conversation_id), record)
        except engine.DialogueRefused as refused:
            return _refused(refused)
        if "stale" in outcome:
            return [Reply("Det kort hører til en dialog, der er afsluttet. Skriv **dialog** for at starte en ny.",
                          kind="dialogue-refused")] if not turn.invoke else [self._stale_card(value, position)]
        dialogue_set = outcome["set"]
        if outcome.get("moved"):
            if turn.invoke and 0 <= position < len(dialogue_set.questions):
                return [dv.closed_reply(dialogue_set, position, MOVED_AWAY, state)]
            return [Reply(f"{MOVED_AWAY} Svar på det spørgsmål, I er ved nu.", kind="dialogue-refused")]
        view = dv.FACILITATOR if person.id == state["facilitator"]["id"] else dv.EVERYONE
        if outcome.get("empty"):
            mine = dv.question_card(dialogue_set, state, position, view, viewer_id=person.id,
                                    intro="✏️ Skriv dit svar i feltet, før du trykker **Send svar**.")
            return [Reply(mine["fallbackText"], mine, kind="dialogue-card", replaces_clicked=True,
                          summary="Skriv dit svar i feltet først.")]
        update = dv.card_update(dialogue_set, state, position, turn.is_group)
        if turn.invoke:
            mine = dv.question_card(dialogue_set, state, position, view, viewer_id=person.id)
            personal = Reply(mine["fallbackText"], mine, kind="dialogue-card", replaces_clicked=True,
                             summary="Dit svar er gemt – du kan rette det.")
            return [personal] + ([update] if update else [])
        # Action.Submit: the clicked card is the shared one; Teams shows the same card to everyone.
        thanks = "Tak" if state.get("anonymous") else f"Tak, {person.name}"   # a group chat sees this line
        ack = Reply(f"{thanks} – dit svar er gemt (spørgsmål {position + 1}). Du kan rette det i kortet.",
                    kind="dialogue-ack", data={"position": position + 1})
        if update is not None:
            return [update, ack]
        shared = dv.question_card(dialogue_set, state, position, dv.EVERYONE if turn.is_group else dv.FACILITATOR)
        return [Reply(shared["fallbackText"], shared, kind="dialogue-card", replaces_clicked=True), ack]

    def _stale_card(self, value: Mapping[str, Any], position: int) -> Reply:
        """The card of a dialogue that has ended (or a set that no longer exists): closed."""
        dialogue_set = self._set_of(str(value.get("set", "")))
        if dialogue_set is None:
            return Reply(FINISHED, kind="dialogue-closed", replaces_clicked=True)
        return dv.closed_reply(dialogue_set, position, FINISHED)

    async def refresh(self, turn: Turn, value: Mapping[str, Any]) -> list[Reply]:
        """Universal Actions refresh: the card as this person sees it (facilitator buttons, own answer)."""
        state = await self.running(turn)
        try:
            position = int(value.get("position", -1))
        except (TypeError, ValueError, OverflowError):
            position = -1
        if not state or state.get("token") != str(value.get("dialogue", "")):
            return [self._stale_card(value, max(position, 0))]
        dialogue_set = self._set_of(state["set_id"])
        if dialogue_set is None or not 0 <= position < len(dialogue_set.questions):
            return [self._stale_card(value, 0)]
        return [dv.personal_card(dialogue_set, state, position, turn.user_id)]

    async def remember(self, conversation_id: str, track: str, activity_id: str) -> None:
        """Keep the id Teams gave a question card, so the card can be updated in place later."""
        kind, _, rest = track.partition(":")
        token, _, position = rest.partition(":")
        if kind != "dialogue" or not activity_id or not position.isdigit():
            return

        def keep(current: dict | None):
            if not current or current.get("token") != token:
                return current, None
            current.setdefault("cards", {})[position] = activity_id
            return current, current

        await self.state.update(self.key(conversation_id), keep)

    async def edit_message(self, conversation_id: str, message_id: str, text: str) -> int:
        """A message edited in Teams: if it was an answer, the summary shows the edited text."""
        return await self._change_answers(conversation_id, lambda state: engine.edit_message(state, message_id, text))

    async def forget_message(self, conversation_id: str, message_id: str) -> int:
        """A message deleted in Teams: its answer leaves the running dialogue."""
        return await self._change_answers(conversation_id, lambda state: engine.forget_message(state, message_id))

    async def _change_answers(self, conversation_id: str, change: Callable[[dict], int]) -> int:
        """Apply a change to the running dialogue's answers; the state is written only when some changed."""
        changed: dict[str, int] = {}

        def apply(current: dict | None):
            if not current:
                return current, None
            changed["n"] = change(current)
            return current, current if changed["n"] else None

        await self.state.update(self.key(conversation_id), apply)
        return changed.get("n", 0)
