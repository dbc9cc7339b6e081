"""Anti-gaming checks: answers that should not earn points whatever their similarity says.

Each check returns a flag name or nothing; the grader caps the score of a flagged answer and
words the reason for the member.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from difflib import SequenceMatcher
from functools import lru_cache

from bot.grading.text import STOPWORDS, content_stems, normalise, stem, words

MAX_FLAGGED_SCORE = 30

# The cap per flag: content-free answers get nothing, a keyword list may keep a little.
CAPS: dict[str, int] = {
    "injection": 0,
    "too_short": 5,
    "unreadable": 0,
    "copy": 10,
    "echo": 15,
    "keywords": 25,
}

HINTS: dict[str, str] = {
    "injection": "Answers are graded on content only; instructions to the grader are ignored.",
    "too_short": "Too short to grade: explain the idea in a sentence or two.",
    "unreadable": "The grader could not read this; answer in English, in plain sentences.",
    "copy": "This matches another member's answer; answer in your own words.",
    "echo": "This mostly repeats the question; say what the answer is.",
    "keywords": "A list of keywords is not an explanation; connect them in sentences.",
}

_INJECTION = re.compile(
    r"ignore (?:all |any |the |your )?(?:previous |prior |above |earlier )?"
    r"(?:instructions|prompts?|rules|rubric|reference|guidelines)\b"
    r"|disregard (?:all |any |the )?(?:previous|prior|above|instructions|rules)"
    # "rate" or "score" alone is everyday physics ("a rate of 100 m/s"): only when aimed at
    # the answer; "a perfect fit" is not a request for marks.
    r"|(?:give|award|assign|(?:grade|score|rate|mark)\s+(?:this|my|the|it|me|us)\b)"
    r"[^.\n]{0,30}\b(?:100|full marks|as correct"
    r"|(?:full|perfect|maximum|max|top|highest)\s+(?:score|marks?|grade|points|credit))"
    r"|(?:system|developer) prompt|you are (?:now )?an? (?:ai|grader|assistant|language model)"
    r"|new instructions|jailbreak|\bscore\s*[:=]\s*100\b|100\s*/\s*100|\bas an ai\b",
)
_DONT_KNOW = re.compile(
    r"^\W*(?:i\s*)?(?:idk|dunno|don'?t know|do not know|no idea|not sure|pass|skip|n/?a|"
    r"no clue|\?+|-+|\.+|ok|yes|no|maybe|test|asdf|lol|hmm+)\W*$"
)
_NON_ENGLISH_STOPWORDS_TEXT = """
    el la los las que del por para una uno con como es est sont les des une dans pour qui
    pas sur le du au aux et un avec par pendant ce cette ces mais ou y se su al lo der die das
    und ist nicht ein eine mit auf den dem sich von zu im bei wird werden sind och att det som
    het een niet van zijn il gli della che sono di da nel"""
_NON_ENGLISH_STOPWORDS = frozenset(_NON_ENGLISH_STOPWORDS_TEXT.split())
MIN_WORDS = 3
# An answer under MIN_WORDS words is too short when the reference is this many times longer.
SHORT_RATIO = 10
# The glue of a sentence; a list of terms has none of it.
_FUNCTION_WORDS_TEXT = """
    the a an of to in on by for with is are was were be been it its that this these those
    which who and or so but from as at when if than then their they we you can will would does
    do did not no into because while has have had there what how why where until each every
    one our your his her them i he she me my"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


# Every alternative of `_INJECTION` contains one of these; few answers contain any, and looking
# for a word costs a fraction of running the pattern.
_INJECTION_WORDS = (
    "ignore",
    "disregard",
    "give",
    "award",
    "assign",
    "grade",
    "score",
    "rate",
    "mark",
    "prompt",
    "you are",
    "instructions",
    "jailbreak",
    "100",
    "as an ai",
)


def injection(answer: str) -> bool:
    text = normalise(answer)
    return any(word in text for word in _INJECTION_WORDS) and bool(_INJECTION.search(text))


