"""The assistant: one turn in, replies out; commands, questions, routing and dialogue state."""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, replace
from typing import Any, Protocol, Sequence

from . import dialogue_views, views
from .answering import Answerer
from .commands import Command, parse
from .content import DialogueSet, ThemeGroups
from .dialogue_flow import DialogueFlow
from .logs import CONTENT_LOGGER
from .model import Reply, Turn
from .state import StateConflict, StateStore, StateUnavailable

log = logging.getLogger("sparringsbot.assistant")
content_log = logging.getLogger(CONTENT_LOGGER)   # message text: only with SPARRING_LOG_CONTENT=true

RETRY_LATER = "Jeg kan ikke gemme noget lige nu. Prøv igen om et øjeblik."


class Router(Protocol):
    def route(self, need: str, limit: int = 3) -> list[Any]: ...


class Feedback(Protocol):
    async def record_feedback(self, conversation_id: str, question: str, chunk_ids: list[str], rating: int,
                              message_id: str = "") -> None: ...

    async def record_unanswered(self, conversation_id: str, question: str, message_id: str = "") -> None: ...

    async def forget_message(self, conversation_id: str, message_id: str) -> int: ...


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

    @property
    def dialogue(self) -> DialogueFlow:
        return DialogueFlow(self.state, self.dialogues)   # follows a replaced state store (tests)

    def welcome(self) -> list[Reply]:
        return [views.welcome_reply()]

    async def handle(self, turn: Turn) -> list[Reply]:
        # Per person in a conversation: a workshop of 15 answering at once is not one person typing fast.
        # A card refresh is Teams showing a card, not anyone writing: it is never limited.
        refresh = isinstance(turn.value, dict) and turn.value.get("action") == "dialogue_refresh"
        if not refresh and not self._rate.allow(f"{turn.conversation_id}\n{turn.user_id}"):
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
        guess = command.value.get("guess") if command.value else None
        if isinstance(guess, str):
            # "Dialog først", "Næsten": in a dialogue an answer; outside one a word the material knows is a question
            if await self.dialogue.running(turn) or (command.name == "typo" and self.answerer.searcher.coverage(guess) > 0):
                command = Command("text", guess)
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
            return [dialogue_views.list_reply(self.dialogues)]
        if name == "dialog_start":
            return await self.dialogue.start(turn, int(command.arg), bool(command.value.get("anonymous")))
        if name in ("next", "back", "skip", "status", "finish"):
            return await self.dialogue.control(turn, name)
        if name == "dialogue_answer":
            return await self.dialogue.answer_card(turn, command.value)
        if name == "dialogue_refresh":
            return await self.dialogue.refresh(turn, command.value)
        if name == "ask":
            return await self.ask(command.arg, turn) if command.arg.strip() else [
                views.text_reply("Skriv dit spørgsmål efter **spørg**, fx *spørg hvordan finansierer kommuner innovation?*")]
        if name == "feedback":
            return await self._feedback(command, turn)
        if name == "show_chunk":
            hit = self.answerer.searcher.chunk(str(command.value.get("chunk_id", "")))
            return [views.chunk_reply(hit)] if hit else [views.text_reply("Den kilde findes ikke længere i materialet.")]
        if name == "typo":
            return [views.text_reply(f"Mente du **{command.arg}**? Skriv det, så gør jeg det – eller skriv **hjælp** "
                                     "for at se, hvad jeg kan.")]
        if name in ("greeting", "thanks"):
            async def small_talk() -> list[Reply]:
                if name == "thanks":
                    return [views.text_reply("Selv tak! Skriv bare, hvis du har flere spørgsmål – eller **hjælp** for at "
                                             "se, hvad jeg kan.")]
                return [views.welcome_reply()]
            if await self.dialogue.running(turn):   # in a dialogue every other message is an answer
                return await self.dialogue.answer_message(turn, " ".join(turn.text.split()), small_talk)
            return await small_talk()
        if name == "unknown_action":
            return [views.text_reply("Den knap kender jeg ikke (måske er kortet gammelt). Skriv **hjælp** for at se, hvad jeg kan.")]
        if name == "empty":
            running = await self.dialogue.running(turn)
            if running:
                return [views.text_reply("Jeg kan kun læse tekst. Skriv dit svar i spørgsmålets felt eller som en besked.")]
            return [views.text_reply("Jeg kan kun læse tekst. Skriv dit spørgsmål som en besked, eller skriv **hjælp**.")]
        # Plain text: an answer inside a dialogue, otherwise a question.
        if await self.dialogue.running(turn):
            return await self.dialogue.answer_message(turn, command.arg, lambda: self.ask(command.arg, turn))
        return await self.ask(command.arg, turn)

    # --- ask and route -------------------------------------------------------------------------------

    async def ask(self, question: str, turn: Turn | None = None) -> list[Reply]:
        # Search is CPU-bound (embedding); a thread keeps other conversations responsive.
        answer = await asyncio.to_thread(self.answerer.ask, question)
        if answer.answered:
            return [views.answer_reply(answer, message_id=turn.message_id if turn else "")]
        if answer.reason == "no-match" and self.feedback and turn is not None:
            try:
                await self.feedback.record_unanswered(turn.conversation_id, question, turn.message_id)
            except StateUnavailable:
                log.error("could not record an unanswered question", extra={"event": "feedback_error"})
        # Routing embeds the question too: off the event loop, like search.
        routed = answer.reason in ("no-match", "write-request")   # a theme group may help write what we will not
        suggestions = await asyncio.to_thread(self.router.route, question, 2) if routed else []
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
        # "hvem kan hjælpe med?" names no need: ask for one rather than route the asking words
        return await asyncio.to_thread(self.route, command.arg)

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
        question = str(value.get("question", ""))[:1000]
        message_id = str(value.get("message_id", ""))[:200]
        if self.feedback:
            await self.feedback.record_feedback(turn.conversation_id, question, chunk_ids, rating, message_id)
        thanks = "Tak for din feedback – godt at det kunne bruges!" if rating > 0 else \
            "Tak for din feedback. Vi bruger den til at finde huller i materialet."
        rated = await self._rated_card(question, chunk_ids, rating, message_id)
        if turn.invoke or turn.reply_to_id:
            return [rated]   # the card changes in place: no extra message
        return [rated, views.text_reply(thanks, "feedback")]

    async def _rated_card(self, question: str, chunk_ids: list[str], rating: int, message_id: str) -> Reply:
        """The answer card again, its 👍/👎 replaced by the thank-you (answered anew; kept only if the same passages)."""
        answer = await asyncio.to_thread(self.answerer.ask, question) if question.strip() else None
        if answer is None or not answer.answered or [h.chunk_id for h in answer.hits] != chunk_ids:
            return views.feedback_thanks_reply(rating)
        rebuilt = views.answer_reply(answer, rated=rating, message_id=message_id)
        return replace(rebuilt, replaces_clicked=True)

    # --- Teams message ids -----------------------------------------------------------------------------

    async def remember(self, conversation_id: str, track: str, activity_id: str) -> None:
        """Teams gave a sent message this id; a question card is updated in place through it later."""
        try:
            await self.dialogue.remember(conversation_id, track, activity_id)
        except (StateUnavailable, StateConflict) as exc:
            log.warning("could not keep a message id: %s", type(exc).__name__, extra={"event": "state_error"})

    async def edit_message(self, conversation_id: str, message_id: str, text: str) -> bool:
        """A message was edited in Teams: an answer in the running dialogue takes the new text (True)."""
        try:
            changed = await self.dialogue.edit_message(conversation_id, message_id, " ".join(text.split()))
        except (StateUnavailable, StateConflict) as exc:
            log.error("could not apply an edited answer: %s", type(exc).__name__, extra={"event": "state_error"})
            return False
        if changed:
            log.info("edited answer applied", extra={"event": "message_edited"})
        return bool(changed)

    async def forget_message(self, conversation_id: str, message_id: str) -> None:
        """A message was deleted in Teams: its text leaves the feedback log and the running dialogue."""
        try:
            removed = await self.dialogue.forget_message(conversation_id, message_id)
            if self.feedback:
                removed += await self.feedback.forget_message(conversation_id, message_id)
        except (StateUnavailable, StateConflict) as exc:
            # Nobody waits for an answer to a deletion; the retention purge removes the text later.
            log.error("could not forget a deleted message: %s", type(exc).__name__, extra={"event": "state_error"})
            return
        log.info("deleted message forgotten", extra={"event": "message_deleted", "removed": removed})
