"""Teams-native behaviour over HTTP: the real app, a fake Bot Connector, card answers without @mention, tenants."""
import sqlite3

import pytest

from tests.connector import FakeConnector
from tests.e2e import BotClient, activity, card_of, config_for

pytestmark = pytest.mark.slow
GROUP = "19:group@thread.v2"


@pytest.fixture
async def connector():
    fake = await FakeConnector().start()
    yield fake
    await fake.close()


@pytest.fixture
async def client(tmp_path, knowledge_dir):
    bot = await BotClient(config_for(tmp_path / "data", knowledge_dir)).start()
    yield bot
    await bot.close()


def live(connector, text="", **kw):
    """An activity delivered normally (replies go to the fake connector), in a group chat."""
    kw.setdefault("conversation", GROUP)
    return activity(text, expect_replies=False, serviceUrl=connector.url, **kw)


def execute(connector, data, verb="answer", user="29:bo", name="Bo", reply_to=None):
    body = live(connector, kind="invoke", user=user, name=name, value={
        "action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"})
    body["name"] = "adaptiveCard/action"
    body.pop("text", None)
    if reply_to:
        body["replyToId"] = reply_to
    return body


def card_actions(card):
    found = list(card.get("actions", []))
    for block in card["body"]:
        if block.get("type") == "ActionSet":
            found += block["actions"]
    return found


async def test_card_answers_without_mention_from_two_participants(client, connector):
    status, _ = await client.post(live(connector, "dialog 1", mention=True))
    assert status == 200
    [question] = connector.posted()
    assert not question.get("text") and question["summary"].startswith("Spørgsmål 1 af 3")   # one message
    question_id = connector.posted_id()
    card = card_of(question)
    send = next(a for a in card_actions(card) if a["title"] == "Send svar")
    connector.clear()

    # Bo answers with the card's input and "Send svar": an invoke, no text, no @mention.
    status, body = await client.post(execute(connector, dict(send["data"], answer="Vi er mest drift"), reply_to=question_id))
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Dit svar er gemt – du kan rette det" in str(body["value"])
    assert not connector.posted()                       # nothing new in the chat: the answer shows once
    [(updated_id, update)] = connector.updates()
    assert updated_id == question_id and "1 har svaret." in str(update["attachments"][0]["content"])
    assert not update.get("text")
    connector.clear()

    # Cy answers the same question through the card.
    status, body = await client.post(execute(connector, dict(send["data"], answer="Vi vil udvikle mere"),
                                             user="29:cy", name="Cy", reply_to=question_id))
    assert status == 200 and "Dit svar er gemt" in str(body["value"])
    [(_, update)] = connector.updates()
    assert "2 har svaret." in str(update["attachments"][0]["content"])

    [status_reply] = await client.say("status", mention=True, conversation=GROUP)
    assert "2 har svaret: Bo, Cy" in status_reply["text"]
    connector.clear()
    status, _ = await client.post(live(connector, "afslut", mention=True))
    [(closed_id, closed)] = connector.updates()
    assert closed_id == question_id and "Dialogen er afsluttet" in str(closed["attachments"][0]["content"])
    summary, markdown = connector.posted()
    assert "**Bo:** Vi er mest drift" in markdown["text"] and "**Cy:** Vi vil udvikle mere" in markdown["text"]


async def test_facilitator_refresh_and_next_click(client, connector):
    await client.post(live(connector, "dialog 1", mention=True))
    card = card_of(connector.posted()[0])
    question_id = connector.posted_id()
    refresh = card["refresh"]
    assert refresh["userIds"] == ["29:anna"]
    status, body = await client.post(execute(connector, refresh["action"]["data"], verb="refresh",
                                             user="29:anna", name="Anna", reply_to=question_id))
    titles = [a["title"] for a in card_actions(body["value"])]
    assert {"Næste", "Afslut", "Send svar"} <= set(titles)
    connector.clear()
    status, body = await client.post(execute(connector, {"command": "næste"}, verb="næste",
                                             user="29:anna", name="Anna", reply_to=question_id))
    assert status == 200 and "gået videre" in str(body["value"]) and not card_actions(body["value"])
    [(old_id, _)] = connector.updates()
    [new_question] = connector.posted()
    assert old_id == question_id and new_question["summary"].startswith("Spørgsmål 2 af 3")


async def test_feedback_card_changes_after_click(client, connector):
    await client.post(live(connector, "Hvordan deler Sorø og Ringsted lønudgiften til de fælles ansatte?",
                           mention=True, conversation_type="personal", conversation="a:personal"))
    [answer] = connector.posted()
    answer_id = connector.posted_id()
    assert not answer.get("text") and answer["summary"]
    up = next(a for a in card_actions(card_of(answer)) if a["title"].startswith("👍"))
    status, body = await client.post(execute(connector, up["data"], verb="feedback", user="29:anna", name="Anna"))
    assert status == 200 and "Tak – du svarede 👍" in str(body["value"])
    assert not [a for a in card_actions(body["value"]) if a["title"].startswith(("👍", "👎"))]
    # Action.Submit (older clients): the clicked message is updated through its replyToId.
    connector.clear()
    submit = live(connector, value=up["data"], conversation="a:personal", conversation_type="personal")
    submit["replyToId"] = answer_id
    await client.post(submit)
    [(updated_id, update)] = connector.updates()
    assert updated_id == answer_id and "Tak – du svarede 👍" in str(update)
    assert not connector.posted()


# --- tenant guard -------------------------------------------------------------------------------------

OURS = "11111111-2222-3333-4444-555555555555"
OTHER = "99999999-8888-7777-6666-555555555555"


@pytest.fixture
async def guarded(tmp_path, knowledge_dir):
    bot = await BotClient(config_for(tmp_path / "data", knowledge_dir, SPARRING_ALLOWED_TENANTS=OURS)).start()
    yield bot
    await bot.close()


def with_tenant(connector, conversation_tenant, channel_tenant, text="dialog 1"):
    body = live(connector, text, mention=True)
    if conversation_tenant is not None:
        body["conversation"]["tenantId"] = conversation_tenant
    if channel_tenant is not None:
        body["channelData"] = {"tenant": {"id": channel_tenant}}
    return body


def stored_items(tmp_path) -> int:
    path = tmp_path / "data" / "state.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM items").fetchone()[0]


@pytest.mark.parametrize("conversation_tenant,channel_tenant", [
    (OTHER, OTHER),          # another organisation side-loaded the app
    (None, None),            # no tenant at all
    (OURS, OTHER),           # the two places disagree
    (OTHER, OURS),
    (None, OTHER),
])
async def test_tenant_guard_refuses(guarded, connector, tmp_path, conversation_tenant, channel_tenant):
    status, payload = await guarded.post(with_tenant(connector, conversation_tenant, channel_tenant))
    assert status == 403 and "error" in payload
    assert connector.calls == [] and stored_items(tmp_path) == 0   # no bot code ran, nothing stored


@pytest.mark.parametrize("conversation_tenant,channel_tenant", [(OURS, OURS), (None, OURS), (OURS.upper(), None)])
async def test_tenant_guard_allows_own_tenant(guarded, connector, tmp_path, conversation_tenant, channel_tenant):
    status, _ = await guarded.post(with_tenant(connector, conversation_tenant, channel_tenant))
    assert status == 200 and connector.posted() and stored_items(tmp_path) == 1


async def test_no_tenant_restriction_by_default(client, connector):
    status, _ = await client.post(with_tenant(connector, OTHER, OTHER, text="hjælp"))
    assert status == 200 and connector.posted()
