"""Text repair and cleaning for imported answers: mojibake, image tags, credits, formulas."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
FENCE = re.compile(r"^\s*(```|~~~)")

# Characters that appear when UTF-8 bytes are decoded as cp1252 (the C1 range covers the five
# byte values cp1252 leaves undefined, which lenient decoders map straight to U+0080..U+009F).
_CP1252_CHARS = (
    "".join(chr(c) for c in range(0x80, 0x100) if chr(c) not in "\u00d7\u00f7")
    + "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
)
_MOJIBAKE_RUN = re.compile(f"[{re.escape(_CP1252_CHARS)}]{{2,}}")
MOJIBAKE_MARKERS = ("Ã", "Â", "â€", "Ï", "ðŸ", "\ufffd")

_IMAGE_LINE = re.compile(r"^\s*</?div[^>]*>\s*$|^\s*<img\b[^>]*>\s*$", re.IGNORECASE)
_IMAGE_INLINE = re.compile(r"<img\b[^>]*>|!\[[^\]]*\]\([^)]*\)|</?div[^>]*>", re.IGNORECASE)
_CREDIT = re.compile(r"^\s*[*_]*\s*source\s*:\s*(?P<ref>\S.*?)\s*$", re.IGNORECASE)
_DANGLING_LABEL = re.compile(r"^\s*[-*]?\s*illustration\s*:?\s*$", re.IGNORECASE)
_DISPLAY_DELIMITER = re.compile(r"^\s*\\[\[\]]\s*$")
_TABLE_ROW = re.compile(r"\|.*\||^\s*-{10,}\s*$")

_LATEX_SYMBOLS = {
    r"\sigma": "σ",
    r"\alpha": "α",
    r"\beta": "β",
    r"\lambda": "λ",
    r"\cdot": "·",
    r"\odot": "⊙",
    r"\times": "×",
    r"\leq": "≤",
    r"\geq": "≥",
    r"\sum": "Σ",
    r"\eta": "η",
    r"\theta": "θ",
    r"\gamma": "γ",
    r"\delta": "δ",
    r"\epsilon": "ε",
    r"\mu": "μ",
    r"\nabla": "∇",
    r"\partial": "∂",
    r"\leftarrow": "←",
    r"\rightarrow": "→",
    r"\approx": "≈",
    r"\neq": "≠",
    r"\infty": "∞",
    r"\sqrt": "sqrt",
    r"\tanh": "tanh",
    r"\max": "max",
    r"\log": "log",
    r"\exp": "exp",
}


@dataclass(frozen=True, slots=True)
class CleanedAnswer:
    text: str
    attribution: tuple[str, ...]


def _cp1252_bytes(run: str) -> bytes:
    out = bytearray()
    for char in run:
        if 0x80 <= ord(char) <= 0xFF and char not in "\u00d7\u00f7" and ord(char) < 0xA0:
            out.append(ord(char))
        else:
            out.extend(char.encode("cp1252"))
    return bytes(out)


def _repair_run(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        return _cp1252_bytes(run).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was read as cp1252 (`Ïƒ` → σ, `â€™` → ’), leaving good text alone."""
    return _MOJIBAKE_RUN.sub(_repair_run, text)


def has_mojibake(text: str) -> bool:
    return any(marker in text for marker in MOJIBAKE_MARKERS)


def _group_end(text: str, start: int) -> int:
    """Index of the `}` closing the `{` at `start` (or -1)."""
    depth = 0
    for index in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return -1


def _replace_over(line: str) -> str:
    """`{a \\over b}` → `(a) / (b)`, innermost first, braces balanced."""
    while (at := line.find("\\over")) >= 0:
        depth, open_at = 0, -1
        for index in range(at - 1, -1, -1):
            depth += {"}": 1, "{": -1}.get(line[index], 0)
            if depth < 0:
                open_at = index
                break
        close_at = _group_end(line, open_at) if open_at >= 0 else -1
        if close_at < 0:
            return line.replace("\\over", "/")
        left, right = line[open_at + 1 : at].strip(), line[at + 5 : close_at].strip()
        line = f"{line[:open_at]}{_wrap(left)} / {_wrap(right)}{line[close_at + 1 :]}"
    return line


def _tidy_latex(line: str) -> str:
    """Make inline LaTeX readable as plain text in a chat message."""
    line = re.sub(r"\\([(\[])\s*(.*?)\s*\\[)\]]", r"\2", line)
    line = re.sub(r"\\partial\s*", "∂", line)
    line = re.sub(r"\\[()]", "", line)
    line = re.sub(r"\\(?:begin|end)\{cases\}", "", line)
    line = re.sub(r"\s*&\s*", " ", line) if "\\\\" in line or "\\text" in line else line
    line = re.sub(r"\s*\\\\\s*$", ";", line)
    line = re.sub(
        r"\\(?:text|textbf|mathrm|mathbf|mathit|boldsymbol|operatorname)\{([^{}]*)\}", r"\1", line
    )
    line = line.replace("\\ ", " ").replace("\\_", "_")
    for command, symbol in _LATEX_SYMBOLS.items():
        line = re.sub(re.escape(command) + r"(?![A-Za-z])", symbol, line)
    for _ in range(3):
        line = re.sub(r"([\^_])\{([^{}]*)\}(?=(\w?))", _script, line)
    for _ in range(3):
        line = re.sub(
            r"\\frac\{([^{}]*)\}\{([^{}]*)\}",
            lambda m: f"{_wrap(m.group(1))} / {_wrap(m.group(2))}",
            line,
        )
    line = _replace_over(line)
    line = re.sub(r"\$([^$\n]+)\$", lambda m: _ungroup(m.group(1)), line)
    return re.sub(r"(?<=\S) {2,}(?=\S)", " ", line)


