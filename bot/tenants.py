"""Tenant guard: only activities from the municipality's own Entra tenant(s) reach the bot."""
from __future__ import annotations

from typing import Any, Iterable


class TenantGuard:
    """Checks conversation.tenantId and channelData.tenant.id of a raw activity before any bot code runs.

    An app package can be side-loaded into any tenant; Bot Framework authentication proves the message
    came from Teams, not from which organisation. With no allowed tenants every tenant is answered.
    """

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = frozenset(t.strip().lower() for t in allowed if t and t.strip())

    @property
    def restricted(self) -> bool:
        return bool(self.allowed)

    @staticmethod
    def tenants_of(body: dict) -> tuple[Any, Any]:
        conversation = body.get("conversation") if isinstance(body.get("conversation"), dict) else {}
        channel_data = body.get("channelData") if isinstance(body.get("channelData"), dict) else {}
        tenant = channel_data.get("tenant") if isinstance(channel_data.get("tenant"), dict) else {}
        return conversation.get("tenantId"), tenant.get("id")

    def refusal(self, body: dict) -> str | None:
        """Why this activity may not enter ("missing", "disagreeing", "not-allowed"), or None."""
        if not self.restricted:
            return None
        found = []
        for value in self.tenants_of(body):
            if value is None or value == "":
                continue
            if not isinstance(value, str):
                return "missing"
            found.append(value.strip().lower())
        if not found:
            return "missing"
        if len(set(found)) > 1:
            return "disagreeing"
        return None if found[0] in self.allowed else "not-allowed"
