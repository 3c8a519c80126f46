"""Sections for the notes: chapters, their subsections, or topic-sized runs of paragraphs."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from notes.generation.local.parts import Part
from notes.generation.local.sentences import Sentence
from notes.generation.local.summary import (
    LENIENT,
    POINT,
    Strictness,
    is_readable,
    is_redundant,
)
from notes.generation.local.text import is_stopword, stem, words

MAX_SECTIONS = 12
MIN_SECTIONS = 3
MAX_POINTS = 5
MIN_POINTS = 3
_SENTENCES_PER_TOPIC = 15
_WEAK_POINT = 0.35
_MAX_TOPICS = 5


@dataclass(frozen=True)
class Group:
    """The sentences of one part (a subsection) and the part's heading, if it has one."""

    heading: str | None
    sentences: list[Sentence]


@dataclass(frozen=True)
class Unit:
    """A candidate section: a heading (None until topics are named) and its parts' sentences."""

    heading: str | None
    groups: list[Group]

    @property
    def sentences(self) -> list[Sentence]:
        return [sentence for group in self.groups for sentence in group.sentences]


@dataclass(frozen=True)
class Outline:
    heading: str
    points: list[Sentence]


def build_outline(
    parts: list[Part],
    chapters: dict[int, int],
    sentences: list[Sentence],
    scores: dict[int, float],
    *,
    summary: list[Sentence],
) -> list[Outline]:
    """Sections from the parts in `chapters` (part index -> chapter), with their best points."""
    units = _choose_units(_chapter_units(parts, chapters, sentences), scores)
    doc_counts = Counter(stem_ for sentence in sentences for stem_ in sentence.stems)
    used = list(summary)
    outline = []
    for unit in units:
        points = _points(unit, scores, used)
        if points:
            used += points
            heading = unit.heading or _topic_heading(unit.sentences, doc_counts)
            outline.append(Outline(heading=heading, points=points))
    return outline


def _chapter_units(
    parts: list[Part], chapters: dict[int, int], sentences: list[Sentence]
) -> list[Unit]:
    by_part: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        by_part.setdefault(sentence.part, []).append(sentence)
    members: dict[int, list[int]] = {}
    for index in sorted(chapters):
        members.setdefault(chapters[index], []).append(index)
    units = []
    for indices in members.values():
        # The chapter heading names the unit even when the text starts in its first subsection.
        groups = [
            Group(heading=_label(parts[index]), sentences=by_part[index])
            for index in indices
            if index in by_part
        ]
        if groups:
            units.append(Unit(heading=_label(parts[indices[0]]), groups=groups))
    return [unit for unit in units if any(is_readable(s, LENIENT) for s in unit.sentences)]


def _choose_units(units: list[Unit], scores: dict[int, float]) -> list[Unit]:
    """Chapters when there are enough, else subsections, else runs of paragraphs."""
    if len(units) < MIN_SECTIONS:
        units = [piece for unit in units for piece in _subsections(unit)]
    if len(units) < MIN_SECTIONS and units:
        largest = max(units, key=lambda unit: len(unit.sentences))
        wanted = max(MIN_SECTIONS - len(units) + 1, len(largest.sentences) // _SENTENCES_PER_TOPIC)
        pieces = _topics(largest, min(wanted, _MAX_TOPICS))
        position = units.index(largest)
        units = units[:position] + pieces + units[position + 1 :]
    if len(units) > MAX_SECTIONS:
        # Keep the chapters with the strongest sentences, in document order.
        weights = [_weight(unit, scores) for unit in units]
        keep = sorted(range(len(units)), key=lambda i: (-weights[i], i))[:MAX_SECTIONS]
        units = [units[i] for i in sorted(keep)]
    return units


def _label(part: Part) -> str | None:
    return part.heading.label if part.heading else None


def _subsections(unit: Unit) -> list[Unit]:
    if len(unit.groups) < 2:
        return [unit]
    return [Unit(heading=group.heading, groups=[group]) for group in unit.groups]


def _topics(unit: Unit, count: int) -> list[Unit]:
    """Split a long stretch of text into `count` runs, cutting only between paragraphs."""
    sentences = unit.sentences
    if count < 2 or len(sentences) < 2 * count:
        return [unit]
    pieces: list[list[Sentence]] = [[]]
    target = len(sentences) / count
    for position, sentence in enumerate(sentences):
        previous = sentences[position - 1] if position else None
        boundary = previous is not None and previous.paragraph != sentence.paragraph
        if boundary and len(pieces) < count and position >= target * len(pieces):
            pieces.append([])
        pieces[-1].append(sentence)
    first_heading = unit.groups[0].heading
    return [
        Unit(
            heading=first_heading if i == 0 else None, groups=[Group(heading=None, sentences=piece)]
        )
        for i, piece in enumerate(pieces)
    ]


def _weight(unit: Unit, scores: dict[int, float]) -> float:
    best = sorted((scores[s.order] for s in unit.sentences if is_readable(s, POINT)), reverse=True)
    return sum(best[:MAX_POINTS])


def _points(unit: Unit, scores: dict[int, float], used: list[Sentence]) -> list[Sentence]:
    for strictness in (POINT, LENIENT):
        points = _round_robin(unit, scores, used, strictness)
        if points:
            return points
    return []


def _round_robin(
    unit: Unit, scores: dict[int, float], used: list[Sentence], strictness: Strictness
) -> list[Sentence]:
    """The best sentence of each subsection in turn, so one long subsection cannot crowd out.

    Past the first few points, sentences weak next to the unit's best are left out."""
    queues = [
        sorted(
            (s for s in group.sentences if is_readable(s, strictness)),
            key=lambda s: (-scores[s.order], s.order),
        )
        for group in unit.groups
    ]
    queues = sorted((q for q in queues if q), key=lambda q: (-scores[q[0].order], q[0].order))
    if not queues:
        return []
    floor = _WEAK_POINT * scores[queues[0][0].order]
    chosen: list[Sentence] = []
    while len(chosen) < MAX_POINTS and any(queues):
        for queue in queues:
            while queue and is_redundant(queue[0], [*used, *chosen]):
                queue.pop(0)
            if not queue or len(chosen) == MAX_POINTS:
                continue
            if len(chosen) >= MIN_POINTS and scores[queue[0].order] < floor:
                queue.clear()
                continue
            chosen.append(queue.pop(0))
    return sorted(chosen, key=lambda sentence: sentence.order)


def _topic_heading(sentences: list[Sentence], doc_counts: Counter[str]) -> str:
    """Name an unheaded run of text by the words that set it apart from the rest."""
    surface: dict[str, Counter[str]] = {}
    for sentence in sentences:
        for word in words(sentence.text):
            if len(word) > 3 and not is_stopword(word):
                surface.setdefault(stem(word), Counter())[word] += 1
    local = Counter({key: sum(forms.values()) for key, forms in surface.items()})
    ranked = sorted(
        (key for key, count in local.items() if count >= 2),
        key=lambda key: (-local[key] / math.sqrt(doc_counts.get(key, 1) or 1), key),
    )
    labels = [_capitalised(surface[key].most_common(1)[0][0]) for key in ranked[:3]]
    return ", ".join(labels) if labels else _capitalised(" ".join(sentences[0].text.split()[:6]))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
