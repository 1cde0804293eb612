"""Pay at the end: confirm or withdraw after a successful close, reminders, abandonment."""

from __future__ import annotations
