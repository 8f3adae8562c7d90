"""A fake Bot Connector on loopback for end-to-end tests: records what the bot posts and updates."""
from __future__ import annotations

import itertools

from aiohttp import web
from aiohttp.test_utils import TestServer


class FakeConnector:
    """Answers POST (send / reply) and PUT (update) of /v3/conversations/{id}/activities like the Bot Connector."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self._ids = itertools.count(1)
        self.server: TestServer | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        parts = request.match_info["tail"].split("/")
        call = {"method": request.method, "parts": parts, "body": body}
        self.calls.append(call)
        if request.method in ("POST", "PUT"):
            call["id"] = f"msg-{next(self._ids)}"
            return web.json_response({"id": call["id"]})
        return web.json_response({}, status=404)

    async def start(self) -> "FakeConnector":
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return self

    @property
    def url(self) -> str:
        return str(self.server.make_url("/"))

    def posted(self) -> list[dict]:
        return [c["body"] for c in self.calls if c["method"] == "POST" and (c["body"] or {}).get("type") == "message"]

    def posted_id(self, index: int = -1) -> str:
        """The id this connector gave a posted message (as Teams returns it)."""
        return [c["id"] for c in self.calls if c["method"] == "POST" and (c["body"] or {}).get("type") == "message"][index]

    def updates(self) -> list[tuple[str, dict]]:
        """(activity id, activity) of every update (PUT .../activities/{id})."""
        return [(c["parts"][-1], c["body"]) for c in self.calls if c["method"] == "PUT"]

    def clear(self) -> None:
        self.calls.clear()

    async def close(self) -> None:
        if self.server:
            await self.server.close()
