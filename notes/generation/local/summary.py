"""Sentence scoring, and the summary: the best sentences, spread over the chapters."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from notes.generation.local.sentences import Role, Sentence
from notes.generation.local.text import word_list

_ROLE_WEIGHTS = {
    Role.PROSE: 1.0,
    Role.DEFINITION: 1.2,
    Role.THEOREM: 1.25,
    Role.REMARK: 0.9,
    Role.EXAMPLE: 0.6,
    Role.PROOF: 0.3,
    Role.EXERCISE: 0.2,
}
# Sentences that lean on the one before make poor notes on their own: the summary leaves
# them out, sections take them only when nothing better is there.
_ANAPHORA = frozenset(
    word_list(
        """dann also damit daher somit dies diese dieser dieses sie er hier dabei dazu außerdem
        insbesondere nun ebenso analog umgekehrt aber und oder auch jedoch this these those it
        they then thus hence so but and or here such therefore moreover furthermore similarly
        conversely also"""
    )
)
# Set-up sentences ("Sei X ein Raum.") only fix notation for what follows.
_PREMISE = re.compile(
    r"^(?:Sei|Seien|Es sei|Es seien|Gegeben sei|Betrachte|Let|Suppose|Assume|Consider)\b"
)
# Sentences that point elsewhere ("siehe Definition 32") lose their meaning out of place.
_CROSS_REFERENCE = re.compile(
    r"\b(?:Definition|Def\.|Bemerkung|Bem\.|Satz|Beispiel|Abbildung|Aufgabe|Figure|Fig\."
    r"|Section|Theorem|Lemma|Table|Eq\.)\s*\d"
)
_REFERENCE = re.compile(
    r"\bet al\b|\bpp\.|\bProc\.|\bdoi\b|arXiv|ISBN|\(\d{4}\)|^\[\d+\]|\bvol\.|\bIn:", re.I
)
_LINK = re.compile(r"https?://|www\.|@|\.(?:com|org|de|net)\b")
# What is left where pypdf dropped a symbol or drew an arrow as "!": "gleich .", "[ ]", "X !Y".
_FORMULA_TRACE = re.compile(r"~|\s[.,;]|[(\[{]\s*[)\]}]|!\S|\s!|=|:::|\w![\s]*$")
_STARTS_WELL = re.compile(r"^[\"„“(]?[A-ZÄÖÜ]")
_REDUNDANT = 0.5
_ABSTRACT_WEIGHT = 3.0
# A chapter's second summary sentence must be four times as good as another's first.
_REPEAT_CHAPTER = 0.25


@dataclass(frozen=True)
class Strictness:
    min_quality: float
    min_words: int
    max_words: int
    standalone: bool  # must make sense without the sentence before it


SUMMARY = Strictness(min_quality=0.85, min_words=8, max_words=45, standalone=True)
POINT = Strictness(min_quality=0.8, min_words=6, max_words=55, standalone=True)
LENIENT = Strictness(min_quality=0.5, min_words=3, max_words=80, standalone=False)


def is_readable(sentence: Sentence, strictness: Strictness) -> bool:
    """A whole sentence a reader can take in on its own: no fragment, formula or citation."""
    text = sentence.text
    if strictness.standalone and (
        _first_word(text) in _ANAPHORA
        or ":" in text
        or _FORMULA_TRACE.search(text)
        or _PREMISE.match(text)
        or _CROSS_REFERENCE.search(text)
    ):
        return False
    return (
        sentence.complete
        and (sentence.opening or strictness is LENIENT)
        and not text.endswith("?")
        and sentence.quality >= strictness.min_quality
        and strictness.min_words <= sentence.word_count <= strictness.max_words
        and bool(_STARTS_WELL.match(text))
        and text.count("(") == text.count(")")
        and not _REFERENCE.search(text)
        and not _LINK.search(text)
    )


def score_sentences(
    sentences: list[Sentence],
    chapters: dict[int, int],
    *,
    key_stems: set[str],
    abstract_parts: set[int],
) -> dict[int, float]:
    """Scores keyed by sentence order: words typical of the sentence's chapter, key terms,
    and the sentence's role (a definition outweighs an example, a proof counts little).

    An abstract is the author's own summary, so its sentences come first."""
    weights = _chapter_word_weights(sentences, chapters)
    scores = {}
    for sentence in sentences:
        distinct = set(sentence.stems)
        chapter_weights = weights[chapters[sentence.part]]
        centrality = sum(chapter_weights.get(stem, 0.0) for stem in distinct) / math.sqrt(
            max(sentence.word_count, 6)
        )
        terms = sum(1 for stem in distinct if stem in key_stems)
        scores[sentence.order] = (
            centrality
            * (1 + 0.25 * min(terms, 2))
            * _ROLE_WEIGHTS[sentence.role]
            * _independence(sentence.text)
            * sentence.quality
            * (_ABSTRACT_WEIGHT if sentence.part in abstract_parts else 1.0)
        )
    return scores


