"""Teams shapes the adapter must read right: mentions without entity text, group chats without
conversationType, edits and deletions, unknown verbs, the tenant guard and its configuration."""
import sqlite3

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, Entity

from bot.config import ConfigError, load_config
from bot.feedback import FeedbackLog
from bot.model import Turn
from bot.teams import SparringsBot, is_personal, message_text
from bot.tenants import TenantGuard

BOT = ChannelAccount(id="28:11111111-2222", name="Chat SDK Demo")


def mention(text, entity_text=None, name="Chat SDK Demo", bot_id=BOT.id, recipient=BOT):
    entity = {"type": "mention", "mentioned": {"id": bot_id, "name": name}}
    if entity_text is not None:
        entity["text"] = entity_text
    return Activity(type="message", text=text, recipient=recipient, entities=[Entity().deserialize(entity)])


@pytest.mark.parametrize("activity,expected", [
    (mention("<at>Chat SDK Demo</at> hjælp"), "hjælp"),                               # payload 53: no entity text
    (mention("<at>Chat SDK Demo</at> Hey"), "Hey"),                                   # payload 07
    (mention("<at>Chat SDK Demo</at> hjælp", "<at>Chat SDK Demo</at>"), "hjælp"),     # with entity text
    # the recipient's name differs from the mention's display name: the entity's name is used
    (mention("<at>Sparring</at> status", name="Sparring"), "status"),
    # another person's mention keeps the name; the bot's goes
    (mention("<at>Chat SDK Demo</at> spørg <at>Bo Berg</at> om GDPR"), "spørg Bo Berg om GDPR"),
    # the mention arrives as plain text (no <at> tags): the leading bot name goes, nothing else
    (mention("Chat SDK Demo: hjælp"), "hjælp"),
    (mention("<at>Chat SDK Demo</at> Chat SDK Demo er god", "<at>Chat SDK Demo</at>"), "Chat SDK Demo er god"),
    # a mention of someone else with the bot's id missing: nothing stripped but the tags
    (Activity(type="message", text="<at>Bo</at> hej", recipient=BOT), "Bo hej"),
])
def test_bot_mention_is_removed_with_or_without_entity_text(activity, expected):
    assert message_text(activity) == expected


def test_group_chat_without_conversation_type_is_not_personal():
    group = Activity(conversation=ConversationAccount(id="19:meeting", is_group=True))
    personal = Activity(conversation=ConversationAccount(id="a:1"))
    typed = Activity(conversation=ConversationAccount(id="a:2", conversation_type="personal"))
    assert not is_personal(group) and is_personal(personal) and is_personal(typed)


@pytest.fixture
def make_adapter(assistant):
    def make(conversation: ConversationAccount):
        template = Activity(channel_id="msteams", service_url="https://smba.example/", recipient=BOT,
                            from_property=ChannelAccount(id="29:anna", name="Anna"), conversation=conversation)
        return TestAdapter(SparringsBot(assistant).on_turn, template)
    return make


async def test_person_joining_a_meeting_or_group_chat_is_not_greeted(make_adapter):
    adapter = make_adapter(ConversationAccount(id="19:meeting_x@thread.v2", is_group=True))   # payload 28
    await adapter.receive_activity(Activity(type="conversationUpdate", members_added=[ChannelAccount(id="29:new")]))
    assert adapter.activity_buffer == []
    await adapter.receive_activity(Activity(type="conversationUpdate", members_added=[BOT]))
    assert len(adapter.activity_buffer) == 1                                                 # the bot itself: welcome


async def test_new_personal_chat_is_greeted(make_adapter):
    adapter = make_adapter(ConversationAccount(id="a:1", conversation_type="personal"))
    await adapter.receive_activity(Activity(type="conversationUpdate", members_added=[ChannelAccount(id="29:anna")]))
    assert len(adapter.activity_buffer) == 1


async def test_edited_question_is_a_new_question_only_in_personal_chats(make_adapter):
    personal = make_adapter(ConversationAccount(id="a:1", conversation_type="personal"))
    await personal.receive_activity(Activity(type="messageUpdate", id="m1", text="hjælp"))
    assert [a for a in personal.activity_buffer if a.type == "message"]
    group = make_adapter(ConversationAccount(id="19:g", conversation_type="groupChat", is_group=True))
    await group.receive_activity(Activity(type="messageUpdate", id="m1", text="hjælp"))
    assert [a for a in group.activity_buffer if a.type == "message"] == []
    await personal.receive_activity(Activity(type="messageUpdate", id="m2"))               # payload 43: no text
    assert len([a for a in personal.activity_buffer if a.type == "message"]) == 1