def too_short(answer_words: Sequence[str], answer: str, reference_words: int = 0) -> bool:
    """Nothing to grade: "idk", "?", or a word or two where the reference needs many.

    Against a one-line reference a two-word answer ("it boils") can be complete, so the
    length rule is relative to the shortest reference answer."""
    if not any(word not in STOPWORDS for word in answer_words):
        return True
    if len(answer_words) < MIN_WORDS and len(answer_words) * SHORT_RATIO < reference_words:
        return True
    return len(answer_words) <= 6 and bool(_DONT_KNOW.match(normalise(answer).strip()))


def foreign_script(answer: str) -> bool:
    """Mostly letters outside the Latin alphabet, or many accented words: not English."""
    if answer.isascii():  # No letter outside plain Latin: the common case, decided at once.
        return False
    letters = [char for char in answer if char.isalpha()]
    if letters and sum(char.isascii() for char in letters) / len(letters) < 0.6:
        return True
    raw_words = answer.split()
    accented = sum(any(c.isalpha() and not c.isascii() for c in word) for word in raw_words)
    return accented >= 2 and accented / len(raw_words) >= 0.15


def unreadable(
    answer_words: Sequence[str], pieces: Callable[[str], int], known: frozenset[str]
) -> bool:
    """Another language in Latin letters, or keyboard mash rather than words."""
    alphabetic = [word for word in answer_words if word.isalpha()]
    if len(alphabetic) < 3:
        return False
    english = sum(word in STOPWORDS for word in alphabetic)
    foreign = sum(word in _NON_ENGLISH_STOPWORDS for word in alphabetic)
    if foreign >= 2 and foreign > english:
        return True
    unknown = [word for word in dict.fromkeys(alphabetic) if len(word) >= 4 and word not in known]
    if len(unknown) < 3:
        return False
    # A real word is one vocabulary piece, or two; keyboard mash shatters into many.
    shattered = sum(pieces(word) >= 3 and not _pronounceable(word) for word in unknown[:60])
    return shattered / len(unknown[:60]) > 0.5


def _pronounceable(word: str) -> bool:
    vowels = sum(char in "aeiouy" for char in word)
    return 0.2 <= vowels / len(word) <= 0.7 and not re.search(r"[^aeiouy]{5,}", word)


def keywords(answer: str, answer_words: Sequence[str]) -> bool:
    """Terms without sentences: no function words at all, or one term said over and over.

    A short line that ends like a sentence is read as a terse sentence, not a list."""
    if len(answer_words) < 4:
        return False
    if len(answer_words) >= 8 and len(set(answer_words)) / len(answer_words) < 0.35:
        return True
    glue = sum(word in _FUNCTION_WORDS for word in answer_words)
    if glue == 0:
        return len(answer_words) > 12 or not re.search(r"[.!?]\s*$", answer.strip())
    return len(answer_words) >= 10 and glue / len(answer_words) < 0.06


def echo(answer: str, prompt: str, reference_stems: frozenset[str] = frozenset()) -> bool:
    """The answer restates the question and adds (almost) nothing of its own.

    A new word that the reference also uses is substance, however short the answer."""
    answer_stems = content_stems(answer)
    if not answer_stems:
        return False
    prompt_stems = _prompt_stems(prompt)
    novel = {word for word in answer_stems if word not in prompt_stems}
    if novel & reference_stems:
        return False
    shared = sum(word in prompt_stems for word in answer_stems) / len(answer_stems)
    return (shared >= 0.6 and len(novel) <= 1) or (shared >= 0.75 and len(novel) <= 2)


@lru_cache(maxsize=1024)
def _prompt_stems(prompt: str) -> frozenset[str]:
    """A question's stems: the same question is compared with every answer to it."""
    return frozenset(content_stems(prompt))


COPY_SIMILARITY = 0.7
COPY_WORDS = 200


def copied(answer: str, peers: Iterable[str]) -> bool:
    """The answer's words, in order, largely match one peer's answer (small edits allowed)."""
    mine, _ = copy_stems(answer)
    if not mine:
        return False
    mine_set = frozenset(mine)
    for peer in peers:
        theirs, theirs_distinct = copy_stems(peer)
        if (
            theirs
            and could_match(mine, mine_set, theirs, theirs_distinct)
            and resembles(mine, theirs)
        ):
            return True
    return False


