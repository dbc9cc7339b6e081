"""Study bot: daily deep-learning and machine-learning interview questions for group chats."""

__version__ = "0.1.0"
