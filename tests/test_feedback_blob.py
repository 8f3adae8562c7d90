"""Feedback and learned routing examples on Azure Blob Storage (Azurite), shared by separate processes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.azurite import PROJECT_ROOT, Azurite
from tests.test_blob_state import _azure_sdk_missing

pytestmark = pytest.mark.azurite

RECORD = """
import asyncio, sys
from bot.config import load_config
from bot.services import make_feedback
feedback = make_feedback(load_config())
async def main():
    await feedback.record_route_feedback(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), message_id="m1")
    await feedback.record_feedback(sys.argv[1], "hvordan finansierer vi innovation", ["c1"], -1, message_id="m2")
    await feedback.record_unanswered(sys.argv[1], "æblekage", message_id="m3")
asyncio.run(main())
"""


@pytest.fixture(scope="module")
def azurite(tmp_path_factory):
    reason = Azurite.missing() or _azure_sdk_missing()
    if reason:
        pytest.skip(reason)
    server = Azurite.start(tmp_path_factory.mktemp("azurite"))
    yield server
    server.stop()


def _env(azurite, tmp_path, container: str) -> dict:
    return dict(os.environ, SPARRING_STATE_STORE="blob", SPARRING_BLOB_CONNECTION_STRING=azurite.connection_string,
                SPARRING_BLOB_CONTAINER=container, SPARRING_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(PROJECT_ROOT))


def _run(env, *args):
    result = subprocess.run([sys.executable, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_learned_examples_are_shared_by_two_processes(azurite, tmp_path):
    env = _env(azurite, tmp_path, f"shared-{os.getpid()}")
    # Two "replicas": separate processes record picks; a third process's report sees both.
    _run(env, "-c", RECORD, "19:a@thread", "vi skal have en databehandleraftale", "sikkerhed", "1")
    _run(env, "-c", RECORD, "19:b@thread", "udbud af et nyt fagsystem", "indkob", "1")
    report = _run(env, "-m", "bot", "report")
    assert "vi skal have en databehandleraftale" in report and "udbud af et nyt fagsystem" in report
    assert "sikkerhed:" in report and "indkob:" in report
    assert "æblekage" in report and "hvordan finansierer vi innovation" in report
    counts = json.loads(_run(env, "-m", "bot", "forget", "--conversation", "19:a@thread"))
    assert counts["feedback_rows"] == 3
    report = _run(env, "-m", "bot", "report")
    assert "databehandleraftale" not in report and "udbud af et nyt fagsystem" in report


async def test_blob_feedback_log_interface(azurite):
    from bot.feedback_blob import BlobFeedbackLog

    log = BlobFeedbackLog(azurite.connection_string, f"iface-{os.getpid()}")
    await log.record_route_feedback("c1", "Nyt bookingsystem", "indkob", 1)
    await log.record_route_feedback("c2", "nyt bookingsystem!", "indkob", 1)          # de-duplicated
    await log.record_route_feedback("c2", "phishing mail", "sikkerhed", 1, message_id="m9")
    learned = log.learned()
    assert [(e.need, e.up) for e in learned["indkob"]] == [("nyt bookingsystem!", 2)]
    assert await log.forget_message("c2", "m9") == 1 and "sikkerhed" not in log.learned()
    await log.record_route_feedback("c3", "Nyt bookingsystem", "indkob", -1)
    await log.record_route_feedback("c4", "Nyt bookingsystem", "indkob", -1)
    assert log.learned() == {}                                                       # net negative
    time.sleep(0.01)
    assert log.purge(3600) == 0 and log.purge(-60) == 4
