"""Page cleaning: lines without running headers, page numbers or table-of-contents pages."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from notes.generation.local.text import normalise, words

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ue000-\uf8ff\ufffd]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_PAGE_NUMBER = re.compile(r"^(?:\d{1,4}|[ivxlcdm]{1,6}|page \d+( of \d+)?|seite \d+)$", re.I)
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}")
_PAGE_REFERENCE = re.compile(r"\s(?:\d{1,4}|[ivx]{1,6})$")
_LETTER = re.compile(r"[^\W\d_]")
_CONTENTS_TITLES = ("inhaltsverzeichnis", "contents", "table of contents", "inhalt")
_HEADER_EDGE = 2


@dataclass(frozen=True)
class Line:
    text: str
    page: int


@dataclass(frozen=True)
class Layout:
    """The readable lines of a document plus what its table of contents promised."""

    lines: list[Line]
    toc_titles: list[str]

    @property
    def opening(self) -> list[str]:
        """The lines of the first page that has any text left."""
        first_page = self.lines[0].page if self.lines else 0
        return [line.text for line in self.lines if line.page == first_page]

    def without_opening(self, texts: list[str]) -> list[Line]:
        """The lines with the given lines of the first page (its title block) taken out."""
        remaining = list(texts)
        first_page = self.lines[0].page if self.lines else 0
        kept = []
        for line in self.lines:
            if line.page == first_page and line.text in remaining:
                remaining.remove(line.text)
                continue
            kept.append(line)
        return kept


def layout_from_pages(pages: list[str]) -> Layout:
    raw = [_page_lines(page) for page in pages]
    headers = _running_headers(raw)
    toc_titles: list[str] = []
    lines: list[Line] = []
    for number, page in enumerate(raw):
        kind = _listing_kind(page)
        if kind == "contents":
            toc_titles.extend(_toc_titles(page))
        if kind:
            continue
        for position, text in enumerate(page):
            at_edge = position < _HEADER_EDGE or position >= len(page) - _HEADER_EDGE
            if _PAGE_NUMBER.match(text) or (at_edge and _header_key(text) in headers):
                continue
            lines.append(Line(text=text, page=number))
    return Layout(lines=lines, toc_titles=toc_titles)


def typical_line_length(lines: list[Line]) -> int:
    """The length of a full line of body text, the yardstick for a paragraph's short end."""
    lengths = sorted(len(line.text) for line in lines if len(line.text.split()) >= 5)
    return lengths[len(lengths) // 2] if lengths else 80


def ends_paragraph(text: str, typical_length: int) -> bool:
    return text[-1:] in ".!?:" and len(text) < 0.8 * typical_length


def _page_lines(page: str) -> list[str]:
    text = _CONTROL.sub(" ", normalise(page))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def _header_key(line: str) -> str:
    return re.sub(r"\d+", "#", line).casefold()


def _running_headers(pages: list[list[str]]) -> set[str]:
    """Keys of lines that head or foot several pages and carry a page number."""
    counts: Counter[str] = Counter()
    for page in pages:
        edges = page[:_HEADER_EDGE] + page[-_HEADER_EDGE:]
        counts.update({_header_key(line) for line in edges})
    headers = set()
    for key, count in counts.items():
        numbered = "#" in key and len(words(key)) <= 8
        # A chapter title heads each of its pages but the page number is what marks it
        # as furniture; without a number only a line on most pages is a running header.
        if (numbered and count >= 2) or (len(pages) >= 4 and count >= 0.5 * len(pages)):
            headers.add(key)
    return headers


def _listing_kind(page: list[str]) -> str:
    """'contents' for a table of contents, 'listing' for an index or reference list, else ''.

    Both are lists of entries with page numbers or years, not prose; only the table of
    contents is worth reading, for the titles it promises.
    """
    if not page:
        return ""
    heading = re.sub(r"[\d\s]+", " ", page[0]).strip().casefold()
    leaders = sum(1 for line in page if _DOT_LEADER.search(line))
    if heading in _CONTENTS_TITLES or leaders >= 3:
        return "contents"
    entries = sum(1 for line in page if _entry_title(line))
    return "listing" if len(page) >= 4 and entries >= 0.6 * len(page) else ""


def _entry_title(line: str) -> str:
    """The title of a listing entry ("1.2 Metrische Räume . . . 6"), or "" for other lines."""
    reference = _PAGE_REFERENCE.search(line)
    if not reference:
        return ""
    title = _DOT_LEADER.sub(" ", line[: reference.start()]).strip(" .")
    return title if _LETTER.search(title) else ""


def _toc_titles(page: list[str]) -> list[str]:
    return [title for title in map(_entry_title, page) if title]
