"""End to end over HTTP: the real app (CloudAdapter, real e5 index, SQLite state) on loopback."""
import shutil

import pytest

from tests.conftest import FIXTURES
from tests.e2e import BotClient, activity, card_of, config_for, fallback

pytestmark = pytest.mark.slow


@pytest.fixture
def knowledge(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", target)
    return target


@pytest.fixture
async def client(tmp_path, knowledge):
    bot = await BotClient(config_for(tmp_path / "data", knowledge)).start()
    yield bot
    await bot.close()


async def test_healthz(client):
    async with client.session.get(str(client.server.make_url("/healthz"))) as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ok"


async def test_channel_message_with_mention_gets_answer_card(client):
    [reply] = await client.say("Hvordan deler Sorø og Ringsted lønudgiften til de fælles ansatte?", mention=True,
                               conversation="19:chan@thread.tacv2;messageid=42", conversation_type="channel")
    card = card_of(reply)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert "RISO" in card["fallbackText"] and "indbyggertal" in card["fallbackText"]
    assert reply["conversation"]["id"] == "19:chan@thread.tacv2;messageid=42"  # same thread


async def test_out_of_scope_is_declined(client):
    [reply] = await client.say("Hvad er opskriften på æblekage?")
    assert "ikke finde et godt svar" in fallback(reply)


async def test_conversation_update_welcome(client):
    status, payload = await client.post(activity(kind="conversationUpdate", membersAdded=[{"id": "28:sparringsbot"}]))
    assert status == 200
    assert "Sparringsbot" in fallback(payload["activities"][0])


async def test_card_submit_and_execute(client):
    [reply] = await client.say(value={"action": "route", "need": "Vi skal lave en konsekvensanalyse efter GDPR"})
    assert "Informationssikkerhed" in fallback(reply)
    status, payload = await client.post(activity(kind="invoke", name="adaptiveCard/action", value={
        "action": {"type": "Action.Execute", "data": {"command": "temagrupper"}}}))
    assert status == 200 and payload["activities"]


async def test_full_dialogue_with_two_participants_across_restart(tmp_path, knowledge):
    config = config_for(tmp_path / "data", knowledge)
    first = await BotClient(config).start()
    try:
        [start] = await first.say("dialog 1", mention=True)
        assert "Spørgsmål 1 af 3" in fallback(start)
        await first.say("Vi er mest drift i dag", mention=True)
        await first.say("Vi ønsker mere udvikling", user="29:bo", name="Bo", mention=True)
        await first.say("næste", mention=True)
        await first.say("Vi mangler arkitekter", user="29:bo", name="Bo", mention=True)
    finally:
        await first.close()
    second = await BotClient(config).start()  # a new process would see the same SQLite file
    try:
        [status] = await second.say("status", mention=True)
        assert "spørgsmål 2 af 3" in status["text"] and "2" in status["text"]
        await second.say("Og sikkerhedsfolk", mention=True)
        summary, markdown = await second.say("afslut", mention=True)
        text = markdown["text"]
        assert "**Anna:** Vi er mest drift i dag" in text and "**Bo:** Vi ønsker mere udvikling" in text
        assert "**Bo:** Vi mangler arkitekter" in text and "**Anna:** Og sikkerhedsfolk" in text
    finally:
        await second.close()


@pytest.mark.parametrize("raw,headers,status", [
    (b"{not json", {"Content-Type": "application/json"}, 400),
    (b"[]", {"Content-Type": "application/json"}, 400),
    (b'{"type": "message"}', {"Content-Type": "application/json"}, 400),
    (b"hello", {"Content-Type": "text/plain"}, 415),
    (b"{" + b" " * 300_000 + b"}", {"Content-Type": "application/json"}, 413),
])
async def test_bad_http_input(client, raw, headers, status):
    got, payload = await client.post(None, raw=raw, headers=headers)
    assert got == status and "error" in payload
