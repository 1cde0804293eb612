"""`systemctl stop` / `docker stop` send SIGTERM (issue 12, point 2): the bot stops taking updates,
finishes and confirms those in hand, gives back what it claimed, and exits 0 within 10 s."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from devtools.fakes.telegram_api import FakeTelegramAPI

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "616161:graceful-stop-TEST"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_confirms_the_updates_in_hand_and_exits_0(
    tmp_path: Path, signum: signal.Signals
) -> None:
    async with FakeTelegramAPI(TOKEN) as api:
        olivia = api.add_user("Olivia")
        dm = api.private_chat(olivia)
        env = {**os.environ, "WAVEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}",
               "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.base_url,
               "WAVEBOT_OWNERS": f"telegram:{olivia.id}", "PYTHONPATH": str(ROOT)}  # fmt: skip
        env.pop("WAVEBOT_CONFIG", None)
        code = "import sys; from app.cli import main; sys.exit(main(['run']))"
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await api.wait_for(lambda: api.requests["getUpdates"] > 0, timeout=60)
            update = api.push_message(dm, olivia, "/idea Kettle #kitchen")
            await api.wait_for_messages(dm, 1, timeout=30)
            asked = time.monotonic()
            bot.send_signal(signum)
            _, err = await asyncio.wait_for(bot.communicate(), timeout=15)
            took = time.monotonic() - asked
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
        assert bot.returncode == 0, err.decode()
        assert took < 10
        assert api.confirmed_offset > update["update_id"]  # Telegram will not send it again
        assert b"Traceback" not in err