def _chapter_word_weights(
    sentences: list[Sentence], chapters: dict[int, int]
) -> dict[int, dict[str, float]]:
    """tf-idf with chapters as documents: "Krümmung" weighs in its chapter, "Menge" nowhere.

    The whole document's counts are blended in, so that a chapter of a few sentences (an
    abstract) still has words that count."""
    counts: dict[int, Counter[str]] = {}
    for sentence in sentences:
        counts.setdefault(chapters[sentence.part], Counter()).update(sentence.stems)
    spread = Counter(stem for chapter_counts in counts.values() for stem in chapter_counts)
    overall = Counter(stem for sentence in sentences for stem in sentence.stems)
    total = len(counts)

    def weight(stem: str, count: int) -> float:
        local = math.log1p(count) if count > 1 else 0.0
        return (local + math.log1p(overall[stem]) / 2) * math.log(1 + total / spread[stem])

    return {
        chapter: {stem: weight(stem, count) for stem, count in chapter_counts.items()}
        for chapter, chapter_counts in counts.items()
    }


def _independence(text: str) -> float:
    """How well a sentence stands on its own, as a factor for its score."""
    factor = 0.6 if _first_word(text) in _ANAPHORA else 1.0
    if _PREMISE.match(text):
        factor *= 0.4
    if _CROSS_REFERENCE.search(text):
        factor *= 0.5
    return factor


def _first_word(text: str) -> str:
    return text.split(maxsplit=1)[0].strip('"„“(').casefold() if text.strip() else ""


def pick_summary(
    sentences: list[Sentence],
    scores: dict[int, float],
    chapters: dict[int, int],
    *,
    limit: int,
) -> list[Sentence]:
    """The best sentences, each chapter's turn coming before any chapter's second one."""
    ranked = sorted(sentences, key=lambda sentence: (-scores[sentence.order], sentence.order))
    chosen: list[Sentence] = []
    per_chapter: Counter[int] = Counter()
    while len(chosen) < limit:
        best = max(
            (s for s in ranked if s not in chosen and not is_redundant(s, chosen)),
            key=lambda s: (
                scores[s.order] * _REPEAT_CHAPTER ** per_chapter[chapters[s.part]],
                -s.order,
            ),
            default=None,
        )
        if best is None:
            break
        chosen.append(best)
        per_chapter[chapters[best.part]] += 1
    return sorted(chosen, key=lambda sentence: sentence.order)


def is_redundant(sentence: Sentence, chosen: Iterable[Sentence]) -> bool:
    """True when the sentence says what a chosen one says (or repeats it verbatim)."""
    words = set(sentence.stems)
    for other in chosen:
        if other.text == sentence.text:
            return True
        others = set(other.stems)
        union = words | others
        if union and len(words & others) / len(union) >= _REDUNDANT:
            return True
    return False
