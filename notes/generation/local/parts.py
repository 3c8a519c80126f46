"""The document cut at its headings into parts, grouped into top-level chapters."""

from __future__ import annotations

from dataclasses import dataclass

from notes.generation.local.headings import Heading, Kind
from notes.generation.local.layout import Line, ends_paragraph


@dataclass(frozen=True)
class Part:
    heading: Heading | None
    kind: Kind
    chapter: int  # parts of one top-level chapter share this number
    lines: list[Line]


def split_parts(lines: list[Line], headings: list[Heading], typical_length: int) -> list[Part]:
    parts: list[Part] = []
    preamble_end = headings[0].index if headings else len(lines)
    if preamble_end:
        parts.append(Part(heading=None, kind=Kind.CONTENT, chapter=0, lines=lines[:preamble_end]))
    chapter = 0
    for position, heading in enumerate(headings):
        end = headings[position + 1].index if position + 1 < len(headings) else len(lines)
        body = lines[heading.index + heading.span : end]
        if heading.level == 1 or heading.kind is not Kind.CONTENT:
            chapter += 1
        if heading.kind is Kind.ABSTRACT:
            # An abstract is one paragraph; papers often run straight on into unheaded text.
            cut = _first_paragraph_end(body, typical_length)
            parts.append(
                Part(heading=heading, kind=heading.kind, chapter=chapter, lines=body[:cut])
            )
            if cut < len(body):
                chapter += 1
                parts.append(
                    Part(heading=None, kind=Kind.CONTENT, chapter=chapter, lines=body[cut:])
                )
            continue
        parts.append(Part(heading=heading, kind=heading.kind, chapter=chapter, lines=body))
    return parts


def _first_paragraph_end(lines: list[Line], typical_length: int) -> int:
    for position, line in enumerate(lines):
        if ends_paragraph(line.text, typical_length):
            return position + 1
    return len(lines)
