"""The document's title: the first prominent line of its first page."""

from __future__ import annotations

import re
from pathlib import PurePath

from notes.generation.local.headings import known_kind
from notes.generation.local.sentences import Sentence
from notes.generation.local.text import is_stopword, prose_ratio, words

_MAX_TITLE_LENGTH = 200
_MAX_TITLE_WORDS = 16
_LINES_TO_SEARCH = 8
_NOT_A_TITLE = re.compile(
    r"@|https?://|www\.|\bdoi\b|arXiv|ISSN|ISBN|©|\bvol\.|\bpp\.|\bpreprint\b|\bjournal\b"
    r"|\bproceedings\b|\b(?:19|20)\d\d\b|^\d+$",
    re.IGNORECASE,
)


def title_lines(first_page: list[str], typical_length: int) -> list[str]:
    """The lines of the first page that make up its title, or none if the text starts at once."""
    lines = first_page[:_LINES_TO_SEARCH]
    for position, line in enumerate(lines):
        if _starts_paragraph(line, lines[position + 1 : position + 2], typical_length):
            break  # the body begins: this page has no title block
        if _is_title_line(line):
            return _with_continuation(line, lines[position + 1 :])
    return []


def find_title(lines: list[str], sentences: list[Sentence], file_name: str) -> str:
    if lines:
        return _clip(" ".join(lines))
    return _clip(_title_from_text(sentences) or _title_from_file_name(file_name))


def _starts_paragraph(line: str, following: list[str], typical_length: int) -> bool:
    """A full-width line running on into the next is body text, not a title."""
    runs_on = bool(following) and following[0][:1].islower()
    return len(line) >= 0.8 * typical_length and (runs_on or len(line.split()) > _MAX_TITLE_WORDS)


def _is_title_line(line: str) -> bool:
    if _NOT_A_TITLE.search(line) or known_kind(line) is not None:
        return False
    line_words = words(line)
    return (
        2 <= len(line_words) <= _MAX_TITLE_WORDS
        and prose_ratio(line) >= 0.75
        and not line.endswith((".", ",", ";"))
    )


def _with_continuation(first: str, following: list[str]) -> list[str]:
    """Titles wrap: "Einführung in die" continues on the next line."""
    lines = [first]
    for line in following[:2]:
        last = lines[-1].split()[-1]
        if not (is_stopword(last) or lines[-1].endswith(("-", ":")) or line[:1].islower()):
            break
        if _NOT_A_TITLE.search(line) or prose_ratio(line) < 0.75:
            break
        lines.append(line)
    return lines


def _title_from_text(sentences: list[Sentence]) -> str:
    """Without a title block, the opening words of the text stand in for one."""
    for sentence in sentences[:5]:
        clause = re.split(r"[,;:]", sentence.text.rstrip(".!?"))[0]
        if 3 <= len(words(clause)) <= 10:
            return clause
        if 3 <= len(words(sentence.text)) <= 12:
            return sentence.text.rstrip(".!?")
    return ""


def _title_from_file_name(file_name: str) -> str:
    stem = PurePath(file_name).stem
    return re.sub(r"[_-]+", " ", stem).strip() or "Untitled document"


def _clip(title: str) -> str:
    title = " ".join(title.split())
    if len(title) <= _MAX_TITLE_LENGTH:
        return title
    return title[: _MAX_TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
