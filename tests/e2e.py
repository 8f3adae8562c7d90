"""Helpers for end-to-end tests: real app on loopback, Bot Framework activities."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from bot.app import create_app
from bot.config import load_config

_ids = itertools.count(1)
BOT = {"id": "28:sparringsbot", "name": "Sparringsbot"}


def config_for(data_dir: Path, knowledge_dir: Path, **env: str):
    return load_config({"SPARRING_DATA_DIR": str(data_dir), "SPARRING_KNOWLEDGE_DIR": str(knowledge_dir), **env})


def activity(text: str = "", user: str = "29:anna", name: str = "Anna", conversation: str = "19:team@thread.tacv2",
             kind: str = "message", value: Any = None, mention: bool = False, conversation_type: str = "groupChat",
             expect_replies: bool = True, **extra: Any) -> dict:
    body: dict[str, Any] = {
        "type": kind, "id": f"act-{next(_ids)}", "channelId": "msteams", "serviceUrl": "http://127.0.0.1:9/connector",
        "from": {"id": user, "name": name}, "recipient": BOT,
        "conversation": {"id": conversation, "conversationType": conversation_type, "isGroup": conversation_type != "personal"},
    }
    if expect_replies:
        body["deliveryMode"] = "expectReplies"
    if text or kind == "message":
        body["text"] = f"<at>{BOT['name']}</at> {text}" if mention else text
    if mention:
        body["entities"] = [{"type": "mention", "text": f"<at>{BOT['name']}</at>", "mentioned": BOT}]
    if value is not None:
        body["value"] = value
    body.update(extra)
    return body


class BotClient:
    """The real app served by aiohttp on a loopback port, talked to over HTTP."""

    def __init__(self, config) -> None:
        self.config = config
        self.server: TestServer | None = None
        self.session: ClientSession | None = None

    async def start(self) -> "BotClient":
        self.server = TestServer(create_app(self.config, retention=False), host="127.0.0.1")
        await self.server.start_server()
        self.session = ClientSession()
        return self

    @property
    def url(self) -> str:
        return str(self.server.make_url("/api/messages"))

    async def post(self, body: Any, raw: bytes | None = None, headers: dict | None = None):
        headers = headers or {"Content-Type": "application/json"}
        async with self.session.post(self.url, json=None if raw is not None else body,
                                     data=raw, headers=headers) as response:
            payload = await response.json() if response.content_type == "application/json" else await response.text()
            return response.status, payload

    async def say(self, text: str = "", **kw: Any) -> list[dict]:
        status, payload = await self.post(activity(text, **kw))
        assert status == 200, (status, payload)
        return [a for a in payload["activities"] if a["type"] == "message"]

    async def close(self) -> None:
        if self.session:
            await self.session.close()
        if self.server:
            await self.server.close()


def card_of(reply: dict) -> dict:
    return reply["attachments"][0]["content"]


def fallback(reply: dict) -> str:
    return card_of(reply)["fallbackText"] if reply.get("attachments") else reply.get("text", "")
