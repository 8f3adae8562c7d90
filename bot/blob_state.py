"""Conversation state in Azure Blob Storage with real eTag concurrency, for several replicas.

The same contract as SqliteStorage (botbuilder's Storage: read/write/delete of JSON dicts carrying
"e_tag"), plus create-only writes, purge and delete_conversation. Why not botbuilder-azure's
BlobStorage (4.17.1):

- it writes items without an eTag (new items) with overwrite=True and no condition, so two replicas
  creating the same item both "succeed" and one write is silently lost;
- it has no create-only write: e_tag "" raises a bare Exception that is not a conflict;
- its read() skips an item on ANY HTTP error, not only 404, so a transient 500/503 looks like
  "no dialogue" and the next write (without eTag) replaces the running dialogue;
- it has neither purge nor delete_conversation, so retention (SPARRING_RETENTION_DAYS) and
  `bot forget` cannot work through it; items are jsonpickle-encoded.

Blobs hold plain UTF-8 JSON, one per key, named by the key (conversations/<id>/<name>).
azure-storage-blob is imported lazily: install the `azure` extra to use this module.
"""
from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timezone
from typing import Any

from .state import CREATE_ONLY, StateConflict, _conversation_of

CONVERSATIONS_PREFIX = "conversations/"


def _item_dict(item: Any) -> dict:
    if isinstance(item, dict):
        return dict(item)
    return {k: v for k, v in vars(item).items() if not k.startswith("_")}


class BlobStateStorage:
    """One container, one blob per key; conditional writes (If-Match / If-None-Match: *)."""

    supports_create_only = True

    def __init__(self, connection_string: str, container: str) -> None:
        if not connection_string:
            raise ValueError("a Blob connection string is required")
        if not container:
            raise ValueError("a Blob container name is required")
        self.connection_string = connection_string
        self.container_name = container
        self._service = None
        self._container = None
        self._ready: asyncio.Lock | None = None

    # --- client ---------------------------------------------------------------------------------

    async def _client(self):
        """The container client, created (with its aiohttp session) inside the running loop."""
        if self._container is not None:
            return self._container
        if self._ready is None:
            self._ready = asyncio.Lock()
        async with self._ready:
            if self._container is None:
                from azure.core.exceptions import ResourceExistsError
                from azure.storage.blob.aio import BlobServiceClient

                service = BlobServiceClient.from_connection_string(self.connection_string)
                container = service.get_container_client(self.container_name)
                try:
                    await container.create_container()
                except ResourceExistsError:
                    pass
                except BaseException:
                    await service.close()
                    raise
                self._service, self._container = service, container
        return self._container

    async def close(self) -> None:
        service, self._service, self._container = self._service, None, None
        if service is not None:
            await service.close()

    # --- Storage contract -----------------------------------------------------------------------

    async def read(self, keys: list[str]) -> dict[str, dict]:
        from azure.core.exceptions import ResourceNotFoundError

        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        container = await self._client()

        async def one(key: str) -> tuple[str, dict | None]:
            try:
                downloader = await container.get_blob_client(key).download_blob()
                raw = await downloader.readall()
            except ResourceNotFoundError:
                return key, None  # only "not found" means absent; other errors propagate
            item = json.loads(raw.decode("utf-8"))
            item["e_tag"] = downloader.properties.etag
            return key, item

        found = await asyncio.gather(*(one(k) for k in keys))
        return {key: item for key, item in found if item is not None}

    async def write(self, changes: dict[str, Any]) -> None:
        """e_tag absent or "*": last writer wins; "" (CREATE_ONLY): only if absent; else: only if unchanged."""
        if not changes:
            return
        from azure.core import MatchConditions
        from azure.core.exceptions import (HttpResponseError, ResourceExistsError, ResourceModifiedError,
                                           ResourceNotFoundError)
        from azure.storage.blob import ContentSettings

        container = await self._client()
        for key, item in changes.items():
            value = _item_dict(item)
            expected = value.pop("e_tag", None)
            data = json.dumps(value, ensure_ascii=False).encode("utf-8")
            options: dict[str, Any] = {"content_settings": ContentSettings(content_type="application/json")}
            if expected == CREATE_ONLY:
                options["overwrite"] = False                      # If-None-Match: *
            elif expected in (None, "*"):
                options["overwrite"] = True
            else:
                options.update(overwrite=True, etag=expected, match_condition=MatchConditions.IfNotModified)
            try:
                await container.get_blob_client(key).upload_blob(data, **options)
            except (ResourceExistsError, ResourceModifiedError, ResourceNotFoundError):
                raise StateConflict(key) from None
            except HttpResponseError as exc:
                if exc.status_code in (409, 412):
                    raise StateConflict(key) from None
                raise

    async def delete(self, keys: list[str]) -> None:
        from azure.core.exceptions import ResourceNotFoundError

        keys = list(dict.fromkeys(keys))
        if not keys:
            return
        container = await self._client()
        for key in keys:
            try:
                await container.delete_blob(key)
            except ResourceNotFoundError:
                pass

    # --- retention and GDPR -------------------------------------------------------------------

    async def _delete_listed(self, blobs: list[Any]) -> int:
        """Delete listed blobs unless they changed since they were listed; returns how many went."""
        from azure.core import MatchConditions
        from azure.core.exceptions import HttpResponseError, ResourceModifiedError, ResourceNotFoundError

        container = await self._client()
        deleted = 0
        for blob in blobs:
            try:
                await container.delete_blob(blob.name, etag=blob.etag, match_condition=MatchConditions.IfNotModified)
                deleted += 1
            except (ResourceNotFoundError, ResourceModifiedError):
                pass  # gone already, or written meanwhile (then it is not expired)
            except HttpResponseError as exc:
                if exc.status_code not in (404, 409, 412):
                    raise
        return deleted

    async def purge(self, older_than_seconds: float) -> int:
        """Delete items not written for older_than_seconds (by the blob's Last-Modified)."""
        cutoff = datetime.fromtimestamp(time.time() - older_than_seconds, tz=timezone.utc)
        container = await self._client()
        expired = []
        async for blob in container.list_blobs():
            modified = blob.last_modified
            if modified is not None and modified.tzinfo is None:
                modified = modified.replace(tzinfo=timezone.utc)
            if modified is not None and modified < cutoff:
                expired.append(blob)
        return await self._delete_listed(expired)

    async def delete_conversation(self, conversation_id: str) -> int:
        container = await self._client()
        prefix = f"{CONVERSATIONS_PREFIX}{conversation_id}/"
        # Exact match: an id that is a prefix of another conversation's id ("a" vs "a/b") keeps the other.
        found = [blob async for blob in container.list_blobs(name_starts_with=prefix)
                 if _conversation_of(blob.name) == conversation_id]
        return await self._delete_listed(found)
