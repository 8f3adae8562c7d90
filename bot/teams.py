"""The Teams adapter: the one module that speaks Bot Framework (botbuilder) to the assistant."""
from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from botbuilder.core import (ActivityHandler, InvokeResponse, MemoryStorage, Storage, TurnContext)
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes, Attachment, ChannelAccount, DeliveryModes
from msrest.universal_http.requests import ClientRetryPolicy as _RetryPolicy

from .assistant import Assistant
from .model import Reply, Turn
from .blob_state import BlobStateStorage
from .state import SqliteStorage

log = logging.getLogger("sparringsbot.teams")

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
_AT_TAG_RE = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.S)

# msrest builds a retry policy for every connector client (one per turn) with `i not in <list of
# 500 codes>` for 999 codes: ~4 ms of CPU per turn. The same codes as a frozenset: same policy.
_RetryPolicy.safe_codes = frozenset(_RetryPolicy.safe_codes)

# Our SQLite store implements botbuilder's Storage contract (read/write/delete with eTags).
Storage.register(SqliteStorage)
Storage.register(BlobStateStorage)


@dataclass(frozen=True)
class Credentials:
    """Bot Framework app registration, as ConfigurationBotFrameworkAuthentication reads it."""

    APP_ID: str = ""
    APP_PASSWORD: str = ""
    APP_TYPE: str = "MultiTenant"
    APP_TENANTID: str = ""
    # Only for sovereign clouds and tests: where the channel's signing keys are, and their issuer.
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None


def message_text(activity: Activity) -> str:
    """The message without the bot's own @mention; other mentions keep the person's name.

    Teams does not always put the mention's `text` in the entity (payloads 07 and 53): then the
    <at>…</at> tag that holds the bot's name (the recipient's, or the entity's `mentioned.name`) goes.
    """
    text = activity.text or ""
    recipient_id = getattr(activity.recipient, "id", None)
    bot_names = {(getattr(activity.recipient, "name", None) or "").strip().casefold()} - {""}
    mentioned_bot, removed = False, []
    for entity in activity.entities or []:
        props = getattr(entity, "additional_properties", None) or {}
        if (getattr(entity, "type", "") or "").lower() != "mention":
            continue
        mentioned = props.get("mentioned") or {}
        if not isinstance(mentioned, dict) or not recipient_id or mentioned.get("id") != recipient_id:
            continue
        if isinstance(props.get("text"), str) and props["text"] and props["text"] in text:
            text = text.replace(props["text"], " ")
            removed.append(props["text"])
        mentioned_bot = True
        if isinstance(mentioned.get("name"), str) and mentioned["name"].strip():
            bot_names.add(mentioned["name"].strip().casefold())

    def tag(match: re.Match) -> str:
        inner = match.group(1)
        if html.unescape(inner).strip().casefold() in bot_names:
            removed.append(inner)
            return " "
        return inner

    text = " ".join(html.unescape(_AT_TAG_RE.sub(tag, text)).split())
    if mentioned_bot and not removed:
        # Some clients send the mention as plain text ("Sparringsbot hjælp"): drop a leading bot name.
        for name in sorted(bot_names, key=len, reverse=True):
            if text[:len(name)].casefold() == name and (len(text) == len(name) or not text[len(name)].isalnum()):
                return text[len(name):].lstrip(" ,:;-")
    return text


def turn_from_activity(activity: Activity, value: Any = None, invoke: bool = False) -> Turn:
    conversation = activity.conversation
    conversation_type = getattr(conversation, "conversation_type", None) or ""
    sender = activity.from_property or ChannelAccount(id="unknown")
    raw_value = activity.value if value is None else value
    return Turn(
        text=message_text(activity),
        conversation_id=conversation.id,
        user_id=sender.id or "unknown",
        user_name=sender.name or "",
        value=raw_value if isinstance(raw_value, dict) else None,
        is_group=bool(getattr(conversation, "is_group", False)) or conversation_type in ("groupChat", "channel"),
        channel_id=activity.channel_id or "msteams",
        message_id=activity.id or "",
        reply_to_id=activity.reply_to_id or "",
        invoke=invoke,
    )


