"""SQLite storage through aiosqlite: the only place with SQL."""
