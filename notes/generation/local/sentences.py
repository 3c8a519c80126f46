"""Sentences rebuilt from PDF lines: wrapped lines joined; formulas, labels, captions left out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from notes.generation.local.layout import Line, ends_paragraph
from notes.generation.local.parts import Part
from notes.generation.local.text import (
    content_words,
    is_clean_word,
    is_stopword,
    prose_ratio,
    split_sentences,
    word_list,
)


class Role(StrEnum):
    """The environment a sentence stands in, as lecture notes label them."""

    PROSE = "prose"
    DEFINITION = "definition"
    THEOREM = "theorem"
    REMARK = "remark"
    EXAMPLE = "example"
    PROOF = "proof"
    EXERCISE = "exercise"


_LABEL_ROLES: dict[str, Role] = {
    **dict.fromkeys(["definition", "def", "defn"], Role.DEFINITION),
    **dict.fromkeys(
        word_list(
            """satz theorem lemma proposition korollar corollary folgerung hilfssatz hauptsatz
            axiom"""
        ),
        Role.THEOREM,
    ),
    **dict.fromkeys(
        word_list(
            """bemerkung remark anmerkung note beobachtung beobachtungen notation hinweis
            erinnerung achtung"""
        ),
        Role.REMARK,
    ),
    **dict.fromkeys(word_list("beispiel beispiele example examples bsp"), Role.EXAMPLE),
    **dict.fromkeys(word_list("beweis proof bew beweisidee beweisskizze"), Role.PROOF),
    **dict.fromkeys(
        word_list("aufgabe übung exercise problem lösung solution beh vor"), Role.EXERCISE
    ),
}
_LABEL = re.compile(
    r"^(?P<label>[^\W\d_]+)\.?(?:\s+(?P<number>\d+(?:\.\d+)*[a-z]?))?\.?\s*"
    r"(?:\((?P<name>[^()]{1,60})\))?\s*(?P<mark>[.:])?\s*(?P<rest>.*)$"
)
_CAPTION = re.compile(
    r"^(?:Abbildung|Abb\.|Figure|Fig\.|Table|Tabelle|Tab\.)\s*\d+(?:\.\d+)*\s*[:.]"
)
_ENUMERATION = re.compile(
    r"^(?:\(?[a-z]\)|\(?[ivx]{1,4}\)|\(?\d{1,2}\)|\d{1,2}\.(?=\s)|[•·▪◦∙*\u2013-](?=\s))\s*"
)
_FOOTNOTE_MARK = re.compile(r"^\d{1,2}(?=[A-ZÄÖÜ][a-zäöüß]{2,})")
_MIN_LINE_PROSE = 0.5


@dataclass(frozen=True)
class Sentence:
    text: str
    order: int
    part: int
    paragraph: int
    role: Role
    complete: bool  # ends with its own full stop rather than running into a formula
    opening: bool  # starts a sentence rather than continuing one a formula interrupted
    quality: float  # share of clean words, 1.0 for plain prose
    stems: tuple[str, ...] = field(repr=False)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass
class _Reader:
    """Collects lines into blocks of prose and blocks into sentences."""

    typical_length: int
    sentences: list[Sentence] = field(default_factory=list)
    paragraph: int = 0
    block: list[str] = field(default_factory=list)
    role: Role = Role.PROSE
    # Set when a formula line interrupted an unfinished sentence: the next prose continues it.
    interrupted: bool = False

    def read(self, part_index: int, part: Part) -> None:
        self.role = Role.PROSE
        self.interrupted = False
        for line in part.lines:
            self._read_line(part_index, line)
        self._flush(part_index)

    def _read_line(self, part_index: int, line: Line) -> None:
        text = _FOOTNOTE_MARK.sub("", line.text)
        label = _label(text)
        if label is not None:
            self._flush(part_index)
            self.interrupted = False
            self.role, text = label
            if not text:
                return
        if _CAPTION.match(text):
            self._flush(part_index)
            self.interrupted = False
            return
        enumeration = _ENUMERATION.match(text)
        if enumeration:
            self._flush(part_index)
            self.interrupted = False
            text = text[enumeration.end() :]
        if not self._is_prose(text):
            if self.block:
                self._flush(part_index)
                self.interrupted = not self.sentences[-1].complete
            # A formula line ending in a word ("... Somit ist p eine") leaves its sentence open.
            last = text.split()[-1] if text.split() else ""
            self.interrupted = self.interrupted or (is_clean_word(last) and last[:1].islower())
            return
        self._append(text)
        if ends_paragraph(text, self.typical_length):
            self._flush(part_index)

    def _is_prose(self, text: str) -> bool:
        ratio = prose_ratio(text)
        clean = sum(1 for token in text.split() if is_clean_word(token))
        # A paragraph's last line may hold a single word ("massa.").
        return ratio >= _MIN_LINE_PROSE and (clean >= 2 or (bool(self.block) and ratio == 1))

    def _append(self, text: str) -> None:
        if self.block and self.block[-1].endswith("-") and text[:1].islower():
            # Undo hyphenation at a line break, but keep real compounds ("Schwarz-Weiß").
            previous = self.block[-1]
            if len(previous) > 1 and previous[-2].isalpha():
                self.block[-1] = previous[:-1] + text
                return
        if self.block and self.block[-1].endswith("-"):
            self.block[-1] += text
            return
        self.block.append(text)

    def _flush(self, part_index: int) -> None:
        if not self.block:
            return
        for position, text in enumerate(split_sentences(" ".join(self.block))):
            lowercase = not text.lstrip('"„“(')[:1].isupper()
            continues = position == 0 and (self.interrupted or lowercase)
            self.sentences.append(
                Sentence(
                    text=text,
                    order=len(self.sentences),
                    part=part_index,
                    paragraph=self.paragraph,
                    role=self.role,
                    complete=text[-1] in ".!?",
                    opening=not continues and _opens_sentence(text),
                    quality=prose_ratio(text),
                    stems=tuple(content_words(text)),
                )
            )
        self.block = []
        self.paragraph += 1
        self.interrupted = False


def read_sentences(parts: list[Part], typical_length: int) -> list[Sentence]:
    reader = _Reader(typical_length=typical_length)
    for index, part in enumerate(parts):
        reader.read(index, part)
    return reader.sentences


def _opens_sentence(text: str) -> bool:
    """Starts with a word, not a symbol: "Rn eine Funktion" is the tail of a formula."""
    first = text.split(maxsplit=1)[0].strip('"„“(') if text.strip() else ""
    letters = first.rstrip(".,;:")
    return (len(letters) >= 3 and is_clean_word(letters)) or is_stopword(letters)


def _label(text: str) -> tuple[Role, str] | None:
    """The role a label line ("Definition 3", "Beweis: ...") opens, and the text after it."""
    match = _LABEL.match(text)
    if not match:
        return None
    role = _LABEL_ROLES.get(match.group("label").casefold())
    if role is None:
        return None
    rest = match.group("rest")
    if not (match.group("number") or match.group("name") or match.group("mark") or not rest):
        return None
    return role, rest
