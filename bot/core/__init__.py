"""The platform-free study core: commands in, replies out.

Nothing under `bot.core` may import `discord` or `telegram`; a test walks the imports to keep it so.
"""
