"""Split a Markdown or text Q&A document into raw questions, whatever its layout.

Supported layouts (detected per document, the one matching most lines wins):
`## N. Question` / `### Qn- Question` headings, `**N)Question**` bold lines, plain `N)Question`
lines, `Q:`/`A:` pairs (also bold, numbered `Q1.` ... `Ans:`), and any heading level whose
headings are questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from content.text import FENCE

HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
QUESTION_WORDS = re.compile(
    r"^(what|why|how|when|where|which|who|whom|whose|is|are|can|could|do|does|did|should|"
    r"would|will|explain|describe|discuss|compare|define|name|list|give|write|mention|state|"
    r"differentiate|distinguish|outline|summari[sz]e)\b",
    re.IGNORECASE,
)
_DIFFER_STATEMENT = re.compile(
    r"^(?P<a>[\w][\w .+-]*?)\s+and\s+(?P<b>[\w][\w .+-]*?)\s+are\b.*\bdiffer", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class RawQuestion:
    """A question as found in a document, before cleaning, merging and curation."""

    prompt: str
    answer: str
    document: str
    locator: str
    line: int
    section: str = ""


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something that looked like a question but was left out, and why."""

    document: str
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.document}:{self.line}: skipped {self.text!r}: {self.reason}"


@dataclass(slots=True)
class ParseResult:
    layout: str
    questions: list[RawQuestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Start:
    """A line that opens a question: its number (if any), prompt and any answer on the line."""

    number: str
    prompt: str
    answer: str = ""


Matcher = Callable[[str], "_Start | None"]


def _regex_matcher(pattern: str) -> Matcher:
    compiled = re.compile(pattern, re.IGNORECASE)

    def match(line: str) -> _Start | None:
        found = compiled.search(line)
        if not found:
            return None
        return _Start(found.group("num") or "", found.group("prompt").strip())

    return match


_BOLD_NUMBERED = (
    r"^(?:#{1,6}\s*)?(?:\*\*.*?\*\*)?\*\*\s*(?P<num>\d+)\s*\)\s*(?P<prompt>.+?)\s*\*\*\s*$"
)
_PLAIN_NUMBERED = r"^(?P<num>\d+(?:\.\d+)?)\)\s*(?P<prompt>[A-Za-z].*?)\s*$"
_HEADING_Q = r"^(?P<h>#{1,6})\s*Q(?P<num>\d+)\s*[-–:.)]\s*(?P<prompt>.+?)\s*$"
_HEADING_NUMBERED = r"^(?P<h>#{1,6})\s*(?P<num>\d+)\s*[.)]\s+(?P<prompt>[^*].+?)\s*$"
_QA_QUESTION = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*)?\s*Q(?:uestion)?\s*(?P<num>\d+)?\s*[:.)-]\s*(?P<prompt>.+?)"
    r"\s*(?:\*\*)?\s*$",
    re.IGNORECASE,
)
_QA_ANSWER = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*)?\s*A(?:ns(?:wer)?)?\s*(?:\d+)?\s*[:.)-]\s*(?:\*\*)?\s*",
    re.IGNORECASE,
)


def _qa_matcher(line: str) -> _Start | None:
    found = _QA_QUESTION.match(line)
    if not found or _QA_ANSWER.match(line):
        return None
    prompt = found.group("prompt").strip().strip("*").strip()
    return _Start(found.group("num") or "", prompt) if prompt else None


def _heading_level(pattern: str, lines: list[str]) -> int | None:
    """The shallowest heading level at which `pattern` matches: deeper ones are sub-headings."""
    compiled = re.compile(pattern, re.IGNORECASE)
    levels = [len(m.group("h")) for line in lines if (m := compiled.match(line))]
    return min(levels) if levels else None


def _heading_matcher(pattern: str, level: int) -> Matcher:
    compiled = re.compile(pattern, re.IGNORECASE)

    def match(line: str) -> _Start | None:
        found = compiled.match(line)
        if not found or len(found.group("h")) != level:
            return None
        return _Start(found.group("num"), found.group("prompt").strip())

    return match


def _question_like(text: str) -> bool:
    return text.rstrip().endswith("?") or bool(QUESTION_WORDS.match(text.strip("*_ ")))


def _plain_heading_level(lines: list[str]) -> int | None:
    """The heading level holding the most question-like headings (the shallowest on a tie)."""
    counts: dict[int, int] = {}
    for line in lines:
        found = HEADING.match(line)
        if found and _question_like(found.group("text")):
            level = len(found.group("hashes"))
            counts[level] = counts.get(level, 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda level: (-counts[level], level))


def _plain_heading_matcher(level: int) -> Matcher:
    def match(line: str) -> _Start | None:
        found = HEADING.match(line)
        if not found or len(found.group("hashes")) != level:
            return None
        return _Start("", found.group("text"))

    return match


