"""Logging set-up: structured key=value lines, and no message text unless explicitly switched on."""
from __future__ import annotations

import logging
import sys

_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime"}
CONTENT_LOGGER = "sparringsbot.content"


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        if extras:
            base += " " + " ".join(f"{k}={v}" for k, v in sorted(extras.items()))
        return base


def configure_logging(level: str = "INFO", log_content: bool = False) -> None:
    """Message text is personal data (GDPR): it is logged only with SPARRING_LOG_CONTENT=true at DEBUG."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Third-party libraries may log request bodies at DEBUG; keep them at INFO or above.
    for noisy in ("botbuilder", "botframework", "msrest", "aiohttp.access", "azure", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))
    content = logging.getLogger(CONTENT_LOGGER)
    content.disabled = not log_content
    content.setLevel(logging.DEBUG if log_content else logging.CRITICAL + 1)