def is_personal(activity: Activity) -> bool:
    """A one-to-one chat. Teams sends group chats and meetings without conversationType, with isGroup."""
    conversation = activity.conversation
    conversation_type = getattr(conversation, "conversation_type", None)
    if conversation_type:
        return conversation_type == "personal"
    return not getattr(conversation, "is_group", False)


def to_activity(reply: Reply) -> Activity:
    if reply.card is None:
        return Activity(type=ActivityTypes.message, text=reply.text, text_format="markdown")
    # No `text` beside the card: Teams would split it into two messages (and return no id to update).
    # `summary` is what notifications and the chat list show; the card's fallbackText holds the Markdown.
    return Activity(
        type=ActivityTypes.message,
        summary=reply.summary or _first_line(reply.text) or None,
        attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=dict(reply.card))],
    )


def _first_line(markdown: str, limit: int = 200) -> str:
    """A notification line for a card without its own summary: the first line of its text, unmarked."""
    line = next((l.strip() for l in markdown.splitlines() if l.strip()), "")
    line = re.sub(r"[*_`#>]+", "", line).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


class SparringsBot(ActivityHandler):
    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    async def _send(self, context: TurnContext, replies: list[Reply]) -> dict | None:
        """Post, update in place, or hand back the card that replaces the clicked one (invoke response)."""
        activity = context.activity
        expect = activity.delivery_mode == DeliveryModes.expect_replies
        invoke = activity.type == ActivityTypes.invoke
        clicked_card, to_post = None, []
        for reply in replies:
            if reply.replaces_clicked and not expect and invoke:
                clicked_card = dict(reply.card) if reply.card is not None else None
            elif reply.replaces_clicked and not expect and activity.reply_to_id:
                await self._update(context, activity.reply_to_id, reply)
            elif reply.update_id:
                if not expect:   # an expectReplies caller only reads the response body
                    await self._update(context, reply.update_id, reply)
            else:
                to_post.append(reply)
        if to_post:
            responses = await context.send_activities([to_activity(r) for r in to_post])
            if not expect:
                for reply, response in zip(to_post, responses or []):
                    if reply.track and getattr(response, "id", None):
                        await self.assistant.remember(activity.conversation.id, reply.track, response.id)
        return clicked_card

    @staticmethod
    async def _update(context: TurnContext, activity_id: str, reply: Reply) -> None:
        update = to_activity(reply)
        update.id = activity_id
        try:
            await context.update_activity(update)
        except Exception as exc:  # the message may be gone, or the channel may not support updates
            log.warning("could not update a message: %s", type(exc).__name__, extra={"event": "update_failed"})

    async def on_message_activity(self, context: TurnContext) -> None:
        if context.activity.delivery_mode != DeliveryModes.expect_replies:
            await context.send_activity(Activity(type=ActivityTypes.typing))
        await self._send(context, await self.assistant.handle(turn_from_activity(context.activity)))

    async def on_message_update_activity(self, context: TurnContext) -> None:
        # An edited dialogue answer takes its new text, silently. Otherwise an edited question in a personal
        # chat is a new question; in a group an edit must not make the bot speak up again.
        text = message_text(context.activity)
        if context.activity.id and text and await self.assistant.edit_message(
                context.activity.conversation.id, context.activity.id, text):
            return
        if is_personal(context.activity) and text:
            await self.on_message_activity(context)
        else:
            log.info("ignored message edit", extra={"event": "ignored_edit"})

    async def on_message_delete_activity(self, context: TurnContext) -> None:
        if context.activity.id:
            await self.assistant.forget_message(context.activity.conversation.id, context.activity.id)

    async def on_members_added_activity(self, members_added: list[ChannelAccount], context: TurnContext) -> None:
        bot_id = getattr(context.activity.recipient, "id", None)
        # Greet once: when the bot joins a chat or team, or when a person opens a personal chat with it.
        # People joining a group chat, team or meeting are not greeted (it would spam everyone).
        if any(m.id == bot_id for m in members_added) or (is_personal(context.activity) and members_added):
            await self._send(context, self.assistant.welcome())

    async def on_invoke_activity(self, context: TurnContext) -> InvokeResponse:
        activity = context.activity
        if activity.name != "adaptiveCard/action":
            # Other invokes (message extensions, sign-in) are features this bot does not offer;
            # answer calmly instead of a 5xx that would page whoever watches the service.
            log.info("ignored invoke", extra={"event": "ignored_invoke"})
            return InvokeResponse(status=int(HTTPStatus.OK), body={})
        action = (activity.value or {}).get("action") if isinstance(activity.value, dict) else None
        data = action.get("data") if isinstance(action, dict) else None
        if not isinstance(data, dict):
            return InvokeResponse(status=int(HTTPStatus.BAD_REQUEST), body={
                "statusCode": 400, "type": "application/vnd.microsoft.error",
                "value": {"code": "BadRequest", "message": "Missing action data"}})
        if "command" not in data and "action" not in data:
            # Our cards always carry a command or action in data; a bare verb is another app's (or an
            # old) card: "Den knap kender jeg ikke", never read as a question.
            data = {"unknown_verb": str(action.get("verb", ""))[:100]}
        turn = turn_from_activity(activity, value=data, invoke=True)
        card = await self._send(context, await self.assistant.handle(turn))
        if card is not None:
            return InvokeResponse(status=int(HTTPStatus.OK), body={
                "statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card})
        return InvokeResponse(status=int(HTTPStatus.OK), body={
            "statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "OK"})

    async def on_unrecognized_activity_type(self, context: TurnContext) -> None:
        log.info("ignored activity", extra={"event": "ignored_activity", "activity_type": context.activity.type})


class TeamsAdapter:
    """CloudAdapter plus the request handling that botbuilder 4.17.1's aiohttp integration gets wrong."""

    def __init__(self, credentials: Credentials, assistant: Assistant) -> None:
        self.anonymous = not credentials.APP_ID
        self.adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(credentials))
        self.adapter.on_turn_error = self._on_error
        self.bot = SparringsBot(assistant)

    @staticmethod
    async def _on_error(context: TurnContext, error: Exception) -> None:
        log.exception("turn failed: %s", type(error).__name__, exc_info=error, extra={"event": "turn_error"})
        try:
            await context.send_activity("Beklager, noget gik galt hos mig. Prøv igen om et øjeblik.")
        except Exception:  # the channel may be unreachable; the error is logged above
            log.warning("could not tell the user about the error", extra={"event": "turn_error_reply"})

    async def process(self, body: dict, auth_header: str) -> tuple[int, Any]:
        """Run one activity; returns (HTTP status, JSON body or None). Raises PermissionError when unauthorised."""
        activity = Activity().deserialize(body)
        try:
            auth = await self.adapter.bot_framework_authentication.authenticate_request(activity, auth_header or "")
        except PermissionError:
            raise
        except Exception as exc:  # the SDK raises IndexError, jwt and requests errors for bad tokens
            log.info("authentication failed: %s", type(exc).__name__, extra={"event": "auth_failed"})
            raise PermissionError("authentication failed") from None
        response = await self.adapter.process_activity(auth, activity, self.bot.on_turn)
        if not response:
            return HTTPStatus.OK, None
        # botbuilder-python #2156: for expectReplies the body is already a dict and msrest's serializer
        # fails on it with "'dict' object has no attribute 'is_xml_model'". Serialise models only.
        payload = response.body
        if payload is not None and hasattr(payload, "serialize"):
            payload = payload.serialize()
        return int(response.status or HTTPStatus.OK), payload


def make_memory_storage() -> Storage:
    return MemoryStorage()