async def test_an_edited_dialogue_answer_takes_its_new_text_silently(make_adapter, assistant):
    group = make_adapter(ConversationAccount(id="19:g", conversation_type="groupChat", is_group=True))
    await group.receive_activity(Activity(type="message", id="s-1", text="dialog 1"))
    await group.receive_activity(Activity(type="message", id="a-1", text="Vi er mest drift"))
    sent = len(group.activity_buffer)
    await group.receive_activity(Activity(type="messageUpdate", id="a-1", text="Vi er mest udvikling"))
    assert len([a for a in group.activity_buffer[sent:] if a.type == "message"]) == 0   # no new message
    summary, _ = [r for r in await assistant.handle(Turn("afslut", "19:g", "29:anna", "Anna", is_group=True))
                  if r.kind.startswith("summary")]
    assert "Vi er mest udvikling" in summary.text and "Vi er mest drift" not in summary.text


async def test_deleted_question_leaves_the_unanswered_log(make_adapter, assistant):
    adapter = make_adapter(ConversationAccount(id="a:1", conversation_type="personal"))
    await adapter.receive_activity(Activity(type="message", id="q-9", text="xyzzy plugh qwerty"))
    assert "xyzzy" in str(assistant.feedback.report(10))
    await adapter.receive_activity(Activity(type="messageDelete", id="q-9"))
    assert "xyzzy" not in str(assistant.feedback.report(10))


async def test_unknown_action_execute_verb_is_named_not_answered(make_adapter):
    adapter = make_adapter(ConversationAccount(id="a:1", conversation_type="personal"))
    await adapter.receive_activity(Activity(type="invoke", name="adaptiveCard/action", value={
        "action": {"type": "Action.Execute", "verb": "food", "data": {"item": "vegan"}}, "trigger": "manual"}))
    [reply] = [a for a in adapter.activity_buffer if a.type == "message"]
    assert "Den knap kender jeg ikke" in reply.text


def test_feedback_file_without_message_ids_is_migrated(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY, conversation_id TEXT, question TEXT, "
                   "normalised TEXT, chunk_ids TEXT, rating INTEGER, created_at REAL)")
        db.execute("CREATE TABLE unanswered (id INTEGER PRIMARY KEY, conversation_id TEXT, question TEXT, "
                   "normalised TEXT, created_at REAL)")
        db.execute("INSERT INTO feedback VALUES (1, 'c', 'gammelt spørgsmål', 'gammelt spørgsmål', '[]', 1, 0)")
    log = FeedbackLog(path)
    log.add_feedback("c", "nyt spørgsmål", ["x"], -1, message_id="m-1")
    assert log.forget_message_sync("c", "m-1") == 1
    report = str(log.report(10))
    assert "gammelt spørgsmål" in report and "nyt spørgsmål" not in report


# --- tenant guard and its setting ----------------------------------------------------------------

def body(conversation_tenant=None, channel_tenant=None):
    result = {"conversation": {"id": "c"}}
    if conversation_tenant is not None:
        result["conversation"]["tenantId"] = conversation_tenant
    if channel_tenant is not None:
        result["channelData"] = {"tenant": {"id": channel_tenant}}
    return result


def test_tenant_guard_rules():
    guard = TenantGuard(["Ours"])
    assert guard.refusal(body("ours", "OURS")) is None and guard.refusal(body(None, "ours")) is None
    assert guard.refusal(body("theirs", "theirs")) == "not-allowed"
    assert guard.refusal(body()) == "missing" and guard.refusal(body(42, None)) == "missing"
    assert guard.refusal(body("ours", "theirs")) == "disagreeing"
    assert TenantGuard([]).refusal(body()) is None                    # no list: every tenant


def test_allowed_tenants_setting():
    assert load_config({"SPARRING_ALLOWED_TENANTS": " a-1 , B-2,,"}).allowed_tenants == ("a-1", "b-2")
    single = {"MicrosoftAppId": "app", "MicrosoftAppType": "SingleTenant", "MicrosoftAppTenantId": "T-1"}
    assert load_config(single).allowed_tenants == ("t-1",)              # default: the app's own tenant
    assert load_config({**single, "SPARRING_ALLOWED_TENANTS": "x"}).allowed_tenants == ("x",)
    assert load_config({"MicrosoftAppTenantId": "t-1"}).allowed_tenants == ()   # MultiTenant: no default
    with pytest.raises(ConfigError, match="SPARRING_ALLOWED_TENANTS"):
        load_config({"SPARRING_ALLOWED_TENANTS": "ok, not a tenant!"})


def test_startup_warns_when_every_tenant_is_answered(assistant, caplog):
    import logging

    from bot.app import create_app
    from bot.services import Services

    services = Services(assistant=assistant, index=None, storage=None, feedback=None)
    with caplog.at_level(logging.WARNING, logger="sparringsbot.app"):
        create_app(load_config({"MicrosoftAppId": "app", "MicrosoftAppPassword": "x"}), services, retention=False)
    assert any(getattr(r, "event", "") == "all_tenants" for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sparringsbot.app"):
        create_app(load_config({"MicrosoftAppId": "app", "MicrosoftAppPassword": "x", "MicrosoftAppType": "SingleTenant",
                                "MicrosoftAppTenantId": "t-1"}), services, retention=False)
    assert not any(getattr(r, "event", "") == "all_tenants" for r in caplog.records)
