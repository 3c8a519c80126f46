"""A key term and the sentence that explains it; matching a term in text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from notes.generation.local.sentences import Sentence
from notes.generation.local.text import stem, words


@dataclass(frozen=True)
class Term:
    term: str
    sentence: Sentence
    score: float


def term_pattern(term: str) -> re.Pattern[str]:
    """Matches the term and its inflected forms ("kompakt", "kompakte") as whole words."""
    return re.compile(rf"(?<![\w-]){re.escape(term)}[^\W\d_]{{0,3}}(?![\w-])", re.IGNORECASE)


def term_key(term: str) -> str:
    """Terms with the same key are one term: "offene Menge" and "offenen Mengen"."""
    return " ".join(stem(word) for word in words(term))
