"""The assistant: one turn in, replies out; commands, questions, routing and dialogue state."""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from . import dialogue as engine
from . import views
from .answering import Answerer
from .commands import Command, parse
from .content import DialogueSet, ThemeGroups
from .logs import CONTENT_LOGGER
from .model import Reply, Turn
from .state import StateConflict, StateStore, StateUnavailable, conversation_key

log = logging.getLogger("sparringsbot.assistant")
content_log = logging.getLogger(CONTENT_LOGGER)   # message text: only with SPARRING_LOG_CONTENT=true

RETRY_LATER = "Jeg kan ikke gemme noget lige nu. Prøv igen om et øjeblik."


class Router(Protocol):
    def route(self, need: str, limit: int = 3) -> list[Any]: ...


class Feedback(Protocol):
    async def record_feedback(self, conversation_id: str, question: str, chunk_ids: list[str], rating: int) -> None: ...

    async def record_unanswered(self, conversation_id: str, question: str) -> None: ...


@dataclass(frozen=True)
class Limits:
    max_message_chars: int = 4000
    messages_per_minute: int = 30


class RateLimiter:
    """A sliding one-minute window per conversation, kept in memory (per replica)."""

    def __init__(self, per_minute: int, clock=time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = self._clock()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] > 60:
            events.popleft()
        if len(events) >= self.per_minute:
            return False
        events.append(now)
        if len(self._events) > 10_000:  # forget idle conversations
            for stale in [k for k, v in self._events.items() if not v or now - v[-1] > 60][:5_000]:
                del self._events[stale]
        return True


