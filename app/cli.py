"""The `wavebot` command: run, demo, db upgrade, bench."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import tomllib
from collections.abc import Sequence

from pydantic import ValidationError

from bots.i18n import LANGUAGES
from config.settings import Settings, load_settings


def build_parser() -> argparse.ArgumentParser:
    """Sub-commands run, demo, db, bench (docs/ARCHITECTURE.md, "Configuration and CLI")."""
    parser = argparse.ArgumentParser(prog="wavebot", description="Invent together, buy together.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start every adapter that has a token, plus the scheduler")
    demo = sub.add_parser("demo", help="chat with the bot in this terminal, as its owner")
    demo.add_argument("--crowd", type=int, default=0, metavar="N",
                      help="simulate N members joining the first open wave")  # fmt: skip
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="apply migrations")
    bench = sub.add_parser("bench", help="benchmarks that print their figures")
    bench.add_argument("name", nargs="?", default="all", help="which benchmark (default: all)")
    bench.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings()
    except ValidationError as error:
        print(f"wavebot: invalid configuration:\n{explain(error)}", file=sys.stderr)
        return 2
    except tomllib.TOMLDecodeError as error:
        path = os.environ.get("WAVEBOT_CONFIG", "wavebot.toml")
        print(f"wavebot: {path} is not valid TOML: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # after ValidationError, which is a ValueError too
        print(f"wavebot: {error}", file=sys.stderr)
        return 2
    if settings.lang not in LANGUAGES:
        print(f"wavebot: WAVEBOT_LANG must be one of {', '.join(LANGUAGES)}", file=sys.stderr)
        return 2
    return dispatch(args, settings)


def explain(error: ValidationError) -> str:
    """One line per bad setting, named as the user wrote it (no pydantic internals)."""
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "settings"
        lines.append(f"  {where}: {problem['msg'].removeprefix('Value error, ')}")
    return "\n".join(lines)


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Run the chosen sub-command."""
    if args.command == "db":
        from storage.migrate import upgrade

        upgrade(settings.database_url)
        print("database is up to date")
        return 0
    if args.command == "demo":
        from app.main import run_demo

        if args.crowd < 0 or args.crowd > 100_000:
            print("wavebot: --crowd must be between 0 and 100000", file=sys.stderr)
            return 2
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_demo(settings, args.crowd))
        return 0
    if args.command == "run":
        from app.main import run_bots

        try:
            return asyncio.run(run_bots(settings))
        except KeyboardInterrupt:
            return 0
    from app.bench import run_bench

    return run_bench(args.name, quick=args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