def _unfenced(lines: list[str]) -> list[str]:
    """The lines outside code fences (a `# comment` in code is not a heading)."""
    out: list[str] = []
    in_code = False
    for line in lines:
        if FENCE.match(line):
            in_code = not in_code
            out.append("")
        else:
            out.append("" if in_code else line)
    return out


def _candidate_layouts(lines: list[str]) -> list[tuple[str, Matcher, int | None]]:
    layouts: list[tuple[str, Matcher, int | None]] = [
        ("bold-numbered", _regex_matcher(_BOLD_NUMBERED), None),
        ("plain-numbered", _regex_matcher(_PLAIN_NUMBERED), None),
        ("q-and-a", _qa_matcher, None),
    ]
    for name, pattern in (("heading-q", _HEADING_Q), ("heading-numbered", _HEADING_NUMBERED)):
        level = _heading_level(pattern, lines)
        if level is not None:
            layouts.append((name, _heading_matcher(pattern, level), level))
    plain_level = _plain_heading_level(lines)
    if plain_level is not None:
        layouts.append(("heading", _plain_heading_matcher(plain_level), plain_level))
    return layouts


def detect_layout(lines: list[str]) -> tuple[str, Matcher, int | None]:
    """Pick the layout whose question pattern matches the most lines (earlier wins ties)."""
    scan = _unfenced(lines)
    best: tuple[str, Matcher, int | None] = ("none", lambda line: None, None)
    best_count = 0
    for name, matcher, level in _candidate_layouts(scan):
        count = sum(1 for line in scan if matcher(line))
        if count > best_count:
            best, best_count = (name, matcher, level), count
    return best


def derive_question(prompt: str) -> str:
    """Turn a heading that states a comparison into a question."""
    found = _DIFFER_STATEMENT.match(prompt)
    if found and not prompt.rstrip().endswith("?"):
        return f"How do {found.group('a').strip()} and {found.group('b').strip()} differ?"
    return prompt


def parse_document(text: str, document: str) -> ParseResult:
    """Find every question and its answer in one document."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    layout, matcher, level = detect_layout(lines)
    result = ParseResult(layout=layout)
    if layout == "none":
        return result
    _Segmenter(document, lines, matcher, level, layout, result).run()
    return result


@dataclass(slots=True)
class _Segmenter:
    document: str
    lines: list[str]
    matcher: Matcher
    level: int | None
    layout: str
    result: ParseResult
    section: str = ""
    seen_question: bool = False

    def run(self) -> None:
        scan = _unfenced(self.lines)
        starts = [(i, start) for i, line in enumerate(scan) if (start := self.matcher(line))]
        for position, (index, start) in enumerate(starts):
            end = starts[position + 1][0] if position + 1 < len(starts) else len(self.lines)
            self._section_before(scan, starts[position - 1][0] + 1 if position else 0, index)
            body_end = self._section_boundary(scan, index + 1, end)
            self._emit(index, start, self.lines[index + 1 : body_end], position)

    def _section_before(self, scan: list[str], begin: int, end: int) -> None:
        """Remember the last shallower heading (a part or topic) above the next question."""
        for line in scan[begin:end]:
            found = HEADING.match(line)
            if found and self.level is not None and len(found.group("hashes")) < self.level:
                self.section = found.group("text").strip()

    def _section_boundary(self, scan: list[str], begin: int, end: int) -> int:
        """A shallower heading ends the answer (it opens the next part)."""
        if self.level is None:
            return end
        for index in range(begin, end):
            found = HEADING.match(scan[index])
            if found and len(found.group("hashes")) < self.level:
                return index
        return end

    def _emit(self, index: int, start: _Start, body: list[str], position: int) -> None:
        answer_lines = [start.answer, *body] if start.answer else body
        if self.layout == "q-and-a":
            answer_lines = _strip_answer_label(answer_lines)
        answer = "\n".join(answer_lines).strip("\n")
        prompt = start.prompt
        line_number = index + 1
        locator = start.number or prompt
        if not answer.strip():
            reason = "no answer text"
            if position == 0 and not _question_like(prompt) and self.layout == "heading":
                reason = "document title, not a question"
            self.result.skipped.append(Skipped(self.document, line_number, prompt, reason))
            return
        if self.section and start.number:
            locator = f"{self.section.split(':')[0].strip()} Q{start.number}"
        self.result.questions.append(
            RawQuestion(
                prompt=derive_question(prompt),
                answer=answer,
                document=self.document,
                locator=locator,
                line=line_number,
                section=self.section,
            )
        )


def _strip_answer_label(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if line.strip():
            lines = list(lines)
            lines[index] = _QA_ANSWER.sub("", line, count=1)
            return lines
    return lines
