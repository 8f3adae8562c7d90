"""The dialogue engine as pure state transitions."""
import pytest

from bot import dialogue as engine
from bot.content import load_dialogues
from tests.conftest import FIXTURES

SETS = load_dialogues(FIXTURES / "knowledge" / "dialogues.yaml")
ANNA, BO = engine.Person("a", "Anna"), engine.Person("b", "Bo")


def test_full_dialogue_summary():
    state = engine.start(SETS[0], ANNA, now=0)
    engine.add_answer(state, ANNA, "Vi driver og udvikler")
    engine.add_answer(state, BO, "Mere udvikling, tak")
    engine.add_answer(state, ANNA, "Og sikkerhed")
    assert engine.move(state, SETS[0], ANNA, 1)
    assert engine.move(state, SETS[0], ANNA, 1, skip=True)
    engine.add_answer(state, BO, "Faste dialogmøder")
    assert not engine.move(state, SETS[0], ANNA, 1)  # past the last question
    summary = engine.summary(state, SETS[0])
    assert summary[0]["people"] == [{"name": "Anna", "answers": ["Vi driver og udvikler", "Og sikkerhed"]},
                                    {"name": "Bo", "answers": ["Mere udvikling, tak"]}]
    assert summary[1]["skipped"] and not summary[1]["people"]
    markdown = engine.summary_markdown(state, SETS[0])
    assert "## Spørgsmål 1\n\n**Hvordan definerer vi vores rolle og kerneopgave?**" in markdown
    assert "- **Bo:** Faste dialogmøder" in markdown
    assert "_Sprunget over._" in markdown


def test_only_facilitator_steers():
    state = engine.start(SETS[0], ANNA)
    with pytest.raises(engine.DialogueRefused, match="kun facilitatoren \\(Anna\\)"):
        engine.move(state, SETS[0], BO, 1)
    with pytest.raises(engine.DialogueRefused, match="første spørgsmål"):
        engine.move(state, SETS[0], ANNA, -1)


def test_answers_are_bounded_and_markdown_escaped():
    state = engine.start(SETS[0], ANNA)
    engine.add_answer(state, BO, "x" * 10_000)
    assert len(state["answers"]["0"][0]["text"]) == engine.MAX_ANSWER_CHARS
    with pytest.raises(engine.DialogueRefused):
        engine.add_answer(state, BO, "   ")
    engine.add_answer(state, BO, "**fed** [link](http://x) <b>html</b>\n# overskrift")
    markdown = engine.summary_markdown(state, SETS[0])
    assert "\\*\\*fed\\*\\*" in markdown and "\\<b\\>" in markdown and "\n# overskrift" not in markdown
