"""Two bots on one SQLite file would send everything twice (issue 12, point 3): the second
`wavebot run` refuses to start in one line, and the lock goes with the first process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from app.main import run_bots
from config.settings import Settings
from devtools.fakes.telegram_api import FakeTelegramAPI
from storage.health import sole_process
from tests.texts import said

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "515151:second-process-TEST"


async def test_a_second_run_on_the_same_file_refuses_to_start(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    url = f"sqlite+aiosqlite:///{db}"
    async with FakeTelegramAPI(TOKEN) as api:
        settings = Settings(database_url=url, telegram_bot_token=TOKEN,
                            telegram_api_url=api.base_url)  # fmt: skip
        first = asyncio.create_task(run_bots(settings))
        for _ in range(200):
            if api.requests["getUpdates"]:
                break
            await asyncio.sleep(0.05)
        assert api.requests["getUpdates"], "the first bot never polled"

        env = {**os.environ, "WAVEBOT_DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": TOKEN,
               "TELEGRAM_API_URL": api.base_url, "PYTHONPATH": str(ROOT)}  # fmt: skip
        env.pop("WAVEBOT_CONFIG", None)
        code = "import sys; from app.cli import main; sys.exit(main(['run']))"
        second = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-c", code], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        polls = api.requests["getUpdates"]
        first.cancel()
        await asyncio.gather(first, return_exceptions=True)

    assert second.returncode == 2
    assert second.stderr == f"wavebot: {said('cli.db_in_use', path=str(db))}\n"
    assert polls >= 1
    with sole_process(url):  # released with the first bot
        pass


def test_other_databases_take_no_file_lock(tmp_path: Path) -> None:
    with sole_process("postgresql+asyncpg://localhost/wavebot"):
        assert not list(tmp_path.iterdir())


def test_a_demo_on_a_running_bots_file_refuses_to_start(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("WAVEBOT_CONFIG", None)
    code = "import sys; from app.cli import main; sys.exit(main(['demo', '--db', sys.argv[1]]))"
    with sole_process(f"sqlite+aiosqlite:///{db}"):  # the bot holds the file
        done = subprocess.run([sys.executable, "-c", code, str(db)], cwd=tmp_path, env=env,
                              input="", capture_output=True, text=True, timeout=60,
                              check=False)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == f"wavebot: {said('cli.db_in_use', path=str(db))}\n"
