"""Data for decisions: /stats (funnel, abandonment, demand curve, charts) and /export."""

from __future__ import annotations
