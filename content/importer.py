"""`content import`: one community-supplied Q&A document → one deck (YAML text)."""

from __future__ import annotations

from dataclasses import dataclass, field

from content.classify import guess_difficulty, guess_topic
from content.decks import dump_deck
from content.keypoints import MIN_KEY_POINTS, suggest_key_points
from content.model import Question, SourceRef
from content.parsing import Skipped, parse_document
from content.text import clean_answer, clean_prompt, slugify
from content.validate import read_deck_text


@dataclass(slots=True)
class ImportResult:
    layout: str
    questions: list[Question] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    yaml_text: str = ""
    problems: list[str] = field(default_factory=list)


def _unique(base: str, taken: set[str]) -> str:
    candidate, suffix = base, 2
    while candidate in taken:
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(candidate)
    return candidate


def import_document(
    text: str, document: str, topic: str | None = None, id_prefix: str = ""
) -> ImportResult:
    """Find the questions in `text`, guess what is missing, and render a deck that passes check."""
    parsed = parse_document(text, document)
    result = ImportResult(layout=parsed.layout, skipped=list(parsed.skipped))
    taken: set[str] = set()
    for raw in parsed.questions:
        cleaned = clean_answer(raw.answer)
        prompt = clean_prompt(raw.prompt)
        if not cleaned.text.strip():
            result.skipped.append(Skipped(document, raw.line, raw.prompt, "no answer text"))
            continue
        points = suggest_key_points(prompt, [cleaned.text])
        if len(points) < MIN_KEY_POINTS:
            found = "1 key point" if len(points) == 1 else f"{len(points)} key points"
            reason = f"only {found} found in the answer (need {MIN_KEY_POINTS})"
            result.skipped.append(Skipped(document, raw.line, prompt, reason))
            continue
        slug = slugify(prompt)
        result.questions.append(
            Question(
                id=_unique(f"{id_prefix}-{slug}" if id_prefix else slug, taken),
                topic=topic or guess_topic(prompt, cleaned.text, raw.section),
                difficulty=guess_difficulty(prompt, cleaned.text),
                prompt=prompt,
                answers=(cleaned.text,),
                key_points=points,
                sources=(SourceRef(document, raw.locator),),
                attribution=cleaned.attribution,
            )
        )
    result.yaml_text = dump_deck(result.questions)
    result.problems = read_deck_text(result.yaml_text, document).errors
    return result
