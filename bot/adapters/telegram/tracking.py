"""What the adapter remembers about messages it sent: which poll or message belongs to which quiz
step, and which parts of a split post stand for the post. Kept in memory, bounded; after a
restart quiz votes on old polls are simply not recognised and answers by reply still reach the
post through the message id the core stored."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.core.refs import ChatRef

K = TypeVar("K")
V = TypeVar("V")


class BoundedMap(Generic[K, V]):
    """A dict that forgets its oldest entries beyond `size`."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def pop(self, key: K) -> V | None:
        return self._items.pop(key, None)


@dataclass(frozen=True, slots=True)
class QuizMessage:
    """A quiz step as posted: where, which session, which step, and whether it is the chat's
    shared quiz (whose answers must not give the right one away to the others)."""

    chat: ChatRef
    session_id: int
    index: int
    group: bool = False


@dataclass(slots=True)
class Progress:
    """The messages of one delivery that Telegram accepted, by (item, part) of the rendered
    reply. When a later part fails and the same reply is delivered again, the parts already
    posted are not sent twice: their message ids are reused."""

    sent: dict[tuple[int, int], int] = field(default_factory=dict)

    def get(self, item: int, part: int) -> int | None:
        return self.sent.get((item, part))

    def record(self, item: int, part: int, message_id: int) -> None:
        self.sent[(item, part)] = message_id


class Tracking:
    def __init__(self, size: int = 10_000) -> None:
        self.polls: BoundedMap[str, QuizMessage] = BoundedMap(size)
        self.quiz_messages: BoundedMap[tuple[int, int], QuizMessage] = BoundedMap(size)
        # Extra parts of a split message point at the first part, whose id the core stored.
        self.first_part: BoundedMap[tuple[int, int], int] = BoundedMap(size)
        # Whether a member can be reached privately: True once they wrote to us there, False
        # after Telegram refused a private message (their feedback then goes to the group).
        self.private_reach: BoundedMap[str, bool] = BoundedMap(size)
        # Deliveries of the core's replies that stopped part-way, by chat and reply.
        self.progress: BoundedMap[tuple[int, str], Progress] = BoundedMap(size)
        # Groups upgraded to supergroups: old chat id to new, for sends that still name the old.
        self.moved: BoundedMap[int, int] = BoundedMap(size)
