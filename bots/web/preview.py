"""The preview image a shared link shows (Open Graph / Twitter card): title, price now, progress.

Drawn with Pillow in a worker thread (never on the event loop), 1200×630 as the cards expect,
and cached per wave and numbers, so a link pasted in a busy chat is drawn once.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 630)
BACKGROUND = "#0d1b2a"
INK = "#ffffff"
SOFT = "#a9bcd0"
BAR_EMPTY = "#1f3b57"
BAR_FULL = "#38b000"
CACHED = 256
TITLE_LINES = 3


@dataclass(frozen=True)
class Preview:
    """What the picture says, already in the reader's language."""

    title: str
    price: str  # "€79.00 now"
    progress: str  # "37 / 50"
    filled: float  # 0.0 … 1.0 of the bar
    footer: str  # "Wave #12 · 3 days left"


@cache
def _font_file(bold: bool) -> str | None:
    """DejaVu Sans, which matplotlib ships (wide Unicode coverage), without importing it."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / name
    return str(path) if path.exists() else None


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A TrueType font of this size, else Pillow's own."""
    path = _font_file(bold)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: object, width: int) -> list[str]:
    """Words on lines no wider than width; at most TITLE_LINES, the last cut with an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(lines[-1] + " " + word, font=font) <= width:  # type: ignore[arg-type]
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > TITLE_LINES:
        lines = [*lines[: TITLE_LINES - 1], " ".join(lines[TITLE_LINES - 1 :])]
    last = lines[-1] if lines else ""
    while last and draw.textlength(last, font=font) > width:  # type: ignore[arg-type]
        last = last[:-2] + "…"
    return [*lines[:-1], last] if lines else []


def draw(preview: Preview) -> bytes:
    """The PNG (blocking: call through `render`)."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    pen = ImageDraw.Draw(image)
    title_font, big, small = _font(64, bold=True), _font(56, bold=True), _font(34)
    y = 60
    for line in _wrap(pen, preview.title, title_font, SIZE[0] - 120):
        pen.text((60, y), line, font=title_font, fill=INK)
        y += 78
    pen.text((60, 340), preview.price, font=big, fill=INK)
    bar = (60, 440, SIZE[0] - 60, 490)
    pen.rounded_rectangle(bar, radius=25, fill=BAR_EMPTY)
    filled = max(0.0, min(1.0, preview.filled))
    if filled > 0:
        right = bar[0] + max(50, int((bar[2] - bar[0]) * filled))
        pen.rounded_rectangle((bar[0], bar[1], right, bar[3]), radius=25, fill=BAR_FULL)
    pen.text((60, 510), preview.progress, font=small, fill=INK)
    pen.text((60, 560), preview.footer, font=small, fill=SOFT)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


class Previews:
    """Drawn previews by content, least recently used dropped first."""

    def __init__(self, kept: int = CACHED) -> None:
        self.kept = kept
        self.cache: OrderedDict[Preview, bytes] = OrderedDict()

    async def render(self, preview: Preview) -> bytes:
        """The PNG, drawn in a worker thread unless the same picture was drawn already."""
        png = self.cache.pop(preview, None)
        if png is None:
            png = await asyncio.to_thread(draw, preview)
        self.cache[preview] = png
        while len(self.cache) > self.kept:
            self.cache.popitem(last=False)
        return png
