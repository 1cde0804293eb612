"""Cross-platform identity: /link codes that merge a Telegram and a Discord account."""

from __future__ import annotations
