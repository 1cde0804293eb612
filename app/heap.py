"""Keep full garbage collections short: objects that live as long as the process are frozen.

CPython's full (generation 2) collection walks every tracked object. With SQLAlchemy, the
platform libraries and (after the first chart) matplotlib loaded, that walk took 70–140 ms on
the benchmark machine, and it runs on whatever thread allocated last, usually the event loop's:
a stall for every update in flight. `gc.freeze()` moves everything alive now to a permanent
generation the collector skips, so a full collection only walks what the bot allocated since.
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> None:
    """Exclude the objects alive now (modules, wiring, caches) from later collections."""
    gc.freeze()
