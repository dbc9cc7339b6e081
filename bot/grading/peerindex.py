"""One post's answers, indexed so the copy check compares an answer with few of them.

`guards.copied` takes the peers one by one, and rules most of them out by a bound on how many
words two answers can share; on a post with hundreds of answers that loop was the dearest part
of grading. Here each answer's stems are rows of bits, so a bound on the words two answers share
is worked out for every peer at once, and only the peers it cannot rule out are compared word by
word.
The outcome is exactly `copied`'s over the same peers (`tests/grading/test_peer_index.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
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
        # Per answer: which stems it has, which it has twice or more, and how many times
        # beyond the second its stems occur in all. Together they bound the words two answers
        # share, counting repeats, as closely as difflib's `quick_ratio` counts them.
        self._bits: npt.NDArray[np.uint64] = np.zeros((_FIRST_ROWS, 1), dtype=np.uint64)
        self._twice: npt.NDArray[np.uint64] = np.zeros((_FIRST_ROWS, 1), dtype=np.uint64)
        self._beyond: Counts = np.zeros(_FIRST_ROWS, dtype=np.int64)
        self._lengths: Counts = np.zeros(_FIRST_ROWS, dtype=np.int64)
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
        stems, _ = copy_stems(text[:MAX_PEER_CHARS])
        if not stems:  # nothing to compare with: never a match
            return
        row = len(self._stems)
        self._grow_rows(row + 1)
        once, twice, beyond = self._masks(stems, self._stem_bit)
        self._bits[row] = _as_blocks(once, self._bits.shape[1])
        self._twice[row] = _as_blocks(twice, self._bits.shape[1])
        self._beyond[row], self._lengths[row], self._live[row] = beyond, len(stems), True
        self._stems.append(stems)
        self._owners.append(member)
        self._rows[member] = row

    def copied(self, answer: str, excluded: Collection[int]) -> bool:
        """`guards.copied(answer, ...)` against every kept answer but those of `excluded`."""
        mine, _ = copy_stems(answer)
        if not mine or not self._stems:
            return False
        once, twice, beyond = self._masks(mine, self._stem_bits.get)
        rows, blocks = len(self._stems), self._bits.shape[1]
        shared = np.bitwise_count(self._bits[:rows] & _as_blocks(once, blocks)).sum(
            axis=1, dtype=np.int64
        )
        shared += np.bitwise_count(self._twice[:rows] & _as_blocks(twice, blocks)).sum(
            axis=1, dtype=np.int64
        )
        # At most this many shared words, repeats counted, for every peer at once: the
        # multiset count `quick_ratio` makes (exact unless a stem occurs three times or more),
        # so only peers that could pass it are compared word by word.
        shared += np.minimum(beyond, self._beyond[:rows])
        lengths = self._lengths[:rows]
        possible = self._live[:rows] & (
            2 * shared + 1e-9 >= COPY_SIMILARITY * (len(mine) + lengths)
        )
        for row in np.flatnonzero(possible).tolist():
            if self._owners[row] not in excluded and resembles(mine, self._stems[row]):
                return True
        return False

    @staticmethod
    def _masks(stems: tuple[str, ...], bit_of: Callable[[str], int | None]) -> tuple[int, int, int]:
        """The stems present, those present twice or more (as bit masks; stems without a bit
        are left out), and the occurrences beyond each stem's second."""
        once = twice = beyond = 0
        for stem, count in Counter(stems).items():
            bit = bit_of(stem)
            if bit is not None:
                once |= 1 << bit
                if count >= 2:
                    twice |= 1 << bit
            beyond += max(0, count - 2)
        return once, twice, beyond

    def _stem_bit(self, stem: str) -> int:
        bit = self._stem_bits.get(stem)
        if bit is None:
            bit = self._stem_bits[stem] = len(self._stem_bits)
            blocks = self._bits.shape[1]
            if bit >= blocks * _BITS:
                self._bits = _widened(self._bits)
                self._twice = _widened(self._twice)
        return bit

    def _grow_rows(self, needed: int) -> None:
        size = self._bits.shape[0]
        if needed <= size:
            return
        size *= 2
        self._bits = np.resize(self._bits, (size, self._bits.shape[1]))
        self._bits[len(self._stems) :] = 0
        self._twice = np.resize(self._twice, (size, self._twice.shape[1]))
        self._twice[len(self._stems) :] = 0
        self._beyond = np.resize(self._beyond, size)
        self._lengths = np.resize(self._lengths, size)
        self._live = np.resize(self._live, size)
        self._live[len(self._stems) :] = False


def _widened(bits: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Twice as many 64-bit words per row, the new ones empty."""
    grown = np.zeros((bits.shape[0], bits.shape[1] * 2), dtype=np.uint64)
    grown[:, : bits.shape[1]] = bits
    return grown


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
