"""Text that can be stored and sent: lone UTF-16 surrogates replaced.

A platform's JSON may carry an unpaired surrogate escape (`"\\ud800"`); Python decodes it to a
`str` that SQLite and every HTTP client refuse to encode. Cleaning at the core's door keeps one
odd character from turning a member's answer into an error.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")

T = TypeVar("T")


def clean_text(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD."""
    return _SURROGATE.sub(REPLACEMENT, text)


def clean_strings(value: T) -> T:
    """A copy of the dataclass `value` whose string fields (and nested dataclasses') are clean."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes: dict[str, object] = {}
    for field in dataclasses.fields(value):
        current = getattr(value, field.name)
        if isinstance(current, str):
            cleaned: object = clean_text(current)
        elif dataclasses.is_dataclass(current) and not isinstance(current, type):
            cleaned = clean_strings(current)
        else:
            continue
        if cleaned is not current and cleaned != current:
            changes[field.name] = cleaned
    return dataclasses.replace(value, **changes) if changes else value
