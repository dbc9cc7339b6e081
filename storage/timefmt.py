"""How times and dates are written to the database: fixed-width UTC text, so they sort as text."""

from __future__ import annotations

from datetime import UTC, date, datetime


def to_db(moment: datetime) -> str:
    """A timezone-aware datetime as UTC text with microseconds (always the same width)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text)


def maybe_from_db(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def date_from_db(text: str) -> date:
    return date.fromisoformat(text)
