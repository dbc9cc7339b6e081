"""One post's answers, indexed so the copy check compares an answer with few of them.

`guards.copied` takes the peers one by one, and rules most of them out by a bound on how many
words two answers can share; on a post with hundreds of answers that loop was the dearest part
of grading. Here each answer's distinct stems are one row of bits, so the same bound is worked
out for every peer at once, and only the peers it cannot rule out are compared word by word.
The outcome is exactly `copied`'s over the same peers (`tests/grading/test_peer_index.py`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.grading.guards import COPY_SIMILARITY, copy_stems, resembles

# Peer answers are compared on their first characters only, like the answer itself.
MAX_PEER_CHARS = 4000
_FIRST_ROWS = 16
_BITS = 64

Counts = npt.NDArray[np.int64]


class PeerIndex:
    """Each member's latest answer to one post; a member's new answer replaces the old."""

    def __init__(self) -> None:
        self._stem_bits: dict[str, int] = {}
        self._bits: npt.NDArray[np.uint64] = np.zeros((_FIRST_ROWS, 1), dtype=np.uint64)
        self._lengths: Counts = np.zeros(_FIRST_ROWS, dtype=np.int64)
        self._distinct: Counts = np.zeros(_FIRST_ROWS, dtype=np.int64)
        self._live = np.zeros(_FIRST_ROWS, dtype=bool)
        self._stems: list[tuple[str, ...]] = []
        self._owners: list[int] = []
        self._rows: dict[int, int] = {}
        self.texts: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def update(self, changed: Collection[tuple[int, str]]) -> None:
        for member, text in changed:
            self.set(member, text)

    def set(self, member: int, text: str) -> None:
        """The member's answer is now `text`."""
        self.texts[member] = text
        old = self._rows.pop(member, None)
        if old is not None:
            self._live[old] = False
        stems, distinct = copy_stems(text[:MAX_PEER_CHARS])
        if not stems:  # nothing to compare with: never a match
            return
        row = len(self._stems)
        self._grow_rows(row + 1)
        mask = 0
        for stem in set(stems):
            mask |= 1 << self._stem_bit(stem)
        self._bits[row] = _as_blocks(mask, self._bits.shape[1])
        self._lengths[row], self._distinct[row], self._live[row] = len(stems), distinct, True
        self._stems.append(stems)
        self._owners.append(member)
        self._rows[member] = row

    def copied(self, answer: str, excluded: Collection[int]) -> bool:
        """`guards.copied(answer, ...)` against every kept answer but those of `excluded`."""
        mine, _ = copy_stems(answer)
        if not mine or not self._stems:
            return False
        mine_set = frozenset(mine)
        mask = 0
        for stem in mine_set:
            bit = self._stem_bits.get(stem)
            if bit is not None:
                mask |= 1 << bit
        rows = len(self._stems)
        shared = np.bitwise_count(self._bits[:rows] & _as_blocks(mask, self._bits.shape[1]))
        # The bound `guards.could_match` applies to one peer, for every peer at once.
        lengths = self._lengths[:rows]
        repeats = np.minimum(len(mine) - len(mine_set), lengths - self._distinct[:rows])
        possible = self._live[:rows] & (
            2 * (shared.sum(axis=1, dtype=np.int64) + repeats) + 1e-9
            >= COPY_SIMILARITY * (len(mine) + lengths)
        )
        for row in np.flatnonzero(possible).tolist():
            if self._owners[row] not in excluded and resembles(mine, self._stems[row]):
                return True
        return False

    def _stem_bit(self, stem: str) -> int:
        bit = self._stem_bits.get(stem)
        if bit is None:
            bit = self._stem_bits[stem] = len(self._stem_bits)
            blocks = self._bits.shape[1]
            if bit >= blocks * _BITS:
                grown = np.zeros((self._bits.shape[0], blocks * 2), dtype=np.uint64)
                grown[:, :blocks] = self._bits
                self._bits = grown
        return bit

    def _grow_rows(self, needed: int) -> None:
        size = self._bits.shape[0]
        if needed <= size:
            return
        size *= 2
        self._bits = np.resize(self._bits, (size, self._bits.shape[1]))
        self._bits[len(self._stems) :] = 0
        self._lengths = np.resize(self._lengths, size)
        self._distinct = np.resize(self._distinct, size)
        self._live = np.resize(self._live, size)
        self._live[len(self._stems) :] = False


def _as_blocks(mask: int, blocks: int) -> npt.NDArray[np.uint64]:
    """A bit mask as `blocks` 64-bit words, lowest bits first."""
    return np.frombuffer(mask.to_bytes(blocks * 8, "little"), dtype="<u8").astype(np.uint64)


@dataclass(frozen=True, slots=True)
class PostPeers:
    """The peers one answer is compared with: a post's kept answers but the excluded members'."""

    index: PeerIndex
    excluded: frozenset[int]

    def copied(self, answer: str) -> bool:
        return self.index.copied(answer, self.excluded)

    def texts(self) -> list[str]:
        return [text for member, text in self.index.texts.items() if member not in self.excluded]
