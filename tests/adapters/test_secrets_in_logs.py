"""No token in any log line (issue 12, point 8): end-to-end runs at DEBUG, every line grepped.

python-telegram-bot logs its API URL and httpx logs every request URL, both with the token in the
path; the redacting filter on the handlers must take it out whatever logger or level wrote it.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.logs import REDACTED, RedactSecrets, redact_everywhere
from config.settings import Settings
from tests.adapters import test_discord_support as discord_support
from tests.adapters.test_telegram_harness import TOKEN as TELEGRAM_TOKEN
from tests.adapters.test_telegram_harness import chatroom


@contextmanager
def debug_log(secrets: list[str], redact: bool = True) -> Iterator[io.StringIO]:
    """Everything logged at DEBUG into a buffer, through a handler on the root as the CLI sets."""
    root = logging.getLogger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    if redact:
        redact_everywhere(secrets)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for other in root.handlers:  # pytest's own handlers got the filter too
            for added in [f for f in other.filters if isinstance(f, RedactSecrets)]:
                other.removeFilter(added)


async def _telegram_session(tmp_path: Path) -> None:
    """A small conversation through the real python-telegram-bot and the fake server."""
    async with chatroom(tmp_path) as tg:
        dm = tg.private(tg.owner)
        await tg.say(dm, tg.owner, "/idea Kettle #kitchen")
        await tg.say(dm, tg.owner, "/approve 1")


async def test_the_telegram_token_never_reaches_the_log(tmp_path: Path) -> None:
    secrets = Settings(telegram_bot_token=TELEGRAM_TOKEN).secret_values()
    with debug_log(secrets) as log:
        await _telegram_session(tmp_path)
    text = log.getvalue()
    assert "HTTP Request" in text  # the request lines that carried the token were written
    assert REDACTED in text
    assert TELEGRAM_TOKEN not in text


async def test_without_the_filter_the_token_would_leak(tmp_path: Path) -> None:
    with debug_log([], redact=False) as log:
        await _telegram_session(tmp_path)
    assert TELEGRAM_TOKEN in log.getvalue()  # what the filter is there for


async def test_the_discord_token_never_reaches_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = Settings(discord_bot_token=discord_support.TOKEN).secret_values()
    with debug_log(secrets) as log:
        async with discord_support.server_at(tmp_path, monkeypatch) as server:
            await server.start()
            await server.say(server.owner, "idea", text="Kettle #kitchen")
            logging.getLogger("probe").debug("token is %s", discord_support.TOKEN)
    text = log.getvalue()
    assert "discord" in text
    assert discord_support.TOKEN not in text
    assert f"token is {REDACTED}" in text


def test_token_shapes_are_redacted_even_when_not_configured() -> None:
    redact = RedactSecrets().redact
    telegram = "1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    assert redact(f"POST https://api.telegram.org/bot{telegram}/getMe") == (
        f"POST https://api.telegram.org/bot{REDACTED}/getMe"
    )
    discord = "MTA4NzY1NDMyMTA5ODc2NTQzMg.GhIjKl.abcdefghijklmnopqrstuvwxyz012345"
    assert redact(f"Authorization: Bot {discord}") == f"Authorization: Bot {REDACTED}"


def test_exceptions_are_redacted_too() -> None:
    buffer = io.StringIO()
    logger = logging.getLogger("wavebot.test.redaction")
    handler = logging.StreamHandler(buffer)
    logger.addHandler(handler)
    logger.propagate = False
    redact_everywhere(["s3cret-token-value"], logger)
    try:
        raise RuntimeError("GET /bots3cret-token-value/getMe failed")
    except RuntimeError:
        logger.exception("request failed for %s", "s3cret-token-value")
    finally:
        logger.removeHandler(handler)
    assert "s3cret-token-value" not in buffer.getvalue()
    assert buffer.getvalue().count(REDACTED) == 3  # the message, the source line, the error
