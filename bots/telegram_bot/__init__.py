"""Telegram adapter on python-telegram-bot 22: updates in, replies and broadcasts out."""

from bots.telegram_bot.adapter import DEFAULT_API_URL, TelegramAdapter
from bots.telegram_bot.admins import TelegramAdminCheck
from bots.telegram_bot.messenger import PLATFORM, TelegramMessenger, outcome_of
from bots.telegram_bot.ratelimit import Limits, SendLimiter

__all__ = [
    "DEFAULT_API_URL",
    "PLATFORM",
    "Limits",
    "SendLimiter",
    "TelegramAdapter",
    "TelegramAdminCheck",
    "TelegramMessenger",
    "outcome_of",
]
