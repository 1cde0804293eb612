"""The `wavebot` command: run, demo, db upgrade, bench."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from app import event_loop
from app.logs import redact_everywhere
from app.wiring import platforms, unknown_owners
from bots.i18n import LANGUAGES, render
from config.settings import Settings, load_settings
from core.messages import t
from storage.health import DatabaseUnusable, sole_process
from storage.schema_check import where

BENCH_NEEDS_CHECKOUT = (
    "wavebot bench: the benchmarks ship with the source, not the wheel; "
    "run it from a checkout installed with `pip install -e .`"
)


def build_parser() -> argparse.ArgumentParser:
    """Sub-commands run, demo, db, bench (docs/ARCHITECTURE.md, "Configuration and CLI")."""
    parser = argparse.ArgumentParser(prog="wavebot", description="Invent together, buy together.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start every adapter that has a token, plus the scheduler")
    demo = sub.add_parser("demo", help="chat with the bot in this terminal, as its owner")
    demo.add_argument("--crowd", type=int, default=0, metavar="N",
                      help="simulate N members joining the first open wave")  # fmt: skip
    demo.add_argument(
        "--db",
        metavar="FILE|URL",
        help="keep the demo's data in this SQLite file or database URL, e.g. "
        "postgresql://postgres@127.0.0.1/wavebot (default: a fresh SQLite file)",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="N",
        help="seed of the crowd's choices, for reproducible runs (default: 1)",
    )
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade", "check", "backup", "copy"],
                    help="upgrade: apply migrations; check: full integrity check; "
                         "backup FILE: online copy of a SQLite database; "
                         "copy [SRC] [DST]: every row from one database to an empty one "
                         "(a URL with a password: give it in WAVEBOT_COPY_SOURCE / "
                         "WAVEBOT_COPY_TARGET or as '-', read from stdin)")  # fmt: skip
    db.add_argument(
        "target", nargs="?", help="backup: the file to write; copy: SRC, else $WAVEBOT_COPY_SOURCE"
    )
    db.add_argument("destination", nargs="?",
                    help="copy: DST, a file or a URL (else $WAVEBOT_COPY_TARGET)")  # fmt: skip
    bench = sub.add_parser("bench", help="benchmarks that print their figures")
    bench.add_argument("name", nargs="?", default="all", help="which benchmark (default: all)")
    bench.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    bench.add_argument(
        "--database-url",
        metavar="URL",
        help="run `pledges` on this PostgreSQL server (postgresql://user@host/db)",
    )
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
    if wrong := unknown_owners(settings):
        print(f"wavebot: invalid configuration:\n{explain_owners(wrong)}", file=sys.stderr)
        return 2
    redact_everywhere(settings.secret_values())
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


def explain_owners(wrong: list[str]) -> str:
    """One line per owner that names no platform we serve, in the shape explain() uses."""
    shape = " or ".join(f"{platform}:<id>" for platform in platforms())
    return "\n".join(
        f"  WAVEBOT_OWNERS: owner {account!r} must look like {shape}" for account in wrong
    )


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Run the chosen sub-command; an unusable database is one line, not a traceback."""
    try:
        return _dispatch(args, settings)
    except DatabaseUnusable as problem:
        print(
            f"wavebot: {render(t(problem.key, **problem.params), settings.lang)}", file=sys.stderr
        )
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """The sub-command itself."""
    if args.command == "db" and args.action == "copy":
        return run_copy(args.target, args.destination, settings.lang)
    if args.command == "db":
        target = None if args.target is None else Path(args.target)
        return run_db(args.action, target, settings)
    if args.command == "demo":
        return run_demo_command(args, settings)
    if args.command == "run":
        from app.main import run_bots

        try:
            return event_loop.run(run_bots(settings), settings.event_loop)
        except KeyboardInterrupt:
            return 0
    return run_bench(args.name, quick=args.quick, database_url=args.database_url)


