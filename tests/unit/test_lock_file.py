"""Reproducible installs (issue 12, point 13): every dependency the project declares is pinned to an
exact version with hashes in requirements.lock, and CI and the README install from it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", re.M)


def declared() -> list[Requirement]:
    """Runtime and development requirements from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(spec) for spec in specs]


def pins() -> dict[str, str]:
    """Package name → exact version in the lock file."""
    return {canonicalize_name(n): v for n, v in _PIN.findall(LOCK.read_text())}


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pinned = pins()
    for requirement in declared():
        version = pinned.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in requirements.lock"
        assert requirement.specifier.contains(version, prereleases=True), requirement


def test_every_pin_carries_a_hash() -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", LOCK.read_text())
    pinned = [block for block in blocks if _PIN.match(block)]
    assert len(pinned) == len(pins()) > 20
    assert all("--hash=sha256:" in block for block in pinned)


def test_ci_and_the_readme_install_from_the_lock() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "-r requirements.lock" in ci
    command = next(line for line in readme.splitlines() if "python -m pytest" in line)
    assert "-r requirements.lock" in command
    assert command in ci
