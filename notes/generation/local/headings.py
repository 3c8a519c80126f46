"""Heading detection: numbered headings in sequence, well-known section names, ToC titles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from notes.generation.local.layout import Line
from notes.generation.local.text import is_clean_word, is_stopword, prose_ratio, word_list, words

_NUMBERED = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>[^\W\d_].*)$")
_MAX_TITLE_WORDS = 12


class Kind(StrEnum):
    """What a part of the document is for, which decides whether notes draw on it."""

    CONTENT = "content"
    ABSTRACT = "abstract"
    EXERCISES = "exercises"
    MATTER = "matter"  # front and back matter: preface, references, index, credits


_KNOWN_TITLES: dict[str, Kind] = {
    **dict.fromkeys(
        word_list("""abstract zusammenfassung kurzfassung"""),
        Kind.ABSTRACT,
    ),
    **dict.fromkeys(
        word_list(
            """introduction einleitung einführung background motivation overview überblick
            methods method methodology methoden results ergebnisse discussion diskussion
            conclusion conclusions fazit ausblick outlook summary evaluation experiments
            implementation appendix anhang"""
        ),
        Kind.CONTENT,
    ),
    **dict.fromkeys(
        ["related work", "future work", "materials and methods", "schluss"],
        Kind.CONTENT,
    ),
    **dict.fromkeys(
        word_list("""übungsaufgaben aufgaben übungen exercises problems solutions lösungen"""),
        Kind.EXERCISES,
    ),
    **dict.fromkeys(
        ["lösungen der übungsaufgaben", "solutions to exercises", "solutions to the exercises"],
        Kind.EXERCISES,
    ),
    **dict.fromkeys(
        word_list(
            """contents inhaltsverzeichnis inhalt preface foreword vorwort acknowledgements
            acknowledgments acknowledgement danksagung danksagungen references bibliography
            literatur literaturverzeichnis quellen bildquellen index stichwortverzeichnis
            symbolverzeichnis abkürzungsverzeichnis abbildungsverzeichnis tabellenverzeichnis
            glossary glossar"""
        ),
        Kind.MATTER,
    ),
    **dict.fromkeys(
        ["table of contents", "list of figures", "list of tables", "list of symbols"],
        Kind.MATTER,
    ),
}


@dataclass(frozen=True)
class Heading:
    index: int  # position of the heading's first line in the document's lines
    span: int  # how many lines the heading occupies (long titles wrap)
    title: str
    number: tuple[int, ...]
    kind: Kind

    @property
    def level(self) -> int:
        return max(1, len(self.number))

    @property
    def label(self) -> str:
        number = ".".join(str(part) for part in self.number)
        return f"{number} {self.title}" if number else self.title


def find_headings(lines: list[Line], toc_titles: list[str]) -> list[Heading]:
    toc = {_toc_key(title) for title in toc_titles}
    headings: list[Heading] = []
    previous: tuple[int, ...] | None = None
    index = 0
    while index < len(lines):
        heading = _numbered_heading(lines, index, previous, toc) or _named_heading(
            lines, index, toc, numbered_seen=previous is not None
        )
        if heading is None:
            index += 1
            continue
        headings.append(heading)
        if heading.number:
            previous = heading.number
        index += heading.span
    return headings


def known_kind(title: str) -> Kind | None:
    """The kind of a conventional section title ("Abstract", "Literatur"), if it is one."""
    return _KNOWN_TITLES.get(_toc_key(title))


def _toc_key(title: str) -> str:
    """Numbers stay in the key so that "5 Krümmung" does not match a bare "Krümmung"."""
    return " ".join(re.findall(r"[^\W_]+", title)).casefold()


def _numbered_heading(
    lines: list[Line], index: int, previous: tuple[int, ...] | None, toc: set[str]
) -> Heading | None:
    match = _NUMBERED.match(lines[index].text)
    if not match:
        return None
    number = tuple(int(part) for part in match.group("number").split("."))
    title, span = _full_title(lines, index, match.group("title"), toc)
    listed = _toc_key(f"{match.group('number')} {title}") in toc
    if not _is_title(title) or not (listed or _follows(number, previous)):
        return None
    kind = _KNOWN_TITLES.get(_toc_key(title), Kind.CONTENT)
    return Heading(index=index, span=span, title=title, number=number, kind=kind)


def _full_title(lines: list[Line], index: int, title: str, toc: set[str]) -> tuple[str, int]:
    """Join a title that wraps onto the next line ("2 Mannigfaltigkeiten und")."""
    if index + 1 < len(lines):
        following = lines[index + 1].text
        joined = f"{title} {following}"
        last_word = title.split()[-1] if title.split() else ""
        wraps = is_stopword(last_word) or title.endswith("-")
        number = lines[index].text.split()[0].rstrip(".")
        if (wraps and _is_title(following)) or _toc_key(f"{number} {joined}") in toc:
            return joined.replace("- ", "-"), 2
    return title, 1


def _is_title(title: str) -> bool:
    tokens = title.split()
    if not tokens or len(tokens) > _MAX_TITLE_WORDS or len(title) > 120:
        return False
    if title[-1] in ".,;:=" or any(mark in title for mark in ("=", ":", ";", "  ")):
        return False
    return prose_ratio(title) >= 0.99 and not is_stopword(tokens[-1])


def _follows(number: tuple[int, ...], previous: tuple[int, ...] | None) -> bool:
    """Numbered headings come in order; a number out of sequence is a formula or a list."""
    if previous is None:
        return all(part <= 1 for part in number)
    return number in _successors(previous)


def _successors(previous: tuple[int, ...]) -> set[tuple[int, ...]]:
    successors = {(*previous, 1)}
    for depth in range(len(previous)):
        following = previous[depth] + 1
        # One skipped number is allowed: pypdf sometimes mangles a heading line.
        successors |= {(*previous[:depth], following), (*previous[:depth], following + 1)}
        successors.add((*previous[:depth], following, 1))
    return successors


def _named_heading(
    lines: list[Line], index: int, toc: set[str], *, numbered_seen: bool
) -> Heading | None:
    text = lines[index].text.rstrip(":").strip()
    key = _toc_key(text)
    kind = _KNOWN_TITLES.get(key)
    if kind is None and key in toc and _is_title(text):
        # An unnumbered ToC entry in a numbered document is an appendix or a list.
        kind = Kind.MATTER if numbered_seen else Kind.CONTENT
    if kind is None or not all(is_clean_word(word) for word in words(text)):
        return None
    return Heading(index=index, span=1, title=text, number=(), kind=kind)
