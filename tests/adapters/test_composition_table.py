"""The table of adapters in app.wiring: a new platform is one row, and run_bots, the owners check
and the "no token" answer all follow the table with no other edit."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app import wiring
from app.cli import main
from app.main import Runtime, run_bots
from app.wiring import ADAPTERS, AdapterRow, Options, build_adapter
from config.settings import Settings
from core.messages import Reply
from core.ports import SendOutcome, SendResult


@dataclass
class PigeonMessenger:
    """A delivery port for a platform the application has never heard of."""

    platform: str = "pigeon"

    async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
        """Every pigeon arrives."""
        return SendResult(SendOutcome.SENT, message_id="1")

    async def edit(self, chat_id: str, message_id: str, message: Reply, lang: str) -> SendResult:
        """Pigeons cannot take a message back; pretend they did."""
        return SendResult(SendOutcome.SENT, message_id=message_id)


class NobodyAdministers:
    """The pigeon platform's admin check."""

    async def is_admin(self, chat_id: str, user_id: str) -> bool:
        """No pigeon loft has administrators."""
        return False


@dataclass
class PigeonAdapter:
    """Records what it saw of the runtime once running, then runs until cancelled."""

    rt: Runtime
    options: Options
    running: asyncio.Event
    messenger: PigeonMessenger = field(default_factory=PigeonMessenger)
    admin_check: NobodyAdministers = field(default_factory=NobodyAdministers)
    registered: bool = False

    async def run(self) -> None:
        """Note whether the composition root registered both ports, then wait to be stopped."""
        self.registered = (
            self.rt.messengers.get("pigeon") is self.messenger
            and self.rt.ctx.admin_checks.get("pigeon") is self.admin_check
        )
        self.running.set()
        await asyncio.Event().wait()


SETTING_VARIABLES = ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "WAVEBOT_OWNERS", "WAVEBOT_LANG",
                     "WAVEBOT_DATABASE_URL", "WAVEBOT_CONFIG")  # fmt: skip


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No token or setting from the developer's shell, no wavebot.toml from the repository."""
    for name in SETTING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@dataclass
class Pigeons:
    """What the pigeon row built, and an event set once one of them runs."""

    built: list[PigeonAdapter] = field(default_factory=list)
    running: asyncio.Event = field(default_factory=asyncio.Event)

    def build(self, rt: Runtime, options: Options) -> PigeonAdapter:
        """The row's build function."""
        self.built.append(PigeonAdapter(rt, options, self.running))
        return self.built[-1]


@pytest.fixture
def pigeons(monkeypatch: pytest.MonkeyPatch) -> Pigeons:
    """Add one row for a pigeon platform, enabled by WAVEBOT_LANG=fr."""
    loft = Pigeons()
    row = AdapterRow("pigeon", lambda settings: settings.lang == "fr", loft.build)
    monkeypatch.setattr(wiring, "ADAPTERS", (*ADAPTERS, row))
    return loft


def settings_in(tmp_path: Path, **values: str) -> Settings:
    """Settings with no token at all, on a database file of this test."""
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'table.db'}", **values)


async def test_a_new_row_is_started_by_run_bots_with_its_ports_registered(
    tmp_path: Path, pigeons: Pigeons
) -> None:
    options = {"pigeon": {"loft": "roof"}}
    bots = asyncio.create_task(run_bots(settings_in(tmp_path, lang="fr"), adapter_options=options))
    running = asyncio.ensure_future(pigeons.running.wait())
    try:
        await asyncio.wait({bots, running}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        assert running.done() and not bots.done(), bots
    finally:
        running.cancel()
        bots.cancel()
        await asyncio.gather(bots, running, return_exceptions=True)
    (pigeon,) = pigeons.built  # no Telegram or Discord token: only the pigeon row was enabled
    assert pigeon.registered
    assert pigeon.options == {"loft": "roof"}


async def test_no_enabled_row_means_no_token(
    tmp_path: Path, pigeons: Pigeons, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run_bots(settings_in(tmp_path, lang="en")) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert pigeons.built == []
    assert not (tmp_path / "table.db").exists()


def test_owners_may_belong_to_any_platform_of_the_table(
    pigeons: Pigeons,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WAVEBOT_OWNERS", "pigeon:7,console:me,telgram:1")
    assert main(["run"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "wavebot: invalid configuration:",
        "  WAVEBOT_OWNERS: owner 'telgram:1' must look like "
        "telegram:<id> or discord:<id> or pigeon:<id>",
    ]
    monkeypatch.setenv("WAVEBOT_OWNERS", "pigeon:7,console:me")
    assert main(["run"]) == 2  # accepted; then no row is enabled (lang is en)
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


async def test_a_row_must_build_a_messenger_of_its_own_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crow = AdapterRow(
        "crow",
        lambda settings: True,
        lambda rt, options: PigeonAdapter(rt, options, asyncio.Event()),
    )
    monkeypatch.setattr(wiring, "ADAPTERS", (*ADAPTERS, crow))
    rt = Runtime.__new__(Runtime)  # empty: registering anything would raise AttributeError
    with pytest.raises(ValueError, match="the crow row built a pigeon messenger"):
        build_adapter(rt, "crow")


def test_the_table_serves_telegram_and_discord_by_their_tokens() -> None:
    assert wiring.platforms() == ("telegram", "discord")
    assert wiring.known_platforms() == {"telegram", "discord", "console"}
    both = Settings(telegram_bot_token="1:a", discord_bot_token="b")
    assert [row.platform for row in wiring.enabled_rows(both)] == ["telegram", "discord"]
    only_discord = Settings(discord_bot_token="b")
    assert [row.platform for row in wiring.enabled_rows(only_discord)] == ["discord"]
    assert wiring.enabled_rows(Settings()) == []