class Assistant:
    def __init__(self, answerer: Answerer, router: Router, groups: ThemeGroups, dialogues: Sequence[DialogueSet],
                 state: StateStore, feedback: Feedback | None = None,
                 topics: Sequence[tuple[str, Sequence[str]]] = (), limits: Limits = Limits()) -> None:
        self.answerer = answerer
        self.router = router
        self.groups = groups
        self.dialogues = tuple(dialogues)
        self.state = state
        self.feedback = feedback
        self.topics = tuple(topics)
        self.limits = limits
        self._rate = RateLimiter(limits.messages_per_minute)
        self.learn_refresh_seconds = 30.0
        self._learned_at = time.monotonic()   # the router starts with the learned examples so far

    def welcome(self) -> list[Reply]:
        return [views.welcome_reply()]

    async def handle(self, turn: Turn) -> list[Reply]:
        if not self._rate.allow(turn.conversation_id):
            log.info("rate limited", extra={"event": "rate_limited"})
            return [views.text_reply("Du skriver lidt hurtigt til mig. Vent et øjeblik, og prøv så igen.", "rate-limited")]
        text, notes = turn.text or "", []
        if content_log.isEnabledFor(logging.DEBUG):  # nothing is formatted unless content logging is on
            content_log.debug("incoming text: %r", text, extra={"event": "content", "conversation": turn.conversation_id})
        if len(text) > self.limits.max_message_chars:
            text = text[: self.limits.max_message_chars]
            notes.append(views.text_reply(f"Din besked var meget lang, så jeg har kun læst de første "
                                          f"{self.limits.max_message_chars} tegn.", "note"))
        command = parse(text, turn.value)
        started = time.perf_counter()
        try:
            replies = await self._dispatch(command, turn)
        except (StateUnavailable, StateConflict) as exc:
            log.error("state store failed: %s", type(exc).__name__, extra={"event": "state_error"})
            replies = [views.text_reply(RETRY_LATER, "error")]
        log.info("turn handled", extra={"event": "turn", "command": command.name,
                                        "ms": round((time.perf_counter() - started) * 1000, 1)})
        return notes + replies

    async def _dispatch(self, command: Command, turn: Turn) -> list[Reply]:
        name = command.name
        if name == "help":
            return [views.help_reply()]
        if name == "themes":
            return [views.themes_reply(self.topics)]
        if name == "groups":
            return [views.groups_list_reply(self.groups.groups)]
        if name == "route":
            return [await self._route_turn(command, turn)]
        if name in ("route_pick", "route_feedback"):
            return [await self._route_signal(command, turn)]
        if name == "dialog_list":
            return [views.dialogue_list_reply(self.dialogues)]
        if name == "dialog_start":
            return await self._start_dialogue(turn, int(command.arg))
        if name in ("next", "back", "skip", "status", "finish"):
            return await self._control_dialogue(turn, name)
        if name == "ask":
            return await self.ask(command.arg, turn) if command.arg.strip() else [
                views.text_reply("Skriv dit spørgsmål efter **spørg**, fx *spørg hvordan finansierer kommuner innovation?*")]
        if name == "feedback":
            return await self._feedback(command, turn)
        if name == "show_chunk":
            hit = self.answerer.searcher.chunk(str(command.value.get("chunk_id", "")))
            return [views.chunk_reply(hit)] if hit else [views.text_reply("Den kilde findes ikke længere i materialet.")]
        if name == "unknown_action":
            return [views.text_reply("Den knap kender jeg ikke (måske er kortet gammelt). Skriv **hjælp** for at se, hvad jeg kan.")]
        if name == "empty":
            running = await self.state.get(self._key(turn))
            if running:
                return [views.text_reply("Jeg kan kun læse tekst. Skriv dit svar som en almindelig besked.")]
            return [views.text_reply("Jeg kan kun læse tekst. Skriv dit spørgsmål som en besked, eller skriv **hjælp**.")]
        # Plain text: an answer inside a dialogue, otherwise a question.
        if await self.state.get(self._key(turn)):
            return await self._answer_in_dialogue(turn, command.arg)
        return await self.ask(command.arg, turn)

    # --- ask and route -------------------------------------------------------------------------------

    async def ask(self, question: str, turn: Turn | None = None) -> list[Reply]:
        # Search is CPU-bound (embedding); a thread keeps other conversations responsive.
        answer = await asyncio.to_thread(self.answerer.ask, question)
        if answer.answered:
            return [views.answer_reply(answer)]
        if answer.reason == "no-match" and self.feedback and turn is not None:
            try:
                await self.feedback.record_unanswered(turn.conversation_id, question)
            except StateUnavailable:
                log.error("could not record an unanswered question", extra={"event": "feedback_error"})
        # Routing embeds the question too: off the event loop, like search.
        suggestions = await asyncio.to_thread(self.router.route, question, 2) if answer.reason == "no-match" else []
        return [views.decline_reply(answer, suggestions, self.groups.fallback)]

    def route(self, need: str, limit: int = 3) -> Reply:
        need = " ".join(need.split())
        if not need:
            return views.text_reply("Fortæl mig, hvad I skal have hjælp til, fx *hvem kan hjælpe med indkøb af et nyt bookingsystem?* "
                                    "– eller skriv **temagrupper** for at se dem alle.")
        return views.route_reply(need, self.router.route(need, limit=limit), self.groups.fallback)

    # --- routing: "Mente du …?" picks and learning from use -------------------------------------------

    async def _route_turn(self, command: Command, turn: Turn) -> Reply:
        await self._refresh_learned()
        section = str(command.value.get("section", "")) if command.value else ""
        if section:
            # From an answer card: the passage's section names the subject, so route both and recommend one group.
            subject = section.split(" › ")[-1]
            need = " ".join(command.arg.split())
            if need:
                matches = await asyncio.to_thread(self.router.route, f"{need} ({subject})", 1)
                return views.route_reply(need, matches, self.groups.fallback)
        return await asyncio.to_thread(self.route, command.arg or turn.text)

    async def _route_signal(self, command: Command, turn: Turn) -> Reply:
        """A pick from "Mente du …?" (+1) or 👍/👎 on a recommendation, kept as need text, group and time."""
        need = " ".join(command.arg.split())
        group_id = str(command.value.get("group", "") or "")
        group = next((g for g in self.groups.groups if g.id == group_id), None)
        if command.name == "route_pick" and group is None:
            return views.route_pick_reply(None, self.groups.fallback)
        if group is None or not need:
            return views.text_reply("Den temagruppe kender jeg ikke længere (måske er kortet gammelt). Skriv **temagrupper** for at se dem.")
        try:
            rating = 1 if command.name == "route_pick" else (1 if int(command.value.get("rating", 0)) > 0 else -1)
        except (TypeError, ValueError, OverflowError):
            return views.text_reply("Den feedback kunne jeg ikke læse.")
        if self.feedback and hasattr(self.feedback, "record_route_feedback"):
            try:
                await self.feedback.record_route_feedback(turn.conversation_id, need, group.id, rating)
                await self._refresh_learned(force=True)
            except StateUnavailable:
                log.error("could not record a routing signal", extra={"event": "feedback_error"})
        if command.name == "route_pick":
            return views.route_pick_reply(group, self.groups.fallback)
        if rating > 0:
            return views.text_reply(f"Tak! Jeg husker, at {group.name} var det rette sted.", "feedback")
        return views.text_reply("Tak – det husker jeg. Skriv **temagrupper** for at se alle grupperne, eller beskriv behovet "
                                "med flere ord, så prøver jeg igen.", "feedback")

    async def _refresh_learned(self, force: bool = False) -> None:
        """Other replicas learn too: re-read the shared learned examples at most every learn_refresh_seconds."""
        if not (self.feedback and hasattr(self.feedback, "learned") and hasattr(self.router, "set_learned")):
            return
        now = time.monotonic()
        if not force and now - self._learned_at < self.learn_refresh_seconds:
            return
        self._learned_at = now
        try:
            from .routing.learning import learned_texts
            learned = learned_texts(await asyncio.to_thread(self.feedback.learned))
            await asyncio.to_thread(self.router.set_learned, learned)
        except StateUnavailable:
            log.error("could not read learned examples", extra={"event": "feedback_error"})

    async def _feedback(self, command: Command, turn: Turn) -> list[Reply]:
        value = command.value
        try:
            rating = 1 if int(value.get("rating", 0)) > 0 else -1
        except (TypeError, ValueError, OverflowError):  # OverflowError: a rating of 1e400 (inf)
            return [views.text_reply("Den feedback kunne jeg ikke læse.")]
        chunk_ids = [str(c)[:100] for c in value.get("chunk_ids", []) if isinstance(c, (str, int))][:10] \
            if isinstance(value.get("chunk_ids"), list) else []
        if self.feedback:
            await self.feedback.record_feedback(turn.conversation_id, str(value.get("question", ""))[:1000], chunk_ids, rating)
        thanks = "Tak for din feedback – godt at det kunne bruges!" if rating > 0 else \
            "Tak for din feedback. Vi bruger den til at finde huller i materialet."
        return [views.text_reply(thanks, "feedback")]

    # --- dialogue ------------------------------------------------------------------------------------

    @staticmethod
    def _key(turn: Turn) -> str:
        return conversation_key(turn.conversation_id, "dialogue")

    @staticmethod
    def _person(turn: Turn) -> engine.Person:
        return engine.Person(turn.user_id, (turn.user_name or "Deltager").strip()[:100] or "Deltager")

    async def _start_dialogue(self, turn: Turn, number: int) -> list[Reply]:
        if not 1 <= number <= len(self.dialogues):
            return [views.text_reply(f"Der findes ikke et spørgsmålssæt nummer {number}. Vælg mellem 1 og "
                                     f"{len(self.dialogues)} – skriv **dialog** for at se dem.")]
        chosen = self.dialogues[number - 1]

        def begin(current: dict | None):
            if current:
                return current, None
            fresh = engine.start(chosen, self._person(turn))
            return fresh, fresh

        started = await self.state.update(self._key(turn), begin)
        if started is None:
            return [views.text_reply("Der er allerede en dialog i gang i denne samtale. Skriv **status** for at se den, "
                                     "eller **afslut** for at afslutte den først.")]
        intro = f"{self._person(turn).name} har startet dialogen **{chosen.title}**."
        return [views.dialogue_step_reply(chosen, started, intro)]

    async def _control_dialogue(self, turn: Turn, action: str) -> list[Reply]:
        person = self._person(turn)
        outcome: dict[str, Any] = {}

        def apply(current: dict | None):
            outcome.clear()
            if not current:
                outcome["none"] = True
                return None, None
            dialogue_set = engine.find_set(self.dialogues, current["set_id"])
            outcome["set"] = dialogue_set
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
            state = await self.state.update(self._key(turn), apply)
        except engine.DialogueRefused as refused:
            return [views.text_reply(str(refused), "dialogue-refused")]
        if outcome.get("none"):
            return [views.text_reply("Der er ingen dialog i gang. Skriv **dialog** for at se spørgsmålssættene.")]
        dialogue_set = outcome["set"]
        if "status" in outcome:
            return [views.dialogue_status_reply(dialogue_set, outcome["status"])]
        if "finished" in outcome:
            return views.dialogue_summary_reply(dialogue_set, outcome["finished"])
        if outcome.get("at_end"):
            return [views.text_reply("Det var det sidste spørgsmål. Skriv **afslut** for at få opsummeringen, "
                                     "eller **tilbage** for at gå et spørgsmål tilbage.", "dialogue-end")]
        return [views.dialogue_step_reply(dialogue_set, state)]

    async def _answer_in_dialogue(self, turn: Turn, text: str) -> list[Reply]:
        person = self._person(turn)
        result: dict[str, Any] = {}

        def record(current: dict | None):
            result.clear()
            if not current:
                return None, None  # the dialogue ended meanwhile: treat the text as a question
            result["count"] = engine.add_answer(current, person, text)
            result["position"] = current["position"]
            return current, current

        try:
            state = await self.state.update(self._key(turn), record)
        except engine.DialogueRefused as refused:
            return [views.text_reply(str(refused), "dialogue-refused")]
        if state is None:
            return await self.ask(text, turn)
        return [views.answer_ack_reply(person.name, result["position"], result["count"])]
