"""The offline generator: extractive notes and a cloze quiz, deterministic and fast."""

from __future__ import annotations

import re
from dataclasses import dataclass

from notes.generation.local.definitions import defined_terms
from notes.generation.local.headings import Kind, find_headings
from notes.generation.local.key_terms import find_terms
from notes.generation.local.layout import Layout, Line, layout_from_pages, typical_line_length
from notes.generation.local.outline import build_outline
from notes.generation.local.parts import Part, split_parts
from notes.generation.local.quiz import build_questions, find_clozes
from notes.generation.local.recurring import recurring_words
from notes.generation.local.sentences import Sentence, read_sentences
from notes.generation.local.summary import (
    LENIENT,
    SUMMARY,
    is_readable,
    pick_summary,
    score_sentences,
)
from notes.generation.local.terms import Term
from notes.generation.local.text import detect_language, stem, words
from notes.generation.local.title import find_title, title_lines
from notes.generation.types import (
    KeyTerm,
    Notes,
    ProgressCallback,
    Quiz,
    Section,
    SourceDocument,
)

MAX_KEY_TERMS = 12
MIN_KEY_TERMS = 6
MIN_SUMMARY = 3
MAX_SUMMARY = 7
_NOTES_STEPS = 5
_QUIZ_STEPS = 3
_USABLE_KINDS = (Kind.CONTENT, Kind.ABSTRACT)
_OVERVIEW = {"de": "Überblick", "en": "Overview"}
_LETTER = re.compile(r"[^\W\d_]")
_LOOSE_LINES = 3
_DISTRACTOR_POOL = 150  # plenty to find three of the right shape; each is tried per question


@dataclass(frozen=True)
class _Reading:
    """The document read once: its parts, the sentences notes may draw on, and its title."""

    title_lines: list[str]
    loose_lines: list[str]  # a few lines of text, for documents without a single sentence
    parts: list[Part]
    sentences: list[Sentence]
    chapters: dict[int, int]  # part index -> chapter, for the parts notes draw on
    language: str

    @property
    def abstract_parts(self) -> set[int]:
        return {index for index, part in enumerate(self.parts) if part.kind is Kind.ABSTRACT}

    @property
    def headings(self) -> list[str]:
        return [
            part.heading.title
            for index, part in enumerate(self.parts)
            if part.heading is not None and index in self.chapters
        ]


class LocalGenerator:
    name = "local"
    version = "1"  # bump when output changes: it keys the notes cache

    def generate_notes(self, document: SourceDocument, *, on_progress: ProgressCallback) -> Notes:
        layout = layout_from_pages(document.pages)
        on_progress(1, _NOTES_STEPS)
        reading = _read(layout)
        on_progress(2, _NOTES_STEPS)
        terms = _key_terms(reading)
        on_progress(3, _NOTES_STEPS)
        key_stems = {stem(word) for term in terms for word in words(term.term)}
        scores = score_sentences(
            reading.sentences,
            reading.chapters,
            key_stems=key_stems,
            abstract_parts=reading.abstract_parts,
        )
        summary = _summary(reading, scores)
        on_progress(4, _NOTES_STEPS)
        title = find_title(reading.title_lines, reading.sentences, document.file_name)
        sections = _sections(reading, scores, summary, title)
        notes = Notes(
            title=title,
            summary=[sentence.text for sentence in summary] or reading.loose_lines or [title],
            sections=sections,
            key_terms=[_key_term(term) for term in terms],
        )
        on_progress(5, _NOTES_STEPS)
        return notes

    def generate_quiz(
        self, document: SourceDocument, notes: Notes, *, on_progress: ProgressCallback
    ) -> Quiz:
        """Questions on the notes' key sentences; the document, read again, supplies the wrong
        answers (every term it defines, not only the notes' dozen)."""
        clozes = find_clozes(notes)
        on_progress(1, _QUIZ_STEPS)
        reading = _read(layout_from_pages(document.pages))
        on_progress(2, _QUIZ_STEPS)
        quiz = Quiz(questions=build_questions(clozes, _distractor_pool(notes, reading)))
        on_progress(3, _QUIZ_STEPS)
        return quiz


