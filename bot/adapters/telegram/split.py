"""Splitting long HTML messages into parts Telegram accepts (4096 characters each).

Cuts never fall inside a tag or an entity (`&amp;`); tags open at a cut are closed at the end of
one part and opened again at the start of the next. Paragraph breaks are preferred, then line
breaks, then spaces, and only then an arbitrary character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TELEGRAM_LIMIT = 4096
_ATOM = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9-]+)")

# Break quality: higher is a nicer place to cut.
_PARAGRAPH, _LINE, _SPACE, _ANY = 3, 2, 1, 0


def telegram_length(text: str) -> int:
    """Telegram counts UTF-16 code units: characters outside the BMP (most emoji) count twice."""
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


@dataclass(frozen=True, slots=True)
class _Cut:
    index: int  # atoms before the cut go into the current part
    quality: int
    open_tags: tuple[str, ...]


def split_html(html: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split `html` into parts of at most `limit` UTF-16 units, each with balanced tags."""
    if telegram_length(html) <= limit:
        return [html]
    atoms = _ATOM.findall(html)
    parts: list[str] = []
    start = 0
    reopen: tuple[str, ...] = ()
    while start < len(atoms):
        cut = _find_cut(atoms, start, reopen, limit)
        body = "".join(atoms[start : cut.index])
        parts.append("".join(reopen) + body + _closing(cut.open_tags))
        reopen = cut.open_tags
        start = _skip_whitespace(atoms, cut.index)
    return [part for part in parts if _visible(part).strip()]


def _find_cut(atoms: list[str], start: int, reopen: tuple[str, ...], limit: int) -> _Cut:
    stack = list(reopen)
    used = telegram_length("".join(reopen))
    latest: dict[int, _Cut] = {}
    for index in range(start, len(atoms)):
        atom = atoms[index]
        needed = used + telegram_length(atom) + telegram_length(_closing(_after(stack, atom)))
        if needed > limit and index > start:
            return _choose(latest, start, index, tuple(stack))
        used += telegram_length(atom)
        stack = _after(stack, atom)
        quality = _break_quality(atoms, index)
        if quality > _ANY:
            latest[quality] = _Cut(index + 1, quality, tuple(stack))
    return _Cut(len(atoms), _PARAGRAPH, tuple(stack))


def _choose(latest: dict[int, _Cut], start: int, end: int, stack: tuple[str, ...]) -> _Cut:
    """The nicest break in the second half of the part, so no part comes out tiny."""
    halfway = start + (end - start) // 2
    for quality in (_PARAGRAPH, _LINE, _SPACE):
        cut = latest.get(quality)
        if cut is not None and cut.index > halfway:
            return cut
    return _Cut(end, _ANY, stack)


def _break_quality(atoms: list[str], index: int) -> int:
    atom = atoms[index]
    if atom == "\n":
        following = atoms[index + 1] if index + 1 < len(atoms) else ""
        return _PARAGRAPH if following == "\n" else _LINE
    return _SPACE if atom == " " else _ANY


def _after(stack: list[str], atom: str) -> list[str]:
    if not atom.startswith("<") or len(atom) == 1:
        return stack
    if atom.startswith("</"):
        name = _tag_name(atom)
        for position in range(len(stack) - 1, -1, -1):
            if _tag_name(stack[position]) == name:
                return stack[:position] + stack[position + 1 :]
        return stack
    return [*stack, atom]


def _tag_name(tag: str) -> str:
    match = _TAG_NAME.match(tag)
    return match.group(1).lower() if match else ""


def _closing(open_tags: tuple[str, ...] | list[str]) -> str:
    return "".join(f"</{_tag_name(tag)}>" for tag in reversed(open_tags))


def _skip_whitespace(atoms: list[str], index: int) -> int:
    while index < len(atoms) and atoms[index] in ("\n", " "):
        index += 1
    return index


def _visible(html: str) -> str:
    return re.sub(r"<[^>]*>", "", html)
