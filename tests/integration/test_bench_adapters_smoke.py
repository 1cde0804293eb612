"""`wavebot bench flash-crowd|broadcast --quick` count exactly and print every figure.

No timing is asserted: the speed targets are judged by the full runs, next to ceilings measured
in the same run (the echo bot, the platform limits).
"""

from __future__ import annotations

import re

import pytest

from devtools.bench import broadcast, flash_crowd


@pytest.mark.timeout(600)  # three rounds of each bot: minutes on a loaded machine
def test_flash_crowd_counts_every_press_and_prints_the_echo_ceiling() -> None:
    result = flash_crowd.run(quick=True)
    out = result.render()
    n = flash_crowd.QUICK_MEMBERS
    assert f"exact: {n} presses answered, wave units = pledgers = {n}, {n} distinct" in out, out
    assert "exact: milestones 10, 25, 50, 100, 200, 500: one announcement row each" in out, out
    runs = rf"updates/s \(min [\d,]+, max [\d,]+; {flash_crowd.REPEATS} runs\)"
    echo = r"same-work PTB echo bot \(16 at once, aiohttp transport\)"
    assert re.search(rf"{echo}\s+[\d,]+ {runs}", out), out
    assert re.search(rf"wavebot Telegram adapter\s+[\d,]+ {runs}", out), out
    assert re.search(r"share of the echo bot\s+[\d,]+ % .*≥ 80% of the same run's echo", out)
    # the same platform work per press: one answer to each press, on both sides
    assert out.count("answerCallbackQuery 1.00") == 2, out
    assert result.data["echo_rate"] > 0 and result.data["adapter_rate"] > 0


def test_broadcast_delivers_everything_and_prints_the_platform_limits() -> None:
    result = broadcast.run(quick=True)
    out = result.render()
    n = broadcast.QUICK_CHATS
    assert f"{n} Telegram + {n} Discord deliveries, one per chat" in out, out
    assert re.search(rf"Telegram, {n} groups\s+[\d.]+ msg/s\s+limit 30 msg/s", out), out
    assert re.search(rf"Discord, {n} channels\s+[\d.]+ req/s\s+limit 50 req/s", out), out
    assert re.search(r"dropped \(not sent at the end\)\s+0\s+target 0\s+met", out), out
    assert re.search(r"limit violations \(counted by the fakes\)\s+\d+ Telegram, \d+ Discord", out)
    assert result.data["dropped"] == 0
