"""The console adapter: a local group chat in the terminal (`studybot chat`)."""

from bot.adapters.console.chat import ConsoleChat, ConsoleOutbox
from bot.adapters.console.render import render

__all__ = ["ConsoleChat", "ConsoleOutbox", "render"]
