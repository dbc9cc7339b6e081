"""Inline-button payloads. Telegram caps `callback_data` at 64 bytes, so payloads are short
`kind:field:field` strings and every one is checked when it is made."""

from __future__ import annotations

from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64
SEPARATOR = ":"


@dataclass(frozen=True, slots=True)
class Callback:
    kind: str
    fields: tuple[str, ...] = ()

    def encode(self) -> str:
        data = SEPARATOR.join((self.kind, *self.fields))
        size = len(data.encode("utf-8"))
        if size > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback_data is {size} bytes; Telegram allows {MAX_CALLBACK_BYTES}")
        return data


def decode(data: str) -> Callback:
    kind, *fields = data.split(SEPARATOR)
    return Callback(kind, tuple(fields))


def quiz_choice(session_id: int, index: int, choice: int) -> str:
    return Callback("qc", (str(session_id), str(index), str(choice))).encode()


def toggle_topic(topic: str) -> str:
    return Callback("tp", (topic,)).encode()


def forget(user_id: str, confirmed: bool) -> str:
    return Callback("fm", (user_id, "yes" if confirmed else "no")).encode()
