"""Figures, their ceilings and verdicts, printed the same way by every benchmark."""

from __future__ import annotations

import math
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MET, MISSED, INFO = "met", "MISSED", ""


class BenchFailure(AssertionError):
    """A benchmark's exactness check failed: its figures would be meaningless."""


def check(condition: bool, what: str) -> None:
    """Fail loudly when a count is not exact (figures of a wrong run must not be printed)."""
    if not condition:
        raise BenchFailure(what)


@dataclass(frozen=True)
class Figure:
    """One measured value, printed next to what it is measured against."""

    name: str
    value: str
    against: str = ""
    verdict: str = INFO


@dataclass
class BenchResult:
    """What one benchmark measured: figures, exactness checks passed, and notes."""

    name: str
    quick: bool
    figures: list[Figure] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, value: str, against: str = "", verdict: str = INFO) -> None:
        """Record a figure."""
        self.figures.append(Figure(name, value, against, verdict))

    @property
    def missed(self) -> list[Figure]:
        """Figures that missed their target."""
        return [figure for figure in self.figures if figure.verdict == MISSED]

    def render(self) -> str:
        """An aligned table, then the checks and notes."""
        rows = [("figure", "measured", "against (same run)", "verdict")]
        rows += [(f.name, f.value, f.against, f.verdict) for f in self.figures]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        mode = " (quick: reduced sizes, figures indicative only)" if self.quick else ""
        lines = [f"== {self.name}{mode}"]
        for index, row in enumerate(rows):
            cells = [cell.ljust(widths[i]) for i, cell in enumerate(row)]
            lines.append("  " + "  ".join(cells).rstrip())
            if index == 0:
                lines.append("  " + "  ".join("-" * width for width in widths))
        lines += [f"  exact: {item}" for item in self.checks]
        lines += [f"  note: {item}" for item in self.notes]
        return "\n".join(lines)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 is a latency someone really had)."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def verdict(ok: bool) -> str:
    """MET or MISSED."""
    return MET if ok else MISSED


def _cpu_model() -> str:
    """The CPU model line of /proc/cpuinfo, or what the platform module knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram() -> str:
    """Total memory."""
    import psutil

    return f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM"


def _disk(where: Path) -> str:
    """The block device and file system that hold the benchmark's databases."""
    try:
        out = (
            subprocess.run(
                ["df", "--output=source,fstype", str(where)],
                capture_output=True,
                text=True,
                check=True,
                timeout=5,
            )
            .stdout.split("\n")[1]
            .split()
        )
        source, fstype = out[0], out[1]
    except (OSError, subprocess.SubprocessError, IndexError):
        return f"disk of {where}: unknown"
    name = Path(source).name
    rotational = Path(f"/sys/block/{name}/queue/rotational")
    kind = ""
    if rotational.exists():
        kind = ", rotational" if rotational.read_text().strip() == "1" else ", non-rotational"
    free = shutil.disk_usage(where).free / 2**30
    return f"{source} ({fstype}{kind}, {free:.0f} GiB free) for {where}"


def machine(where: Path) -> list[str]:
    """What the figures were measured on."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"cpu: {_cpu_model()}, {os.cpu_count()} logical cores; load average {load} at start",
        f"memory: {_ram()}",
        f"disk: {_disk(where)}",
        f"python {platform.python_version()} ({sys.implementation.name}), "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}",
    ]


@dataclass(frozen=True)
class Spread:
    """One figure measured several times: judged on its median, printed as min / median / max."""

    samples: tuple[float, ...]

    @property
    def low(self) -> float:
        """The smallest sample."""
        return min(self.samples)

    @property
    def median(self) -> float:
        """The middle sample (the lower middle for an even count): the value a verdict uses."""
        ordered = sorted(self.samples)
        return ordered[(len(ordered) - 1) // 2]

    @property
    def high(self) -> float:
        """The largest sample."""
        return max(self.samples)

    def show(self, unit: str = "", digits: int = 0) -> str:
        """`median (min–max, n runs)`, so a reader sees how much the figure moved."""
        shown = [f"{value:,.{digits}f}" for value in (self.median, self.low, self.high)]
        return f"{shown[0]}{unit} (min {shown[1]}, max {shown[2]}; {len(self.samples)} runs)"


def spread(samples: Sequence[float]) -> Spread:
    """Bundle repeated measurements of one figure."""
    if not samples:
        raise ValueError("no samples")
    return Spread(tuple(samples))