def resembles(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """The two stem sequences are at least `COPY_SIMILARITY` alike (difflib's ratio).

    difflib's matching blocks are in order in both sequences, so they never match more than
    the longest common subsequence: when even that falls short (an answer with the same words
    in another order), difflib is not asked. The subsequence bound is tighter than
    `quick_ratio`, so that check is not needed either."""
    if 2.0 * longest_common_subsequence(mine, theirs) / (len(mine) + len(theirs)) < (
        COPY_SIMILARITY
    ):
        return False
    matcher = _matcher_for(theirs)
    matcher.set_seq1(mine)
    return _reaches_similarity(matcher, mine, theirs)


def longest_common_subsequence(first: Sequence[str], second: Sequence[str]) -> int:
    """Its length, with one bit per position of `second` (Allison and Dix's bit-parallel
    method; Python's integers make the bit vector any length)."""
    positions: dict[str, int] = {}
    for at, item in enumerate(second):
        positions[item] = positions.get(item, 0) | 1 << at
    full = (1 << len(second)) - 1
    row = full
    for item in first:
        matched = row & positions.get(item, 0)
        row = ((row + matched) | (row - matched)) & full
    return len(second) - row.bit_count()


# A matcher indexes its second sequence once (`set_seq1` keeps that index), and a peer close
# enough to reach this point is usually compared with many later answers to its post.
@lru_cache(maxsize=1024)
def _matcher_for(theirs: tuple[str, ...]) -> SequenceMatcher[str]:
    return SequenceMatcher(None, theirs, theirs, autojunk=False)


def _reaches_similarity(
    matcher: SequenceMatcher[str], mine: Sequence[str], theirs: Sequence[str]
) -> bool:
    """`matcher.ratio() >= COPY_SIMILARITY`, stopping as soon as the outcome is certain.

    The blocks are found as `get_matching_blocks` finds them (longest first, then either side
    of it). Their sizes only add up, so once enough is matched the rest cannot matter; and the
    ranges still to search can match at most their shorter side, so once even that would not
    be enough, neither can the rest."""
    total = len(mine) + len(theirs)
    matched = 0
    queue = [(0, len(mine), 0, len(theirs))]
    # The most the ranges in the queue can still match.
    possible = min(len(mine), len(theirs))
    while queue:
        a_low, a_high, b_low, b_high = queue.pop()
        possible -= min(a_high - a_low, b_high - b_low)
        a_at, b_at, size = matcher.find_longest_match(a_low, a_high, b_low, b_high)
        matched += size
        if 2.0 * matched / total >= COPY_SIMILARITY:
            return True
        if size:
            if a_low < a_at and b_low < b_at:
                queue.append((a_low, a_at, b_low, b_at))
                possible += min(a_at - a_low, b_at - b_low)
            if a_at + size < a_high and b_at + size < b_high:
                queue.append((a_at + size, a_high, b_at + size, b_high))
                possible += min(a_high - a_at - size, b_high - b_at - size)
        if 2.0 * (matched + possible) / total < COPY_SIMILARITY:
            return False
    return False


# Every answer to a post is compared with the post's earlier answers, so the working set is
# every answer of every open post; the stems alone are kept (a few hundred bytes an answer).
@lru_cache(maxsize=32768)
def copy_stems(text: str) -> tuple[tuple[str, ...], int]:
    """An answer's first stems, and how many distinct ones, worked out once."""
    stems = tuple(stem(word) for word in words(text)[:COPY_WORDS])
    return stems, len(set(stems))


def could_match(
    mine: Sequence[str], mine_set: frozenset[str], theirs: Sequence[str], theirs_distinct: int
) -> bool:
    """An upper bound of `quick_ratio` from set sizes alone (no false rejections): the shared
    words, plus at most every repeat of a word, cannot reach the similarity needed. The sizes
    alone bound the shared words first, which spares most peers the set intersection."""
    repeats = min(len(mine) - len(mine_set), len(theirs) - theirs_distinct)
    needed = COPY_SIMILARITY * (len(mine) + len(theirs))
    # The small slack keeps float rounding at the boundary from rejecting a real match.
    if 2 * (min(len(mine_set), theirs_distinct) + repeats) + 1e-9 < needed:
        return False
    shared = len(mine_set.intersection(theirs))
    return 2 * (shared + repeats) + 1e-9 >= needed
