"""Logging with secrets kept out: every handler redacts the bot tokens, whatever the level.

Libraries log request URLs (Telegram puts the token in the path: /bot<token>/getUpdates) and
their own settings at DEBUG, so the redaction sits on the handlers, after every logger.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[redacted]"
# Token shapes, for secrets the configuration did not name (a second bot, a test server).
_TELEGRAM_TOKEN = re.compile(r"(?<![0-9])[0-9]{5,16}:[A-Za-z0-9_-]{30,}")
_DISCORD_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"
)


class RedactSecrets(logging.Filter):
    """Replaces each secret (and anything shaped like a bot token) in a record's final text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """The text with every secret replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = _TELEGRAM_TOKEN.sub(REDACTED, text)
        return _DISCORD_TOKEN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message (and traceback) now, redacted, so no formatter sees the raw one."""
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def redact_everywhere(secrets: Iterable[str], logger: logging.Logger | None = None) -> None:
    """Put one redacting filter on every handler of the logger (the root by default)."""
    target = logger or logging.getLogger()
    shared = RedactSecrets(secrets)
    for handler in target.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(old)
        handler.addFilter(shared)
