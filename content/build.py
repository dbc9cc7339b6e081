"""`content build`: sources + overrides.yaml → decks and merges.yaml, byte for byte repeatable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from content.bank import DeckError
from content.classify import guess_difficulty, guess_topic
from content.decks import BUILT_HEADER, DECKS_DIR, dump_deck
from content.keypoints import suggest_key_points
from content.merging import AUTO_MERGE_AT, find_candidates, group_keys, similarity
from content.model import TOPICS, Question, SourceRef
from content.overrides import Overrides, QuestionOverride, load_overrides
from content.parsing import RawQuestion, Skipped, parse_document
from content.text import clean_answer, clean_prompt, slugify
from content.validate import DeckReport, read_deck_text_into

CONTENT_DIR = Path(__file__).resolve().parent
SOURCES_DIR = CONTENT_DIR / "sources"
MERGES_PATH = CONTENT_DIR / "merges.yaml"
_PRIMARY_MIN_CHARS = 200


@dataclass(frozen=True, slots=True)
class Entry:
    """One source question, cleaned, with the key that names it in overrides.yaml."""

    key: str
    raw: RawQuestion
    prompt: str
    answer: str
    attribution: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MergeDecision:
    left: str
    right: str
    similarity: float
    merged: bool
    reason: str


@dataclass(slots=True)
class BuildResult:
    questions: list[Question] = field(default_factory=list)
    found: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    decisions: list[MergeDecision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def source_key(document: str, locator: str) -> str:
    """`002:Part 3 Q7`: the document's number (or name) and the question's own locator."""
    prefix = Path(document).stem.split("_")[0]
    return f"{prefix}:{locator}"


def _entries(sources_dir: Path, result: BuildResult) -> list[Entry]:
    entries: list[Entry] = []
    for path in sorted(sources_dir.iterdir()):
        if not path.is_file():
            continue
        parsed = parse_document(path.read_text(encoding="utf-8"), path.name)
        result.skipped.extend(parsed.skipped)
        count = 0
        for raw in parsed.questions:
            cleaned = clean_answer(raw.answer)
            if not cleaned.text.strip():
                result.skipped.append(Skipped(raw.document, raw.line, raw.prompt, "no answer text"))
                continue
            key = source_key(raw.document, raw.locator)
            entries.append(
                Entry(key, raw, clean_prompt(raw.prompt), cleaned.text, cleaned.attribution)
            )
            count += 1
        result.found[path.name] = count
    return entries


def _merge_groups(
    entries: Sequence[Entry], overrides: Overrides, result: BuildResult
) -> list[list[Entry]]:
    by_key = {entry.key: entry for entry in entries}
    candidates = find_candidates([(entry.key, entry.prompt) for entry in entries])
    links = [
        (c.left, c.right)
        for c in candidates
        if c.score >= AUTO_MERGE_AT and not overrides.decided_apart(c.left, c.right)
    ]
    for group in overrides.merge:
        missing = [key for key in group if key not in by_key]
        if missing:
            result.warnings.append(f"overrides.yaml merge: unknown source keys {missing}")
        links.extend(pairwise(group))
    groups = group_keys([entry.key for entry in entries], links)
    group_of = {key: index for index, group in enumerate(groups) for key in group}
    forced = {frozenset(pair) for group in overrides.merge for pair in pairwise(group)}
    pairs = {(c.left, c.right): c.score for c in candidates}
    order = {entry.key: index for index, entry in enumerate(entries)}
    for group in overrides.merge:
        for first, second in pairwise(group):
            if first not in by_key or second not in by_key:
                continue
            left, right = sorted((first, second), key=order.__getitem__)
            if (left, right) in pairs:
                continue
            pairs[(left, right)] = similarity(by_key[left].prompt, by_key[right].prompt)
    for (left, right), score in sorted(pairs.items(), key=lambda item: (-item[1], item[0])):
        merged = left in group_of and group_of[left] == group_of.get(right)
        result.decisions.append(
            MergeDecision(
                left, right, score, merged, _reason(left, right, score, overrides, forced)
            )
        )
    return [[by_key[key] for key in group] for group in groups]


def _reason(
    left: str, right: str, score: float, overrides: Overrides, forced: set[frozenset[str]]
) -> str:
    if overrides.decided_apart(left, right):
        return "overrides: apart"
    if frozenset((left, right)) in forced:
        return "overrides: merge"
    if score >= AUTO_MERGE_AT:
        return f"automatic: similarity >= {AUTO_MERGE_AT}"
    return "below automatic threshold, not curated"


def _ordered_answers(group: Sequence[Entry], primary: str | None) -> list[Entry]:
    """The reveal shows the first answer: curated, else the shortest one that says enough."""
    chosen = next((entry for entry in group if entry.key == primary), None)
    if chosen is None:
        fitting = [entry for entry in group if len(entry.answer) >= _PRIMARY_MIN_CHARS]
        chosen = (
            min(fitting, key=lambda e: len(e.answer))
            if fitting
            else max(group, key=lambda e: len(e.answer))
        )
    return [chosen, *(entry for entry in group if entry is not chosen)]


def _question_id(group: Sequence[Entry], overrides: Overrides, taken: set[str]) -> str:
    pinned = next((overrides.ids[e.key] for e in group if e.key in overrides.ids), None)
    base = pinned or slugify(group[0].prompt)
    question_id, suffix = base, 2
    while question_id in taken:
        question_id, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(question_id)
    return question_id


def _fixed(answer: str, fixes: Sequence[tuple[str, str]]) -> str:
    for wrong, right in fixes:
        answer = answer.replace(wrong, right)
    return answer


def stale_fixes(group: Sequence[Entry], fix: QuestionOverride) -> list[str]:
    """The `answer_fixes` texts that no answer of the group contains (any more)."""
    return [wrong for wrong, _ in fix.answer_fixes if not any(wrong in e.answer for e in group)]


def _question(group: Sequence[Entry], question_id: str, fix: QuestionOverride) -> Question:
    ordered = _ordered_answers(group, fix.primary)
    answers = tuple(dict.fromkeys(_fixed(entry.answer, fix.answer_fixes) for entry in ordered))
    source_prompt = group[0].prompt
    prompt = fix.prompt or source_prompt
    all_answers = "\n".join(answers)
    sections = " ".join(entry.raw.section for entry in group)
    # Guesses use the source prompt, so a corrected prompt never moves a question's deck.
    return Question(
        id=question_id,
        topic=fix.topic or guess_topic(source_prompt, all_answers, sections),
        difficulty=fix.difficulty or guess_difficulty(source_prompt, all_answers),
        prompt=prompt,
        answers=answers,
        key_points=fix.key_points or suggest_key_points(prompt, answers),
        sources=tuple(SourceRef(e.raw.document, e.raw.locator) for e in group),
        attribution=tuple(dict.fromkeys(a for e in group for a in e.attribution)),
    )


def build(sources_dir: Path = SOURCES_DIR, overrides: Overrides | None = None) -> BuildResult:
    """Read every source document and produce the curated, merged questions."""
    overrides = overrides if overrides is not None else load_overrides()
    result = BuildResult()
    entries = _entries(sources_dir, result)
    taken: set[str] = set()
    for group in _merge_groups(entries, overrides, result):
        question_id = _question_id(group, overrides, taken)
        if not any(entry.key in overrides.ids for entry in group):
            result.warnings.append(
                f"{group[0].key}: id {question_id!r} is not pinned in overrides.yaml"
            )
        fix = overrides.questions.get(question_id, QuestionOverride())
        for wrong in stale_fixes(group, fix):
            result.warnings.append(
                f"overrides.yaml questions.{question_id}.answer_fixes: no answer contains {wrong!r}"
            )
        result.questions.append(_question(group, question_id, fix))
    unknown = sorted(set(overrides.questions) - taken)
    if unknown:
        result.warnings.append(f"overrides.yaml questions: unknown ids {unknown}")
    return result


def render_decks(questions: Sequence[Question]) -> dict[str, str]:
    """File name → YAML text: one deck per topic, questions in source order."""
    return {
        f"{topic}.yaml": dump_deck([q for q in questions if q.topic == topic], topic, BUILT_HEADER)
        for topic in TOPICS
        if any(q.topic == topic for q in questions)
    }


def render_merges(decisions: Sequence[MergeDecision]) -> str:
    lines = [
        "# Near-duplicate questions found by `studybot content build` (similarity of the",
        f"# normalized prompts; automatic merge at >= {AUTO_MERGE_AT}). The decision that counts",
        "# lives in overrides.yaml (`merge:` groups, `apart:` pairs). Regenerated on every build.",
        "candidates:",
    ]
    for decision in decisions:
        lines += [
            f"  - left: {_quote(decision.left)}",
            f"    right: {_quote(decision.right)}",
            f"    similarity: {decision.similarity:.3f}",
            f"    decision: {'merged' if decision.merged else 'kept apart'}",
            f"    reason: {_quote(decision.reason)}",
        ]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_rendered(rendered: dict[str, str], deck_dir: Path = DECKS_DIR) -> list[str]:
    """Every problem `content check` would report in the rendered decks, before writing them."""
    report = DeckReport()
    seen_ids: dict[str, str] = {}
    for name, text in rendered.items():
        read_deck_text_into(text, deck_dir / name, report, seen_ids)
    return report.errors


def write_build(
    result: BuildResult, deck_dir: Path = DECKS_DIR, merges_path: Path = MERGES_PATH
) -> list[Path]:
    """Write the decks (removing stale built decks) and merges.yaml; returns the deck paths.

    Nothing is written if the decks would not pass `content check` (DeckError lists why)."""
    rendered = render_decks(result.questions)
    errors = check_rendered(rendered, deck_dir)
    if errors:
        raise DeckError(errors)
    deck_dir.mkdir(parents=True, exist_ok=True)
    for stale in deck_dir.glob("*.yaml"):
        if stale.name not in rendered and stale.read_text(encoding="utf-8").startswith(
            BUILT_HEADER
        ):
            stale.unlink()
    written = []
    for name, text in rendered.items():
        path = deck_dir / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    merges_path.write_bytes(render_merges(result.decisions).encode("utf-8"))
    return written
