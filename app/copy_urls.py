"""Where `wavebot db copy` finds its two database URLs: the command line, the environment
(`WAVEBOT_COPY_SOURCE`, `WAVEBOT_COPY_TARGET`) or standard input (`-`). A URL on the command
line is visible to every user of the machine (`ps`, /proc/*/cmdline), so one that carries a
password is still accepted but warned about, its password never printed (docs/DEPLOY.md)."""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.messages import T, t
from storage.schema_check import where

SOURCE_ENV = "WAVEBOT_COPY_SOURCE"
TARGET_ENV = "WAVEBOT_COPY_TARGET"
FROM_STDIN = "-"


@dataclass
class CopyEnds:
    """The source and destination found (None: given nowhere), and what to warn about."""

    source: str | None = None
    target: str | None = None
    warnings: list[T] = field(default_factory=list)


def has_password(url: str) -> bool:
    """The URL carries a password (a SQLite path or an unparsable text carries none)."""
    if "://" not in url:
        return False
    try:
        return make_url(url).password is not None
    except ArgumentError:
        return False


def read_url(stdin: TextIO, prompt: str) -> str | None:
    """One URL from standard input: typed without echo at a terminal, else the next line."""
    text = getpass.getpass(prompt) if stdin.isatty() else stdin.readline()
    return text.strip() or None


def one_end(given: str | None, env: str, environ: Mapping[str, str], stdin: TextIO,
            ends: CopyEnds) -> str | None:  # fmt: skip
    """One URL: `-` reads it from stdin, an argument is taken as given (warned about when it
    holds a password), none falls back to the environment variable."""
    if given == FROM_STDIN:
        return read_url(stdin, f"{env}: ")
    if given:
        if has_password(given):
            ends.warnings.append(t("cli.db_copy_password_argv", path=where(given), env=env))
        return given
    return environ.get(env, "").strip() or None


def copy_ends(
    source: str | None, target: str | None, environ: Mapping[str, str], stdin: TextIO
) -> CopyEnds:
    """Both URLs of a copy, read in order (with `- -`, the first line is the source)."""
    ends = CopyEnds()
    ends.source = one_end(source, SOURCE_ENV, environ, stdin, ends)
    ends.target = one_end(target, TARGET_ENV, environ, stdin, ends)
    return ends
