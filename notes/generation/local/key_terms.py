"""The notes' key terms: the defined terms, spread over the chapters, topped up with
recurring words when a document defines too few."""

from __future__ import annotations

from collections import Counter

from notes.generation.local.definitions import defined_terms
from notes.generation.local.recurring import recurring_terms
from notes.generation.local.sentences import Sentence
from notes.generation.local.terms import Term


def find_terms(
    sentences: list[Sentence],
    chapters: dict[int, int],
    *,
    headings: list[str],
    language: str,
    limit: int,
    minimum: int,
) -> list[Term]:
    """Up to `limit` key terms, spread across chapters, in the order the document defines them.

    `chapters` maps a sentence's part to its chapter; only sentences from parts in it count.
    Recurring words make up the `minimum` only: a word used often is a weaker key term than
    one the author took the trouble to define.
    """
    candidates = defined_terms(sentences, chapters, headings=headings, language=language)
    chosen = _spread(candidates, chapters, limit)
    if len(chosen) < minimum:
        chosen += recurring_terms(sentences, chapters, exclude=chosen, limit=minimum - len(chosen))
    return sorted(chosen, key=lambda term: term.sentence.order)


def _spread(candidates: list[Term], chapters: dict[int, int], limit: int) -> list[Term]:
    """The best terms, each chapter getting a share in proportion to what it defines."""
    defined = Counter(chapters[term.sentence.part] for term in candidates)
    total = sum(defined.values()) or 1
    quota = {chapter: max(1, round(limit * count / total)) for chapter, count in defined.items()}
    taken: Counter[int] = Counter()
    chosen: list[Term] = []
    for term in candidates:
        chapter = chapters[term.sentence.part]
        if taken[chapter] < quota[chapter] and len(chosen) < limit:
            chosen.append(term)
            taken[chapter] += 1
    for term in candidates:
        if len(chosen) < limit and term not in chosen:
            chosen.append(term)
    return chosen
