"""The aiohttp application: /api/messages for Bot Framework activities and /healthz."""
from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from .config import BotConfig
from .privacy import retention_task
from .services import Services, build_services
from .teams import Credentials, TeamsAdapter
from .tenants import TenantGuard

log = logging.getLogger("sparringsbot.app")

ADAPTER = web.AppKey("adapter", TeamsAdapter)
SERVICES = web.AppKey("services", Services)
CONFIG = web.AppKey("config", BotConfig)
TENANTS = web.AppKey("tenants", TenantGuard)


def _problem(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _has_lone_surrogate(body: Any) -> bool:
    """Escapes like \\ud800 parse to strings that cannot be stored (SQLite) or embedded as UTF-8."""
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def validate_activity(body: Any) -> str | None:
    """A short reason when the body is not a usable activity, else None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object (an activity)"
    if not isinstance(body.get("type"), str) or not body["type"]:
        return "the activity has no 'type'"
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str) or not conversation["id"]:
        return "the activity has no 'conversation.id'"
    if not isinstance(body.get("serviceUrl"), str) or not body["serviceUrl"]:
        return "the activity has no 'serviceUrl'"
    for key in ("from", "recipient"):
        if key in body and body[key] is not None and not isinstance(body[key], dict):
            return f"'{key}' must be an object"
    for key in ("text", "channelId", "deliveryMode", "id", "name", "locale"):
        if key in body and body[key] is not None and not isinstance(body[key], str):
            return f"'{key}' must be a string"
    if "entities" in body and body["entities"] is not None and not (
            isinstance(body["entities"], list) and all(isinstance(e, dict) for e in body["entities"])):
        return "'entities' must be a list of objects"
    if "attachments" in body and body["attachments"] is not None and not (
            isinstance(body["attachments"], list) and all(isinstance(a, dict) for a in body["attachments"])):
        return "'attachments' must be a list of objects"
    if "membersAdded" in body and body["membersAdded"] is not None and not (
            isinstance(body["membersAdded"], list) and all(isinstance(m, dict) for m in body["membersAdded"])):
        return "'membersAdded' must be a list of objects"
    return None


async def messages(request: web.Request) -> web.Response:
    if request.content_type != "application/json":
        return _problem(415, "send the activity as application/json")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _problem(413, "the body is too large")
    try:
        body = json.loads(raw, parse_constant=_no_constants)  # NaN and Infinity are not JSON
        if _has_lone_surrogate(body):
            return _problem(400, "the body contains text that is not valid Unicode")
    except (ValueError, UnicodeDecodeError):
        return _problem(400, "the body is not valid JSON")
    except RecursionError:  # e.g. [[[[...]]]] nested thousands deep
        return _problem(400, "the body is nested too deeply")
    reason = validate_activity(body)
    if reason:
        return _problem(400, reason)
    refusal = request.app[TENANTS].refusal(body)
    if refusal:
        # Before authentication and the bot: nothing of another organisation's message is run or stored.
        log.info("tenant refused", extra={"event": "tenant_refused", "reason": refusal})
        return _problem(403, "this service does not answer that tenant")
    try:
        status, payload = await request.app[ADAPTER].process(body, request.headers.get("Authorization", ""))
    except PermissionError:
        log.info("unauthorized request", extra={"event": "unauthorized"})
        return _problem(401, "unauthorized")
    except (TypeError, ValueError, AttributeError, KeyError, RecursionError) as exc:
        # msrest could not read a field of an otherwise valid-looking activity.
        log.info("activity rejected: %s", type(exc).__name__, extra={"event": "bad_activity"})
        return _problem(400, "the activity could not be read")
    if payload is None:
        return web.Response(status=status)
    return web.json_response(payload, status=status)


async def healthz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    return web.json_response({"status": "ok", "chunks": len(services.index.chunks),
                              "embedder": services.index.embedder.id})


@web.middleware
async def _no_tracebacks(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("request failed", extra={"event": "http_error", "path": request.path})
        return _problem(500, "internal error")


def create_app(config: BotConfig, services: Services | None = None, retention: bool = True) -> web.Application:
    services = services or build_services(config)
    app = web.Application(client_max_size=config.max_body_bytes, middlewares=[_no_tracebacks])
    app[CONFIG] = config
    app[SERVICES] = services
    credentials = Credentials(config.app_id, config.app_password, config.app_type, config.app_tenant_id,
                              config.openid_metadata_url or None, config.token_issuer or None)
    app[ADAPTER] = TeamsAdapter(credentials, services.assistant)
    if app[ADAPTER].anonymous:
        log.warning("MicrosoftAppId is not set: accepting UNAUTHENTICATED requests (local testing only). "
                    "Set MicrosoftAppId and MicrosoftAppPassword before exposing this service.",
                    extra={"event": "anonymous_mode"})
    app[TENANTS] = TenantGuard(config.allowed_tenants)
    if not app[TENANTS].restricted and config.app_id:
        log.warning("SPARRING_ALLOWED_TENANTS is not set: answering Teams users of EVERY tenant that installs the app. "
                    "Set it to your organisation's tenant id.", extra={"event": "all_tenants"})
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)

    if retention:
        async def retention_ctx(app_: web.Application):
            import asyncio
            task = asyncio.create_task(retention_task(config.retention_days, services.storage, services.feedback))
            yield
            task.cancel()
        app.cleanup_ctx.append(retention_ctx)
    return app
