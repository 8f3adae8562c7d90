"""The Teams adapter through botbuilder's TestAdapter: mentions, cards, invokes, welcome."""
import pytest
from botbuilder.core import Storage
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, Entity

from bot.state import SqliteStorage
from bot.teams import CARD_CONTENT_TYPE, SparringsBot, message_text, turn_from_activity

BOT = ChannelAccount(id="28:bot-id", name="Sparringsbot")


@pytest.fixture
def adapter(assistant):
    template = Activity(channel_id="msteams", service_url="https://smba.example/", recipient=BOT,
                        from_property=ChannelAccount(id="29:anna", name="Anna Jensen"),
                        conversation=ConversationAccount(id="19:chan@thread.tacv2;messageid=1", conversation_type="channel",
                                                         is_group=True))
    return TestAdapter(SparringsBot(assistant).on_turn, template)


def mention_activity(text: str) -> Activity:
    return Activity(type="message", text=f"<at>Sparringsbot</at> {text}", entities=[
        Entity().deserialize({"type": "mention", "text": "<at>Sparringsbot</at>",
                              "mentioned": {"id": BOT.id, "name": BOT.name}})], recipient=BOT)


def test_message_text_strips_only_the_bot_mention():
    activity = mention_activity("hvem kan hjælpe <at>Bo Berg</at> med GDPR &amp; sikkerhed?")
    assert message_text(activity) == "hvem kan hjælpe Bo Berg med GDPR & sikkerhed?"
    malformed = Activity(type="message", text="hej", recipient=BOT, entities=[Entity().deserialize({"type": "mention"})])
    assert message_text(malformed) == "hej"


def test_turn_marks_channel_as_group():
    activity = mention_activity("status")
    activity.conversation = ConversationAccount(id="19:x", conversation_type="channel")
    activity.from_property = ChannelAccount(id="29:a", name="Anna")
    turn = turn_from_activity(activity)
    assert turn.is_group and turn.text == "status" and turn.user_name == "Anna"


def test_sqlite_storage_is_a_botbuilder_storage(tmp_path):
    assert isinstance(SqliteStorage(tmp_path / "s.sqlite3"), Storage)


async def test_channel_question_gets_typing_and_card(adapter):
    await adapter.receive_activity(mention_activity("Hvordan deler Sorø og Ringsted lønudgiften?"))
    typing, answer = adapter.activity_buffer
    assert typing.type == "typing"
    assert answer.attachments[0].content_type == CARD_CONTENT_TYPE
    card = answer.attachments[0].content
    assert card["type"] == "AdaptiveCard" and "RISO" in card["fallbackText"]
    # One message: no text beside the card (Teams would split it in two); summary for notifications.
    assert not answer.text and answer.summary


async def test_card_submit_value_is_a_command(adapter):
    await adapter.receive_activity(Activity(type="message", text="", value={"command": "temagrupper"}))
    reply = adapter.activity_buffer[-1]
    assert "Indkøb" in reply.attachments[0].content["fallbackText"]


async def test_action_execute_invoke(adapter):
    await adapter.receive_activity(Activity(type="invoke", name="adaptiveCard/action", value={
        "action": {"type": "Action.Execute", "verb": "route", "data": {"action": "route", "need": "GDPR og databehandleraftale"}},
        "trigger": "manual"}))
    kinds = [a.type for a in adapter.activity_buffer]
    assert "message" in kinds
    invoke = [a for a in adapter.activity_buffer if a.type == "invokeResponse"]
    assert invoke and invoke[0].value.status == 200


async def test_bad_invoke_is_400(adapter):
    await adapter.receive_activity(Activity(type="invoke", name="adaptiveCard/action", value={"nothing": True}))
    invoke = [a for a in adapter.activity_buffer if a.type == "invokeResponse"]
    assert invoke[0].value.status == 400


async def test_welcome_when_bot_is_added(adapter):
    await adapter.receive_activity(Activity(type="conversationUpdate", members_added=[BOT]))
    [welcome] = adapter.activity_buffer
    assert "Sparringsbot" in welcome.attachments[0].content["fallbackText"]


async def test_other_member_added_to_channel_is_not_greeted(adapter):
    await adapter.receive_activity(Activity(type="conversationUpdate", members_added=[ChannelAccount(id="29:new")]))
    assert adapter.activity_buffer == []


async def test_unknown_activity_types_are_ignored_calmly(adapter):
    for kind in ("messageReaction", "typing", "event", "somethingNew"):
        await adapter.receive_activity(Activity(type=kind))
    assert [a for a in adapter.activity_buffer if a.type == "message"] == []


async def test_attachment_only_message(adapter):
    await adapter.receive_activity(Activity(type="message", text=None, attachments=[{"contentType": "image/png"}]))
    assert "kun læse tekst" in adapter.activity_buffer[-1].text