def _script(match: re.Match[str]) -> str:
    """`e^{-x}` → `e^(-x)`, `x^{2}` → `x^2`; a space keeps `^{n}e` from running together."""
    body = match.group(2).strip()
    shown = body if len(body) == 1 else f"({body})"
    return match.group(1) + shown + (" " if match.group(3) else "")


def _ungroup(formula: str) -> str:
    """The braces left in a `$...$` formula only group: drop them; ` . ` is a product."""
    formula = re.sub(r"\s+", " ", formula.replace("{", " ").replace("}", " ")).strip()
    return re.sub(r"(?<=\S) \. (?=\S)", " · ", formula)


def _wrap(text: str) -> str:
    """Parenthesize a formula part unless it is one token."""
    text = text.strip()
    return text if re.fullmatch(r"[\w.^()∂]+", text) and "(" not in text[:1] else f"({text})"


def _split_fenced(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """Group lines into (inside_code_fence, lines) chunks, fences included in code chunks."""
    chunks: list[tuple[bool, list[str]]] = []
    in_code = False
    for line in lines:
        opens = bool(FENCE.match(line))
        if opens and not in_code:
            chunks.append((True, [line]))
            in_code = True
        elif in_code:
            chunks[-1][1].append(line)
            in_code = not opens
        elif chunks and not chunks[-1][0]:
            chunks[-1][1].append(line)
        else:
            chunks.append((False, [line]))
    return chunks


def _fence_tables(lines: list[str]) -> list[str]:
    """Wrap plain-text tables in a code fence so chat clients keep their columns aligned."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and (
            _TABLE_ROW.search(lines[end])
            or (
                end > index
                and lines[end].strip() == ""
                and end + 1 < len(lines)
                and _TABLE_ROW.search(lines[end + 1])
            )
        ):
            end += 1
        if end - index >= 3:
            start = index - 1 if index and out and out[-1].strip() and "|" not in out[-1] else index
            header = [out.pop()] if start < index else []
            out.extend(["```", *header, *lines[index:end], "```"])
            index = end
        else:
            out.append(lines[index])
            index += 1
    return out


def _clean_prose(lines: list[str], credits: list[str]) -> list[str]:
    kept: list[str] = []
    for raw in lines:
        line = repair_mojibake(raw).rstrip()
        credit = _CREDIT.match(line)
        if credit:
            credits.append(credit.group("ref"))
            continue
        if _IMAGE_LINE.match(line) or _DANGLING_LABEL.match(line) or _DISPLAY_DELIMITER.match(line):
            continue
        stripped = _IMAGE_INLINE.sub("", line)
        if stripped != line and not stripped.strip():
            continue
        kept.append(_tidy_latex(stripped.rstrip()).rstrip())
    return kept


def _collapse_blank_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return out


def clean_answer(text: str) -> CleanedAnswer:
    """Clean one answer: prose is repaired and tidied, fenced code is kept as written.

    Code loses only trailing whitespace (invisible, and it would force escaped YAML strings)."""
    credits: list[str] = []
    with_tables: list[str] = []
    for is_code, lines in _split_fenced(text.split("\n")):
        with_tables.extend(lines if is_code else _fence_tables(lines))
    blocks: list[str] = []
    for is_code, lines in _split_fenced(with_tables):
        if is_code:
            kept = [line.rstrip() for line in lines]
        else:
            kept = _collapse_blank_lines(_clean_prose(lines, credits))
        if kept:
            blocks.append("\n".join(kept))
    body = "\n\n".join(blocks).strip("\n")
    return CleanedAnswer(text=body, attribution=tuple(dict.fromkeys(credits)))


def clean_prompt(text: str) -> str:
    """A prompt on one line: no markdown emphasis, repaired, single-spaced."""
    text = repair_mojibake(text)
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([?:.,])", r"\1", text)
    text = re.sub(r"[:?]+$", "?", text) if text.endswith((":?", "?:")) else text
    return text[:1].upper() + text[1:]


def fold(text: str) -> str:
    """Lower-case, accent-free, markdown-free text with hyphens as spaces, for matching."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = re.sub(r"[*_`#>]+", " ", text.lower())
    text = re.sub(r"[-‐‑–—/]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_SLUG_FILLER = frozenset(
    """a an the is are was what which do does did you we to of in on for and or it its it's s
    how why can could some any their there this that these those by with be been being
    explain describe discuss give list name mean means understand""".split()  # noqa: SIM905
)


def slugify(text: str, max_words: int = 6) -> str:
    """A short readable id: the content words of the prompt, hyphenated."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    content = [word for word in words if word not in _SLUG_FILLER]
    return "-".join((content or words)[:max_words]) or "question"
