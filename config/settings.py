"""Settings from the environment and an optional TOML file, validated once at start."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from config.scaling import check_webhook_url, parse_networks, parse_shards

DEFAULT_TELEGRAM_API = "https://api.telegram.org/bot"
DEFAULT_DISCORD_API = "https://discord.com/api/v10"
DEFAULT_STRIPE_API = "https://api.stripe.com"
PAYMENT_PROVIDERS = ("manual", "simulated")


class Settings(BaseSettings):
    """Settings (docs/ARCHITECTURE.md, "Configuration and CLI"); the environment wins over TOML."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, case_sensitive=True)

    database_url: str = Field(
        "sqlite+aiosqlite:///wavebot.db",
        validation_alias=AliasChoices("WAVEBOT_DATABASE_URL", "database_url"),
    )
    # Accounts <platform>:<id>; the composition root checks the platforms against its adapters.
    owners: str = Field("", validation_alias=AliasChoices("WAVEBOT_OWNERS", "owners"))
    telegram_bot_token: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "telegram_bot_token")
    )
    # Telegram Payments: the provider token BotFather gives (Payments → a provider; test tokens
    # end in ":TEST:…"), and what the invoice asks for ("name,phone,address", any subset).
    telegram_payment_provider_token: SecretStr = Field(
        SecretStr(""),
        validation_alias=AliasChoices(
            "TELEGRAM_PAYMENT_PROVIDER_TOKEN", "telegram_payment_provider_token"
        ),
    )
    telegram_payment_needs: str = Field(
        "", validation_alias=AliasChoices("TELEGRAM_PAYMENT_NEEDS", "telegram_payment_needs")
    )
    telegram_api_url: str = Field(
        DEFAULT_TELEGRAM_API, validation_alias=AliasChoices("TELEGRAM_API_URL", "telegram_api_url")
    )
    discord_bot_token: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("DISCORD_BOT_TOKEN", "discord_bot_token")
    )
    discord_api_url: str = Field(
        DEFAULT_DISCORD_API, validation_alias=AliasChoices("DISCORD_API_URL", "discord_api_url")
    )
    lang: str = Field("en", validation_alias=AliasChoices("WAVEBOT_LANG", "lang"))
    currency: str = Field("EUR", validation_alias=AliasChoices("WAVEBOT_CURRENCY", "currency"))
    timezone: str = Field("UTC", validation_alias=AliasChoices("WAVEBOT_TIMEZONE", "timezone"))
    synchronous: str = Field(
        "FULL", validation_alias=AliasChoices("WAVEBOT_SQLITE_SYNCHRONOUS", "sqlite_synchronous")
    )
    digest_days: int = Field(
        15, validation_alias=AliasChoices("WAVEBOT_DIGEST_DAYS", "digest_days")
    )
    retention_days: int = Field(
        30, validation_alias=AliasChoices("WAVEBOT_RETENTION_DAYS", "retention_days")
    )
    creator_share_percent: int = Field(  # of a completed wave's revenue, to the idea's author
        5, validation_alias=AliasChoices("WAVEBOT_CREATOR_SHARE_PERCENT", "creator_share_percent")
    )
    newsletter_days: int = Field(  # the personal newsletter's period
        15, validation_alias=AliasChoices("WAVEBOT_NEWSLETTER_DAYS", "newsletter_days")
    )
    # Shipping details (name, phone, address) are deleted this long after delivery; 0 = never.
    shipping_retention_days: int = Field(
        30,
        validation_alias=AliasChoices("WAVEBOT_SHIPPING_RETENTION_DAYS", "shipping_retention_days"),
    )
    # auto: uvloop where installed, else asyncio's own loop (app/event_loop.py).
    event_loop: str = Field(
        "auto", validation_alias=AliasChoices("WAVEBOT_EVENT_LOOP", "event_loop")
    )
    # Fair share (docs/ARCHITECTURE.md §7): 0 actions = no limit.
    member_actions: int = Field(
        20, validation_alias=AliasChoices("WAVEBOT_MEMBER_ACTIONS", "member_actions")
    )
    member_window_seconds: int = Field(
        10, validation_alias=AliasChoices("WAVEBOT_MEMBER_WINDOW_SECONDS", "member_window_seconds")
    )
    chat_commands: int = Field(
        60, validation_alias=AliasChoices("WAVEBOT_CHAT_COMMANDS", "chat_commands")
    )
    chat_window_seconds: int = Field(
        10, validation_alias=AliasChoices("WAVEBOT_CHAT_WINDOW_SECONDS", "chat_window_seconds")
    )
    slow_down_seconds: int = Field(
        15, validation_alias=AliasChoices("WAVEBOT_SLOW_DOWN_SECONDS", "slow_down_seconds")
    )

    # Who takes the money at the end: "manual" (moderators mark /paid; the default) or
    # "simulated" (the demo's provider: a button pays, nothing moves). Telegram Payments and
    # Stripe add their own settings (docs/ARCHITECTURE.md, "Payments").
    payment_provider: str = Field(
        "manual", validation_alias=AliasChoices("WAVEBOT_PAYMENT_PROVIDER", "payment_provider")
    )

    # The bot's HTTP server (health, metrics, payment webhooks): off unless a port is set;
    # WAVEBOT_PUBLIC_URL is how the outside world reaches it (Stripe's return pages).
    http_port: int | None = Field(
        None, validation_alias=AliasChoices("WAVEBOT_HTTP_PORT", "http_port")
    )
    http_host: str = Field(
        "0.0.0.0", validation_alias=AliasChoices("WAVEBOT_HTTP_HOST", "http_host")
    )
    public_url: str = Field("", validation_alias=AliasChoices("WAVEBOT_PUBLIC_URL", "public_url"))
    # Reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For names the client the
    # pages' rate limit counts; empty: the direct peer is the client, the header is ignored.
    web_trusted_proxies: str = Field(
        "", validation_alias=AliasChoices("WAVEBOT_WEB_TRUSTED_PROXIES", "web_trusted_proxies")
    )
    # Telegram webhook mode (instead of polling): the public HTTPS URL Telegram posts updates to;
    # its path is the route on the bot's HTTP server (WAVEBOT_HTTP_PORT must be set). The secret
    # Telegram echoes in X-Telegram-Bot-Api-Secret-Token; empty = derived from the bot token, so
    # every process behind the load balancer checks the same one without sharing a new secret.
    telegram_webhook_url: str = Field(
        "", validation_alias=AliasChoices("WAVEBOT_TELEGRAM_WEBHOOK_URL", "telegram_webhook_url")
    )
    telegram_webhook_secret: SecretStr = Field(
        SecretStr(""),
        validation_alias=AliasChoices("WAVEBOT_TELEGRAM_WEBHOOK_SECRET", "telegram_webhook_secret"),
    )
    # Discord shards this process runs: "0,1/4" = shards 0 and 1 of 4 (empty: one connection).
    discord_shards: str = Field(
        "", validation_alias=AliasChoices("WAVEBOT_DISCORD_SHARDS", "discord_shards")
    )
    # /healthz answers 503 when the oldest due delivery waits longer than this.
    health_max_lag_seconds: int = Field(
        300,
        validation_alias=AliasChoices("WAVEBOT_HEALTH_MAX_LAG_SECONDS", "health_max_lag_seconds"),
    )
    # Stripe Checkout: members without Telegram Payments pay on a Checkout page; the webhook
    # (POST <public url>/stripe/webhook) records the payments. Shipping countries: ISO codes
    # ("FR,BE") the Checkout page asks a delivery address for; empty asks none.
    stripe_api_key: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("STRIPE_API_KEY", "stripe_api_key")
    )
    stripe_webhook_secret: SecretStr = Field(
        SecretStr(""),
        validation_alias=AliasChoices("STRIPE_WEBHOOK_SECRET", "stripe_webhook_secret"),
    )
    stripe_api_base: str = Field(
        DEFAULT_STRIPE_API, validation_alias=AliasChoices("STRIPE_API_BASE", "stripe_api_base")
    )
    stripe_shipping_countries: str = Field(
        "",
        validation_alias=AliasChoices("STRIPE_SHIPPING_COUNTRIES", "stripe_shipping_countries"),
    )

    def secret_values(self) -> list[str]:
        """The values no log line may show."""
        tokens = (self.telegram_bot_token, self.discord_bot_token,
                  self.telegram_payment_provider_token, self.stripe_api_key,
                  self.stripe_webhook_secret, self.telegram_webhook_secret)  # fmt: skip
        return [token.get_secret_value() for token in tokens if token.get_secret_value()]

    @field_validator("lang")
    @classmethod
    def _known_lang(cls, value: str) -> str:
        """A language code; the composition root checks it against the catalogue's languages."""
        if not value.isascii() or not value.isalpha() or not 2 <= len(value) <= 3:
            raise ValueError("WAVEBOT_LANG must be a language code such as en or fr")
        return value.lower()

    @field_validator("telegram_payment_needs")
    @classmethod
    def _known_needs(cls, value: str) -> str:
        """Only the details Telegram can ask for with a payment."""
        words = {word.strip().lower() for word in value.split(",") if word.strip()}
        if words - {"name", "phone", "address"}:
            raise ValueError("TELEGRAM_PAYMENT_NEEDS lists name, phone and/or address")
        return ",".join(sorted(words))

    @field_validator("stripe_shipping_countries")
    @classmethod
    def _countries(cls, value: str) -> str:
        """Two-letter ISO country codes, as Stripe's shipping address collection takes them."""
        codes = [code.strip().upper() for code in value.split(",") if code.strip()]
        if any(len(code) != 2 or not code.isalpha() for code in codes):
            raise ValueError("STRIPE_SHIPPING_COUNTRIES lists 2-letter country codes: FR,BE")
        return ",".join(codes)

    @field_validator("http_port")
    @classmethod
    def _port(cls, value: int | None) -> int | None:
        """A TCP port (0 picks a free one, for tests)."""
        if value is not None and not 0 <= value <= 65535:
            raise ValueError("WAVEBOT_HTTP_PORT must be a TCP port, 1 to 65535")
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        """A full URL with a path: the path is the route the bot serves the webhook on."""
        return check_webhook_url(value)

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr) -> SecretStr:
        """Telegram takes 1-256 characters A-Z, a-z, 0-9, _ and - as a secret token."""
        secret = value.get_secret_value()
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError(
                "WAVEBOT_TELEGRAM_WEBHOOK_SECRET is 1 to 256 characters A-Z a-z 0-9 _ -"
            )
        return value

    @field_validator("web_trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        """Every entry an IP address or a network (a typo must not silently trust nobody)."""
        return ",".join(str(net) for net in parse_networks(value))

    @property
    def trusted_proxies(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The networks of WAVEBOT_WEB_TRUSTED_PROXIES."""
        return parse_networks(self.web_trusted_proxies)

    @field_validator("discord_shards")
    @classmethod
    def _shards(cls, value: str) -> str:
        """'0,1/4': shard ids, a slash, the shard count (checked by parse_shards)."""
        parse_shards(value)
        return value.strip()

    @property
    def shards(self) -> tuple[tuple[int, ...], int] | None:
        """(shard ids, shard count) of WAVEBOT_DISCORD_SHARDS; None for a single connection."""
        return parse_shards(self.discord_shards)

    @property
    def stripe_enabled(self) -> bool:
        """Stripe Checkout takes the money of members without Telegram Payments."""
        return bool(self.stripe_api_key.get_secret_value())

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        """An IANA name, so every date can be shown in the community's time."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"WAVEBOT_TIMEZONE must be an IANA time zone such as Europe/Paris, not {value!r}"
            ) from error
        return value

    @field_validator("synchronous")
    @classmethod
    def _known_sync(cls, value: str) -> str:
        """SQLite's synchronous levels."""
        if value.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError("WAVEBOT_SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA")
        return value.upper()

    @field_validator("retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        """Whole days, 0 meaning keep forever; a year at most is plenty for an audit trail."""
        if not 0 <= value <= 3650:
            raise ValueError("WAVEBOT_RETENTION_DAYS must be 0 (keep forever) to 3650 days")
        return value

    @field_validator("creator_share_percent")
    @classmethod
    def _creator_share(cls, value: int) -> int:
        """A whole percentage: 0 turns the creator share off."""
        if not 0 <= value <= 100:
            raise ValueError("WAVEBOT_CREATOR_SHARE_PERCENT must be 0 to 100")
        return value

    @field_validator("newsletter_days")
    @classmethod
    def _newsletter(cls, value: int) -> int:
        """Whole days between two personal newsletters."""
        if not 1 <= value <= 366:
            raise ValueError("WAVEBOT_NEWSLETTER_DAYS must be 1 to 366 days")
        return value

    @field_validator("shipping_retention_days")
    @classmethod
    def _shipping_retention(cls, value: int) -> int:
        """Whole days after delivery; personal data should not outlive its use by years."""
        if not 0 <= value <= 3650:
            raise ValueError("WAVEBOT_SHIPPING_RETENTION_DAYS must be 0 (keep) to 3650 days")
        return value

    @field_validator("event_loop")
    @classmethod
    def _known_loop(cls, value: str) -> str:
        """auto, uvloop or asyncio."""
        if value.lower() not in ("auto", "uvloop", "asyncio"):
            raise ValueError("WAVEBOT_EVENT_LOOP must be auto, uvloop or asyncio")
        return value.lower()

    @field_validator("member_actions", "chat_commands")
    @classmethod
    def _budget(cls, value: int) -> int:
        """A count of actions per window; 0 lifts the limit."""
        if not 0 <= value <= 1_000_000:
            raise ValueError("a fair-share budget is 0 (no limit) to 1000000 actions")
        return value

    @field_validator("member_window_seconds", "chat_window_seconds", "slow_down_seconds")
    @classmethod
    def _seconds(cls, value: int) -> int:
        """A window or a penalty of one second to one hour."""
        if not 1 <= value <= 3600:
            raise ValueError("fair-share windows and the slow-down wait are 1 to 3600 seconds")
        return value

    @property
    def retention(self) -> timedelta | None:
        """How long finished rows are kept; None keeps them forever."""
        return timedelta(days=self.retention_days) if self.retention_days else None

    @property
    def shipping_retention(self) -> timedelta | None:
        """How long shipping details are kept after delivery; None keeps them."""
        days = self.shipping_retention_days
        return timedelta(days=days) if days else None

    @field_validator("payment_provider")
    @classmethod
    def _known_provider(cls, value: str) -> str:
        """One of the providers this build ships."""
        name = value.strip().lower() or "manual"
        if name not in PAYMENT_PROVIDERS:
            raise ValueError("WAVEBOT_PAYMENT_PROVIDER must be manual or simulated")
        return name

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        """Three-letter ISO code."""
        if len(value) != 3 or not value.isalpha():
            raise ValueError("WAVEBOT_CURRENCY must be a 3-letter ISO code such as EUR")
        return value.upper()

    @property
    def owner_accounts(self) -> frozenset[str]:
        """Owners as a set of accounts."""
        return frozenset(filter(None, (part.strip() for part in self.owners.split(","))))

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Explicit values, then the environment, then the TOML file."""
        named = os.environ.get("WAVEBOT_CONFIG")
        toml_path = Path(named or "wavebot.toml")
        if named and not toml_path.is_file():
            raise ValueError(f"WAVEBOT_CONFIG names {named!r}, which is not a file")
        toml = TomlConfigSettingsSource(settings_cls, toml_file=toml_path)
        return (init_settings, env_settings, toml)


def load_settings(**overrides: Any) -> Settings:
    """Read and validate settings now (never at import time)."""
    return Settings(**overrides)
