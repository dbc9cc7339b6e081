"""The committed answers to recent posts, by member, kept in memory for the copy check.

Loaded from the database on a post's first answer and kept current as answers commit, so an
answer does not read (and ship to the grader) every other answer to its post again. Anything
that deletes answers clears it all."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

MAX_POSTS = 256
# And at most about this many characters of answers in all (the newest post stays).
MAX_CHARS = 16_000_000
# Posts whose last change is remembered; older changes count as "just now" for every post.
MAX_TOUCHED = 4096


class PeerCache:
    """Per post, each member's committed answer text; bounded, least recently used goes."""

    def __init__(self, max_posts: int = MAX_POSTS, max_chars: int = MAX_CHARS) -> None:
        self._max_posts = max_posts
        self._max_chars = max_chars
        self._chars = 0
        self._posts: OrderedDict[int, dict[int, str]] = OrderedDict()
        self._clock = 0
        self._touched: OrderedDict[int, int] = OrderedDict()
        self._floor = 0
        self.generation = 0

    def stamp(self) -> int:
        """Take before reading a post's answers from the database; hand to `install`."""
        return self._clock

    def holds(self, post_id: int) -> bool:
        return post_id in self._posts

    def get(self, post_id: int) -> dict[int, str] | None:
        """A copy of the post's texts by member, or None when the post is not kept."""
        texts = self._posts.get(post_id)
        if texts is None:
            return None
        self._posts.move_to_end(post_id)
        return dict(texts)

    def install(self, post_id: int, texts: Mapping[int, str], read_at: int) -> None:
        """Keep what was read, unless an answer to the post committed since `read_at`."""
        if post_id in self._posts or self._touched.get(post_id, self._floor) > read_at:
            return
        self._posts[post_id] = dict(texts)
        self._chars += sum(map(len, texts.values()))
        self._trim()

    def note(self, post_id: int, member_id: int, text: str) -> None:
        """An answer committed: it replaces the member's earlier text to the post."""
        self._clock += 1
        self._touched[post_id] = self._clock
        self._touched.move_to_end(post_id)
        if len(self._touched) > MAX_TOUCHED:
            _, stamp = self._touched.popitem(last=False)
            self._floor = max(self._floor, stamp)
        texts = self._posts.get(post_id)
        if texts is not None:
            self._chars += len(text) - len(texts.get(member_id, ""))
            texts[member_id] = text
            self._trim()

    def clear(self) -> None:
        """Answers were deleted: forget everything, including reads still on their way."""
        self._clock += 1
        self._floor = self._clock
        self._posts.clear()
        self._chars = 0
        self._touched.clear()
        self.generation += 1

    def _trim(self) -> None:
        while len(self._posts) > 1 and (
            len(self._posts) > self._max_posts or self._chars > self._max_chars
        ):
            _, texts = self._posts.popitem(last=False)
            self._chars -= sum(map(len, texts.values()))