def run_demo_command(args: argparse.Namespace, settings: Settings) -> int:
    """The console demo on a fresh temporary database, or on --db FILE; Ctrl-C leaves quietly."""
    from app.demo import run_demo

    if args.crowd < 0 or args.crowd > 100_000:
        print("wavebot: --crowd must be between 0 and 100000", file=sys.stderr)
        return 2
    if args.db is not None and "://" in args.db:
        demo = settings.model_copy(update={"database_url": args.db})
        if not sys.stdin.isatty():  # a piped script is not a flooder: no fair-share budget
            demo = demo.model_copy(update={"member_actions": 0, "chat_commands": 0})
        notice = t("demo.db_file", path=where(args.db))
        with contextlib.suppress(KeyboardInterrupt):
            event_loop.run(
                run_demo(demo, args.crowd, seed=args.seed, notice=notice), demo.event_loop
            )
        return 0
    db_file = None if args.db is None else Path(args.db)
    if db_file is not None and not db_file.resolve().parent.is_dir():
        print(
            f"wavebot: --db: the folder {db_file.resolve().parent} does not exist", file=sys.stderr
        )
        return 2
    with contextlib.ExitStack() as stack:
        if db_file is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="wavebot-demo-")))
            path, notice = folder / "demo.db", t("demo.db_temporary")
        else:
            path = db_file.resolve()
            notice = t("demo.db_file", path=str(path))
        demo = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{path}"})
        if not sys.stdin.isatty():  # a piped script is not a flooder: no fair-share budget
            demo = demo.model_copy(update={"member_actions": 0, "chat_commands": 0})
        stack.enter_context(sole_process(demo.database_url))  # not the file a bot is running on
        with contextlib.suppress(KeyboardInterrupt):
            event_loop.run(
                run_demo(demo, args.crowd, seed=args.seed, notice=notice), demo.event_loop
            )
    return 0


def checkout_root() -> Path:
    """The directory holding the `app` package: a source checkout when devtools/ sits beside it."""
    return Path(__file__).resolve().parent.parent


def run_db(action: str, target: Path | None, settings: Settings) -> int:
    """`wavebot db upgrade|check|backup FILE`."""
    from storage import health

    url, lang = settings.database_url, settings.lang
    if action == "check":
        report = health.check(url)
        if report.problems:
            problem = t("cli.db_check_failed", path=str(report.path), detail=report.problems[0])
            print(render(problem, lang), file=sys.stderr)
            return 1
        print(render(t("cli.db_check_ok", path=str(report.path)), lang))
        return 0
    if action == "backup":
        if target is None:
            raise health.DatabaseUnusable("cli.db_backup_needs_target")
        size = health.backup(url, target)
        path = str(health.sqlite_path(url))
        print(render(t("cli.db_backup_done", path=path, target=str(target), size=size), lang))
        return 0
    from storage.migrate import upgrade

    health.preflight(url)
    upgrade(url)
    print(render(t("cli.db_up_to_date"), lang))
    return 0


COPY_USAGE = (
    "wavebot: usage: wavebot db copy [SRC] [DST] (files or database URLs; an omitted one is read "
    "from WAVEBOT_COPY_SOURCE / WAVEBOT_COPY_TARGET, '-' reads it from standard input)"
)


def database_url(given: str) -> str:
    """A URL as given, or a SQLite file's path made into one."""
    return given if "://" in given else f"sqlite+aiosqlite:///{Path(given).resolve()}"


def run_copy(source: str | None, target: str | None, lang: str) -> int:
    """`wavebot db copy [SRC] [DST]`: one summary line, or one line saying why not. A URL may
    come from WAVEBOT_COPY_SOURCE / WAVEBOT_COPY_TARGET or stdin (`-`), out of `ps`'s sight."""
    from app.copy_urls import copy_ends

    ends = copy_ends(source, target, os.environ, sys.stdin)
    for warning in ends.warnings:
        print(f"wavebot: {render(warning, lang)}", file=sys.stderr)
    if not ends.source or not ends.target:
        print(COPY_USAGE, file=sys.stderr)
        return 2
    from storage.copy import copy_database

    src, dst = database_url(ends.source), database_url(ends.target)
    report = copy_database(src, dst)
    done = t("cli.db_copy_done", rows=report.rows, tables=report.tables, source=where(src),
             target=where(dst))  # fmt: skip
    print(render(done, lang))
    return 0


def run_bench(name: str, quick: bool, database_url: str | None = None) -> int:
    """The benchmarks live in devtools/, which only a source checkout has (the wheel leaves it)."""
    root = checkout_root()
    if not (root / "devtools" / "bench" / "__init__.py").is_file():
        print(BENCH_NEEDS_CHECKOUT, file=sys.stderr)
        return 2
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from devtools.bench import run_bench as run_benchmarks

    if database_url is not None and name != "pledges":
        print("wavebot bench: --database-url applies to `pledges` only", file=sys.stderr)
        return 2
    return run_benchmarks(name, quick=quick, database_url=database_url)


if __name__ == "__main__":
    raise SystemExit(main())