def _read(layout: Layout) -> _Reading:
    typical_length = typical_line_length(layout.lines)
    title_block = title_lines(layout.opening, typical_length)
    lines = layout.without_opening(title_block)
    headings = find_headings(lines, layout.toc_titles)
    parts = split_parts(lines, headings, typical_length)
    sentences = read_sentences(parts, typical_length)
    chapters = {i: part.chapter for i, part in enumerate(parts) if part.kind in _USABLE_KINDS}
    usable = [sentence for sentence in sentences if sentence.part in chapters]
    if not usable:
        # A document that is all front or back matter still deserves notes on what it has.
        chapters = {i: part.chapter for i, part in enumerate(parts)}
        usable = sentences
    language = detect_language(" ".join(sentence.text for sentence in usable))
    return _Reading(
        title_lines=title_block,
        loose_lines=_loose_lines(lines),
        parts=parts,
        sentences=usable,
        chapters=chapters,
        language=language,
    )


def _loose_lines(lines: list[Line]) -> list[str]:
    texts = dict.fromkeys(line.text for line in lines if _LETTER.search(line.text))
    return list(texts)[:_LOOSE_LINES]


def _key_terms(reading: _Reading) -> list[Term]:
    return find_terms(
        reading.sentences,
        reading.chapters,
        headings=reading.headings,
        language=reading.language,
        limit=MAX_KEY_TERMS,
        minimum=MIN_KEY_TERMS,
    )


def _distractor_pool(notes: Notes, reading: _Reading) -> list[str]:
    """Wrong answers, most plausible first: the notes' key terms, then every other term the
    document defines, then the words it keeps using."""
    defined = defined_terms(
        reading.sentences, reading.chapters, headings=reading.headings, language=reading.language
    )
    recurring = recurring_words(reading.sentences, reading.chapters, exclude=defined)
    pool = [key_term.term for key_term in notes.key_terms]
    pool += [term.term for term in defined] + recurring
    unique: dict[str, str] = {}
    for term in pool:
        unique.setdefault(term.casefold(), term)
    return list(unique.values())[:_DISTRACTOR_POOL]


def _summary(reading: _Reading, scores: dict[int, float]) -> list[Sentence]:
    chapter_count = len(set(reading.chapters.values()))
    limit = min(MAX_SUMMARY, max(MIN_SUMMARY + 2, chapter_count))
    abstract = reading.abstract_parts
    for strictness in (SUMMARY, LENIENT):
        # An abstract may say "This paper ...": it is about the document, not a sentence before.
        candidates = [
            s
            for s in reading.sentences
            if is_readable(s, strictness) or (s.part in abstract and is_readable(s, LENIENT))
        ]
        if candidates:
            return pick_summary(candidates, scores, reading.chapters, limit=limit)
    return reading.sentences[:1]


def _sections(
    reading: _Reading, scores: dict[int, float], summary: list[Sentence], title: str
) -> list[Section]:
    outline = build_outline(
        reading.parts, reading.chapters, reading.sentences, scores, summary=summary
    )
    sections = [
        Section(heading=_clip(item.heading), points=[point.text for point in item.points])
        for item in outline
    ]
    if sections:
        return sections
    points = [sentence.text for sentence in summary] or reading.loose_lines or [title]
    return [Section(heading=_OVERVIEW.get(reading.language, "Overview"), points=points)]


def _key_term(term: Term) -> KeyTerm:
    definition = term.sentence.text
    if not term.sentence.complete:
        definition += " …"  # the sentence ran into a formula the notes leave out
    return KeyTerm(term=term.term, definition=definition)


def _clip(heading: str, limit: int = 200) -> str:
    return heading if len(heading) <= limit else heading[: limit - 1] + "…"
