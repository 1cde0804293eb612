"""The supplier's order of a wave: paid units per member with the names, phones and addresses
collected, and the totals, as a CSV. Personal data: moderators only, and only in private."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from core.errors import DomainError
from core.fulfilment_ports import OrderLine
from core.messages import PlainText, t
from core.model import Wave, WaveStatus
from core.ports import Actor, ChatKind, ChatRef
from core.services import creator
from core.services.context import Context, require_moderator
from core.services.stats import decimal_amount, safe_cell
from core.services.waves import load_wave

COLUMNS = ("member", "name", "quantity", "amount", "ship_name", "phone", "address")


Row = tuple[str, object]  # (catalogue key, value) of the sheet's summary block


async def order(
    ctx: Context, actor: Actor, chat: ChatRef, wave_id: int
) -> tuple[Wave, list[OrderLine], list[Row]]:
    """A wave, its paid lines and extra summary rows (the idea author's creator share), for a
    moderator asking in private."""
    await require_moderator(ctx, actor)
    if chat.kind is not ChatKind.PRIVATE:
        raise DomainError("error.order_private_only", id=wave_id)
    async with ctx.db.read() as tx:
        wave = await load_wave(tx, wave_id)
        if wave.status is not WaveStatus.COMPLETED:  # paid units are final only then
            status = t(f"stats.wave_status.{wave.status.value}")
            raise DomainError("error.order_not_completed", id=wave.id, status=status)
        share = await creator.export_share_row(tx, wave_id)
        return wave, await tx.order_lines(wave_id), [share] if share else []


def order_csv(
    plain: PlainText,
    wave: Wave,
    lines: Sequence[OrderLine],
    lang: str,
    extra: Sequence[Row] = (),
) -> bytes:
    """A summary block (wave, currency, paid members, units, total, then `extra`), a blank line,
    one row per paid member; every cell safe from spreadsheet formulas, addresses on one line."""
    units = sum(line.quantity for line in lines)
    total = sum(line.amount_cents for line in lines)
    summary: list[Row] = [
        ("stats.csv_wave", f"#{wave.id}"),
        ("stats.csv_title", wave.title),
        ("stats.csv_currency", wave.currency),
        ("stats.csv_final_price", decimal_amount(wave.final_price_cents)),
        ("order.csv_members", len(lines)),
        ("order.csv_units", units),
        ("order.csv_total", decimal_amount(total)),
        *extra,
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for key, value in summary:
        writer.writerow([safe_cell(plain(t(key), lang)), safe_cell(value)])
    writer.writerow([])
    writer.writerow([safe_cell(plain(t(f"order.csv_col_{c}"), lang)) for c in COLUMNS])
    for line in lines:
        writer.writerow([
            f"#{line.member_id}",
            safe_cell(line.name),
            line.quantity,
            decimal_amount(line.amount_cents),
            safe_cell(line.ship_name),
            safe_cell(line.phone),
            safe_cell(", ".join(part for part in line.address.splitlines() if part)),
        ])  # fmt: skip
    return out.getvalue().encode("utf-8-sig")
