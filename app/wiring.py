"""Adapter wiring for the composition root: each function builds one adapter from a Runtime."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from app.main import Runtime
    from bots.discord_bot import DiscordAdapter
    from bots.telegram_bot import TelegramAdapter
    from core.ports import AdminCheck, Messenger


def _register(rt: Runtime, platform: str, messenger: Messenger, admin_check: AdminCheck) -> None:
    """The adapter's delivery port for the dispatcher and its admin check for moderator rights."""
    rt.messengers[platform] = messenger
    rt.ctx.admin_checks[platform] = admin_check


def telegram_adapter(rt: Runtime, **options: Any) -> TelegramAdapter:
    """The Telegram bot on the shared interpreter; registers its delivery port and admin check.

    Options are passed to TelegramAdapter (tests shorten poll_timeout or relax the limits).
    """
    from bots.telegram_bot import PLATFORM, TelegramAdapter

    adapter = TelegramAdapter(
        rt.interpreter, rt.settings.telegram_bot_token, rt.settings.telegram_api_url, **options
    )
    _register(rt, PLATFORM, adapter.messenger, adapter.admin_check)
    return adapter


def discord_adapter(rt: Runtime, **options: Any) -> DiscordAdapter:
    """The Discord bot on the shared interpreter; registers its delivery port and admin check.

    Options are passed to DiscordAdapter (tests shorten guild_ready_timeout and the backoff).
    """
    from bots.discord_bot import PLATFORM, DiscordAdapter

    adapter = DiscordAdapter(
        rt.interpreter, rt.settings.discord_bot_token, rt.settings.discord_api_url, **options
    )
    _register(rt, PLATFORM, adapter.messenger, adapter.admin_check)
    return adapter
