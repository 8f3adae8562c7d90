"""'Mente du …?' in the assistant: ask, pick, confirmation, learning, 👍/👎, and the answer card's route button."""
from dataclasses import replace

from bot.model import Turn
from bot.routing import Router
from tests.fakes import FakeEmbedder
from tests.test_routing import FAKE, empty_domain

NEED = "leverandøren og databehandleraftale"


def turn(text="", conversation="c1", value=None):
    return Turn(text, conversation, "29:anna", "Anna", value, is_group=False)


def asking(assistant):
    """A calibration that asks when the best group is below 0.8 (the fixture's groups are a close pair here)."""
    assistant.router = Router(assistant.groups, FakeEmbedder(), replace(FAKE, sure_probability=0.8, show_ratio=0.4),
                              domain=empty_domain())
    return assistant


async def test_unsure_route_asks_and_the_pick_is_confirmed_and_learned(assistant):
    assistant = asking(assistant)
    [ask] = await assistant.handle(turn(f"hvem kan hjælpe med {NEED}"))
    assert ask.kind == "route-ask" and ask.card["body"][0]["text"] == "Mente du …?"
    shown = [g["id"] for g in ask.data["groups"]]
    assert shown == ["sikkerhed", "indkob"]
    assert "Minder om: «" in ask.text and "Ida Indkøb" in ask.text and "Sikker Sørensen" in ask.text
    buttons = [a for a in ask.card["actions"] if a["data"].get("action") == "route_pick"]
    assert [b["data"]["group"] for b in buttons] == ["sikkerhed", "indkob", ""]   # the groups, then "Ingen af dem"

    pick = next(b for b in buttons if b["data"]["group"] == "indkob")
    [confirmed] = await assistant.handle(turn(value=pick["data"]))
    assert confirmed.kind == "route-picked" and confirmed.summary == "Kontakt Temagruppe Indkøb og kontrakter."
    assert "ii@eksempel.dk" in confirmed.text

    learned = assistant.feedback.learned()
    assert [e.need for e in learned["indkob"]] == [NEED]
    [again] = await assistant.handle(turn(f"hvem kan hjælpe med {NEED} i kontrakten"))
    assert again.data["groups"][0]["id"] == "indkob"


async def test_none_of_them_gives_the_fallback_and_learns_nothing(assistant):
    assistant = asking(assistant)
    [reply] = await assistant.handle(turn(value={"action": "route_pick", "group": "", "need": NEED}))
    assert "Digitaliseringsenheden" in reply.text
    assert assistant.feedback.learned() == {}


async def test_thumbs_on_a_sure_recommendation(assistant):
    [sure] = await assistant.handle(turn("hvem kan hjælpe med phishing og sikkerhedshændelser"))
    assert sure.kind == "route" and len(sure.data["groups"]) == 1
    up, down = [a["data"] for a in sure.card["actions"]]
    assert up["action"] == down["action"] == "route_feedback" and (up["rating"], down["rating"]) == (1, -1)
    [thanks] = await assistant.handle(turn(value=up))
    assert thanks.kind == "feedback"
    assert list(assistant.feedback.learned()) == ["sikkerhed"]
    await assistant.handle(turn(value=down, conversation="c2"))
    await assistant.handle(turn(value=down, conversation="c3"))
    assert assistant.feedback.learned() == {}                      # net negative: no longer an example
    [stale] = await assistant.handle(turn(value={**up, "group": "findes-ikke"}))
    assert "kender jeg ikke" in stale.text


async def test_forget_and_purge_cover_learned_examples(assistant):
    await assistant.handle(turn(value={"action": "route_pick", "group": "indkob", "need": NEED}, conversation="gone"))
    assert assistant.feedback.learned()
    assert assistant.feedback.forget("gone") == 1
    assert assistant.feedback.learned() == {}
    await assistant.handle(turn(value={"action": "route_pick", "group": "indkob", "need": NEED}))
    assert assistant.feedback.purge(-1) == 1


async def test_answer_card_route_button_carries_the_section_and_recommends_one(assistant):
    [answer] = await assistant.handle(turn("Hvordan deler Sorø og Ringsted lønudgiften?"))
    button = next(a for a in answer.card["actions"] if a["title"] == "Find en temagruppe")
    assert button["data"]["section"] and button["data"]["need"]
    [reply] = await assistant.handle(turn(value=button["data"]))
    assert reply.kind == "route" and len(reply.data["groups"]) <= 1
