"""The table of platform adapters: a new platform is a package under bots/ plus one row here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from app.main import Runtime
    from bots.discord_bot import DiscordAdapter
    from bots.telegram_bot import TelegramAdapter
    from config.settings import Settings
    from core.ports import AdminCheck, Messenger


class PlatformAdapter(Protocol):
    """What the composition root needs of an adapter: its two ports, and a loop to run."""

    messenger: Messenger
    admin_check: AdminCheck

    async def run(self) -> None: ...
    async def shutdown(self) -> None: ...


Options = Mapping[str, Any]


@dataclass(frozen=True)
class AdapterRow:
    """One platform: when settings enable it, and how to build its adapter on a Runtime."""

    platform: str
    enabled: Callable[[Settings], bool]
    build: Callable[[Runtime, Options], PlatformAdapter]


def _telegram(rt: Runtime, options: Options) -> TelegramAdapter:
    """The Telegram bot; python-telegram-bot is imported only when Telegram is used."""
    from bots.telegram_bot import TelegramAdapter
    from core.checkout_ports import PaymentNeeds
    from storage.inflight import in_flight_for

    settings = rt.settings
    adapter = TelegramAdapter(
        rt.interpreter,
        settings.telegram_bot_token.get_secret_value(),
        settings.telegram_api_url,
        payment_token=settings.telegram_payment_provider_token.get_secret_value(),
        payment_needs=PaymentNeeds.parse(settings.telegram_payment_needs),
        webhook_url=settings.telegram_webhook_url,
        webhook_secret=settings.telegram_webhook_secret.get_secret_value(),
        **{"in_flight": in_flight_for(settings.database_url), **options},
    )
    if adapter.payment_provider is not None:  # Telegram members pay through Telegram Payments
        rt.ctx.payments.by_platform["telegram"] = adapter.payment_provider
    return adapter


def _discord(rt: Runtime, options: Options) -> DiscordAdapter:
    """The Discord bot; discord.py is imported only when Discord is used."""
    from bots.discord_bot import DiscordAdapter

    settings = rt.settings
    return DiscordAdapter(
        rt.interpreter,
        settings.discord_bot_token.get_secret_value(),
        settings.discord_api_url,
        **{"shards": settings.shards, **options},
    )


ADAPTERS: tuple[AdapterRow, ...] = (
    AdapterRow(
        "telegram", lambda settings: bool(settings.telegram_bot_token.get_secret_value()), _telegram
    ),
    AdapterRow(
        "discord", lambda settings: bool(settings.discord_bot_token.get_secret_value()), _discord
    ),
)


def platforms() -> tuple[str, ...]:
    """The platforms `wavebot run` can serve, in table order."""
    return tuple(row.platform for row in ADAPTERS)


def known_platforms() -> frozenset[str]:
    """Every platform an account may belong to: the table's, plus the console of the demo."""
    from bots.console.session import PLATFORM as CONSOLE  # the core, loaded only when needed

    return frozenset({*platforms(), CONSOLE})


def enabled_rows(settings: Settings) -> list[AdapterRow]:
    """The rows these settings switch on; none means there is nothing for `wavebot run` to do."""
    return [row for row in ADAPTERS if row.enabled(settings)]


def row_for(platform: str) -> AdapterRow:
    """The table's row for one platform (KeyError names it when there is none)."""
    for row in ADAPTERS:
        if row.platform == platform:
            return row
    raise KeyError(platform)


def build_adapter(rt: Runtime, platform: str, **options: Any) -> PlatformAdapter:
    """Build one platform's adapter and register its delivery port and admin check.

    Options are passed to the adapter's constructor (tests shorten waits or relax the limits).
    """
    adapter = row_for(platform).build(rt, options)
    if adapter.messenger.platform != platform:
        raise ValueError(f"the {platform} row built a {adapter.messenger.platform} messenger")
    rt.messengers[platform] = adapter.messenger
    rt.ctx.admin_checks[platform] = adapter.admin_check
    return adapter


def build_enabled(rt: Runtime, options: Mapping[str, Options]) -> list[PlatformAdapter]:
    """Every adapter the settings enable, each with its options from `options[platform]`."""
    return [
        build_adapter(rt, row.platform, **options.get(row.platform, {}))
        for row in enabled_rows(rt.settings)
    ]


def unknown_owners(settings: Settings) -> list[str]:
    """Owners not written <platform>:<id> with a platform we serve: they would grant nothing."""
    known = known_platforms()
    wrong = []
    for account in sorted(settings.owner_accounts):
        platform, _, user_id = account.partition(":")
        if platform not in known or not user_id:
            wrong.append(account)
    return wrong
