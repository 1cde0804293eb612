"""The writer's transaction steps for group commit (storage/group_commit.py): BEGIN IMMEDIATE,
COMMIT and ROLLBACK on sqlite3 itself when no body used SQLAlchemy, and seen through when the
writer task is cancelled while one runs on the driver's thread."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sqlite_inline import InlineSqlite, offloaded, see_through


async def begin(conn: AsyncConnection, driver: Any) -> None:
    """BEGIN IMMEDIATE; on the inline driver on sqlite3 itself, SQLAlchemy beginning only if a
    body uses it (its begin and commit cost ~10 µs of each pledge at 16 per batch)."""
    if isinstance(driver, InlineSqlite):
        await driver.begin_immediate()
    else:
        await conn.begin()


async def commit(conn: AsyncConnection, driver: Any) -> bool:
    """COMMIT, seen through even if this task is cancelled meanwhile (then True): once on the
    driver's thread or on the wire it cannot be called back, and a ROLLBACK queued behind it
    finds nothing to undo, so the callers would hear "rolled back" of a batch that is durable."""
    step = asyncio.ensure_future(end(conn, driver, "COMMIT"))
    cancelled = await see_through(step)
    failure = step.exception()
    if failure is not None:
        if cancelled:  # stopped, and nothing was committed: the batch rolls back as stopped
            raise asyncio.CancelledError from failure
        raise failure
    return cancelled


async def end(conn: AsyncConnection, driver: Any, verb: str) -> None:
    """COMMIT or ROLLBACK off the loop: through SQLAlchemy when it has a transaction open, else
    on the inline driver's sqlite3 (errors wrapped as SQLAlchemy wraps them)."""
    with offloaded(driver):
        if conn.in_transaction():
            await (conn.commit() if verb == "COMMIT" else conn.rollback())
            return
    if not isinstance(driver, InlineSqlite) or not driver.sqlite.in_transaction:
        return
    try:
        await driver.in_thread(driver.sqlite.execute, verb)
    except sqlite3.Error as error:
        raise DBAPIError.instance(verb, (), error, sqlite3.Error) from error
