"""The process the memory benchmark measures: `python -m devtools.bench.memory_child MODE DB`.

MODE `bot`: the running bot without network adapters (runtime + interpreter + clockwork started)
answers commands, then sweeps the outbox and the lifecycle. MODE `baseline`: only imports the same
libraries. Either way it prints one JSON line with its own peak RSS (the kernel's high-water mark)
and current RSS (psutil), so the figure is this process's alone.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import resource
import sys
from pathlib import Path
from typing import Any

# What a `wavebot run` process has loaded: the app and both platform libraries. matplotlib is
# not among them: /stats charts are drawn in a child process (app/chart_process.py), whose RSS
# is reported on its own ("worker").
LIBRARIES = ("app.main", "telegram.ext", "discord")
PNG = b"\x89PNG\r\n\x1a\n"


def _peak() -> int:
    """This process's RSS high-water mark in bytes.

    VmHWM belongs to the address space exec() created; ru_maxrss would not do: Linux carries it
    over from the forking parent, so a child of a big parent would report the parent's peak.
    """
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # not Linux: best effort


def _rss() -> dict[str, int]:
    """Peak and current resident set size, in bytes."""
    import psutil

    return {"peak": _peak(), "rss": int(psutil.Process().memory_info().rss)}


async def _bot(db_path: str, owner: str, wave_ids: list[int], member: str) -> dict[str, Any]:
    """Answer commands as a member and as the owner, dispatch the backlog, run the sweeps."""
    from app.heap import freeze_long_lived
    from app.main import runtime
    from bots.i18n import render
    from config.settings import Settings
    from core.messages import Reply
    from core.ports import Actor, ChatKind, ChatRef, SendOutcome, SendResult
    from devtools.bench.lag import LagMonitor
    from storage.sqlite_inline import background

    class Sink:
        """A platform that accepts every message after rendering it, as an adapter would."""

        def __init__(self, platform: str) -> None:
            self.platform = platform
            self.sent = 0

        async def send(self, chat_id: str, message: Reply, lang: str) -> SendResult:
            """Render and count; the request an adapter makes here gives the loop back."""
            "\n".join(render(part, lang) for part in message.body)
            await asyncio.sleep(0)
            self.sent += 1
            return SendResult(SendOutcome.SENT, message_id=str(self.sent))

        async def edit(
            self, chat_id: str, message_id: str, message: Reply, lang: str
        ) -> SendResult:
            """Render and accept (an adapter's request gives the loop back)."""
            "\n".join(render(part, lang) for part in message.body)
            await asyncio.sleep(0)
            return SendResult(SendOutcome.SENT, message_id=message_id)

    settings = Settings(database_url=f"sqlite+aiosqlite:///{db_path}", owners=owner,
                        synchronous="FULL", lang="en", currency="EUR")  # fmt: skip
    replies = errors = 0
    async with runtime(settings) as rt:
        sinks = {name: Sink(name) for name in ("telegram", "discord")}
        rt.messengers.update(sinks)
        freeze_long_lived()  # as `wavebot run` does once everything is wired
        await rt.clockwork.start()
        monitor = LagMonitor()
        lag = await monitor.__aenter__()
        someone = Actor(member, "Member", "en")
        boss = Actor(owner, "Owner", "en")
        private = ChatRef(someone.platform, someone.user_id, ChatKind.PRIVATE)
        commands = [
            (someone, "/start"), (someone, "/help"), (someone, "/waves"), (someone, "/ideas"),
            (someone, "/ideas top"), (someone, "/mine"), (boss, "/pending"), (boss, "/help"),
            *((someone, f"/wave {wave_id}") for wave_id in wave_ids[:5]),
            (someone, f"/join {wave_ids[-1]}"), (someone, "/mine"),
            (boss, "/stats"), (boss, f"/stats {wave_ids[0]}"), (boss, f"/stats {wave_ids[1]}"),
        ]  # fmt: skip
        charts = 0
        for actor, text in commands:
            answer = await rt.interpreter.handle_text(actor, private, text)
            if answer is not None:
                for reply in answer.replies:
                    "\n".join(render(part, answer.lang) for part in reply.body)
                    replies += 1
                    errors += any(part.key.startswith("error.") for part in reply.body)
                    charts += sum(a.kind == "image" and a.data.startswith(PNG)
                                  for a in reply.attachments)  # fmt: skip
        with background():  # as the clock runs it (app/clockwork.py)
            stats = await rt.dispatcher.sweep()
        await rt.clockwork.sweep_waves()
        await rt.clockwork.refresh_cards()
        await rt.clockwork.remind()
        await rt.clockwork.digest()
        with background():
            more = await rt.dispatcher.sweep()
        worker = _children_peak()
        await monitor.__aexit__()
        await rt.clockwork.stop()
        await _settle_jobs()
        sent = sum(sink.sent for sink in sinks.values())
    return {"replies": replies, "errors": errors, "sent": sent, "swept": stats.sent + more.sent,
            "charts": charts, "stall": lag.longest, "stall_p99": lag.p99,
            "worker": worker}  # fmt: skip


def _children_peak() -> int:
    """The largest RSS high-water mark among this process's children (the chart worker)."""
    import psutil

    peaks = [0]
    for child in psutil.Process().children(recursive=True):
        try:
            status = Path(f"/proc/{child.pid}/status").read_text(encoding="ascii")
        except OSError:
            continue
        peaks += [int(line.split()[1]) * 1024 for line in status.splitlines()
                  if line.startswith("VmHWM:")]  # fmt: skip
    return max(peaks)


async def _settle_jobs() -> None:
    """Clockwork.stop() cancels a running job without waiting: let it end before the DB closes."""
    from storage.group_commit import WRITER_TASK_NAME

    me = asyncio.current_task()
    others = [t for t in asyncio.all_tasks() if t is not me and t.get_name() != WRITER_TASK_NAME]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


def main(argv: list[str]) -> int:
    """Import, maybe run, then report."""
    mode = argv[0]
    for name in LIBRARIES:
        importlib.import_module(name)
    report: dict[str, Any] = {"mode": mode}
    if mode == "bot":
        db_path, owner, member = argv[1], argv[2], argv[4]
        wave_ids = [int(x) for x in argv[3].split(",")]
        report.update(asyncio.run(_bot(db_path, owner, wave_ids, member)))
    report.update(_rss())
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
