"""Replay tier: every recorded / documented Teams activity in ../shared/teams_payloads against the real app.

The payloads live beside the project (CI has them); they are read in place and never copied in.
"""
import json
import logging
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PROJECT_ROOT
from tests.connector import FakeConnector
from tests.e2e import BotClient, config_for

pytestmark = pytest.mark.slow
PAYLOADS = PROJECT_ROOT.parent / "shared" / "teams_payloads"
FILES = sorted(PAYLOADS.glob("*.json")) if PAYLOADS.is_dir() else []
# What a reply must say, by file: the mention without entity text is removed, unknown verbs are named.
EXPECTED = {"53-channel-mention-entity-without-text-command-composed": "Her er, hvad jeg kan",
            "16-invoke-adaptivecard-action-execute-docs-grafted": "Den knap kender jeg ikke",
            "17-invoke-adaptivecard-action-refresh-automatic-docs-grafted": "Den knap kender jeg ikke"}


def _bot_added(body: dict) -> bool:
    bot_id = (body.get("recipient") or {}).get("id")
    return any(isinstance(m, dict) and m.get("id") == bot_id for m in body.get("membersAdded") or [])


def _problems(name: str, original: dict, status: int, payload, replies: list[dict]) -> list[str]:
    problems = []
    kind = original.get("type")
    messages = [r for r in replies if r.get("type") == "message"]
    if status >= 500:
        problems.append(f"HTTP {status}")
    if kind == "invoke" and (status not in (200, 501) or payload is None):
        problems.append(f"invoke answered {status} without a JSON body")
    if kind == "message" and (original.get("text") or "").strip() and not messages:
        problems.append("no reply to a message with text")
    if kind == "conversationUpdate":
        if _bot_added(original) and not messages:
            problems.append("no welcome when the bot was added")
        if not _bot_added(original) and messages:
            problems.append("greets although the bot was not added")
    for reply in messages:
        if (reply.get("text") or "").strip() and reply.get("attachments"):
            problems.append("text beside a card (Teams splits it in two)")
        if reply.get("attachments") and not (reply.get("summary") or "").strip():
            problems.append("card without summary (notifications would say only 'sent a card')")
        if "<at>" in (reply.get("text") or ""):
            problems.append("echoes an <at> mention")
        if (reply.get("conversation") or {}).get("id") not in (None, original["conversation"]["id"]):
            problems.append("reply to another conversation")
    want = EXPECTED.get(Path(name).stem)
    shown = json.dumps(messages, ensure_ascii=False) + json.dumps(payload, ensure_ascii=False)
    if want and want not in shown:
        problems.append(f"reply lacks {want!r}")
    return problems


@pytest.mark.skipif(not FILES, reason=f"no Teams payloads at {PAYLOADS} (they are kept beside the project, "
                                      "in ../shared/teams_payloads; CI has them)")
async def test_every_teams_payload_in_both_deliveries(tmp_path, caplog):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", knowledge)
    bot = await BotClient(config_for(tmp_path / "data", knowledge)).start()
    connector = await FakeConnector().start()
    failures = []
    try:
        with caplog.at_level(logging.WARNING):
            for path in FILES:
                original = json.loads(path.read_text(encoding="utf-8"))
                for mode in ("normal", "expectReplies"):
                    body = dict(original, serviceUrl=connector.url)
                    body.pop("deliveryMode", None)
                    if mode == "expectReplies":
                        body["deliveryMode"] = "expectReplies"
                    connector.clear()
                    status, payload = await bot.post(body)
                    if mode == "expectReplies" and isinstance(payload, dict) and "activities" in payload:
                        replies = payload["activities"]
                    else:
                        replies = [c["body"] for c in connector.calls if isinstance(c["body"], dict)]
                    failures += [f"{path.name} [{mode}]: {p}" for p in _problems(path.name, original, status, payload, replies)]
    finally:
        await connector.close()
        await bot.close()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, "\n".join(failures)
    assert not errors, [r.getMessage() for r in errors]
