"""The little Markdown the question bank uses, read into pieces each platform formats its own way.

Bank answers carry fenced code blocks, `inline code`, **bold** and `#` headings. Shown as plain
text, a code block arrives as a wall of backticks; each adapter instead turns these pieces into its
own markup (Telegram HTML, Discord Markdown) and escapes everything else. A single `*` is left
alone on purpose: in this bank it is a product (`28 * 28`, `x * sigmoid(x)`), not emphasis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SpanKind = Literal["text", "bold", "code"]


@dataclass(frozen=True, slots=True)
class Span:
    kind: SpanKind
    text: str


@dataclass(frozen=True, slots=True)
class Line:
    """A line of prose: its spans, and whether it was a heading."""

    spans: tuple[Span, ...]
    heading: bool = False


@dataclass(frozen=True, slots=True)
class CodeBlock:
    language: str
    code: str


Block = Line | CodeBlock

_FENCE = re.compile(r"^\s*```\s*([\w+#.-]*)\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_INLINE = re.compile(r"\*\*(?P<bold>[^*\n]+?)\*\*|`(?P<code>[^`\n]+)`")


def parse(text: str) -> list[Block]:
    """The blocks of `text`, in order. An unclosed fence runs to the end (the code is kept)."""
    blocks: list[Block] = []
    code: list[str] | None = None
    language = ""
    for raw in text.split("\n"):
        fence = _FENCE.match(raw)
        if code is not None:
            if fence and not fence.group(1):
                blocks.append(CodeBlock(language, "\n".join(code)))
                code = None
            else:
                code.append(raw)
        elif fence:
            code, language = [], fence.group(1)
        else:
            blocks.append(_line(raw))
    if code is not None:
        blocks.append(CodeBlock(language, "\n".join(code)))
    return blocks


def _line(raw: str) -> Line:
    heading = _HEADING.match(raw)
    if heading:
        # A heading is bold already: bold markers inside it would only show as stars.
        inner = heading.group(1).replace("**", "")
        return Line(spans(inner), heading=True)
    return Line(spans(raw))


def spans(text: str) -> tuple[Span, ...]:
    """`text` cut into plain, bold and inline-code spans."""
    found: list[Span] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            found.append(Span("text", text[position : match.start()]))
        if match.group("bold") is not None:
            found.append(Span("bold", match.group("bold")))
        else:
            found.append(Span("code", match.group("code")))
        position = match.end()
    if position < len(text):
        found.append(Span("text", text[position:]))
    return tuple(found)


def plain_text(text: str) -> str:
    """`text` without its Markdown markers, for places that show no formatting (poll questions)."""
    lines: list[str] = []
    for block in parse(text):
        if isinstance(block, CodeBlock):
            lines.append(block.code)
        else:
            lines.append("".join(span.text for span in block.spans))
    return "\n".join(lines)
