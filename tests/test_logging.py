"""Logs at the default level carry no message text, names or answers; the content logger is opt-in."""
from __future__ import annotations

import logging
import shutil

import pytest

from bot.logs import CONTENT_LOGGER, KeyValueFormatter, configure_logging
from tests.conftest import FIXTURES
from tests.e2e import BotClient, config_for

pytestmark = pytest.mark.slow

NAME, OTHER = "Ingeborg Quistgaard-Ravn", "Torbjørn Vasquez"
QUESTION = "Hvordan deler Sorø og Ringsted lønudgiften zyxqvist?"
ANSWERS = ["Vi bruger plumbusmodellen i driften", "Vores glorbax-team mangler arkitekter"]
SECRETS = [NAME, "Ingeborg", "Quistgaard", OTHER, "Torbjørn", "zyxqvist", "lønudgiften", "plumbusmodellen", "glorbax"]


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.formatter_ = KeyValueFormatter("%(levelname)s %(name)s: %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self) -> list[str]:
        out = []
        for record in self.records:
            line = self.formatter_.format(record)   # message, extras and any traceback
            out.append(line + " " + repr(record.args) + " " + repr(vars(record)))
        return out


@pytest.fixture
def logs():
    """configure_logging replaces the root handlers: restore them (and pytest's) afterwards."""
    root, content = logging.getLogger(), logging.getLogger(CONTENT_LOGGER)
    saved = (root.handlers[:], root.level, content.disabled, content.level)
    noisy = {name: logging.getLogger(name).level for name in ("botbuilder", "botframework", "msrest", "aiohttp.access",
                                                              "azure", "urllib3")}
    capture = Capture()

    def configure(level: str, log_content: bool) -> Capture:
        configure_logging(level, log_content)
        root.addHandler(capture)
        return capture

    yield configure
    root.handlers[:], root.level = saved[0], saved[1]
    content.disabled, content.level = saved[2], saved[3]
    for name, level in noisy.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
async def client(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", knowledge)
    bot = await BotClient(config_for(tmp_path / "data", knowledge)).start()
    yield bot
    await bot.close()


async def conversation(client: BotClient) -> None:
    who = {"user": "29:ingeborg", "name": NAME, "conversation": "19:logs@thread.tacv2"}
    await client.say(QUESTION, **who)
    await client.say("Hvad er opskriften på zyxqvist-kage?", **who)
    await client.say("dialog 1", **who)
    await client.say(ANSWERS[0], **who)
    await client.say(ANSWERS[1], user="29:torbjorn", name=OTHER, conversation=who["conversation"])
    await client.say("næste", user="29:torbjorn", name=OTHER, conversation=who["conversation"])   # refused: not facilitator
    await client.say("afslut", **who)
    await client.say(value={"action": "feedback", "rating": 1, "question": QUESTION, "chunk_ids": ["x"]}, **who)


async def test_default_level_logs_no_content(client, logs):
    capture = logs("INFO", False)
    await conversation(client)
    lines = capture.lines()
    turns = [r for r in capture.records if getattr(r, "event", "") == "turn"]
    assert len(turns) == 8, lines   # the turns were logged, so the check below looked at real records
    leaks = [(secret, line) for line in lines for secret in SECRETS if secret.casefold() in line.casefold()]
    assert not leaks, leaks
    assert not any(r.name == CONTENT_LOGGER for r in capture.records)


async def test_debug_without_log_content_still_logs_no_content(client, logs):
    capture = logs("DEBUG", False)
    assert not logging.getLogger(CONTENT_LOGGER).isEnabledFor(logging.DEBUG)
    await conversation(client)
    leaks = [(secret, line) for line in capture.lines() for secret in SECRETS if secret.casefold() in line.casefold()]
    assert not leaks, leaks


async def test_log_content_switch_logs_message_text_on_the_content_logger(client, logs):
    capture = logs("DEBUG", True)
    assert logging.getLogger(CONTENT_LOGGER).isEnabledFor(logging.DEBUG)
    await client.say(QUESTION, name=NAME, conversation="19:debug@thread.tacv2")
    content = [r for r in capture.records if r.name == CONTENT_LOGGER]
    assert len(content) == 1 and "zyxqvist" in content[0].getMessage()
    assert content[0].levelno == logging.DEBUG

