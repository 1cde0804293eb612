"""Talk before and after a wave: /ask, /answer, /review, and the idea machine /inspire."""

from __future__ import annotations
