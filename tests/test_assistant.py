"""The assistant without the Bot Framework SDK: questions, routing, dialogue, feedback, limits."""
import asyncio

import pytest

from bot.model import Turn
from bot.state import StateStore, StateUnavailable

def turn(text="", user="anna", name="Anna", conversation="c1", value=None):
    return Turn(text, conversation, user, name, value, is_group=True)


async def test_question_gets_answer_card_with_source(assistant):
    [reply] = await assistant.handle(turn("Hvordan deler Sorø og Ringsted lønudgiften?"))
    assert reply.kind == "answer"
    assert reply.data["answered"] is True
    assert "RISO" in reply.data["sources"][0]["section"]
    assert "Lønudgiften" in reply.card["fallbackText"]
    assert reply.card["version"] == "1.5"
    titles = [a["title"] for a in reply.card["actions"]]
    assert any("Find en temagruppe" in t for t in titles)
    assert "Kilde: Eksempler fra kommunerne › Samarbejde om it-drift › RISO" in reply.text


async def test_nonsense_is_declined_honestly(assistant):
    [reply] = await assistant.handle(turn("xyzzy plugh qwerty"))
    assert reply.kind == "decline" and reply.data == {"answered": False, "answer": "", "sources": []}
    assert "ikke finde et godt svar" in reply.text


async def test_a_bare_link_is_not_searched(assistant):
    [reply] = await assistant.handle(turn("https://www.kl.dk/digitalisering/strategi?x=1&y=2"))
    assert reply.kind == "decline" and reply.data["answered"] is False and "Jeg kan ikke åbne links" in reply.text


async def test_a_request_to_write_says_what_the_bot_does_instead(assistant):
    [reply] = await assistant.handle(turn("Lav en business case for os på en ny chatbot til borgerservice"))
    assert reply.kind == "decline" and reply.data["answered"] is False
    assert "Jeg kan ikke skrive eller lave dokumenter for jer" in reply.text
    assert reply.card["body"][0]["text"] == "Det skriver jeg ikke"


async def test_route_command_and_card_button(assistant):
    [reply] = await assistant.handle(turn("hvem kan hjælpe med en databehandleraftale og GDPR?"))
    assert reply.kind == "route" and reply.data["groups"][0]["id"] == "sikkerhed"
    [reply] = await assistant.handle(turn(value={"action": "route", "need": "udbud af it-drift hos leverandøren"}))
    assert reply.data["groups"][0]["id"] == "indkob"


async def test_a_message_that_asks_who_to_talk_to_is_routed(assistant):
    [reply] = await assistant.handle(turn("Vi skal have en databehandleraftale og styr på GDPR, hvem skal vi tale med?"))
    assert reply.kind == "route" and reply.data["groups"][0]["id"] == "sikkerhed"
    [ask] = await assistant.handle(turn("hvem kan hjælpe med?"))   # no need named: ask for one, route nothing
    assert ask.kind != "route" and "hvad I skal have hjælp til" in ask.text


async def test_greetings_thanks_and_typos_are_not_questions(assistant):
    [hello] = await assistant.handle(turn("Hej"))
    assert hello.kind == "help" and hello.text.startswith("Hej! Jeg er Sparringsbot")
    [thanks] = await assistant.handle(turn("tak for hjælpen"))
    assert "Selv tak" in thanks.text
    [typo] = await assistant.handle(turn("temagruper"))
    assert "Mente du **temagrupper**?" in typo.text
    [known] = await assistant.handle(turn("Ringsted"))   # a word the material knows is no typo
    assert "Mente du" not in known.text
    await assistant.handle(turn("dialog 1"))
    for text in ("tak", "Næsten", "Dialog først"):   # in a dialogue: answers
        [answer] = await assistant.handle(turn(text, user="bo", name="Bo"))
        assert answer.kind == "dialogue-ack", text
    [step] = await assistant.handle(turn("næste spørgsmål"))
    assert step.kind == "dialogue" and step.data["position"] == 2


async def test_help_themes_groups(assistant):
    assert (await assistant.handle(turn("hjælp")))[0].kind == "help"
    themes = (await assistant.handle(turn("temaer")))[0]
    assert "Samarbejde om it-drift" in themes.text
    groups = (await assistant.handle(turn("temagrupper")))[0]
    assert "ii@eksempel.dk" in groups.text and "Sikkerhed" in groups.text


