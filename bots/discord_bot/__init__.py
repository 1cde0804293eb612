"""Discord adapter on discord.py 2: slash commands, persistent buttons, embeds, broadcasts."""

from bots.discord_bot.adapter import DEFAULT_API_URL, DiscordAdapter
from bots.discord_bot.admins import DiscordAdminCheck
from bots.discord_bot.client import WaveClient
from bots.discord_bot.conversation import PLATFORM
from bots.discord_bot.messenger import DiscordMessenger, outcome_of
from bots.discord_bot.throttle import Throttle

__all__ = [
    "DEFAULT_API_URL",
    "PLATFORM",
    "DiscordAdapter",
    "DiscordAdminCheck",
    "DiscordMessenger",
    "Throttle",
    "WaveClient",
    "outcome_of",
]
