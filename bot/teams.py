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
    """The message without the bot's own @mention; other mentions keep the person's name."""
    text = activity.text or ""
    recipient_id = getattr(activity.recipient, "id", None)
    for entity in activity.entities or []:
        props = getattr(entity, "additional_properties", None) or {}
        if (getattr(entity, "type", "") or "").lower() != "mention":
            continue
        mentioned = props.get("mentioned") or {}
        if isinstance(mentioned, dict) and mentioned.get("id") == recipient_id and isinstance(props.get("text"), str):
            text = text.replace(props["text"], " ")
    text = _AT_TAG_RE.sub(lambda m: m.group(1), text)
    return " ".join(html.unescape(text).split())


def turn_from_activity(activity: Activity, value: Any = None) -> Turn:
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
    )


def to_activity(reply: Reply) -> Activity:
    if reply.card is None:
        return Activity(type=ActivityTypes.message, text=reply.text, text_format="markdown")
    return Activity(
        type=ActivityTypes.message,
        text=reply.summary or None,
        summary=reply.summary or None,
        attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=dict(reply.card))],
    )


class SparringsBot(ActivityHandler):
    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    async def _send(self, context: TurnContext, replies: list[Reply]) -> None:
        if replies:
            await context.send_activities([to_activity(r) for r in replies])

    async def on_message_activity(self, context: TurnContext) -> None:
        if context.activity.delivery_mode != DeliveryModes.expect_replies:
            await context.send_activity(Activity(type=ActivityTypes.typing))
        await self._send(context, await self.assistant.handle(turn_from_activity(context.activity)))

    async def on_members_added_activity(self, members_added: list[ChannelAccount], context: TurnContext) -> None:
        bot_id = getattr(context.activity.recipient, "id", None)
        conversation_type = getattr(context.activity.conversation, "conversation_type", None)
        # Greet once: when the bot joins a chat or team, or when a person opens a personal chat.
        if any(m.id == bot_id for m in members_added) or (conversation_type in (None, "personal") and members_added):
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
        if isinstance(action.get("verb"), str) and "command" not in data and "action" not in data:
            data = {"command": action["verb"]}
        await self._send(context, await self.assistant.handle(turn_from_activity(activity, value=data)))
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