async def test_dialogue_two_participants_and_summary(assistant):
    [start] = await assistant.handle(turn("dialog 1"))
    assert start.kind == "dialogue" and start.data["position"] == 1
    assert (await assistant.handle(turn("Vi er en driftsafdeling")))[0].kind == "dialogue-ack"
    assert (await assistant.handle(turn("Vi vil udvikle mere", user="bo", name="Bo")))[0].kind == "dialogue-ack"
    refused = (await assistant.handle(turn("næste", user="bo", name="Bo")))[0]
    assert refused.kind == "dialogue-refused" and "Anna" in refused.text
    [step] = await assistant.handle(turn("næste"))
    assert step.data["position"] == 2
    # A question during a dialogue does not move it or become an answer.
    asked = (await assistant.handle(turn("spørg hvad er IT-Forsyningen?")))[0]
    assert asked.kind == "answer"
    status = (await assistant.handle(turn("status")))[0]
    assert status.data["position"] == 2 and status.data["answers_total"] == 2
    await assistant.handle(turn("spring over"))
    await assistant.handle(turn("Faste møder", user="bo", name="Bo"))
    summary, markdown = await assistant.handle(turn("afslut"))
    assert summary.kind == "summary"
    people = summary.data["summary"][0]["people"]
    assert [p["name"] for p in people] == ["Anna", "Bo"]
    assert "- **Bo:** Faste møder" in markdown.data["markdown"]
    # After afslut a plain message is a question again.
    assert (await assistant.handle(turn("Hvordan deler Sorø og Ringsted lønudgiften?")))[0].kind == "answer"


async def test_dialogue_commands_without_dialogue(assistant):
    for command in ("næste", "tilbage", "status", "afslut", "spring over"):
        [reply] = await assistant.handle(turn(command))
        assert "ingen dialog i gang" in reply.text
    assert "nummer 9" in (await assistant.handle(turn("dialog 9")))[0].text


async def test_second_dialogue_is_refused_while_one_runs(assistant):
    await assistant.handle(turn("dialog 1"))
    [reply] = await assistant.handle(turn("dialog 2", user="bo", name="Bo"))
    assert "allerede en dialog" in reply.text


async def test_concurrent_answers_all_land(assistant):
    await assistant.handle(turn("dialog 1"))
    replies = await asyncio.gather(*(assistant.handle(turn(f"svar {i}", user=f"u{i}", name=f"P{i}")) for i in range(12)))
    assert all(r[0].kind == "dialogue-ack" for r in replies)
    status = (await assistant.handle(turn("status")))[0]
    assert status.data["answers_here"] == 12


async def test_feedback_is_recorded_without_names(assistant, tmp_path):
    [reply] = await assistant.handle(turn("Hvordan deler Sorø og Ringsted lønudgiften?"))
    value = next(a for a in reply.card["body"] if a.get("type") == "ActionSet")["actions"][1]["data"]
    assert value["rating"] == -1
    rated, thanks = await assistant.handle(turn(value=value))
    assert thanks.kind == "feedback"
    # The answer card again, its buttons replaced by the thank-you (Action.Submit without replyToId).
    assert rated.replaces_clicked and "Tak – du svarede 👎" in str(rated.card) and "👍 Brugbart" not in str(rated.card)
    assert rated.card["body"][:2] == reply.card["body"][:2]
    await assistant.handle(turn("xyzzy plugh qwerty"))
    report = assistant.feedback.report(10)
    text = str(report)
    assert "lønudgiften" in text.lower() and "xyzzy" in text
    raw = (tmp_path / "feedback.sqlite3").read_bytes()
    assert b"Anna" not in raw


async def test_long_messages_are_cut_with_a_note(assistant):
    replies = await assistant.handle(turn("Sorø og Ringsted lønudgiften " + "x" * 5000))
    assert replies[0].kind == "note" and "500 tegn" in replies[0].text


async def test_rate_limit(assistant):
    assistant._rate.per_minute = 2
    kinds = [(await assistant.handle(turn("hjælp")))[0].kind for _ in range(3)]
    assert kinds == ["help", "help", "rate-limited"]
    # Per person: in a workshop the others are not held back, and card refreshes never count.
    assert (await assistant.handle(turn("hjælp", user="bo", name="Bo")))[0].kind == "help"
    refresh = (await assistant.handle(turn(value={"action": "dialogue_refresh"})))[0]
    assert refresh.kind != "rate-limited"


async def test_empty_message_and_unknown_button(assistant):
    assert "kun læse tekst" in (await assistant.handle(turn("")))[0].text
    assert "knap" in (await assistant.handle(turn(value={"action": "nope"})))[0].text


async def test_failing_state_store_says_try_again(assistant):
    class Broken:
        async def read(self, keys):
            raise StateUnavailable("disk I/O error")
        async def write(self, changes):
            raise StateUnavailable("disk full")
        async def delete(self, keys):
            raise StateUnavailable("disk full")
    assistant.state = StateStore(Broken())
    [reply] = await assistant.handle(turn("dialog 1"))
    assert reply.kind == "error" and "Prøv igen" in reply.text
